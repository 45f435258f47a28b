"""Writes for learning records: certificates, recognised learning, credit rules, xAPI statements, my data.

HackSoft style: keyword-only, typed, one transaction each. Refusals raise RecordsRefused with a machine
code and a Chinese message; nothing is changed when a request is refused.
"""

import datetime
import logging
import re
import secrets
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from urllib.parse import urljoin

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import ADMIN_ROLES, is_centre_staff
from core.refusals import Refused
from courses.models import Category, CourseClass
from courses.selectors import providers_for_user
from enrolment.models import Attendance, Enrolment, EnrolmentStatus
from records import xapi
from records.models import (
    Certificate,
    CertificateStatus,
    CreditConversion,
    CreditRule,
    LearnerKey,
    Recognition,
    RecognitionStatus,
    XapiStatement,
)

logger = logging.getLogger(__name__)


class RecordsRefused(Refused):
    """A request the rules refuse. `code` is for programs, `message` (Chinese) for people."""

    STATUS = {
        "not_found": 404,
        "forbidden": 403,
        "not_completed": 409,
        "revoked": 409,
        "already_revoked": 409,
        "invalid_state": 409,
        "invalid": 400,
        "evidence_type": 400,
        "evidence_too_large": 400,
        "wrong_password": 403,
        "staff_account": 409,
    }


# --- Who may do what -----------------------------------------------------------------------------


def may_revoke(user, certificate: Certificate) -> bool:
    """Centre staff, or staff of the school whose course the certificate is for."""
    if is_centre_staff(user):
        return True
    if not user.is_authenticated or certificate.enrolment_id is None:
        return False
    provider_id = certificate.enrolment.course_class.course.provider_id
    return provider_id is not None and providers_for_user(user).filter(pk=provider_id).exists()


# --- Certificates --------------------------------------------------------------------------------

# No 0/O, 1/I/L: codes are read aloud and typed from paper. 12 characters of 32 = 60 random bits.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_RE = re.compile(r"^JZ-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$")


def new_certificate_code() -> str:
    groups = ["".join(secrets.choice(CODE_ALPHABET) for _ in range(4)) for _ in range(3)]
    return "JZ-" + "-".join(groups)


def normalise_certificate_code(raw: str) -> str | None:
    """What people type from paper (lower case, spaces) in canonical form; None if it cannot be a code."""
    code = re.sub(r"[\s\-_]", "", (raw or "").upper())
    if code.startswith("JZ"):
        code = code[2:]
    if len(code) != 12:
        return None
    code = f"JZ-{code[0:4]}-{code[4:8]}-{code[8:12]}"
    return code if CODE_RE.match(code) else None


def certificate_issue(*, enrolment_id: int) -> Certificate:
    """Issue the certificate for a completed enrolment. Asking again returns the same certificate; a revoked
    certificate is never silently replaced (one certificate per enrolment, by the database too)."""
    with transaction.atomic():
        enrolment = (
            Enrolment.objects.select_for_update(of=("self",))
            .select_related("learner", "course_class__course__provider", "course_class__course__category")
            .filter(pk=enrolment_id)
            .first()
        )
        if enrolment is None:
            raise RecordsRefused("not_found", _("没有找到这条报名记录。"))
        existing = Certificate.objects.filter(enrolment=enrolment).first()
        if existing is not None:
            if existing.status == CertificateStatus.REVOKED:
                raise RecordsRefused(
                    "revoked",
                    _("该学员本课程的证书（%(code)s）已被撤销，不会自动重新颁发。") % {"code": existing.code},
                )
            return existing
        if enrolment.status != EnrolmentStatus.COMPLETED:
            raise RecordsRefused("not_completed", _("学员尚未结业，不能颁发证书。"))
        course_class = enrolment.course_class
        course = course_class.course
        certificate = Certificate(
            enrolment=enrolment,
            learner=enrolment.learner,
            learner_name=enrolment.learner.display_name,
            course_title=course.title,
            class_label=course_class.label,
            category_name=course.category.name if course.category_id else "",
            issuer=course.provider.title if course.provider_id else settings.WAGTAIL_SITE_NAME,
            hours=enrolment.hours_attended or Decimal("0"),
            completed_on=timezone.localdate(enrolment.completed_at or timezone.now()),
        )
        for _attempt in range(5):  # a clash of 60 random bits is not expected; retry rather than fail
            certificate.code = new_certificate_code()
            try:
                with transaction.atomic():
                    certificate.save()
                break
            except IntegrityError:
                if Certificate.objects.filter(enrolment=enrolment).exists():
                    return Certificate.objects.get(enrolment=enrolment)
                certificate.pk = None
        else:  # pragma: no cover
            raise RecordsRefused("invalid_state", _("证书编号生成失败，请重试。"))
        _record_statement(
            learner=enrolment.learner,
            verb="earned",
            build=lambda key: xapi.earned(certificate=certificate, course_class=course_class, learner_key=key),
        )
        from records.tasks import certificate_generate_pdf

        transaction.on_commit(lambda pk=certificate.pk: certificate_generate_pdf.delay(pk), robust=True)
        return certificate


def certificate_revoke(*, code: str, by: User, reason: str) -> Certificate:
    reason = (reason or "").strip()
    with transaction.atomic():
        certificate = (
            Certificate.objects.select_for_update(of=("self",))
            .select_related("enrolment__course_class__course")
            .filter(code=normalise_certificate_code(code) or "")
            .first()
        )
        if certificate is None:
            raise RecordsRefused("not_found", _("没有找到这张证书。"))
        if not may_revoke(by, certificate):
            raise RecordsRefused("forbidden", _("只有指导中心或颁发学校的工作人员可以撤销证书。"))
        if certificate.status == CertificateStatus.REVOKED:
            raise RecordsRefused("already_revoked", _("这张证书已于%(date)s撤销。") % {"date": _date(certificate)})
        if not reason:
            raise RecordsRefused("invalid", _("请填写撤销原因。"))
        if len(reason) > 200:
            raise RecordsRefused("invalid", _("撤销原因最多200字。"))
        certificate.status, certificate.revoked_at = CertificateStatus.REVOKED, timezone.now()
        certificate.revoked_by, certificate.revoked_reason = by, reason
        certificate.save(update_fields=["status", "revoked_at", "revoked_by", "revoked_reason"])
        return certificate


def _date(certificate: Certificate) -> str:
    return f"{timezone.localtime(certificate.revoked_at):%Y-%m-%d}"


def certificate_store_pdf(*, certificate_id: int) -> bool:
    """Render and store a certificate's PDF once. Returns False if it already had one (task ran twice)."""
    from django.core.files.base import ContentFile

    from records.pdf import render_certificate_pdf

    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().filter(pk=certificate_id).first()
        if certificate is None or certificate.pdf:
            return False
        pdf = render_certificate_pdf(certificate)
        certificate.pdf.save(f"{certificate.code}.pdf", ContentFile(pdf), save=False)
        certificate.pdf_generated_at = timezone.now()
        certificate.save(update_fields=["pdf", "pdf_generated_at"])
    return True


# --- Hooks from enrolment ------------------------------------------------------------------------


def learner_key(user: User) -> uuid.UUID:
    key, _created = LearnerKey.objects.get_or_create(learner=user)
    return key.xapi_id


def _record_statement(*, learner: User, verb: str, build) -> XapiStatement:
    statement = build(learner_key(learner))
    row, created = XapiStatement.objects.get_or_create(
        id=uuid.UUID(statement["id"]), defaults={"learner": learner, "verb": verb, "statement": statement}
    )
    if created and settings.XAPI_LRS_URL:
        from records.tasks import xapi_push_statements

        transaction.on_commit(lambda sid=str(row.pk): xapi_push_statements.delay([sid]), robust=True)
    return row


def record_enrolment_saved(*, enrolment: Enrolment, created: bool) -> None:
    """Called on every save of an enrolment: the registration and the completion each leave a record once."""
    if created and enrolment.status in (EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED):
        _record_statement(
            learner=enrolment.learner,
            verb="registered",
            build=lambda key: xapi.registered(enrolment=enrolment, learner_key=key),
        )
    if enrolment.status == EnrolmentStatus.COMPLETED and enrolment.completed_at:
        key = learner_key(enrolment.learner)
        if XapiStatement.objects.filter(id=xapi.statement_id("completed", key, enrolment.pk)).exists():
            return
        _record_statement(
            learner=enrolment.learner,
            verb="completed",
            build=lambda key: xapi.completed(enrolment=enrolment, learner_key=key),
        )
        try:
            certificate_issue(enrolment_id=enrolment.pk)
        except RecordsRefused as refusal:  # e.g. a revoked certificate: completion stands, no new certificate
            logger.info("No certificate for enrolment %s: %s", enrolment.pk, refusal.code)


def record_attendances(*, attendance_ids: list[int]) -> None:
    """Attendance rows were added (QR check-in or roll call): one "attended" statement per learner and meeting."""
    for attendance in Attendance.objects.filter(pk__in=attendance_ids).select_related(
        "meeting", "enrolment__learner", "enrolment__course_class__course__category"
    ):
        enrolment = attendance.enrolment
        _record_statement(
            learner=enrolment.learner,
            verb="attended",
            build=lambda key, e=enrolment, m=attendance.meeting: xapi.attended(enrolment=e, meeting=m, learner_key=key),
        )


# --- xAPI: sending to the learning record store ---------------------------------------------------


# The LRS refuses the statement itself (malformed, or the id is taken by a different statement; FastAPI-based
# stores such as ralph answer 422 for what the spec calls 400): not worth retrying.
REFUSED_STATUSES = (400, 409, 422)


class LrsUnavailable(Exception):
    """The LRS could not be reached or refused us as a whole (down, 5xx, auth): try again later."""


@dataclass(frozen=True)
class PushResult:
    sent: int
    rejected: int
    pending: int


def _lrs_post(statements: list[dict]) -> requests.Response:
    try:
        return requests.post(
            urljoin(settings.XAPI_LRS_URL.rstrip("/") + "/", "statements"),
            json=statements,
            auth=(settings.XAPI_LRS_USERNAME, settings.XAPI_LRS_PASSWORD) if settings.XAPI_LRS_USERNAME else None,
            headers={"X-Experience-API-Version": xapi.XAPI_VERSION},
            timeout=settings.XAPI_LRS_TIMEOUT,
        )
    except requests.RequestException as error:
        raise LrsUnavailable(f"{type(error).__name__}") from error


def _note_failure(ids: list, error: str) -> None:
    XapiStatement.objects.filter(pk__in=ids).update(attempts=F("attempts") + 1, last_error=error[:300])


def xapi_push(*, statement_ids: list[str] | None = None, batch_size: int = 50) -> PushResult:
    """Send pending statements (all, or those of `statement_ids`) in batches. Statements stay pending until the
    LRS has taken them; a statement the LRS refuses on its own (400/409/422) is marked rejected, not retried.
    Raises LrsUnavailable when the store is down, after noting the attempt on the statements concerned."""
    if not settings.XAPI_LRS_URL:
        return PushResult(sent=0, rejected=0, pending=XapiStatement.objects.filter(pushed_at__isnull=True).count())
    pending = XapiStatement.objects.filter(pushed_at__isnull=True, rejected_at__isnull=True).order_by("created_at")
    if statement_ids is not None:
        pending = pending.filter(pk__in=statement_ids)
    sent = rejected = 0
    while True:
        batch = list(pending.values_list("pk", "statement")[:batch_size])
        if not batch:
            break
        ids = [pk for pk, _statement in batch]
        try:
            response = _lrs_post([statement for _pk, statement in batch])
        except LrsUnavailable as error:
            _note_failure(ids, str(error))
            raise
        if response.status_code in (200, 204):
            XapiStatement.objects.filter(pk__in=ids).update(
                pushed_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
            )
            sent += len(ids)
        elif response.status_code in REFUSED_STATUSES:
            # One bad statement spoils a batch: send them one by one to find it.
            for pk, statement in batch:
                one = _lrs_post([statement])
                if one.status_code in (200, 204):
                    XapiStatement.objects.filter(pk=pk).update(
                        pushed_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
                    )
                    sent += 1
                elif one.status_code in REFUSED_STATUSES:
                    XapiStatement.objects.filter(pk=pk).update(
                        rejected_at=timezone.now(), attempts=F("attempts") + 1, last_error=one.text[:300]
                    )
                    rejected += 1
                else:
                    _note_failure([pk], f"HTTP {one.status_code}")
                    raise LrsUnavailable(f"HTTP {one.status_code}")
        else:
            _note_failure(ids, f"HTTP {response.status_code}")
            raise LrsUnavailable(f"HTTP {response.status_code}")
    left = XapiStatement.objects.filter(pushed_at__isnull=True, rejected_at__isnull=True).count()
    return PushResult(sent=sent, rejected=rejected, pending=left)


# --- Credit bank ---------------------------------------------------------------------------------


def _decimal(value, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise RecordsRefused("invalid", _("%(field)s必须是数字。") % {"field": field})
    if not number.is_finite():
        raise RecordsRefused("invalid", _("%(field)s必须是有限的数值。") % {"field": field})
    return number


def _validated(instance) -> None:
    try:
        instance.full_clean()
    except ValidationError as error:
        messages = []
        for name, field_messages in error.message_dict.items():
            label = instance._meta.get_field(name).verbose_name if name != "__all__" else ""
            messages += [f"{label}：{m}" if label else m for m in field_messages]
        raise RecordsRefused("invalid", "；".join(messages))


def credit_rule_set(*, by: User, category: Category | None, points_per_hour, max_points_per_year=None) -> CreditRule:
    """Set how hours become points for a category (None: the default rule). Centre staff only."""
    if not is_centre_staff(by):
        raise RecordsRefused("forbidden", _("只有指导中心工作人员可以修改学分银行规则。"))
    pph = _decimal(points_per_hour, _("每学时积分"))
    if pph is None:
        raise RecordsRefused("invalid", _("请填写每学时积分。"))
    with transaction.atomic():
        rule = CreditRule.objects.filter(category=category).first() or CreditRule(category=category)
        rule.points_per_hour = pph
        rule.max_points_per_year = _decimal(max_points_per_year, _("每年积分上限"))
        _validated(rule)
        rule.save()
        return rule


def credit_conversion_set(*, by: User, name: str, points_per_credit, max_credits=None) -> CreditConversion:
    """Make `name` the conversion in force (points → academic credits). Centre staff only."""
    if not is_centre_staff(by):
        raise RecordsRefused("forbidden", _("只有指导中心工作人员可以修改学分银行规则。"))
    ppc = _decimal(points_per_credit, _("每学分所需积分"))
    if ppc is None:
        raise RecordsRefused("invalid", _("请填写每学分所需积分。"))
    with transaction.atomic():
        conversion = CreditConversion.objects.filter(name=name).first() or CreditConversion(name=name)
        conversion.points_per_credit, conversion.max_credits = ppc, _decimal(max_credits, _("可折算学分上限"))
        conversion.is_active = True
        _validated(conversion)
        CreditConversion.objects.exclude(pk=conversion.pk).update(is_active=False)
        conversion.save()
        return conversion


# --- Recognition of learning done elsewhere -------------------------------------------------------

EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
# Accepted by what the file is (its first bytes), not by what its name says.
EVIDENCE_SIGNATURES = {
    "pdf": (b"%PDF-",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}


def check_evidence(upload: UploadedFile) -> str:
    """Refuse anything but a PDF, JPEG or PNG of at most 5 MB; return the extension."""
    if upload is None:
        raise RecordsRefused("evidence_type", _("请上传证明材料（PDF、JPG或PNG）。"))
    if upload.size > EVIDENCE_MAX_BYTES:
        raise RecordsRefused(
            "evidence_too_large",
            _("证明材料不能超过5MB（当前%(size).1fMB）。") % {"size": upload.size / 1024 / 1024},
        )
    extension = (upload.name or "").rsplit(".", 1)[-1].lower() if "." in (upload.name or "") else ""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if extension not in EVIDENCE_SIGNATURES or not head.startswith(EVIDENCE_SIGNATURES[extension]):
        raise RecordsRefused("evidence_type", _("证明材料只能是PDF、JPG或PNG文件，且文件内容须与扩展名一致。"))
    return extension


def recognition_create(
    *,
    by: User,
    learner: User,
    title: str,
    issuer: str,
    category: Category | None,
    learned_on: datetime.date,
    hours,
    evidence: UploadedFile,
) -> Recognition:
    """Centre staff record learning done elsewhere, with evidence; it counts only once approved."""
    if not is_centre_staff(by):
        raise RecordsRefused("forbidden", _("只有指导中心工作人员可以录入学习成果认定。"))
    extension = check_evidence(evidence)
    hours_value = _decimal(hours, _("认定学时"))
    if learned_on and learned_on > timezone.localdate():
        raise RecordsRefused("invalid", _("完成日期不能晚于今天。"))
    recognition = Recognition(
        learner=learner,
        title=(title or "").strip(),
        issuer=(issuer or "").strip(),
        category=category,
        learned_on=learned_on,
        hours=hours_value,
        recorded_by=by,
        evidence_name=(evidence.name or "")[:200],
    )
    recognition.evidence.name = f"pending.{extension}"  # real file saved after validation
    _validated(recognition)
    with transaction.atomic():
        recognition.evidence.save(f"{uuid.uuid4().hex}.{extension}", evidence, save=False)
        recognition.save()
    return recognition


def recognition_decide(*, recognition_id: int, by: User, approve: bool, note: str = "") -> Recognition:
    """Approve (认定) or reject recognised learning, recording who decided. Decided once."""
    if not is_centre_staff(by):
        raise RecordsRefused("forbidden", _("只有指导中心工作人员可以认定学习成果。"))
    with transaction.atomic():
        recognition = Recognition.objects.select_for_update().filter(pk=recognition_id).first()
        if recognition is None:
            raise RecordsRefused("not_found", _("没有找到这条认定申请。"))
        if recognition.learner_id == by.pk:
            raise RecordsRefused("forbidden", _("不能认定自己的学习成果。"))
        if recognition.status != RecognitionStatus.PENDING:
            raise RecordsRefused(
                "invalid_state", _("这条申请已经是“%(status)s”。") % {"status": recognition.get_status_display()}
            )
        if not approve and not (note or "").strip():
            raise RecordsRefused("invalid", _("不予认定时请填写理由。"))
        recognition.status = RecognitionStatus.APPROVED if approve else RecognitionStatus.REJECTED
        recognition.decided_by, recognition.decided_at = by, timezone.now()
        recognition.decision_note = (note or "").strip()[:200]
        recognition.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        return recognition


# --- My data -------------------------------------------------------------------------------------


def account_delete(*, user: User, password: str) -> None:
    """Delete a resident's account. Certificates already issued stay verifiable, with the name masked and no
    link to the person; everything else about them goes (enrolments, attendance, evidence, statements)."""
    from enrolment.services import EnrolmentRefused, enrolment_cancel
    from records.selectors import mask_name

    if not user.check_password(password or ""):
        raise RecordsRefused("wrong_password", _("密码不正确，账号未注销。"))
    if user.is_staff or user.is_superuser or user.groups.filter(name__in=ADMIN_ROLES).exists():
        raise RecordsRefused("staff_account", _("工作人员账号请联系管理员注销。"))
    with transaction.atomic():
        for enrolment in Enrolment.objects.filter(
            learner=user, status__in=(EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED)
        ):
            try:  # frees the seat and passes it to the waitlist, as a cancellation would
                enrolment_cancel(enrolment_id=enrolment.pk, by=user)
            except EnrolmentRefused:
                # The class has started: the learner cannot cancel, but a deleted person holds no seat.
                if enrolment.holds_seat:
                    CourseClass.objects.select_for_update().filter(pk=enrolment.course_class_id).update(
                        seats_taken=F("seats_taken") - 1
                    )
        files_after: list[str] = []
        # Kept for verification: course, hours, issuer, date and the masked name; the person is unlinked.
        for certificate in Certificate.objects.select_for_update().filter(learner=user):
            certificate.learner, certificate.enrolment = None, None
            certificate.learner_name = mask_name(certificate.learner_name)
            if certificate.pdf:  # the stored PDF shows the full name: it goes with the account
                files_after.append(certificate.pdf.name)
                certificate.pdf, certificate.pdf_generated_at = "", None
            certificate.save(update_fields=["learner", "enrolment", "learner_name", "pdf", "pdf_generated_at"])
        files_after += [r.evidence.name for r in Recognition.objects.filter(learner=user) if r.evidence]
        user.delete()
    storage = Recognition._meta.get_field("evidence").storage
    for name in files_after:
        storage.delete(name)
