"""The media app's models, one module per concern (assets: files and renditions; lessons: pages; progress: watching)."""

from media.models.assets import CaptionTrack, LessonMedia, MediaRendition  # noqa: F401
from media.models.lessons import LessonPage  # noqa: F401
from media.models.progress import LessonProgress, LessonViewing, OnlineCompletion  # noqa: F401
