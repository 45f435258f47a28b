"""Study circles over JSON: /api/v1/circles (list, detail) and /circles/{id}/membership (join, leave).

Thin: every write is a service call; refusals become {"detail", "code"} with the service's status. Leaders'
names follow the same consent rule as the pages (masked without it); phones never appear.
"""

from django.http import HttpRequest
from ninja import Router, Schema, Status

from accounts.api_auth import api_auth
from circles import selectors, services
from circles.models import CircleKind, StudyCircle
from circles.services import CircleRefused
from core.api_errors import ApiError, ApiErrorOut, ObjectId

router = Router(tags=["学习团队"])


class CircleOut(Schema):
    id: int
    name: str
    kind: str
    kind_display: str
    town_id: int
    town: str
    venue: str | None
    meeting_pattern: str
    status: str
    member_count: int
    leader_name: str


class MeetingOut(Schema):
    date: str
    topic: str
    place: str
    hours: float


class CircleDetailOut(CircleOut):
    description: str
    upcoming_meetings: list[MeetingOut]


class MembershipOut(Schema):
    circle_id: int
    member: bool



def _out(circle: StudyCircle) -> dict:
    return {
        "id": circle.pk,
        "name": circle.name,
        "kind": circle.kind,
        "kind_display": str(circle.get_kind_display()),
        "town_id": circle.town_id,
        "town": circle.town.name,
        "venue": circle.venue.name if circle.venue_id else None,
        "meeting_pattern": circle.meeting_pattern,
        "status": circle.status,
        "member_count": circle.member_count,
        "leader_name": selectors.leader_public_name(circle),
    }


def _refuse(error: CircleRefused):
    raise ApiError(error.status, error.code, error.message)


@router.get("/circles", response={200: list[CircleOut]}, auth=None, summary="活动中的学习团队")
def circle_list_api(request: HttpRequest, town_id: int | None = None, kind: CircleKind | None = None):
    return [_out(c) for c in selectors.active_circles(town_id=town_id, kind=kind)]


@router.get("/circles/{circle_id}", response={200: CircleDetailOut, 404: ApiErrorOut}, auth=None, summary="学习团队")
def circle_detail_api(request: HttpRequest, circle_id: ObjectId):
    circle = selectors.circle_for_page(circle_id=circle_id)
    # A proposed circle is not public: the API answers as if it did not exist.
    if circle is None or circle.status == "proposed":
        raise ApiError(404, "not_found", "没有找到这个学习团队。")
    upcoming = [
        {"date": m.held_on.isoformat(), "topic": m.topic, "place": m.place, "hours": float(m.hours)}
        for m in selectors.upcoming_meetings(circle=circle)
    ]
    return {**_out(circle), "description": circle.description, "upcoming_meetings": upcoming}


ERRORS = {401: ApiErrorOut, 403: ApiErrorOut, 404: ApiErrorOut, 409: ApiErrorOut}


@router.post(
    "/circles/{circle_id}/membership", response={201: MembershipOut, **ERRORS}, auth=api_auth, summary="加入学习团队"
)
def membership_join_api(request: HttpRequest, circle_id: ObjectId):
    try:
        services.membership_join(circle_id=circle_id, user=request.auth)
    except CircleRefused as error:
        _refuse(error)
    return Status(201, {"circle_id": circle_id, "member": True})


@router.delete(
    "/circles/{circle_id}/membership", response={200: MembershipOut, **ERRORS}, auth=api_auth, summary="退出学习团队"
)
def membership_leave_api(request: HttpRequest, circle_id: ObjectId):
    try:
        services.membership_leave(circle_id=circle_id, user=request.auth)
    except CircleRefused as error:
        _refuse(error)
    return Status(200, {"circle_id": circle_id, "member": False})
