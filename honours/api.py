"""Stars and brands over JSON: GET /api/v1/honours/rounds, /honours/notice, /honours/awards.

Public reads. Names are what public pages show (masked without the person's consent); never phone numbers.
"""

import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from honours.models import Nomination
from honours.selectors import notice_shortlist, public_awards, rounds_public

router = Router(tags=["学习之星与学习品牌"])


class RoundOut(Schema):
    id: int
    kind: str
    year: int
    title: str
    criteria_html: str
    phase: str
    nomination_opens: datetime.date
    nomination_closes: datetime.date
    review_deadline: datetime.date
    notice_starts: datetime.date
    notice_closes: datetime.date
    award_date: datetime.date
    objection_contact: str


class HonourOut(Schema):
    round_id: int
    kind: str
    year: int
    name: str
    headline: str
    town: str | None
    school: str | None
    notice_closes: datetime.date
    awarded_on: datetime.date | None


def _honour(n: Nomination) -> dict:
    return {
        "round_id": n.round_id,
        "kind": n.round.kind,
        "year": n.round.year,
        "name": n.public_name,
        "headline": n.headline,
        "town": n.town.name if n.town else None,
        "school": n.provider.title if n.provider_id else None,
        "notice_closes": n.round.notice_closes,
        "awarded_on": n.awarded_at.date() if n.awarded_at else None,
    }


@router.get("/honours/rounds", response=list[RoundOut], auth=None, summary="推选年度（学习之星、学习品牌）")
def honours_rounds(request: HttpRequest):
    return [
        {
            "id": r.pk,
            "kind": r.kind,
            "year": r.year,
            "title": r.title,
            "criteria_html": r.criteria,
            "phase": r.phase(),
            "nomination_opens": r.nomination_opens,
            "nomination_closes": r.nomination_closes,
            "review_deadline": r.review_deadline,
            "notice_starts": r.notice_starts,
            "notice_closes": r.notice_closes,
            "award_date": r.award_date,
            "objection_contact": r.objection_contact,
        }
        for r in rounds_public()
    ]


@router.get("/honours/notice", response=list[HonourOut], auth=None, summary="公示中的入围名单")
def honours_notice(request: HttpRequest):
    return [_honour(n) for n in notice_shortlist()]


@router.get("/honours/awards", response=list[HonourOut], auth=None, summary="已表彰的学习之星和学习品牌")
def honours_awards(request: HttpRequest, limit: int = 100):
    return [_honour(n) for n in public_awards(limit=max(1, min(limit, 500)))]
