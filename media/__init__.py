"""Online lessons: video and audio lessons, their renditions and captions, and the watching that counts as learning."""
