"""Community events over JSON: /api/v1/events/ (list with filters, detail), sign-up and cancel for the logged-in
resident (the same services as the pages), /api/v1/me/event-signups. Refusals in the API's one shape."""

import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from accounts.api_auth import api_auth
from activities.models import EventKind, EventPage, EventSignup, upcoming_event_pages
from activities.selectors import resident_signups
from activities.services import event_signup, event_signup_cancel
from core.api_errors import ApiError, ApiErrorOut, ObjectId
from enrolment.refusals import EnrolmentRefused

router = Router(tags=["社区活动"])

MAX_PAGE_SIZE = 100


class EventOut(Schema):
    id: int
    title: str
    kind: str
    kind_display: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    venue: str | None
    town_id: int | None
    town: str | None
    provider_id: int | None
    provider: str | None
    summary: str
    audience: str
    capacity: int | None
    seats_left: int | None
    signup_needed: bool
    signup_open: bool
    signup_closes: datetime.datetime
    hours: float
    url: str


class EventListOut(Schema):
    count: int
    items: list[EventOut]


class SignupOut(Schema):
    id: int
    event_id: int
    event_title: str
    starts_at: datetime.datetime
    status: str
    status_display: str
    attended: bool


class EventFilters(Schema):
    town: int | None = None
    provider: int | None = None
    kind: EventKind | None = None
    offset: int = 0
    limit: int = 20



ERRORS = {400: ApiErrorOut, 401: ApiErrorOut, 403: ApiErrorOut, 404: ApiErrorOut, 409: ApiErrorOut}


def _event_out(event: EventPage, request: HttpRequest) -> dict:
    return {
        "id": event.pk,
        "title": event.title,
        "kind": event.kind,
        "kind_display": str(event.get_kind_display()),
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "venue": event.venue.name if event.venue_id else None,
        "town_id": event.town_id,
        "town": event.town.name if event.town_id else None,
        "provider_id": event.provider_id,
        "provider": event.provider.title if event.provider_id else None,
        "summary": event.summary,
        "audience": event.audience,
        "capacity": event.capacity,
        "seats_left": event.seats_left,
        "signup_needed": event.needs_signup,
        "signup_open": event.is_open_for_signup(),
        "signup_closes": event.signup_deadline,
        "hours": float(event.hours),
        "url": event.get_full_url(request) or "",
    }


def _signup_out(signup: EventSignup) -> dict:
    return {
        "id": signup.pk,
        "event_id": signup.event_id,
        "event_title": signup.event.title,
        "starts_at": signup.event.starts_at,
        "status": signup.status,
        "status_display": str(signup.get_status_display()),
        "attended": signup.attended_at is not None,
    }


@router.get("/events/", response={200: EventListOut}, auth=None, summary="近期社区活动")
def event_list_api(request: HttpRequest, filters: Query[EventFilters]):
    if filters.offset < 0 or not 1 <= filters.limit <= MAX_PAGE_SIZE:
        raise ApiError(422, "invalid", f"offset 不能为负，limit 须在1到{MAX_PAGE_SIZE}之间。")
    events = upcoming_event_pages()
    if filters.town is not None:
        events = events.filter(town_id=filters.town)
    if filters.provider is not None:
        events = events.filter(provider_id=filters.provider)
    if filters.kind is not None:
        events = events.filter(kind=filters.kind)
    page = list(events[filters.offset : filters.offset + filters.limit])
    return {"count": events.count(), "items": [_event_out(e, request) for e in page]}


@router.get("/events/{event_id}", response={200: EventOut, 404: ApiErrorOut}, auth=None, summary="活动详情")
def event_detail_api(request: HttpRequest, event_id: ObjectId):
    event = EventPage.objects.live().select_related("venue", "town", "provider").filter(pk=event_id).first()
    if event is None:
        raise ApiError(404, "not_found", "没有找到这个活动。")
    return _event_out(event, request)


@router.post("/events/{event_id}/signups", response={201: SignupOut, **ERRORS}, auth=api_auth, summary="活动报名")
def event_signup_api(request: HttpRequest, event_id: ObjectId):
    try:
        signup = event_signup(resident=request.auth, event_id=event_id)
    except EnrolmentRefused as error:
        raise ApiError(error.status, error.code, error.message)
    return Status(201, _signup_out(signup))


@router.delete(
    "/events/signups/{signup_id}", response={200: SignupOut, **ERRORS}, auth=api_auth, summary="取消活动报名"
)
def event_signup_cancel_api(request: HttpRequest, signup_id: ObjectId):
    try:
        signup = event_signup_cancel(signup_id=signup_id, by=request.auth)
    except EnrolmentRefused as error:
        raise ApiError(error.status, error.code, error.message)
    return Status(200, _signup_out(signup))


@router.get("/me/event-signups", response={200: list[SignupOut], 401: ApiErrorOut}, auth=api_auth, summary="我的活动")
def my_event_signups_api(request: HttpRequest):
    return [_signup_out(s) for s in resident_signups(request.auth)]
