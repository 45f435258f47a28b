"""A nominee's data: in 下载我的数据, and gone with their account (the evidence files too); the round's page
shows its criteria and dates."""

from accounts.personal_data import personal_data_export
from accounts.services import account_delete
from honours.models import Nomination
from honours.services import star_nominate
from tests.honours.conftest import pdf


def test_nominee_data_exported_then_erased_with_the_account(
    resident, star_round, settings, django_capture_on_commit_callbacks
):
    star_nominate(
        by=resident, round_id=star_round.pk, headline="自学电商", story="两年直播带货。", name_consent=False,
        evidence=[pdf()],
    )  # fmt: skip
    exported = personal_data_export(resident)["honour_nominations"]
    assert [(n["headline"], n["evidence_files"]) for n in exported] == [("自学电商", ["获奖证书.pdf"])]
    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=resident, password="correct-horse-battery")
    assert not Nomination.objects.exists()
    assert not list((settings.VAR_DIR / "private" / "honours").rglob("*.pdf"))


def test_round_page_shows_criteria_dates_and_the_way_to_nominate(client, honours_page, star_round):
    page = client.get(f"{honours_page.url}rounds/{star_round.pk}/").content.decode()
    assert "热爱学习，带动身边人学习" in page
    assert star_round.nomination_closes.isoformat() in page and f"/nominate/{star_round.pk}/" in page
    assert client.get(f"{honours_page.url}rounds/999999/").status_code == 404
