"""The admin's 学习团队 screens: reviewers approve or dissolve circles, the centre assesses them yearly.
Thin: every write is a service call; the services say who may."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import is_centre_staff
from circles import selectors, services
from circles.forms import AssessmentForm
from circles.models import StudyCircle
from circles.services import CircleRefused


def may_open(user) -> bool:
    return selectors.circles_for_reviewer(user).exists() or is_centre_staff(user)


def index(request: HttpRequest) -> HttpResponse:
    if not may_open(request.user):
        raise PermissionDenied
    return TemplateResponse(
        request,
        "circles/admin/index.html",
        {
            "page_title": _("学习团队"),
            "header_title": _("学习团队"),
            "header_icon": "group",
            "circles": selectors.circles_for_reviewer(request.user)[:500],
            "is_centre": is_centre_staff(request.user),
        },
    )


def _run(request: HttpRequest, action, circle_id: int, done: str) -> HttpResponse:
    try:
        circle = action(circle_id=circle_id, by=request.user)
    except CircleRefused as refusal:
        if refusal.code == "not_found":
            raise Http404(refusal.message)
        if refusal.code == "forbidden":
            raise PermissionDenied(refusal.message)
        messages.error(request, refusal.message)
    else:
        messages.success(request, done % {"name": circle.name})
    return redirect("circles_admin_index")


@require_POST
def approve(request: HttpRequest, circle_id: int) -> HttpResponse:
    return _run(request, services.circle_approve, circle_id, _("已批准“%(name)s”。"))


@require_POST
def dissolve(request: HttpRequest, circle_id: int) -> HttpResponse:
    return _run(request, services.circle_dissolve, circle_id, _("“%(name)s”已解散。"))


def assess(request: HttpRequest, circle_id: int) -> HttpResponse:
    if not is_centre_staff(request.user):
        raise PermissionDenied
    circle = StudyCircle.objects.filter(pk=circle_id).first()
    if circle is None:
        raise Http404(_("没有找到这个学习团队。"))
    year = timezone.localdate().year - 1
    form = AssessmentForm(request.POST or None, initial={"year": year})
    if request.method == "POST" and form.is_valid():
        year = form.cleaned_data["year"]
        try:
            services.assessment_create(circle_id=circle.pk, by=request.user, **form.cleaned_data)
        except CircleRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("已保存“%(name)s”%(year)d年度评定。") % {"name": circle.name, "year": year})
            return redirect("circles_admin_index")
    return TemplateResponse(
        request,
        "circles/admin/assess.html",
        {
            "page_title": _("年度评定"),
            "header_title": _("年度评定：%(name)s") % {"name": circle.name},
            "header_icon": "group",
            "circle": circle,
            "form": form,
            "activity": selectors.yearly_activity(circle=circle, year=year),
            "year": year,
            "assessments": circle.assessments.all(),
        },
        status=400 if form.errors else 200,
    )
