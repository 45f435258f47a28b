"""The centre's review (shortlist / reject with a reason, logged), the 公示 and the award after it closes;
what public pages, the API and other apps' selectors show (names masked without consent, no phones)."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.models import ModelLogEntry

from honours.models import HonourKind, HonourRound, Nomination, NominationStatus
from honours.selectors import city_figures, public_awards
from honours.services import HonoursRefused, nomination_decide, round_award, star_nominate
from tests.factories import UserFactory


def _nominated(round_, resident, *, consent=False):
    return Nomination.objects.create(
        round=round_, nominee=resident, nominated_by=resident, headline="返乡种梨带动乡亲学电商", story="……",
        name_consent=consent,
    )  # fmt: skip


def _shortlisted(round_, resident, centre, **kwargs):
    nomination = _nominated(round_, resident, **kwargs)
    Nomination.objects.filter(pk=nomination.pk).update(
        status=NominationStatus.SHORTLISTED, decided_by=centre, decided_at=timezone.now()
    )
    return nomination


def test_centre_shortlists_and_rejects_with_reason_logged(make_round, resident, centre):
    honour_round = make_round(phase="reviewing")
    nomination = _nominated(honour_round, resident)
    with pytest.raises(HonoursRefused) as refused:
        nomination_decide(by=centre, nomination_id=nomination.pk, approve=False, note="  ")
    assert refused.value.code == "invalid"
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.SUBMITTED

    nomination_decide(by=centre, nomination_id=nomination.pk, approve=True)
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.SHORTLISTED and nomination.decided_by == centre
    entry = ModelLogEntry.objects.get(action="jizhou.honours.shortlist")
    assert entry.user == centre and resident.display_name not in str(entry.data) + entry.label
    assert resident.phone not in str(entry.data)

    nomination_decide(by=centre, nomination_id=nomination.pk, approve=False, note="公示期间收到实名异议，经核实")
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.REJECTED
    assert ModelLogEntry.objects.filter(action="jizhou.honours.reject").count() == 1


def test_only_the_centre_reviews(make_round, resident, staff_a):
    nomination = _nominated(make_round(phase="reviewing"), resident)
    with pytest.raises(HonoursRefused) as refused:
        nomination_decide(by=staff_a, nomination_id=nomination.pk, approve=True)
    assert refused.value.code == "forbidden"
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.SUBMITTED


def test_no_new_names_once_the_notice_has_started(make_round, resident, centre):
    nomination = _nominated(make_round(phase="notice"), resident)
    with pytest.raises(HonoursRefused) as refused:
        nomination_decide(by=centre, nomination_id=nomination.pk, approve=True)
    assert refused.value.code == "closed"


def test_award_before_the_notice_closes_is_refused(make_round, resident, centre):
    honour_round = make_round(phase="notice")
    nomination = _shortlisted(honour_round, resident, centre)
    with pytest.raises(HonoursRefused) as refused:
        round_award(by=centre, round_id=honour_round.pk)
    assert refused.value.code == "too_early" and honour_round.notice_closes.isoformat() in refused.value.message
    nomination.refresh_from_db()
    honour_round.refresh_from_db()
    assert nomination.status == NominationStatus.SHORTLISTED and honour_round.awarded_at is None
    assert public_awards() == []


def test_award_after_the_notice_and_public_figures(make_round, resident, centre, town, tree):
    honour_round = make_round(phase="notice_closed")
    winner = _shortlisted(honour_round, resident, centre)
    other = UserFactory(display_name="李秀英", home_town=town)
    _shortlisted(honour_round, other, centre, consent=True)
    rejected = _nominated(honour_round, UserFactory(display_name="赵强", home_town=town))
    assert round_award(by=centre, round_id=honour_round.pk) == 2
    winner.refresh_from_db()
    rejected.refresh_from_db()
    assert winner.status == NominationStatus.AWARDED and rejected.status == NominationStatus.SUBMITTED
    assert [n.public_name for n in public_awards()] == ["王*明", "李秀英"]
    assert ModelLogEntry.objects.filter(action="jizhou.honours.award").count() == 1
    with pytest.raises(HonoursRefused):
        round_award(by=centre, round_id=honour_round.pk)
    year = honour_round.year
    assert city_figures(years=[year]) == {(town.pk, year): {"stars_awarded": 2, "brands_awarded": 0}}
    assert city_figures(years=[year - 1]) == {}


def test_round_dates_running_backwards_are_refused(make_round):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_round(phase="nominating", nomination_closes=timezone.localdate() - datetime.timedelta(days=30))
    with pytest.raises(IntegrityError), transaction.atomic():
        make_round(phase="notice", award_date=timezone.localdate() + datetime.timedelta(days=5))  # = notice end
    assert not HonourRound.objects.exists()


def test_one_round_per_kind_and_year(make_round):
    make_round(kind=HonourKind.STAR)
    make_round(kind=HonourKind.BRAND)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_round(kind=HonourKind.STAR)
    assert HonourRound.objects.count() == 2


def test_round_form_in_the_admin_explains_backwards_dates(client, centre, make_round):
    client.force_login(centre)
    today = timezone.localdate()
    response = client.post(
        "/admin/snippets/honours/honourround/add/",
        {
            "kind": "star",
            "year": today.year,
            "title": "倒序日期",
            "criteria": '{"blocks":[{"key":"a","type":"unstyled","text":"x","depth":0,"inlineStyleRanges":[],'
            '"entityRanges":[]}],"entityMap":{}}',
            "nomination_opens": today.isoformat(),
            "nomination_closes": (today - datetime.timedelta(days=1)).isoformat(),
            "review_deadline": today.isoformat(),
            "notice_starts": today.isoformat(),
            "notice_closes": today.isoformat(),
            "award_date": (today + datetime.timedelta(days=1)).isoformat(),
            "objection_contact": "区社区教育指导中心",
        },
    )
    assert response.status_code == 200
    assert "日期须依次为" in response.content.decode()
    assert not HonourRound.objects.exists()


def test_public_pages_mask_names_without_consent_and_never_show_phones(
    client, honours_page, make_round, resident, centre, town
):
    notice_round = make_round(phase="notice", year=2026)
    _shortlisted(notice_round, resident, centre)
    consenting = UserFactory(display_name="张淑芬", phone="13700001111", home_town=town)
    _shortlisted(notice_round, consenting, centre, consent=True)
    open_round = make_round(kind=HonourKind.BRAND, phase="nominating", year=2026)

    index = client.get(honours_page.url).content.decode()
    assert open_round.title in index and f"/nominate/{open_round.pk}/" in index

    notice = client.get(honours_page.url + "notice/").content.decode()
    assert "王*明" in notice and "王晓明" not in notice and "张淑芬" in notice
    assert notice_round.objection_contact in notice and notice_round.notice_closes.isoformat() in notice
    assert resident.phone not in notice and consenting.phone not in notice

    api = client.get("/api/v1/honours/notice").json()
    assert sorted(item["name"] for item in api) == ["张淑芬", "王*明"]
    assert resident.phone not in str(api)

    past = make_round(phase="notice_closed", year=2025)
    winner = _shortlisted(past, UserFactory(display_name="刘德发", home_town=town), centre)
    round_award(by=centre, round_id=past.pk)
    roll = client.get(honours_page.url + "honour-roll/").content.decode()
    assert "2025年度" in roll and "刘*发" in roll and winner.headline in roll
    awards = client.get("/api/v1/honours/awards").json()
    assert [(a["name"], a["year"], a["town"]) for a in awards] == [("刘*发", 2025, "罗庄子镇")]
    rounds = client.get("/api/v1/honours/rounds").json()
    assert {r["phase"] for r in rounds} == {"notice", "nominating", "awarded"}


def test_self_nomination_through_the_form_and_my_page(client, resident, star_round, honours_page):
    client.force_login(resident)
    url = f"/nominate/{star_round.pk}/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"headline": "自学电商卖鸭梨", "story": "两年直播带货。", "name_consent": "on"})
    assert response.status_code == 302
    assert "自学电商卖鸭梨" in client.get("/me/honours/").content.decode()
    again = client.post(url, {"headline": "再报", "story": "x"})
    assert again.status_code == 400 and "不能重复推荐" in again.content.decode()
    assert Nomination.objects.count() == 1


def test_staff_form_nominee_not_found_shows_the_error(client, staff_a, tree, star_round):
    client.force_login(staff_a)
    response = client.post(
        f"/nominate/{star_round.pk}/",
        {"provider": tree["school_a"].pk, "phone": "13999990000", "headline": "h", "story": "s"},
    )
    assert response.status_code == 400 and "没有找到使用这个手机号的居民账号" in response.content.decode()
    assert not Nomination.objects.exists()


def test_another_schools_staff_get_403_and_nothing_changes(client, staff_a, staff_b, tree, resident, star_round):
    nomination = star_nominate(
        by=staff_a, round_id=star_round.pk, nominee_phone=resident.phone, provider=tree["school_a"],
        headline="h", story="s", name_consent=False,
    )  # fmt: skip
    client.force_login(staff_b)
    assert client.post(f"/me/honours/{nomination.pk}/withdraw/").status_code == 403
    assert Nomination.objects.filter(pk=nomination.pk, status=NominationStatus.SUBMITTED).exists()
    assert f'data-nomination="{nomination.pk}"' not in client.get("/me/honours/").content.decode()
    assert (
        client.post(
            f"/nominate/{star_round.pk}/",
            {
                "provider": tree["school_a"].pk,
                "phone": "13900000000",
                "headline": "h",
                "story": "s",
            },
        ).status_code
        == 400
    )  # fmt: skip  (school A is not a choice for school B's staff)
    client.force_login(staff_a)
    assert f'data-nomination="{nomination.pk}"' in client.get("/me/honours/").content.decode()


def test_admin_review_screen_is_the_centres(client, centre, staff_a, make_round, resident):
    honour_round = make_round(phase="reviewing")
    nomination = _nominated(honour_round, resident)
    client.force_login(staff_a)
    assert client.get("/admin/honours/review/").status_code in (302, 403)
    assert client.post(f"/admin/honours/nominations/{nomination.pk}/decide/", {"decision": "approve"}).status_code in (
        302,
        403,
    )
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.SUBMITTED
    client.force_login(centre)
    page = client.get(f"/admin/honours/review/?round={honour_round.pk}").content.decode()
    assert "王晓明" in page and resident.phone not in page
    client.post(f"/admin/honours/nominations/{nomination.pk}/decide/", {"decision": "approve"})
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.SHORTLISTED


def test_city_figures_count_a_brand_for_its_schools_town(make_round, centre, tree, town, staff_a):
    tree["school_a"].town = town
    tree["school_a"].save()
    honour_round = make_round(kind=HonourKind.BRAND, phase="notice_closed", year=2025)
    Nomination.objects.create(
        round=honour_round, provider=tree["school_a"], nominated_by=staff_a, project_name="梨乡课堂",
        headline="送教下乡", story="……", status=NominationStatus.SHORTLISTED, decided_by=centre,
        decided_at=timezone.now(),
    )  # fmt: skip
    round_award(by=centre, round_id=honour_round.pk)
    assert city_figures(years=[2024, 2025]) == {(town.pk, 2025): {"stars_awarded": 0, "brands_awarded": 1}}
    assert public_awards(limit=1)[0].public_name == "梨乡课堂"
