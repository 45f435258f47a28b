"""Uploads are limited by size and by pixels: an oversized photo and decompression bombs (tiny files that would
decode to hundreds of megabytes) are refused in the Wagtail image upload with a message saying why, and nothing is
stored. The images are made with Pillow here."""

import io
import os

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.images.models import Image
from wagtail.models import Collection

from tests.factories import UserFactory


def png(size: tuple[int, int], *, mode: str = "1", noise: bool = False) -> bytes:
    if noise:  # random pixels do not compress: the file is as big as the image
        image = PILImage.frombytes(mode, size, os.urandom(size[0] * size[1] * len(mode)))
    else:
        image = PILImage.new(mode, size)
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=0 if noise else 9)
    return out.getvalue()


@pytest.fixture
def upload(client, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    collection = Collection.get_first_root_node()

    def post(content: bytes, name: str = "photo.png"):
        file = SimpleUploadedFile(name, content, content_type="image/png")
        return client.post(
            reverse("wagtailimages:add"), {"title": "照片", "file": file, "collection": collection.pk}, follow=True
        )

    return post


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()]


def test_the_limits():
    assert settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE == 10 * 1024 * 1024
    assert settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS == 50_000_000
    assert PILImage.MAX_IMAGE_PIXELS == settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS  # the guard is on in every process
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024


def test_an_ordinary_photo_is_taken(upload, tmp_path):
    response = upload(png((800, 600), mode="RGB"))
    assert response.status_code == 200 and Image.objects.count() == 1
    assert stored_files(tmp_path)


def test_an_oversized_file_is_refused(upload, tmp_path):
    content = png((1900, 1900), mode="RGB", noise=True)
    assert len(content) > settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE
    response = upload(content)
    assert "文件过大" in response.content.decode()  # Wagtail's "This file is too big (…). Maximum filesize 10.0 MB."
    assert Image.objects.count() == 0 and stored_files(tmp_path) == []


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")  # Pillow's own, for 60 megapixels
@pytest.mark.parametrize(
    "size",
    [
        (10_000, 6_000),  # 60 megapixels: above the site's limit, below Pillow's refusal (twice the limit)
        (15_000, 15_000),  # 225 megapixels: Pillow refuses before decoding anything
    ],
)
def test_a_decompression_bomb_is_refused_before_it_is_decoded(upload, tmp_path, size):
    content = png(size)
    assert len(content) < 200_000  # a tiny file…
    response = upload(content)
    page = response.content.decode()
    assert response.status_code == 200
    # …refused with Wagtail's message: "This file has too many pixels (…). Maximum pixels 50000000."
    assert "文件包含像素过多" in page and "50000000" in page
    assert Image.objects.count() == 0 and stored_files(tmp_path) == []
