"""The audit log: who changed what and when. Stored in Wagtail's own log tables (PageLogEntry for pages,
ModelLogEntry for everything else) so entries also appear in Wagtail's page history and reports.

- Pages and their inline classes: Wagtail logs create/edit/publish/unpublish/move/copy/workflow itself.
- Enrolments: staff actions (cancel, complete, waitlist promotion) are logged from the model's signals,
  with the acting user taken from the log context (Wagtail's admin sets it; AuditLogContextMiddleware
  sets it for the site's own views and the API).
- Completions, certificates and credit-bank approvals: `audit_record()` with one of the actions below.

The functions below the middleware are the log's upkeep on post_init/post_save of Enrolment, Certificate and
Recognition; the receivers calling them are listed in publishing/signals.py.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import LogContext, get_active_log_context, log

from enrolment.models import Enrolment, EnrolmentStatus
from records.models import Certificate, CertificateStatus, Recognition, RecognitionStatus

# action id → (label, message). Labels are what the filter offers, messages what a row says.
AUDIT_ACTIONS = {
    "jizhou.enrolment.enrol": (_("报名"), _("报名（工作人员代办）")),
    "jizhou.enrolment.cancel": (_("取消报名"), _("工作人员取消了报名")),
    "jizhou.enrolment.promote": (_("候补转正"), _("候补转为正式报名")),
    "jizhou.enrolment.complete": (_("确认结业"), _("确认结业")),
    "jizhou.enrolment.reveal_phone": (_("查看手机号"), _("查看了学员完整手机号")),
    "jizhou.certificate.issue": (_("颁发证书"), _("颁发证书")),
    "jizhou.certificate.revoke": (_("撤销证书"), _("撤销证书")),
    "jizhou.credit.approve": (_("学分银行审核通过"), _("学分银行审核通过")),
    "jizhou.credit.reject": (_("学分银行审核退回"), _("学分银行审核退回")),
    "jizhou.course.learners_notified": (_("下线通知学员"), _("课程下线，已短信通知在读和候补学员")),
}


def register_audit_actions(actions) -> None:
    for action, (label, message) in AUDIT_ACTIONS.items():
        actions.register_action(action, label, message)


def audit_record(*, instance, action: str, user=None, data: dict | None = None, title: str = ""):
    """Log a staff action on any model instance. `action` must be one of AUDIT_ACTIONS (or Wagtail's own).

    Personal data stays out of `data` and `title`: ids, classes and statuses, never phone numbers or names
    (the log outlives the enrolment; the centre follows the id when it needs the person).
    """
    if action not in AUDIT_ACTIONS and not action.startswith("wagtail."):
        raise ValueError(f"unregistered audit action {action!r}")
    return log(instance=instance, action=action, user=user, data=data or {}, title=title or None)


class AuditLogContextMiddleware:
    """Make the signed-in person the actor of everything logged during their request (as Wagtail's admin
    does for its own views), so the enrolment signals below know who cancelled or completed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        with LogContext(user=user):
            return self.get_response(request)


# --- Enrolment changes made by someone other than the learner ------------------------------------------

_STATUS_ACTIONS = {
    EnrolmentStatus.CANCELLED: "jizhou.enrolment.cancel",
    EnrolmentStatus.COMPLETED: "jizhou.enrolment.complete",
}


def remember_status(instance) -> None:
    """The status as loaded (Enrolment, Certificate, Recognition), so a save can tell a change from a plain
    save. Deferred loads skip it."""
    instance._audit_status = instance.__dict__.get("status")


def enrolment_change_log(instance: Enrolment, *, created: bool, raw: bool = False) -> None:
    """A status change made by staff (or any completion) goes in the log; the learner's own do not."""
    if raw:
        return
    before, now = (None if created else instance._audit_status), instance.status
    instance._audit_status = now
    if before == now:
        return
    actor = get_active_log_context().user
    if now == EnrolmentStatus.COMPLETED:
        # Completion is always recorded: by the member of staff, or by the system (attendance rule).
        actor = instance.completed_by or actor
        audit_record(
            instance=instance,
            action="jizhou.enrolment.complete",
            user=actor,
            data=_data(instance, before),
            title=_title(instance),
        )
        return
    if actor is None or actor.pk == instance.learner_id:
        return  # the learner's own enrolment or cancellation is their business, not a staff action
    if created:
        action = "jizhou.enrolment.enrol"
    elif before == EnrolmentStatus.WAITLISTED and now == EnrolmentStatus.ENROLLED:
        action = "jizhou.enrolment.promote"
    else:
        action = _STATUS_ACTIONS.get(now)
    if action:
        audit_record(instance=instance, action=action, user=actor, data=_data(instance, before), title=_title(instance))


def _data(instance: Enrolment, before) -> dict:
    return {"class_id": instance.course_class_id, "from": before or "", "to": instance.status}


def _title(instance: Enrolment) -> str:
    return f"报名#{instance.pk} · {instance.course_class}"


# --- Certificates and credit-bank recognitions ------------------------------------------------------------


def certificate_log(instance: Certificate, *, created: bool, raw: bool = False) -> None:
    """A certificate issued (by the system) or revoked (by staff)."""
    if raw:
        return
    before, instance._audit_status = (None if created else instance._audit_status), instance.status
    title = f"证书{instance.code}"
    data = {"source": instance.source}
    if created:
        # Issued by the system when a learner completes; the log context names whoever triggered it.
        audit_record(instance=instance, action="jizhou.certificate.issue", data=data, title=title)
    elif before != instance.status and instance.status == CertificateStatus.REVOKED:
        audit_record(
            instance=instance,
            action="jizhou.certificate.revoke",
            user=instance.revoked_by,
            data={**data, "reason": instance.revoked_reason},
            title=title,
        )


def recognition_decision_log(instance: Recognition, *, created: bool, raw: bool = False) -> None:
    """A credit-bank claim approved or rejected."""
    if raw:
        return
    before, instance._audit_status = (None if created else instance._audit_status), instance.status
    if before == instance.status:
        return
    action = {
        RecognitionStatus.APPROVED: "jizhou.credit.approve",
        RecognitionStatus.REJECTED: "jizhou.credit.reject",
    }.get(instance.status)
    if action:
        audit_record(
            instance=instance,
            action=action,
            user=instance.decided_by,
            data={"hours": str(instance.hours), "note": instance.decision_note},
            title=f"学习成果认定#{instance.pk} · {instance.title}",
        )
