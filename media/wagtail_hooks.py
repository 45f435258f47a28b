"""Admin hooks for lesson media: the processing page (progress, failures, retry) in the menu, and the checked
download of originals."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from media import admin_views
from media.selectors import may_manage_media


@hooks.register("register_admin_urls")
def _lesson_media_urls():
    # `media` comes before `wagtailmedia` in INSTALLED_APPS, so these are matched before wagtailmedia's own.
    return [
        path("media/usage/<int:media_id>/", admin_views.usage, name="lesson_media_usage"),
        path("lesson-media/", admin_views.processing_index, name="lesson_media_processing"),
        path("lesson-media/<int:pk>/retry/", admin_views.retry, name="lesson_media_retry"),
        path("lesson-media/<int:pk>/original/", admin_views.original, name="lesson_media_original"),
    ]


class ProcessingMenuItem(MenuItem):
    def is_shown(self, request):
        return may_manage_media(request.user)


@hooks.register("register_admin_menu_item")
def _processing_menu_item():
    return ProcessingMenuItem(
        _("音视频处理"),
        reverse("lesson_media_processing"),
        name="lesson-media-processing",
        icon_name="media",
        order=310,
    )
