"""Each receiver one line calling a service: a centre-wide section published gets the centre's rights."""

from django.dispatch import receiver
from wagtail.signals import page_published

from community.models import LearningPointIndexPage, NoticeIndexPage
from community.services import centre_section_rights_ensure


@receiver(page_published, sender=NoticeIndexPage)
@receiver(page_published, sender=LearningPointIndexPage)
def centre_section_published(sender, instance, **kwargs):
    centre_section_rights_ensure(page=instance)
