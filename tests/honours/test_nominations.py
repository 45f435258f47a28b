"""Nominating: by a school's staff for a resident found by phone, by a resident for themselves, a school's
brand project; and every bad input refused with nothing stored."""

import pytest

from honours.models import HonourKind, Nomination, NominationEvidence
from honours.services import HonoursRefused, brand_nominate, nomination_withdraw, star_nominate
from tests.honours.conftest import PNG, pdf


def _star(by, round_, **kwargs):
    fields = {"headline": "退休教师义务教书法", "story": "十年来每周在村文化室教乡亲写毛笔字。", "name_consent": False}
    return star_nominate(by=by, round_id=round_.pk, **{**fields, **kwargs})


def test_school_staff_nominate_a_resident_by_phone_with_evidence(staff_a, tree, resident, star_round, settings):
    nomination = _star(
        staff_a, star_round, nominee_phone="138 2222 1111", provider=tree["school_a"], evidence=[pdf(), pdf("照片.pdf")]
    )
    assert nomination.nominee == resident and nomination.provider == tree["school_a"]
    assert [e.original_name for e in nomination.evidence.all()] == ["获奖证书.pdf", "照片.pdf"]
    stored = list((settings.VAR_DIR / "private" / "honours").rglob("*.pdf"))
    assert len(stored) == 2  # private storage, never under MEDIA_ROOT


def test_a_resident_nominates_themselves(resident, star_round):
    nomination = _star(resident, star_round, name_consent=True)
    assert nomination.nominee == resident and nomination.provider is None and nomination.name_consent


def test_nominee_who_does_not_exist_is_a_clear_error(staff_a, tree, star_round):
    with pytest.raises(HonoursRefused) as refused:
        _star(staff_a, star_round, nominee_phone="13999990000", provider=tree["school_a"], evidence=[pdf()])
    assert refused.value.code == "no_such_person" and "没有找到" in refused.value.message
    assert not Nomination.objects.exists() and not NominationEvidence.objects.exists()


def test_a_malformed_phone_is_refused(staff_a, tree, star_round):
    with pytest.raises(HonoursRefused) as refused:
        _star(staff_a, star_round, nominee_phone="12345", provider=tree["school_a"])
    assert refused.value.code == "no_such_person"
    assert not Nomination.objects.exists()


@pytest.mark.parametrize("phase", ["upcoming", "reviewing", "notice", "notice_closed"])
def test_outside_the_nomination_dates_is_refused(make_round, resident, phase):
    honour_round = make_round(phase=phase)
    with pytest.raises(HonoursRefused) as refused:
        _star(resident, honour_round)
    assert refused.value.code == "closed"
    assert honour_round.nomination_opens.isoformat() in refused.value.message
    assert not Nomination.objects.exists()


def test_one_nomination_per_person_per_round(staff_a, staff_b, tree, resident, star_round):
    _star(resident, star_round)
    with pytest.raises(HonoursRefused) as refused:
        _star(staff_b, star_round, nominee_phone=resident.phone, provider=tree["school_b"])
    assert refused.value.code == "duplicate"
    assert Nomination.objects.count() == 1


def test_staff_nominate_only_for_their_own_school(staff_a, tree, resident, star_round):
    with pytest.raises(HonoursRefused) as refused:
        _star(staff_a, star_round, nominee_phone=resident.phone, provider=tree["school_b"])
    assert refused.value.code == "forbidden"
    assert not Nomination.objects.exists()


@pytest.mark.parametrize(
    "upload,code",
    [(pdf("run.pdf", b"MZ\x90\x00"), "evidence_type"), (pdf("p.png", b"%PDF-1.4"), "evidence_type")],
)
def test_bad_evidence_refused_and_nothing_stored(resident, star_round, upload, code, settings):
    with pytest.raises(HonoursRefused) as refused:
        _star(resident, star_round, evidence=[pdf(), upload])
    assert refused.value.code == code
    assert not Nomination.objects.exists()
    assert not (settings.VAR_DIR / "private" / "honours").exists()


def test_brand_project_nominated_by_its_school(staff_a, tree, brand_round):
    nomination = brand_nominate(
        by=staff_a,
        round_id=brand_round.pk,
        provider=tree["school_a"],
        project_name="“梨乡课堂”送教下乡",
        headline="把果树课开到田间地头",
        description="每月两次送教进村。",
        outcomes="三年培训果农1200人次。",
        evidence=[pdf("报道.pdf", PNG[:0] + b"%PDF-1.7 x")],
    )
    assert nomination.nominee is None and nomination.public_name == "“梨乡课堂”送教下乡"
    assert nomination.round.kind == HonourKind.BRAND
    with pytest.raises(HonoursRefused) as refused:
        brand_nominate(
            by=staff_a,
            round_id=brand_round.pk,
            provider=tree["school_a"],
            project_name="“梨乡课堂”送教下乡",
            headline="再报一次",
            description="x",
            outcomes="y",
        )
    assert refused.value.code == "duplicate" and Nomination.objects.count() == 1


def test_residents_cannot_nominate_brands(resident, brand_round, tree):
    with pytest.raises(HonoursRefused) as refused:
        brand_nominate(
            by=resident,
            round_id=brand_round.pk,
            provider=tree["school_a"],
            project_name="读书会",
            headline="h",
            description="d",
            outcomes="o",
        )
    assert refused.value.code == "forbidden" and not Nomination.objects.exists()


def test_another_schools_staff_cannot_withdraw(staff_a, staff_b, tree, resident, star_round):
    nomination = _star(staff_a, star_round, nominee_phone=resident.phone, provider=tree["school_a"])
    with pytest.raises(HonoursRefused) as refused:
        nomination_withdraw(by=staff_b, nomination_id=nomination.pk)
    assert refused.value.code == "forbidden" and Nomination.objects.filter(pk=nomination.pk).exists()
    nomination_withdraw(by=staff_a, nomination_id=nomination.pk)
    assert not Nomination.objects.exists()
