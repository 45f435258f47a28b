"""Keep CoursePage.provider equal to the school the page sits under, also after a move."""

from django.dispatch import receiver
from wagtail.signals import post_page_move

from courses.models import CoursePage, ProviderPage


@receiver(post_page_move)
def course_provider_follows_move(sender, instance, parent_page_after, **kwargs):
    moved_path = instance.path
    courses = CoursePage.objects.filter(path__startswith=moved_path)
    for course in courses:
        parent = ProviderPage.objects.filter(path=course.path[: -course.steplen]).first()
        CoursePage.objects.filter(pk=course.pk).update(provider=parent)
