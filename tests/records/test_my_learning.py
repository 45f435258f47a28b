"""我的学习, the transcript PDF, GET /api/v1/me/record, and my data (export everything, delete my account)."""

import io
import json

import pytest
from pypdf import PdfReader
from wagtail.models import APIToken

from accounts.models import User
from accounts.services import AccountRefused, account_delete
from enrolment.models import Enrolment
from records.models import Certificate, LearnerKey, XapiStatement

pytestmark = pytest.mark.django_db


def test_pages_need_login(client):
    for url in ("/me/learning/", "/me/learning/transcript.pdf", "/me/data/", "/me/data/export.json"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/api/v1/me/record").json()["code"] == "unauthenticated"


def test_my_learning_page_shows_totals_classes_and_certificates(client, completed, learner):
    client.force_login(learner)
    body = client.get("/me/learning/").content.decode()
    code = Certificate.objects.get().code
    for expected in ("我的学习", "梨树冬季修剪技术", "农业技术", "3/3次", code, "已结业", "开放大学学分"):
        assert expected in body, expected
    assert "2026年：6学时，6积分" in body or "年：6学时，6积分" in body


def test_empty_learning_page(client, learner):
    client.force_login(learner)
    body = client.get("/me/learning/").content.decode()
    assert "还没有学时记录" in body and "还没有报名任何班次" in body


def test_transcript_pdf_is_real_chinese_text(client, completed, learner):
    client.force_login(learner)
    response = client.get("/me/learning/transcript.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in ("终身学习档案", "张三华", "梨树冬季修剪技术", "农业技术", Certificate.objects.get().code):
        assert expected in text, expected


def test_api_me_record(client, completed, learner):
    token = APIToken.create_token(user=learner, name="API")[1]
    data = client.get("/api/v1/me/record", headers={"Authorization": f"Bearer {token}"}).json()
    assert data["hours"] == 6 and data["points"] == 6 and data["credits"] == 0.6
    assert data["meetings_attended"] == 3 and data["classes_completed"] == 1
    assert data["by_year_and_category"][0]["category"] == "农业技术"
    assert data["certificates"][0]["code"] == Certificate.objects.get().code


def test_other_learners_see_nothing_of_mine(client, completed, residents_two):
    other = residents_two
    client.force_login(other)
    assert "梨树冬季修剪技术" not in client.get("/me/learning/").content.decode()
    export = json.loads(client.get("/me/data/export.json").content)
    assert export["enrolments"] == [] and export["certificates"] == []


@pytest.fixture
def residents_two(db):
    from tests.factories import UserFactory

    return UserFactory(display_name="李四")


def test_export_everything_held_about_me(client, completed, learner):
    from tests.factories import AudienceFactory

    learner.audiences.add(AudienceFactory(name="农民"))
    client.force_login(learner)
    response = client.get("/me/data/export.json")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["phone"] == "13912345678" and data["account"]["display_name"] == "张三华"
    assert data["account"]["xapi_learner_id"] == str(LearnerKey.objects.get(learner=learner).xapi_id)
    assert data["account"]["audiences"] == ["农民"]
    assert len(data["enrolments"]) == 1 and len(data["enrolments"][0]["attendance"]) == 3
    assert data["certificates"][0]["learner_name"] == "张三华"
    assert len(data["xapi_statements"]) == 6


def test_delete_account_keeps_certificates_anonymised(client, completed, learner, settings):
    certificate = Certificate.objects.get()
    pdf_path = settings.VAR_DIR / "private" / certificate.pdf.name
    assert pdf_path.exists()
    client.force_login(learner)
    refused = client.post("/me/data/delete/", {"password": "wrong", "confirm": "yes"})
    assert refused.status_code == 302 and User.objects.filter(pk=learner.pk).exists()

    client.post("/me/data/delete/", {"password": "correct-horse-battery", "confirm": "yes"})
    assert not User.objects.filter(pk=learner.pk).exists()
    assert not Enrolment.objects.exists() and not XapiStatement.objects.exists() and not LearnerKey.objects.exists()
    certificate.refresh_from_db()
    assert certificate.learner is None and certificate.source is None and certificate.learner_name == "张*华"
    assert not certificate.pdf and not pdf_path.exists()  # the PDF showed the full name
    client.logout()
    page = client.get(f"/certificates/{certificate.code}/").content.decode()
    assert "此证书有效" in page and "张*华" in page and "梨树冬季修剪技术" in page


def test_delete_account_frees_the_seat(make_course, learner):
    from enrolment.services import enrolment_create

    klass = make_course()
    enrolment_create(learner=learner, course_class_id=klass.pk)
    klass.refresh_from_db()
    assert klass.seats_taken == 1
    account_delete(user=learner, password="correct-horse-battery")
    klass.refresh_from_db()
    assert klass.seats_taken == 0


def test_staff_accounts_are_not_deleted_here(staff_a):
    with pytest.raises(AccountRefused) as refused:
        account_delete(user=staff_a, password="correct-horse-battery")
    assert refused.value.code == "staff_account"
    assert User.objects.filter(pk=staff_a.pk).exists()


def test_cancelled_without_attendance_is_left_out(make_course, learner):
    from enrolment.services import enrolment_cancel, enrolment_create
    from records.selectors import learning_summary

    enrolment = enrolment_create(learner=learner, course_class_id=make_course().pk)
    assert [a.sessions_total for a in learning_summary(learner).activities] == [3]
    enrolment_cancel(enrolment_id=enrolment.pk, by=learner)
    assert learning_summary(learner).activities == []
