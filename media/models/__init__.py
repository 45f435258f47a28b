"""The media app's models, one module per concern (assets: files and renditions; lessons: pages; progress: watching)."""
