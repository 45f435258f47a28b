"""Staff admin views for lesson media: processing progress and failures, retrying, downloading the original.

Each school's staff see and act on their own collection's media only (wagtailmedia's collection permission
policy, as images and documents); the centre sees all.
"""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from wagtail.admin import messages
from wagtailmedia.views import media as wagtailmedia_views

from media.models import LessonMedia
from media.selectors import may_manage_media, media_for_user, media_processing_list
from media.services import renditions_retry


def _media_or_404(user, pk: int) -> LessonMedia:
    # Another school's media is "not found", not "forbidden": its existence is not theirs to learn.
    return get_object_or_404(media_for_user(user), pk=pk)


@require_GET
def processing_index(request):
    if not may_manage_media(request.user):
        raise PermissionDenied
    return TemplateResponse(
        request,
        "media/admin/processing_index.html",
        {
            "page_title": _("音视频处理"),
            "header_title": _("音视频处理"),
            "header_icon": "media",
            "media_items": media_processing_list(request.user)[:200],
        },
    )


@require_POST
def retry(request, pk: int):
    media = _media_or_404(request.user, pk)
    queued = renditions_retry(media=media)
    messages.success(request, _("已重新排队处理“%(title)s”（%(n)s 个文件）。") % {"title": media.title, "n": queued})
    return redirect("lesson_media_processing")


@require_GET
def original(request, pk: int):
    media = _media_or_404(request.user, pk)
    response = FileResponse(media.file.open("rb"), as_attachment=True, filename=media.filename)
    response["Cache-Control"] = "private, no-store"
    return response


def usage(request, media_id: int):
    """wagtailmedia's usage page checks only that the person has some media right, not on this media: it would
    show another school's media title and the pages using it. Served at the same path, checked first."""
    _media_or_404(request.user, media_id)
    return wagtailmedia_views.usage(request, media_id)
