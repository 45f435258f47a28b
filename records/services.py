"""Writes for learning records: what sources tell records (hours, registrations, attendance, completions),
certificates, recognised learning, credit rules, xAPI statements, erasing a learner's records.

Records knows no source app: enrolment (today), online lessons, community events and study circles (later)
call the services under "What sources tell records" with neutral facts — a `source` key for the learning
event, an `xapi.Activity`, the category, hours and time — and hand over a `records.sources.Completion`
snapshot when a certificate is due.

HackSoft style: keyword-only, typed, one transaction each. Refusals raise RecordsRefused with a machine
code and a Chinese message; nothing is changed when a request is refused.
"""

import datetime
import logging
import re
import secrets
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import is_centre_staff
from core.queueing import queue_on_commit
from core.refusals import Refused
from courses.models import Category
from courses.selectors import providers_for_user
from records import xapi
from records.models import (
    Certificate,
    CertificateStatus,
    CreditConversion,
    CreditRule,
    LearnerKey,
    LearningEntry,
    Recognition,
    RecognitionStatus,
    XapiStatement,
    private_storage,
)
from records.selectors import mask_name
from records.sources import Completion
from records.tasks import certificate_generate_pdf, xapi_push_statements

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
    }


# --- Who may do what -----------------------------------------------------------------------------


def may_revoke(user, certificate: Certificate) -> bool:
    """Centre staff, or staff of the school that issued the certificate."""
    if is_centre_staff(user):
        return True
    if not user.is_authenticated or certificate.issuer_page_id is None:
        return False
    return providers_for_user(user).filter(pk=certificate.issuer_page_id).exists()


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


def certificate_issue(*, completion: Completion) -> Certificate:
    """Issue the certificate for a completion. Asking again returns the same certificate; a revoked
    certificate is never silently replaced (one certificate per source, by the database too)."""
    with transaction.atomic():
        existing = Certificate.objects.select_for_update().filter(source=completion.source).first()
        if existing is not None:
            if existing.status == CertificateStatus.REVOKED:
                raise RecordsRefused(
                    "revoked",
                    _("该学员本课程的证书（%(code)s）已被撤销，不会自动重新颁发。") % {"code": existing.code},
                )
            return existing
        if completion.completed_at is None:
            raise RecordsRefused("not_completed", _("学员尚未结业，不能颁发证书。"))
        certificate = Certificate(
            source=completion.source,
            issuer_page=completion.issuer_page,
            learner=completion.learner,
            learner_name=completion.learner_name,
            course_title=completion.course_title,
            class_label=completion.class_label,
            category_name=completion.category.name if completion.category else "",
            issuer=completion.issuer,
            hours=completion.hours or Decimal("0"),
            completed_on=timezone.localdate(completion.completed_at),
        )
        for _attempt in range(5):  # a clash of 60 random bits is not expected; retry rather than fail
            certificate.code = new_certificate_code()
            try:
                with transaction.atomic():
                    certificate.save()
                break
            except IntegrityError:
                if Certificate.objects.filter(source=completion.source).exists():
                    return Certificate.objects.get(source=completion.source)
                certificate.pk = None
        else:  # pragma: no cover
            raise RecordsRefused("invalid_state", _("证书编号生成失败，请重试。"))
        _record_statement(
            learner=completion.learner,
            verb="earned",
            build=lambda key: xapi.earned(
                learner_key=key, certificate=certificate, parent=completion.activity, category=completion.category
            ),
        )
        queue_on_commit(certificate_generate_pdf, certificate.pk)
        return certificate


def certificate_revoke(*, code: str, by: User, reason: str) -> Certificate:
    reason = (reason or "").strip()
    with transaction.atomic():
        certificate = (
            Certificate.objects.select_for_update().filter(code=normalise_certificate_code(code) or "").first()
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


# --- What sources tell records -------------------------------------------------------------------


def learner_key(user: User) -> uuid.UUID:
    """The learner's xAPI id, made on first use. Kept on `user`, so asking again costs no query: enrolment asks
    before it takes the class lock, and the statement it writes under the lock finds it there."""
    try:
        return user.learner_key.xapi_id
    except LearnerKey.DoesNotExist:
        key, _created = LearnerKey.objects.get_or_create(learner=user)
        user.learner_key = key
        return key.xapi_id


def _record_statement(*, learner: User, verb: str, build: Callable[[uuid.UUID], dict]) -> XapiStatement:
    """Put a statement in the outbox once (its id is deterministic) and, with an LRS, send it after commit."""
    statement = build(learner_key(learner))
    row, created = XapiStatement.objects.get_or_create(
        id=uuid.UUID(statement["id"]), defaults={"learner": learner, "verb": verb, "statement": statement}
    )
    if created and settings.XAPI_LRS_URL:
        queue_on_commit(xapi_push_statements, [str(row.pk)])
    return row


def learning_hours_record(
    *,
    learner: User,
    source: str,
    title: str,
    hours: Decimal,
    occurred_at: datetime.datetime,
    category: Category | None = None,
    provider: str = "",
) -> LearningEntry:
    """Put hours of learning in the ledger. Idempotent on `source`: recording the same learning event again
    returns the entry already there, unchanged."""
    fields = _ledger_fields(
        learner=learner, title=title, hours=hours, occurred_at=occurred_at, category=category, provider=provider
    )
    entry, _created = LearningEntry.objects.get_or_create(source=source, defaults=fields)
    return entry


def _ledger_fields(*, learner, title, hours, occurred_at, category, provider) -> dict:
    """A ledger entry's fields as stored (title and school cut to their columns), after checking the hours."""
    if hours is None or not Decimal(hours).is_finite() or Decimal(hours) < 0:
        raise RecordsRefused("invalid", _("学时必须是不小于0的数值。"))
    return {
        "learner": learner,
        "title": title[:255],
        "category": category,
        "provider": (provider or "")[:255],
        "hours": hours,
        "occurred_at": occurred_at,
    }


@dataclass(frozen=True)
class HoursLearned:
    """One learning event for `learning_hours_record_many`: the fields `learning_hours_record` takes."""

    learner: User
    source: str
    title: str
    hours: Decimal
    occurred_at: datetime.datetime
    category: Category | None = None
    provider: str = ""


@transaction.atomic
def learning_hours_record_many(entries: Iterable[HoursLearned], *, batch_size: int = 500) -> int:
    """`learning_hours_record` for many events at once (an import, the demo's five years of a town's learning):
    the same checks and the same idempotence on `source`, in a few inserts instead of a query pair per event.
    Returns how many events were new. Refuses all of them, changing nothing, if one has invalid hours."""
    rows = [
        LearningEntry(
            source=entry.source,
            **_ledger_fields(
                learner=entry.learner,
                title=entry.title,
                hours=entry.hours,
                occurred_at=entry.occurred_at,
                category=entry.category,
                provider=entry.provider,
            ),
        )
        for entry in entries
    ]
    new = []
    seen = set()
    for start in range(0, len(rows), batch_size):
        batch = rows[start : start + batch_size]
        known = set(
            LearningEntry.objects.filter(source__in=[row.source for row in batch]).values_list("source", flat=True)
        )
        for row in batch:
            if row.source not in known and row.source not in seen:
                seen.add(row.source)
                new.append(row)
    # A source recorded before is left as it is, as learning_hours_record leaves it; one recorded by a concurrent
    # request since the lookup above is skipped by the database (the unique source), not raised.
    LearningEntry.objects.bulk_create(new, batch_size=batch_size, ignore_conflicts=True)
    return len(new)


def learning_hours_set(
    *,
    learner: User,
    source: str,
    title: str,
    hours: Decimal,
    occurred_at: datetime.datetime,
    category: Category | None = None,
    provider: str = "",
) -> LearningEntry:
    """Put hours in the ledger for learning that grows (an online lesson watched over several sittings): one
    entry per `source`, its hours set to `hours`. Idempotent: the same hours again change nothing; the entry
    keeps when it was first recorded (`occurred_at` only counts for a new entry)."""
    entry = learning_hours_record(
        learner=learner,
        source=source,
        title=title,
        hours=hours,
        occurred_at=occurred_at,
        category=category,
        provider=provider,
    )
    if entry.hours != hours:
        LearningEntry.objects.filter(pk=entry.pk).update(hours=hours)
        entry.hours = hours
    return entry


def learning_hours_withdraw(*, source: str) -> bool:
    """Take a learning event's hours out of the ledger (the source corrected itself). True if there were any."""
    deleted, _by_model = LearningEntry.objects.filter(source=source).delete()
    return bool(deleted)


def learning_registered(
    *, learner: User, ref: str, activity: xapi.Activity, category: Category | None, at: datetime.datetime
) -> XapiStatement:
    """A learner signed up for an activity (a class, later a study circle…): a "registered" statement.

    One `INSERT … ON CONFLICT DO NOTHING`, no read and no savepoint first (get_or_create costs four statements):
    enrolment writes it while everyone else enrolling in the class waits for its lock. A sign-up is a new
    event (a new `ref`), so the push is queued without asking whether the row was there already; pushing is
    idempotent."""
    statement = xapi.registered(learner_key=learner_key(learner), ref=ref, activity=activity, category=category, at=at)
    row = XapiStatement(id=uuid.UUID(statement["id"]), learner=learner, verb="registered", statement=statement)
    XapiStatement.objects.bulk_create([row], ignore_conflicts=True)
    if settings.XAPI_LRS_URL:
        queue_on_commit(xapi_push_statements, [str(row.pk)])
    return row


def learning_attended(
    *,
    learner: User,
    source: str,
    ref: str,
    activity: xapi.Activity,
    parent: xapi.Activity | None,
    category: Category | None,
    provider: str,
    hours: Decimal,
    at: datetime.datetime,
) -> LearningEntry:
    """A learner attended a session (a class meeting today): its hours go in the ledger under `source`, named
    after what was learned (the parent activity, e.g. the class), and an "attended" statement in the outbox."""
    entry = learning_hours_record(
        learner=learner,
        source=source,
        title=(parent or activity).name,
        category=category,
        provider=provider,
        hours=hours,
        occurred_at=at,
    )
    _record_statement(
        learner=learner,
        verb="attended",
        build=lambda key: xapi.attended(
            learner_key=key, ref=ref, activity=activity, parent=parent, category=category, hours=hours, at=at
        ),
    )
    return entry


def learning_video_event(
    *,
    learner: User,
    ref: str,
    verb: str,
    activity: xapi.Activity,
    parent: xapi.Activity | None,
    category: Category | None,
    state: xapi.VideoState,
    at: datetime.datetime,
    hours: Decimal | None = None,
) -> XapiStatement:
    """A learner watched a video or audio (initialized, played, paused, seeked, completed): one xAPI Video
    Profile statement in the outbox, its id from `verb` and the source's `ref` (the same event is stored once)."""
    return _record_statement(
        learner=learner,
        verb=verb,
        build=lambda key: xapi.video_event(
            learner_key=key,
            ref=ref,
            verb=verb,
            activity=activity,
            parent=parent,
            category=category,
            state=state,
            at=at,
            hours=hours,
        ),
    )


def learning_completed(*, completion: Completion) -> Certificate | None:
    """A learner completed an activity: a "completed" statement, then the certificate (issued once). A revoked
    certificate is not replaced: the completion stands, without a new certificate (None)."""
    _record_statement(
        learner=completion.learner,
        verb="completed",
        build=lambda key: xapi.completed(
            learner_key=key,
            ref=completion.ref,
            activity=completion.activity,
            category=completion.category,
            hours=completion.hours,
            at=completion.completed_at,
        ),
    )
    try:
        return certificate_issue(completion=completion)
    except RecordsRefused as refusal:
        logger.info("No certificate for %s: %s", completion.source, refusal.code)
        return None


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


# --- Erasing a learner's records (account deletion) ----------------------------------------------


def learner_records_erase(*, user: User) -> Callable[[], None]:
    """Registered with accounts.personal_data: run when a learner deletes their account, before the user row
    goes. Certificates already issued stay verifiable with the name masked, unlinked from the person and from
    their source; their stored PDF (full name) is deleted. Recognitions with their evidence, ledger entries,
    xAPI statements and the learner key go. Returns what to do once the deletion is committed (delete files)."""
    files: list[str] = []
    for certificate in Certificate.objects.select_for_update().filter(learner=user):
        certificate.learner, certificate.source = None, None
        certificate.learner_name = mask_name(certificate.learner_name)
        if certificate.pdf:  # the stored PDF shows the full name: it goes with the account
            files.append(certificate.pdf.name)
            certificate.pdf, certificate.pdf_generated_at = "", None
        certificate.save(update_fields=["learner", "source", "learner_name", "pdf", "pdf_generated_at"])
    recognitions = Recognition.objects.filter(learner=user)
    files += [r.evidence.name for r in recognitions if r.evidence]
    recognitions.delete()
    LearningEntry.objects.filter(learner=user).delete()
    XapiStatement.objects.filter(learner=user).delete()
    LearnerKey.objects.filter(learner=user).delete()

    def delete_files() -> None:
        storage = private_storage()
        for name in files:
            storage.delete(name)

    return delete_files
