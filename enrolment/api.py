"""Enrolment over JSON: /api/v1/classes/{id}, /classes/{id}/enrolments, /enrolments/{id}, /me/enrolments.

Thin: every write is a service call; refusals become {"detail", "code"} with the service's status.
"""

import datetime

from django.http import HttpRequest
from ninja import Router, Schema, Status

from accounts.api_auth import api_auth
from core.api_errors import ApiError, ApiErrorOut, ObjectId
from courses.models import CourseClass
from enrolment.models import Enrolment
from enrolment.selectors import learner_enrolments, waitlist_length, waitlist_position
from enrolment.services import EnrolmentRefused, enrolment_cancel, enrolment_complete, enrolment_create

router = Router(tags=["报名"])


class ClassOut(Schema):
    id: int
    course_id: int
    course_title: str
    label: str
    starts_on: datetime.date
    ends_on: datetime.date
    schedule: str
    venue: str | None
    town: str | None
    capacity: int
    seats_left: int
    waitlist_length: int
    enrolment_open: bool


class EnrolmentOut(Schema):
    id: int
    class_id: int
    course_title: str
    class_label: str
    starts_on: datetime.date
    status: str
    status_display: str
    waitlist_position: int | None
    hours_attended: float


class EnrolmentCreatedOut(Schema):
    id: int
    status: str
    waitlist_position: int | None


ERRORS = {400: ApiErrorOut, 401: ApiErrorOut, 403: ApiErrorOut, 404: ApiErrorOut, 409: ApiErrorOut}


def _refuse(error: EnrolmentRefused):
    raise ApiError(error.status, error.code, error.message)


def _enrolment_out(enrolment: Enrolment, position: int | None) -> dict:
    course_class = enrolment.course_class
    return {
        "id": enrolment.pk,
        "class_id": course_class.pk,
        "course_title": course_class.course.title,
        "class_label": course_class.label,
        "starts_on": course_class.starts_on,
        "status": enrolment.status,
        "status_display": str(enrolment.get_status_display()),
        "waitlist_position": position,
        "hours_attended": float(enrolment.hours_attended),
    }


@router.get("/classes/{class_id}", response={200: ClassOut, 404: ApiErrorOut}, auth=None, summary="班次与余位")
def class_detail(request: HttpRequest, class_id: ObjectId):
    course_class = (
        CourseClass.objects.select_related("course", "venue__town").filter(pk=class_id, course__live=True).first()
    )
    if course_class is None:
        raise ApiError(404, "not_found", "没有找到这个班次。")
    venue = course_class.venue
    return {
        "id": course_class.pk,
        "course_id": course_class.course_id,
        "course_title": course_class.course.title,
        "label": course_class.label,
        "starts_on": course_class.starts_on,
        "ends_on": course_class.ends_on,
        "schedule": course_class.schedule,
        "venue": venue.name if venue else None,
        "town": venue.town.name if venue else None,
        "capacity": course_class.capacity,
        "seats_left": course_class.seats_left,
        "waitlist_length": waitlist_length(course_class),
        "enrolment_open": course_class.is_open_for_enrolment(),
    }


@router.post(
    "/classes/{class_id}/enrolments", response={201: EnrolmentCreatedOut, **ERRORS}, auth=api_auth, summary="报名"
)
def enrolment_create_view(request: HttpRequest, class_id: ObjectId):
    try:
        enrolment = enrolment_create(learner=request.auth, course_class_id=class_id)
    except EnrolmentRefused as error:
        _refuse(error)
    return Status(
        201, {"id": enrolment.pk, "status": enrolment.status, "waitlist_position": waitlist_position(enrolment)}
    )


@router.delete("/enrolments/{enrolment_id}", response={200: EnrolmentOut, **ERRORS}, auth=api_auth, summary="取消报名")
def enrolment_cancel_view(request: HttpRequest, enrolment_id: ObjectId):
    try:
        enrolment = enrolment_cancel(enrolment_id=enrolment_id, by=request.auth)
    except EnrolmentRefused as error:
        _refuse(error)
    return Status(200, _enrolment_out(enrolment, None))


@router.post(
    "/enrolments/{enrolment_id}/complete", response={200: EnrolmentOut, **ERRORS}, auth=api_auth, summary="确认结业"
)
def enrolment_complete_view(request: HttpRequest, enrolment_id: ObjectId):
    try:
        enrolment = enrolment_complete(enrolment_id=enrolment_id, by=request.auth)
    except EnrolmentRefused as error:
        _refuse(error)
    return Status(200, _enrolment_out(enrolment, None))


@router.get("/me/enrolments", response={200: list[EnrolmentOut], 401: ApiErrorOut}, auth=api_auth, summary="我的报名")
def my_enrolments(request: HttpRequest):
    return [_enrolment_out(e, e.waitlist_position) for e in learner_enrolments(request.auth)]
