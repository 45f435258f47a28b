"""Celery tasks for events. The sign-up row is the outbox: a promotion text is due while
`promotion_sms_sent_at` is empty; the task claims it with a conditional UPDATE, so running twice sends once."""

import logging

from celery import shared_task
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.sms import SmsError, in_site_language, send_sms
from activities.models import EventSignup, SignupStatus

logger = logging.getLogger(__name__)


@shared_task(bind=True, autoretry_for=(SmsError,), retry_backoff=30, retry_backoff_max=3600, max_retries=8)
@in_site_language
def send_event_promotion_sms(self, signup_id: int) -> bool:
    """Tell a resident their waitlist place at an event became a seat. Sends at most once per sign-up."""
    claimed = EventSignup.objects.filter(
        pk=signup_id, status=SignupStatus.SIGNED_UP, promoted_at__isnull=False, promotion_sms_sent_at__isnull=True
    ).update(promotion_sms_sent_at=timezone.now())
    if not claimed:
        return False
    signup = EventSignup.objects.select_related("resident", "event__venue").get(pk=signup_id)
    event = signup.event
    try:
        send_sms(
            phone=signup.resident.phone,
            body=_(
                "【蓟州终身学习网】%(name)s，您候补的活动“%(event)s”（%(time)s，%(venue)s）已为您转为正式报名。"
                "如不能参加请登录网站取消。"
            )
            % {
                "name": signup.resident.display_name,
                "event": event.title,
                "time": f"{timezone.localtime(event.starts_at):%m月%d日 %H:%M}",
                "venue": event.venue.name if event.venue_id else "",
            },
            key=f"event-promotion:{signup_id}",
        )
    except SmsError:
        # Release the claim so the retry can send it; without a broker the text waits (logged, no number).
        EventSignup.objects.filter(pk=signup_id).update(promotion_sms_sent_at=None)
        if self.request.is_eager:
            logger.warning("event promotion SMS for sign-up %s not sent", signup_id)
            return False
        raise
    return True
