"""Learner pages: 报名 and 取消 from a class card, 我的报名, and QR check-in. Thin: forms post to services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.models import CourseClass
from enrolment.models import Meeting
from enrolment.selectors import learner_enrolments, waitlist_position
from enrolment.services import EnrolmentRefused, attendance_check_in, enrolment_cancel, enrolment_create


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


def _class_url(course_class: CourseClass, request: HttpRequest) -> str:
    return f"{course_class.course.get_url(request)}#class-{course_class.pk}"


@require_POST
def enrol(request: HttpRequest, class_id: int) -> HttpResponse:
    course_class = CourseClass.objects.select_related("course").filter(pk=class_id, course__live=True).first()
    if course_class is None:
        raise Http404(_("没有找到这个班次。"))
    back = _class_url(course_class, request)
    if not request.user.is_authenticated:
        messages.info(request, _("请先登录，再点“报名”。"))
        return redirect(f"{reverse('accounts:login')}?next={course_class.course.get_url(request)}")
    try:
        enrolment = enrolment_create(learner=request.user, course_class_id=class_id)
    except EnrolmentRefused as error:
        messages.error(request, error.message)
        return redirect(back)
    if enrolment.status == "waitlisted":
        messages.success(
            request,
            _("名额已满，您已进入候补名单，排第%(n)d位。有人取消时会按先后递补并短信通知您。")
            % {"n": waitlist_position(enrolment)},
        )
    else:
        messages.success(
            request,
            _("报名成功：%(course)s %(label)s。") % {"course": course_class.course.title, "label": course_class.label},
        )
    return redirect(back)


@require_POST
@login_required
def cancel(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    try:
        enrolment_cancel(enrolment_id=enrolment_id, by=request.user)
    except EnrolmentRefused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已取消报名。"))
    return redirect(_safe_next(request, reverse("enrolment:mine")))


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    return render(request, "enrolment/my_enrolments.html", {"enrolments": learner_enrolments(request.user)})


@login_required
def check_in(request: HttpRequest, meeting_id: int, code: str) -> HttpResponse:
    """Where the QR code leads: a confirm button (GET) that checks the learner in (POST)."""
    meeting = Meeting.objects.select_related("course_class__course").filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404(_("没有找到这次课。"))
    error = None
    if request.method == "POST":
        try:
            attendance_check_in(meeting_id=meeting.pk, learner=request.user, code=code)
        except EnrolmentRefused as refusal:
            error = refusal
        else:
            messages.success(request, _("签到成功：%(meeting)s。") % {"meeting": meeting})
            return redirect("enrolment:mine")
    return render(
        request,
        "enrolment/check_in.html",
        {"meeting": meeting, "error": error},
        status=error.status if error else 200,
    )
