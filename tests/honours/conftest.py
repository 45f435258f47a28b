"""Fixtures for stars and brands: rounds at any phase (dates relative to today), the public honours page,
evidence files, residents with a home town."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from honours.models import HonourKind, HonourRound, HonoursIndexPage
from tests.factories import TownFactory, UserFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.VAR_DIR = tmp_path  # evidence under the test's own folder


def pdf(name="获奖证书.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


# Days from today to each date of a round, by phase.
PHASES = {
    "upcoming": (5, 10, 15, 20, 27, 30),
    "nominating": (-5, 10, 15, 20, 27, 30),
    "reviewing": (-20, -5, 5, 10, 17, 20),
    "notice": (-30, -20, -10, -2, 5, 10),
    "notice_closed": (-40, -30, -20, -10, -1, 3),
}


@pytest.fixture
def make_round(db):
    def build(*, kind=HonourKind.STAR, phase="nominating", year=None, **fields):
        today = timezone.localdate()
        offsets = dict(
            zip(
                [
                    "nomination_opens",
                    "nomination_closes",
                    "review_deadline",
                    "notice_starts",
                    "notice_closes",
                    "award_date",
                ],
                [today + datetime.timedelta(days=d) for d in PHASES[phase]],
                strict=True,
            )
        )
        return HonourRound.objects.create(
            kind=kind,
            year=year or today.year,
            title=f"{year or today.year}年度{HonourKind(kind).label}推选",
            criteria="<p>热爱学习，带动身边人学习。</p>",
            objection_contact="区社区教育指导中心 022-29140000",
            **{**offsets, **fields},
        )

    return build


@pytest.fixture
def star_round(make_round):
    return make_round(kind=HonourKind.STAR)


@pytest.fixture
def brand_round(make_round):
    return make_round(kind=HonourKind.BRAND)


@pytest.fixture
def town(db):
    return TownFactory(name="罗庄子镇")


@pytest.fixture
def resident(town):
    return UserFactory(display_name="王晓明", phone="13822221111", home_town=town)


@pytest.fixture
def honours_page(tree):
    page = HonoursIndexPage(title="百姓学习之星与学习品牌", slug="honours")
    tree["home"].add_child(instance=page)
    page.save_revision().publish()
    return page
