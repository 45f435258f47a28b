"""Certificates: issued once on completion, PDF by a task with real Chinese text and a QR code, public
verification (masked name, revoked state, rate-limited guessing), staff revocation."""

import io

import pytest
from pypdf import PdfReader

from enrolment.selectors import enrolment_completion
from enrolment.services import enrolment_complete
from records.models import Certificate, CertificateStatus, XapiStatement
from records.services import RecordsRefused, certificate_issue, certificate_revoke
from records.tasks import certificate_generate_pdf

pytestmark = pytest.mark.django_db


def _certificate_of(enrolment) -> Certificate:
    return Certificate.objects.get(source=enrolment_completion(enrolment).source)


def test_completion_issues_one_certificate_with_a_pdf(completed, learner):
    certificate = _certificate_of(completed)
    assert certificate.learner == learner and certificate.status == CertificateStatus.VALID
    assert certificate.learner_name == "张三华" and certificate.course_title == "梨树冬季修剪技术"
    assert certificate.hours == 6 and certificate.issuer == "罗庄子镇成人文化技术学校"
    assert certificate.pdf and certificate.pdf_generated_at
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(certificate.pdf.read())).pages)
    # Real, selectable Chinese text (embedded font), the code and the verification address.
    for expected in ("结业证书", "张三华", "梨树冬季修剪技术", certificate.code, f"/certificates/{certificate.code}/"):
        assert expected in text


def test_completion_marked_twice_is_harmless(completed, staff_a):
    again = enrolment_complete(enrolment_id=completed.pk, by=staff_a)
    assert again.status == "completed"
    assert Certificate.objects.filter(source=f"enrolment:{completed.pk}").count() == 1
    assert XapiStatement.objects.filter(learner=completed.learner, verb="completed").count() == 1
    assert XapiStatement.objects.filter(learner=completed.learner, verb="earned").count() == 1


def test_certificate_requested_twice_returns_the_same(completed):
    first = _certificate_of(completed)
    assert certificate_issue(completion=enrolment_completion(completed)) == first
    assert Certificate.objects.count() == 1


def test_pdf_task_twice_renders_once(completed):
    certificate = _certificate_of(completed)
    name = certificate.pdf.name
    assert certificate_generate_pdf(certificate.pk) is False
    certificate.refresh_from_db()
    assert certificate.pdf.name == name


def test_no_certificate_before_completion(make_course, learner):
    from enrolment.services import enrolment_create

    enrolment = enrolment_create(learner=learner, course_class_id=make_course().pk)
    with pytest.raises(RecordsRefused) as refused:
        certificate_issue(completion=enrolment_completion(enrolment))
    assert refused.value.code == "not_completed"
    assert not Certificate.objects.exists()


def test_revoked_certificate_is_not_reissued(completed, staff_a):
    certificate = _certificate_of(completed)
    certificate_revoke(code=certificate.code, by=staff_a, reason="出勤记录有误")
    with pytest.raises(RecordsRefused) as refused:
        certificate_issue(completion=enrolment_completion(completed))
    assert refused.value.code == "revoked" and certificate.code in refused.value.message
    enrolment_complete(enrolment_id=completed.pk, by=staff_a)  # marking complete again issues nothing
    assert Certificate.objects.count() == 1
    assert Certificate.objects.get().status == CertificateStatus.REVOKED


def test_revoke_needs_permission_and_a_reason(completed, staff_a, staff_b, learner, centre):
    code = Certificate.objects.get().code
    for user in (staff_b, learner):
        with pytest.raises(RecordsRefused) as refused:
            certificate_revoke(code=code, by=user, reason="x")
        assert refused.value.code == "forbidden"
    with pytest.raises(RecordsRefused) as refused:
        certificate_revoke(code=code, by=staff_a, reason="  ")
    assert refused.value.code == "invalid"
    assert Certificate.objects.get().status == CertificateStatus.VALID
    certificate = certificate_revoke(code=code.lower().replace("-", " "), by=centre, reason="重复颁发")
    assert certificate.revoked_by == centre and certificate.revoked_reason == "重复颁发"
    with pytest.raises(RecordsRefused) as refused:
        certificate_revoke(code=code, by=centre, reason="再次")
    assert refused.value.code == "already_revoked"


def test_public_verification_page_and_api(client, completed, staff_a):
    certificate = Certificate.objects.get()
    page = client.get(f"/certificates/{certificate.code}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "此证书有效" in body and "张*华" in body and "张三华" not in body and "梨树冬季修剪技术" in body
    assert "13912345678" not in body
    api = client.get(f"/api/v1/certificates/{certificate.code}").json()
    assert api["valid"] is True and api["learner_name"] == "张*华" and api["hours"] == 6.0
    assert api["issuer"] == "罗庄子镇成人文化技术学校" and api["course"] == "梨树冬季修剪技术"

    certificate_revoke(code=certificate.code, by=staff_a, reason="出勤记录有误")
    assert "已撤销" in client.get(f"/certificates/{certificate.code}/").content.decode()
    api = client.get(f"/api/v1/certificates/{certificate.code}").json()
    assert api["valid"] is False and api["status"] == "revoked" and api["revoked_reason"] == "出勤记录有误"


def test_unknown_code_is_plain_not_found_and_guessing_is_limited(client, completed):
    real = Certificate.objects.get().code
    response = client.get("/api/v1/certificates/JZ-2222-2222-2222")
    assert response.status_code == 404 and response.json() == {
        "detail": "没有找到这个编号的证书。",
        "code": "not_found",
    }
    assert client.get("/certificates/not-a-code/").status_code == 404
    for _ in range(18):
        client.get("/api/v1/certificates/JZ-3333-3333-3333")
    limited = client.get(f"/api/v1/certificates/{real}")
    assert limited.status_code == 429 and limited.json()["code"] == "rate_limited"
    assert client.get(f"/certificates/{real}/").status_code == 429
    # Another address is not affected.
    assert client.get(f"/api/v1/certificates/{real}", REMOTE_ADDR="10.0.0.9").status_code == 200


def test_revoke_from_the_verification_page(client, completed, staff_a, staff_b):
    code = Certificate.objects.get().code
    client.force_login(staff_b)
    assert "撤销证书" not in client.get(f"/certificates/{code}/").content.decode()
    assert client.post(f"/certificates/{code}/revoke/", {"reason": "x"}).status_code == 403
    client.force_login(staff_a)
    assert "撤销证书" in client.get(f"/certificates/{code}/").content.decode()
    client.post(f"/certificates/{code}/revoke/", {"reason": "冒名顶替"})
    assert Certificate.objects.get().status == CertificateStatus.REVOKED


def test_certificate_pdf_only_for_its_learner_and_staff(client, completed, learner, staff_b, staff_a):
    code = Certificate.objects.get().code
    client.force_login(staff_b)
    assert client.get(f"/certificates/{code}/pdf/").status_code == 404
    for user in (learner, staff_a):
        client.force_login(user)
        response = client.get(f"/certificates/{code}/pdf/")
        assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")


def test_lookup_form_accepts_what_people_type(client, completed):
    code = Certificate.objects.get().code
    response = client.get("/certificates/", {"code": f" {code.lower().replace('-', ' ')} "})
    assert response.status_code == 302 and response["Location"] == f"/certificates/{code}/"
    bad = client.get("/certificates/", {"code": "12345"})
    assert bad.status_code == 200 and "证书编号格式不正确" in bad.content.decode()
