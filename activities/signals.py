"""Every receiver of events, each one line calling a service.

- page_published EventPage → event_waitlist_fill after commit: staff raised the capacity and published; the
  waitlist moves up into the new seats in arrival order and the promoted are texted.
"""

from django.db import transaction
from django.dispatch import receiver
from wagtail.signals import page_published

from activities.models import EventPage
from activities.services import event_waitlist_fill


@receiver(page_published, sender=EventPage)
def event_published(sender, instance, **kwargs):
    transaction.on_commit(lambda pk=instance.pk: event_waitlist_fill(event_id=pk))
