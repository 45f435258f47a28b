"""The demo district's stars and brands: last year's finished round on the honour roll, this year's open
rounds with nominations; loading twice changes nothing."""

from django.utils import timezone

from honours.models import HonourKind, HonourRound, Nomination, NominationStatus, RoundPhase
from honours.selectors import public_awards
from jizhou.demo import demo_catalogue_load
from jizhou.demo_honours import demo_honours_load
from jizhou.site_setup import site_ensure
from tests.jizhou.demo_catalogues import every_school_catalogue


def test_demo_honours(db, client, tmp_path):
    today = timezone.localdate()
    demo_catalogue_load(every_school_catalogue(tmp_path), today)
    home = site_ensure().home
    demo_honours_load(home=home, today=today)
    demo_honours_load(home=home, today=today)  # idempotent

    last_year = HonourRound.objects.filter(year=today.year - 1)
    assert {r.phase(today) for r in last_year} == {RoundPhase.AWARDED}
    awarded = Nomination.objects.filter(round__in=last_year, status=NominationStatus.AWARDED)
    assert awarded.filter(round__kind=HonourKind.STAR).count() == 10
    assert awarded.filter(round__kind=HonourKind.BRAND).count() == 6
    names = [n.public_name for n in public_awards()]
    assert "王*明" in names and "王德明" not in names and "“渔阳书香”读书会" in names

    this_year = HonourRound.objects.filter(year=today.year)
    assert {r.phase(today) for r in this_year} == {RoundPhase.NOMINATING}
    assert Nomination.objects.filter(round__in=this_year).count() == 4

    roll = client.get("/honours/honour-roll/").content.decode()
    assert "王*明" in roll and "退休教师义务教书法" in roll and "梨乡课堂" in roll
