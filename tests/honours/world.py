"""Stars and brands for the security tests' district (tests/security/world.py): an open star round, school B's
nomination of a resident (with evidence) that only school B, the centre and the nominee may see or touch, a
round in its public notice (公示) in which the resident is shortlisted."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from honours.models import HonourKind, HonourRound, HonoursIndexPage
from honours.services import nomination_decide, star_nominate
from tests.factories import UserFactory


def _round(kind: str, year: int, opens_in: int, **fields) -> HonourRound:
    day = timezone.localdate() + datetime.timedelta(days=opens_in)
    return HonourRound.objects.create(
        kind=kind,
        year=year,
        title=f"{year}年度推选（{kind}）",
        criteria="<p>条件</p>",
        nomination_opens=day,
        nomination_closes=day + datetime.timedelta(days=20),
        review_deadline=day + datetime.timedelta(days=25),
        notice_starts=day + datetime.timedelta(days=30),
        notice_closes=day + datetime.timedelta(days=36),
        award_date=day + datetime.timedelta(days=40),
        objection_contact="指导中心 022-29140000",
        **fields,
    )


def honours_world(*, home, resident, staff_b, school_b, centre) -> dict:
    page = HonoursIndexPage(title="学习之星", slug="honours")
    home.add_child(instance=page)
    page.save_revision().publish()
    today = timezone.localdate()
    open_round = _round(HonourKind.STAR, today.year, -5)
    nominee = UserFactory(display_name="乙校被推荐人", phone="13611112222")
    by_school_b = star_nominate(
        by=staff_b,
        round_id=open_round.pk,
        nominee_phone=nominee.phone,
        provider=school_b,
        headline="乙校推荐的保密事迹",
        story="只给乙校和指导中心看。",
        name_consent=False,
        evidence=[SimpleUploadedFile("乙校材料.pdf", b"%PDF-1.4 b", content_type="application/pdf")],
    )
    notice_round = _round(HonourKind.STAR, today.year - 1, -32)
    shortlisted = star_nominate(
        by=staff_b, round_id=notice_round.pk, nominee_phone=resident.phone, provider=school_b, headline="入围",
        story="事迹", name_consent=False, today=notice_round.nomination_opens,
    )  # fmt: skip
    shortlisted = nomination_decide(
        by=centre, nomination_id=shortlisted.pk, approve=True, today=notice_round.review_deadline
    )
    return {
        "page": page,
        "open_round": open_round,
        "notice_round": notice_round,
        "by_school_b": by_school_b,
        "evidence_b": by_school_b.evidence.get(),
        "shortlisted": shortlisted,
    }
