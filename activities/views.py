"""Resident pages for events: 报名/取消 from an event page, 我的活动 with the private calendar link, and the
iCalendar feeds. Thin: forms post to activities.services."""

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from activities.feeds import calendar_document
from activities.models import EventPage
from activities.selectors import calendar_owner, feed_events, resident_signups
from activities.services import calendar_token_get, calendar_token_reset, event_signup, event_signup_cancel
from courses.models import ProviderPage
from enrolment.refusals import EnrolmentRefused
from places.models import Town

FEED_CONTENT_TYPE = "text/calendar; charset=utf-8"


@require_POST
def signup(request: HttpRequest, event_id: int) -> HttpResponse:
    event = EventPage.objects.live().filter(pk=event_id).first()
    if event is None:
        raise Http404(_("没有找到这个活动。"))
    back = event.get_url(request)
    if not request.user.is_authenticated:
        messages.info(request, _("请先登录，再点“报名”。"))
        return redirect(f"{reverse('accounts:login')}?next={back}")
    try:
        place = event_signup(resident=request.user, event_id=event.pk)
    except EnrolmentRefused as error:
        messages.error(request, error.message)
        return redirect(back)
    if place.status == "waitlisted":
        messages.success(request, _("名额已满，您已进入候补名单。有人取消时会按先后递补并短信通知您。"))
    else:
        messages.success(request, _("报名成功：%(event)s。") % {"event": event.title})
    return redirect(back)


@require_POST
@login_required
def cancel(request: HttpRequest, signup_id: int) -> HttpResponse:
    try:
        event_signup_cancel(signup_id=signup_id, by=request.user)
    except EnrolmentRefused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已取消活动报名。"))
    return redirect("events:mine")


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    token = calendar_token_get(user=request.user)
    feed_url = request.build_absolute_uri(reverse("events:my_feed", args=[token.token]))
    context = {"signups": resident_signups(request.user), "feed_url": feed_url}
    return render(request, "activities/my_events.html", context)


@require_POST
@login_required
def reset_calendar(request: HttpRequest) -> HttpResponse:
    calendar_token_reset(user=request.user)
    messages.success(request, _("已生成新的日程订阅地址，旧地址已失效。"))
    return redirect("events:mine")


def _feed(body: bytes, *, private: bool) -> HttpResponse:
    response = HttpResponse(body, content_type=FEED_CONTENT_TYPE)
    # A private feed must not sit in a shared cache; public ones may be cached briefly.
    response["Cache-Control"] = "private, no-store" if private else "public, max-age=900"
    if private:
        response["X-Robots-Tag"] = "noindex"
    return response


def town_feed(request: HttpRequest, town_id: int) -> HttpResponse:
    town = get_object_or_404(Town, pk=town_id)
    body = calendar_document(
        name=_("%(town)s社区活动") % {"town": town.name},
        uid=f"jizhou-events-town-{town.pk}",
        events=feed_events(town_id=town.pk),
        request=request,
    )
    return _feed(body, private=False)


def school_feed(request: HttpRequest, provider_id: int) -> HttpResponse:
    provider = get_object_or_404(ProviderPage.objects.live(), pk=provider_id)
    body = calendar_document(
        name=_("%(school)s活动") % {"school": provider.title},
        uid=f"jizhou-events-school-{provider.pk}",
        events=feed_events(provider_id=provider.pk),
        request=request,
    )
    return _feed(body, private=False)


def my_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The resident's own sign-ups; the token in the URL is the only key. Forged or reset: a bare 404."""
    owner = calendar_owner(token)
    if owner is None:
        raise Http404()
    body = calendar_document(
        name=_("我报名的活动"),
        uid=f"jizhou-events-mine-{hashlib.sha256(token.encode()).hexdigest()[:16]}",
        events=[place.event for place in resident_signups(owner)],
        request=request,
    )
    return _feed(body, private=True)
