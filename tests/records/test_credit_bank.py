"""Credit bank: rules staff edit (no negative, infinite or NaN conversions; the database refuses them too),
points and credits by year and category with limits, recognised learning counted once approved."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from courses.models import Category
from records.models import CreditConversion, CreditRule, Recognition, RecognitionStatus
from records.selectors import learning_summary, mask_name
from records.services import (
    EVIDENCE_MAX_BYTES,
    RecordsRefused,
    credit_conversion_set,
    credit_rule_set,
    recognition_create,
    recognition_decide,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_default_rules_ship_with_the_migration():
    assert CreditRule.objects.get(category=None).points_per_hour == 1
    assert CreditConversion.objects.get(is_active=True).points_per_credit == 10


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("-1", "每学时积分：确保该值大于或等于0"),
        ("Infinity", "有限"),
        ("NaN", "有限"),
        ("1e9", "每学时积分："),
        ("abc", "数字"),
        ("", "请填写"),
    ],  # fmt: skip
)
def test_bad_points_per_hour_are_refused_and_change_nothing(centre, value, fragment):
    with pytest.raises(RecordsRefused) as refused:
        credit_rule_set(by=centre, category=None, points_per_hour=value)
    assert refused.value.code == "invalid"
    assert fragment in refused.value.message
    assert CreditRule.objects.get(category=None).points_per_hour == 1


@pytest.mark.parametrize("value", ["0", "-5", "Infinity", "NaN"])
def test_points_per_credit_must_be_positive_and_finite(centre, value):
    with pytest.raises(RecordsRefused) as refused:
        credit_conversion_set(by=centre, name="开放大学学分", points_per_credit=value)
    assert refused.value.code == "invalid"
    assert CreditConversion.objects.get(is_active=True).points_per_credit == 10


def test_model_validation_refuses_non_finite_values_set_in_code():
    rule = CreditRule(category=Category.objects.create(name="书法"), points_per_hour=Decimal("Infinity"))
    with pytest.raises(ValidationError):
        rule.full_clean()


@pytest.mark.parametrize(
    "fields",
    [{"points_per_hour": Decimal("-1")}, {"points_per_hour": Decimal("101")}, {"max_points_per_year": Decimal("-1")}],
)
def test_database_refuses_bad_rules_written_around_validation(fields):
    category = Category.objects.create(name="舞蹈")
    with pytest.raises(IntegrityError), transaction.atomic():
        CreditRule.objects.create(category=category, **{"points_per_hour": Decimal("1"), **fields})


def test_database_refuses_zero_points_per_credit():
    with pytest.raises(IntegrityError), transaction.atomic():
        CreditConversion.objects.create(name="零", points_per_credit=Decimal("0"), is_active=False)


def test_only_centre_staff_edit_rules(staff_a, learner):
    for user in (staff_a, learner):
        with pytest.raises(RecordsRefused) as refused:
            credit_rule_set(by=user, category=None, points_per_hour="2")
        assert refused.value.code == "forbidden"


def test_points_follow_category_rules_and_yearly_limits(centre, completed, make_course, learner, staff_a, attend):
    from enrolment.services import enrolment_create

    # 6 hours of 农业技术 at the default 1 point/hour: 6 points, 0.6 credits at 10 points per credit.
    summary = learning_summary(learner)
    assert (summary.hours, summary.points, summary.credits) == (6, 6, Decimal("0.6"))

    farming = Category.objects.get(name="农业技术")
    credit_rule_set(by=centre, category=farming, points_per_hour="2.5", max_points_per_year="12")
    calligraphy = make_course(title="书法入门", category="书法", meetings=2, hours=Decimal("1.5"))
    attend(enrolment_create(learner=learner, course_class_id=calligraphy.pk), by=staff_a)
    summary = learning_summary(learner)
    rows = {row.category: row for year in summary.years for row in year.rows}
    assert rows["农业技术"].points == 12 and rows["农业技术"].capped  # 15 points cut to the year's 12
    assert rows["书法"].hours == 3 and rows["书法"].points == 3
    assert summary.hours == 9 and summary.points == 15 and summary.credits == Decimal("1.5")
    assert summary.meetings_attended == 5

    credit_conversion_set(by=centre, name="开放大学学分", points_per_credit="4", max_credits="3")
    assert learning_summary(learner).credits == 3  # 3.75 capped at 3


def _evidence(content=PDF, name="证书.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _recognise(centre, learner, **overrides):
    fields = {
        "by": centre,
        "learner": learner,
        "title": "中式烹调师（五级）职业技能证书",
        "issuer": "天津市职业技能鉴定中心",
        "category": Category.objects.get_or_create(name="职业技能")[0],
        "learned_on": datetime.date(2026, 5, 1),
        "hours": "40",
        "evidence": _evidence(),
        **overrides,
    }
    return recognition_create(**fields)


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (SimpleUploadedFile("run.exe", b"MZ\x90\x00", content_type="application/pdf"), "evidence_type"),
        (SimpleUploadedFile("fake.pdf", b"<html>not a pdf</html>", content_type="application/pdf"), "evidence_type"),
        (SimpleUploadedFile("photo.png", PDF, content_type="image/png"), "evidence_type"),
        (
            SimpleUploadedFile("big.pdf", PDF + b"0" * EVIDENCE_MAX_BYTES, content_type="application/pdf"),
            "evidence_too_large",
        ),
    ],
)
def test_bad_evidence_is_refused_and_nothing_is_stored(centre, learner, upload, code, settings):
    with pytest.raises(RecordsRefused) as refused:
        _recognise(centre, learner, evidence=upload)
    assert refused.value.code == code
    assert not Recognition.objects.exists()
    assert not (settings.VAR_DIR / "private" / "evidence").exists()


def test_recognition_counts_once_approved_and_records_who(centre, learner):
    recognition = _recognise(centre, learner, evidence=_evidence(PNG, "证书照片.png"))
    assert recognition.status == RecognitionStatus.PENDING and recognition.evidence.name.endswith(".png")
    assert learning_summary(learner).hours == 0  # pending does not count

    approved = recognition_decide(recognition_id=recognition.pk, by=centre, approve=True)
    assert approved.decided_by == centre and approved.decided_at
    summary = learning_summary(learner)
    assert summary.hours == 40 and summary.points == 40
    assert summary.years[0].year == 2026 and summary.years[0].rows[0].recognised_hours == 40

    with pytest.raises(RecordsRefused) as refused:  # decided once
        recognition_decide(recognition_id=recognition.pk, by=centre, approve=False, note="重复")
    assert refused.value.code == "invalid_state"


def test_rejection_needs_a_reason_and_staff_cannot_approve_their_own(centre, learner):
    recognition = _recognise(centre, learner)
    with pytest.raises(RecordsRefused):
        recognition_decide(recognition_id=recognition.pk, by=centre, approve=False, note="")
    own = _recognise(centre, centre)
    with pytest.raises(RecordsRefused) as refused:
        recognition_decide(recognition_id=own.pk, by=centre, approve=True)
    assert refused.value.code == "forbidden"


def test_only_centre_staff_record_and_approve(staff_a, learner, centre):
    with pytest.raises(RecordsRefused) as refused:
        _recognise(staff_a, learner)
    assert refused.value.code == "forbidden"
    recognition = _recognise(centre, learner)
    with pytest.raises(RecordsRefused):
        recognition_decide(recognition_id=recognition.pk, by=staff_a, approve=True)


def test_recognition_page_for_centre_staff(client, centre, learner, staff_a):
    client.force_login(staff_a)
    assert client.get("/records/recognitions/").status_code == 403
    client.force_login(centre)
    form = {
        "phone": learner.phone,
        "title": "育婴员证书",
        "issuer": "区人社局",
        "learned_on": "2026-04-01",
        "hours": "20",
    }
    bad = client.post("/records/recognitions/", {**form, "evidence": _evidence(b"GIF89a", "x.pdf")})
    assert bad.status_code == 400 and "证明材料只能是" in bad.content.decode()
    assert client.post("/records/recognitions/", {**form, "evidence": _evidence()}).status_code == 302
    recognition = Recognition.objects.get()
    assert recognition.recorded_by == centre and recognition.evidence_name == "证书.pdf"
    evidence = client.get(f"/records/recognitions/{recognition.pk}/evidence/")
    assert b"".join(evidence.streaming_content) == PDF
    client.post(f"/records/recognitions/{recognition.pk}/decide/", {"decision": "approve"})
    recognition.refresh_from_db()
    assert recognition.status == RecognitionStatus.APPROVED and recognition.decided_by == centre


def test_mask_name():
    assert [mask_name(n) for n in ("张三华", "张三", "欧阳明华", "李", "")] == ["张*华", "张*", "欧**华", "*", "*"]
