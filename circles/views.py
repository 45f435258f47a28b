"""Residents' circle pages: the list by town and kind, a circle's page, starting, joining and leaving, the leader's
tools (meetings with who came, activity) and 我的学习团队. Thin: forms post to circles.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from circles import selectors, services
from circles.forms import ActivityForm, CircleStartForm, MeetingForm
from circles.models import CircleKind, CircleMeeting, StudyCircle
from circles.services import CircleRefused
from places.models import Town


def _page_circle(request: HttpRequest, circle_id: int) -> StudyCircle:
    circle = selectors.circle_for_page(circle_id=circle_id)
    if circle is None or not services.may_view(request.user, circle):
        raise Http404(_("没有找到这个学习团队。"))
    return circle


def _led_circle(request: HttpRequest, circle_id: int) -> StudyCircle:
    """The leader's tools answer 404 to everyone else: a circle's tools are not a place to probe."""
    circle = _page_circle(request, circle_id)
    if not services.is_leader(request.user, circle):
        raise Http404(_("没有找到这个学习团队。"))
    return circle


def circle_list(request: HttpRequest) -> HttpResponse:
    town_id = request.GET.get("town") or ""
    kind = request.GET.get("kind") or ""
    town_id = int(town_id) if town_id.isdigit() and len(town_id) < 10 else None
    kind = kind if kind in CircleKind.values else ""
    circles = list(selectors.active_circles(town_id=town_id, kind=kind or None))
    for circle in circles:
        circle.leader_public_name = selectors.leader_public_name(circle)
    context = {
        "circles": circles,
        "towns": Town.objects.all(),
        "kinds": CircleKind.choices,
        "town_id": town_id,
        "kind": kind,
    }
    return render(request, "circles/circle_list.html", context)


def circle_detail(request: HttpRequest, circle_id: int) -> HttpResponse:
    circle = _page_circle(request, circle_id)
    leader = services.is_leader(request.user, circle)
    context = {
        "circle": circle,
        "membership": selectors.open_membership(circle=circle, user=request.user),
        "is_leader": leader,
        "upcoming": selectors.upcoming_meetings(circle=circle),
        "past": selectors.past_meetings(circle=circle),
        "activities": selectors.circle_activities(circle=circle, limit=10),
        "members": selectors.current_members(circle=circle) if leader else (),
    }
    return render(request, "circles/circle_detail.html", context)


@login_required
def circle_start(request: HttpRequest) -> HttpResponse:
    form = CircleStartForm(request.POST or None, initial={"town": request.user.home_town_id})
    if request.method == "POST" and form.is_valid():
        try:
            circle = services.circle_start(by=request.user, **form.cleaned_data)
        except CircleRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("已提交申请。指导中心或挂靠学校批准后，团队就会出现在列表中。"))
            return redirect("circles:detail", circle_id=circle.pk)
    return render(request, "circles/circle_form.html", {"form": form}, status=400 if form.errors else 200)


def _act(request: HttpRequest, circle_id: int, action, done: str) -> HttpResponse:
    if not request.user.is_authenticated:
        messages.info(request, _("请先登录。"))
        return redirect(f"{reverse('accounts:login')}?next={reverse('circles:detail', args=[circle_id])}")
    try:
        action(circle_id=circle_id, user=request.user)
    except CircleRefused as refusal:
        if refusal.code == "not_found":
            raise Http404(refusal.message)
        messages.error(request, refusal.message)
    else:
        messages.success(request, done)
    return redirect("circles:detail", circle_id=circle_id)


@require_POST
def join(request: HttpRequest, circle_id: int) -> HttpResponse:
    return _act(request, circle_id, services.membership_join, _("欢迎加入！活动时间和地点见本页。"))


@require_POST
def leave(request: HttpRequest, circle_id: int) -> HttpResponse:
    return _act(request, circle_id, services.membership_leave, _("您已退出这个学习团队。"))


@login_required
def my_circles(request: HttpRequest) -> HttpResponse:
    return render(request, "circles/my_circles.html", {"circles": selectors.my_circles(user=request.user)})


def _meeting_fields(form: MeetingForm) -> dict:
    data = form.cleaned_data
    return {
        "held_on": data["held_on"],
        "hours": data["hours"],
        "topic": data["topic"],
        "place": data["place"],
        "attendee_ids": [int(i) for i in data["attendees"]],
    }


@login_required
def meeting_new(request: HttpRequest, circle_id: int) -> HttpResponse:
    circle = _led_circle(request, circle_id)
    form = MeetingForm(request.POST or None, members=selectors.current_members(circle=circle))
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_record(circle_id=circle.pk, by=request.user, **_meeting_fields(form))
        except CircleRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("活动已登记，到场成员的学时已计入学习档案。"))
            return redirect("circles:detail", circle_id=circle.pk)
    context = {"circle": circle, "form": form, "meeting": None}
    return render(request, "circles/meeting_form.html", context, status=400 if form.errors else 200)


@login_required
def meeting_edit(request: HttpRequest, circle_id: int, meeting_id: int) -> HttpResponse:
    circle = _led_circle(request, circle_id)
    meeting = CircleMeeting.objects.filter(pk=meeting_id, circle=circle).first()
    if meeting is None:
        raise Http404(_("没有找到这次活动。"))
    initial = {
        "held_on": meeting.held_on,
        "hours": meeting.hours,
        "topic": meeting.topic,
        "place": meeting.place,
        "attendees": [str(i) for i in selectors.meeting_attendee_ids(meeting=meeting)],
    }
    form = MeetingForm(request.POST or None, initial=initial, members=selectors.meeting_members(meeting=meeting))
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(
                circle_id=circle.pk, meeting_id=meeting.pk, by=request.user, **_meeting_fields(form)
            )
        except CircleRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("活动已修改，学时随之调整。"))
            return redirect("circles:detail", circle_id=circle.pk)
    context = {"circle": circle, "form": form, "meeting": meeting}
    return render(request, "circles/meeting_form.html", context, status=400 if form.errors else 200)


@require_POST
@login_required
def meeting_delete(request: HttpRequest, circle_id: int, meeting_id: int) -> HttpResponse:
    circle = _led_circle(request, circle_id)
    try:
        services.meeting_delete(circle_id=circle.pk, meeting_id=meeting_id, by=request.user)
    except CircleRefused as refusal:
        if refusal.code == "not_found":
            raise Http404(refusal.message)
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("活动已删除，相应学时已从学习档案中撤回。"))
    return redirect("circles:detail", circle_id=circle.pk)


@login_required
def activity_new(request: HttpRequest, circle_id: int) -> HttpResponse:
    circle = _led_circle(request, circle_id)
    form = ActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_record(circle_id=circle.pk, by=request.user, **form.cleaned_data)
        except CircleRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("成果已登记。"))
            return redirect("circles:detail", circle_id=circle.pk)
    return render(
        request, "circles/activity_form.html", {"circle": circle, "form": form}, status=400 if form.errors else 200
    )
