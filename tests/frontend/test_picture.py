"""includes/picture.html: responsive WebP renditions with a JPEG fallback, lazily loaded."""

import io
import re

import pytest
from django.core.files.images import ImageFile
from django.template.loader import render_to_string
from PIL import Image as PILImage
from wagtail.images.models import Image


@pytest.fixture
def photo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    PILImage.new("RGB", (1600, 900), (60, 140, 60)).save(buffer, format="JPEG")
    return Image.objects.create(
        title="梨园", file=ImageFile(buffer, name="liyuan.jpg"), description="罗庄子镇的梨园，梨花盛开"
    )


def test_picture_offers_webp_and_jpeg_in_three_widths_lazily(photo):
    html = render_to_string("includes/picture.html", {"image": photo})
    assert html.count("<source") == 1 and 'type="image/webp"' in html
    webp = re.search(r'<source [^>]*srcset="([^"]+)"', html).group(1)
    assert [int(w) for w in re.findall(r" (\d+)w", webp)] == [360, 720, 1080]
    assert ".webp" in webp
    img = re.search(r"<img [^>]+>", html).group(0)
    assert 'loading="lazy"' in img and 'decoding="async"' in img
    assert re.search(r'src="[^"]+\.jpg"', img)
    assert 'sizes="(min-width: 48em) 36rem, 100vw"' in img
    assert 'alt="罗庄子镇的梨园，梨花盛开"' in img
    assert 'width="' in img and 'height="' in img  # the browser reserves the space: no layout shift


def test_picture_options(photo):
    html = render_to_string(
        "includes/picture.html", {"image": photo, "eager": True, "decorative": True, "sizes": "100vw", "caption": "x"}
    )
    assert 'loading="eager"' in html and 'alt=""' in html and 'sizes="100vw"' in html
    assert "<figcaption>x</figcaption>" in html


def test_no_image_renders_nothing(db):
    assert render_to_string("includes/picture.html", {"image": None}).strip() == ""
