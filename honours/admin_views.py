"""The guidance centre's review screen in the admin: each round's nominations with their evidence, shortlist
or reject (with a reason), and the award once the public notice has closed. Centre staff only."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from wagtail.admin import messages

from accounts.roles import is_centre_staff
from honours.selectors import nominations_for_review, rounds_public
from honours.services import HonoursRefused, nomination_decide, round_award


def _centre_only(request) -> None:
    if not is_centre_staff(request.user):
        raise PermissionDenied


def _back(round_id) -> str:
    url = reverse("honours_review")
    return f"{url}?round={round_id}" if round_id else url


@require_GET
def review(request):
    _centre_only(request)
    rounds = rounds_public()
    try:
        chosen_id = int(request.GET.get("round", ""))
    except ValueError:
        chosen_id = None
    chosen = next((r for r in rounds if r.pk == chosen_id), rounds[0] if rounds else None)
    return TemplateResponse(
        request,
        "honours/admin/review.html",
        {
            "page_title": _("推荐审核"),
            "header_title": _("学习之星与品牌推荐审核"),
            "header_icon": "pick",
            "rounds": rounds,
            "chosen": chosen,
            "today": timezone.localdate(),
            "nominations": list(nominations_for_review(round_id=chosen.pk)) if chosen else [],
        },
    )


@require_POST
def decide(request, nomination_id: int):
    _centre_only(request)
    try:
        nomination = nomination_decide(
            by=request.user,
            nomination_id=nomination_id,
            approve=request.POST.get("decision") == "approve",
            note=request.POST.get("note", ""),
        )
    except HonoursRefused as refusal:
        messages.error(request, refusal.message)
        return redirect(_back(request.POST.get("round")))
    messages.success(request, _("已保存：%(status)s。") % {"status": nomination.get_status_display()})
    return redirect(_back(nomination.round_id))


@require_POST
def award(request, round_id: int):
    _centre_only(request)
    try:
        count = round_award(by=request.user, round_id=round_id)
    except HonoursRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("已表彰%(n)d个入围推荐，荣誉榜已更新。") % {"n": count})
    return redirect(_back(round_id))
