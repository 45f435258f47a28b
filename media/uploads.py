"""Uploads: the size limit enforced while the body streams in (before any file is read whole), and a local path
for ffprobe to read an upload from.

`UploadSizeLimitHandler` comes first in FILE_UPLOAD_HANDLERS: once a file (or the declared request length) passes
LESSON_MEDIA_MAX_UPLOAD_BYTES — the largest thing anyone uploads to this site — it stops passing data to the
handlers that write to memory or disk and hands the form a stand-in file marked `refused_too_large`, so the
form can say why instead of "no file". The reverse proxy's body limit (docs/deployment.md) stops the bytes
earlier still.
"""

import contextlib
import io
import os
import shutil
import tempfile
from collections.abc import Iterator

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class RefusedUpload(UploadedFile):
    """What the form gets instead of a file that was too large: its name, and the bytes seen before stopping."""

    refused_too_large = True

    def __init__(self, name: str, content_type: str, size: int):
        super().__init__(io.BytesIO(b""), name=name, content_type=content_type, size=size)


class UploadSizeLimitHandler(FileUploadHandler):
    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.limit = settings.LESSON_MEDIA_MAX_UPLOAD_BYTES
        # A declared length over the limit: refuse every file in it without storing a byte.
        self.request_too_large = bool(content_length) and content_length > self.limit
        return None

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        self.refused = getattr(self, "request_too_large", False)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.refused = True
        return None if self.refused else raw_data

    def file_complete(self, file_size):
        if self.refused:
            return RefusedUpload(self.file_name, self.content_type, max(self.received, self.limit + 1))
        return None


@contextlib.contextmanager
def upload_local_path(upload: UploadedFile) -> Iterator[str]:
    """A path ffprobe can open: the upload's own temporary file, or a copy of a small in-memory one."""
    if hasattr(upload, "temporary_file_path"):
        yield upload.temporary_file_path()
        return
    suffix = os.path.splitext(upload.name or "")[1]
    with tempfile.NamedTemporaryFile(suffix=suffix) as copy:
        upload.seek(0)
        shutil.copyfileobj(upload, copy)
        copy.flush()
        upload.seek(0)
        yield copy.name
