"""Celery tasks for enrolment. Thin: they take ids, claim their work with a conditional UPDATE (so running
twice sends once), and call the SMS/email senders. Queued after commit by the services (core.queueing).

The enrolment row is the outbox: a promotion text is due while `promotion_sms_sent_at` is empty, a reminder
while `reminder_sent_at` is. A gateway that fails or times out releases the claim and the task retries with
exponential backoff; when the broker was down or the retries ran out, `enrolment_outbox_dispatch` (beat, and
`manage.py outbox_dispatch`) queues the promotion again and the hourly reminder run picks the reminder up.
"""

import logging

from celery import shared_task
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.phone import mask_phone
from accounts.sms import SmsError, in_site_language, send_sms
from enrolment.models import Enrolment, EnrolmentStatus
from enrolment.selectors import enrolments_due_reminder, promotions_unsent

logger = logging.getLogger(__name__)

# A gateway down or timing out: retry after about 30 s, 1, 2, 4… minutes (with jitter), at most an hour apart.
SMS_RETRIES = {
    "autoretry_for": (SmsError,),
    "retry_backoff": 30,
    "retry_backoff_max": 3600,
    "retry_jitter": True,
    "max_retries": 8,
}


def _keep_pending_if_eager(task, error: SmsError) -> None:
    """Without a broker (tasks run inside the request) a failed text waits for the sweep instead of retrying at
    once, holding up the person who caused it; with a broker the error goes on to autoretry."""
    if task.request.is_eager:
        logger.warning("%s: SMS not sent (%s); left for the sweep", task.name, error)
        return
    raise error


def _class_line(enrolment: Enrolment) -> str:
    course_class = enrolment.course_class
    venue = course_class.venue.name if course_class.venue_id else _("线上")
    return _("《%(course)s》%(label)s，%(date)s开课，%(schedule)s，地点：%(venue)s") % {
        "course": course_class.course.title,
        "label": course_class.label,
        "date": f"{course_class.starts_on:%m月%d日}",
        "schedule": course_class.schedule,
        "venue": venue,
    }


@shared_task(bind=True, **SMS_RETRIES)
@in_site_language
def send_promotion_sms(self, enrolment_id: int) -> bool:
    """Tell a learner their waitlist place became a seat. Sends at most once per enrolment."""
    claimed = Enrolment.objects.filter(
        pk=enrolment_id, status=EnrolmentStatus.ENROLLED, promoted_at__isnull=False, promotion_sms_sent_at__isnull=True
    ).update(promotion_sms_sent_at=timezone.now())
    if not claimed:
        return False
    enrolment = Enrolment.objects.select_related("learner", "course_class__course", "course_class__venue").get(
        pk=enrolment_id
    )
    try:
        send_sms(
            phone=enrolment.learner.phone,
            body=_("【蓟州终身学习网】%(name)s，您候补的%(line)s已为您转为正式报名。如不能参加请登录网站取消。")
            % {"name": enrolment.learner.display_name, "line": _class_line(enrolment)},
            key=f"enrolment-promotion:{enrolment_id}",
        )
    except SmsError as error:
        # Release the claim so the retry (or the sweep) can send it.
        Enrolment.objects.filter(pk=enrolment_id).update(promotion_sms_sent_at=None)
        _keep_pending_if_eager(self, error)
        return False
    return True


@shared_task(bind=True, **SMS_RETRIES)
@in_site_language
def send_enrolment_reminder(self, enrolment_id: int) -> bool:
    """Remind one learner the day before their class starts. Claimed first, so it is sent once."""
    claimed = Enrolment.objects.filter(
        pk=enrolment_id, status=EnrolmentStatus.ENROLLED, reminder_sent_at__isnull=True
    ).update(reminder_sent_at=timezone.now())
    if not claimed:
        return False
    enrolment = Enrolment.objects.select_related("learner", "course_class__course", "course_class__venue").get(
        pk=enrolment_id
    )
    learner, line = enrolment.learner, _class_line(enrolment)
    try:
        send_sms(
            phone=learner.phone,
            body=_("【蓟州终身学习网】%(name)s，提醒您：%(line)s。") % {"name": learner.display_name, "line": line},
            key=f"enrolment-reminder:{enrolment_id}",
        )
    except SmsError as error:
        Enrolment.objects.filter(pk=enrolment_id).update(reminder_sent_at=None)
        _keep_pending_if_eager(self, error)
        return False
    if learner.email:
        try:
            send_mail(
                _("开课提醒：%(course)s") % {"course": enrolment.course_class.course.title},
                _("%(name)s，您好：\n\n提醒您：%(line)s。\n\n蓟州终身学习网")
                % {"name": learner.display_name, "line": line},
                None,
                [learner.email],
            )
        except OSError:
            # The SMS went out; a failed email is logged, not retried (it would resend the SMS).
            logger.warning("Reminder email failed for learner of %s", mask_phone(learner.phone))
    return True


@shared_task
def send_class_reminders() -> int:
    """Beat task: queue a reminder for everyone enrolled in a class that starts tomorrow."""
    ids = list(enrolments_due_reminder().values_list("pk", flat=True))
    for pk in ids:
        send_enrolment_reminder.delay(pk)
    return len(ids)


@shared_task
def enrolment_outbox_dispatch() -> int:
    """Sweep (beat, `manage.py outbox_dispatch`): queue again every promotion text still unsent."""
    ids = list(promotions_unsent().values_list("pk", flat=True))
    for pk in ids:
        send_promotion_sms.delay(pk)
    return len(ids)
