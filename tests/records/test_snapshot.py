"""Certificates are snapshots: what they print was handed over by the source at issue, so renaming the course,
the class, the category or the school later changes nothing on the certificate, its page, its JSON or its PDF;
records keeps no link into enrolment, only the completion's source key and the issuing school."""

import io

import pytest
from pypdf import PdfReader

from courses.models import Category, CourseClass
from enrolment.selectors import enrolment_completion
from records.models import Certificate
from records.services import certificate_issue, may_revoke
from records.tasks import certificate_generate_pdf

pytestmark = pytest.mark.django_db


def _pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_renaming_the_course_after_issue_changes_nothing_printed(client, completed, learner, staff_a, tree):
    certificate = Certificate.objects.get()
    before = client.get(f"/api/v1/certificates/{certificate.code}").json()
    assert certificate.source == f"enrolment:{completed.pk}" and certificate.issuer_page == tree["school_a"]

    course = completed.course_class.course
    course.title = "梨树修剪（新版）"
    course.save_revision().publish()
    CourseClass.objects.filter(pk=completed.course_class_id).update(label="春季班")
    Category.objects.filter(name="农业技术").update(name="现代农业")
    school = tree["school_a"]
    school.title = "罗庄子镇社区学校"
    school.save_revision().publish()

    certificate.refresh_from_db()
    assert (certificate.course_title, certificate.class_label, certificate.category_name) == (
        "梨树冬季修剪技术",
        "冬季班",
        "农业技术",
    )
    assert certificate.issuer == "罗庄子镇成人文化技术学校" and certificate.hours == 6
    assert client.get(f"/api/v1/certificates/{certificate.code}").json() == before
    page = client.get(f"/certificates/{certificate.code}/").content.decode()
    assert "梨树冬季修剪技术（冬季班）" in page and "罗庄子镇成人文化技术学校" in page
    assert "新版" not in page and "春季班" not in page and "罗庄子镇社区学校" not in page

    # The PDF rendered again (say, after the file was lost) prints the same facts.
    certificate.pdf.delete(save=False)
    Certificate.objects.filter(pk=certificate.pk).update(pdf="", pdf_generated_at=None)
    assert certificate_generate_pdf(certificate.pk) is True
    text = _pdf_text(Certificate.objects.get().pdf.read())
    for expected in ("梨树冬季修剪技术", "冬季班", "罗庄子镇成人文化技术学校", "张三华", "6 学时"):
        assert expected in text, expected
    assert "新版" not in text and "罗庄子镇社区学校" not in text

    # Asking for it again hands over the new names, but the certificate issued stays as it was.
    assert certificate_issue(completion=enrolment_completion(completed)) == certificate
    assert Certificate.objects.get().course_title == "梨树冬季修剪技术"
    # The issuing school's staff may still revoke it: the school is the same page, renamed.
    assert may_revoke(staff_a, Certificate.objects.get())
