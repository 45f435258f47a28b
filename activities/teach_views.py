"""Staff pages for events under /teach/events/: the events of the schools a member of staff runs, and each
event's roster where they tick who came. Another school's staff get 403 and nothing changes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from activities.models import EventPage
from activities.selectors import event_roster, events_managed_by, user_manages_event
from activities.services import event_attendance_set
from core.numbers import parse_whole_number
from enrolment.refusals import EnrolmentRefused


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    return render(request, "activities/teach/event_list.html", {"events": events_managed_by(request.user)[:200]})


@login_required
def roster(request: HttpRequest, event_id: int) -> HttpResponse:
    event = EventPage.objects.select_related("venue", "town", "provider").filter(pk=event_id).first()
    if event is None:
        raise Http404(_("没有找到这个活动。"))
    if not user_manages_event(request.user, event):
        raise PermissionDenied(_("这个活动不属于您的学校。"))
    if request.method == "POST":
        present = {parse_whole_number(v) for v in request.POST.getlist("present")}
        try:
            result = event_attendance_set(event_id=event.pk, present_signup_ids=present - {None}, by=request.user)
        except EnrolmentRefused as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("点名已保存：新签到%(added)d人，取消签到%(removed)d人。")
                % {"added": result.added, "removed": result.removed},
            )
        return redirect("events:teach_roster", event_id=event.pk)
    return render(request, "activities/teach/roster.html", {"event": event, "signups": event_roster(event)})
