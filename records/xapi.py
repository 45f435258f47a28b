"""xAPI 1.0.3 statements for what learners do here: registered, attended, completed, earned (a certificate).

Building only: no database writes and no network (records_services stores them, records_tasks sends them).
The actor is an `account` on the platform's home page named by the learner's opaque key — never a phone
number or a name. Ids are uuid5 of the learner's key and what happened, so the same event always gives the
same statement, and a database restored or rebuilt elsewhere cannot reuse another learner's ids.
"""

import datetime
import uuid
from decimal import Decimal

from django.conf import settings

XAPI_VERSION = "1.0.3"
# Fixed namespace for statement ids: changing it would make old events look new to the LRS.
STATEMENT_NAMESPACE = uuid.UUID("6f0c4d1e-5a8b-4f4e-9d7a-1c2b3a4d5e6f")

VERBS = {
    # ADL verbs (http://adlnet.gov/expapi/verbs/) where ADL has one; "earned" is the registry's TinCan verb.
    "registered": ("http://adlnet.gov/expapi/verbs/registered", "报名"),
    "attended": ("http://adlnet.gov/expapi/verbs/attended", "出勤"),
    "completed": ("http://adlnet.gov/expapi/verbs/completed", "结业"),
    "earned": ("http://id.tincanapi.com/verb/earned", "获得"),
}
ACTIVITY_TYPES = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "meeting": "http://adlnet.gov/expapi/activities/meeting",
    "certificate": "https://w3id.org/xapi/tla/activity-types/credential",
}
LANG = "zh-CN"


def home_page() -> str:
    return settings.XAPI_HOME_PAGE.rstrip("/")


def _lang(text: str) -> dict:
    return {LANG: text}


def _iso(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _duration(hours: Decimal) -> str:
    minutes = int((Decimal(hours) * 60).to_integral_value())
    return f"PT{minutes // 60}H{minutes % 60}M" if minutes % 60 else f"PT{minutes // 60}H"


def statement_id(kind: str, *parts) -> uuid.UUID:
    return uuid.uuid5(STATEMENT_NAMESPACE, ":".join([kind, *map(str, parts)]))


def actor(learner_key: uuid.UUID) -> dict:
    return {"objectType": "Agent", "account": {"homePage": home_page(), "name": str(learner_key)}}


def class_activity(course_class) -> dict:
    course = course_class.course
    description = course.summary or course.title
    return {
        "objectType": "Activity",
        "id": f"{home_page()}/xapi/activities/class/{course_class.pk}",
        "definition": {
            "type": ACTIVITY_TYPES["course"],
            "name": _lang(f"{course.title}（{course_class.label}）"),
            "description": _lang(description),
        },
    }


def _context(course_class, *, with_parent: bool) -> dict:
    context = {"language": LANG, "platform": settings.WAGTAIL_SITE_NAME}
    if with_parent:
        context["contextActivities"] = {"parent": [class_activity(course_class)]}
    if course_class.course.category_id:
        context["contextActivities"] = context.get("contextActivities", {})
        context["contextActivities"]["category"] = [
            {
                "objectType": "Activity",
                "id": f"{home_page()}/xapi/activities/category/{course_class.course.category_id}",
                "definition": {"name": _lang(course_class.course.category.name)},
            }
        ]
    return context


def _statement(sid: uuid.UUID, learner_key: uuid.UUID, verb: str, obj: dict, timestamp, **extra) -> dict:
    verb_id, display = VERBS[verb]
    return {
        "id": str(sid),
        "actor": actor(learner_key),
        "verb": {"id": verb_id, "display": _lang(display)},
        "object": obj,
        "timestamp": _iso(timestamp),
        "version": XAPI_VERSION,
        **extra,
    }


def registered(*, enrolment, learner_key: uuid.UUID) -> dict:
    sid = statement_id("registered", learner_key, enrolment.pk)
    return _statement(
        sid,
        learner_key,
        "registered",
        class_activity(enrolment.course_class),
        enrolment.created_at,
        context=_context(enrolment.course_class, with_parent=False),
    )


def attended(*, enrolment, meeting, learner_key: uuid.UUID) -> dict:
    # Keyed by enrolment and meeting, not the attendance row: a roll call redone keeps the same statement.
    sid = statement_id("attended", learner_key, enrolment.pk, meeting.pk)
    course_class = enrolment.course_class
    obj = {
        "objectType": "Activity",
        "id": f"{home_page()}/xapi/activities/meeting/{meeting.pk}",
        "definition": {
            "type": ACTIVITY_TYPES["meeting"],
            "name": _lang(f"{course_class.course.title} {meeting.starts_at.astimezone():%Y-%m-%d %H:%M}"),
            **({"description": _lang(meeting.topic)} if meeting.topic else {}),
        },
    }
    return _statement(
        sid,
        learner_key,
        "attended",
        obj,
        meeting.starts_at,
        result={"duration": _duration(meeting.hours)},
        context=_context(course_class, with_parent=True),
    )


def completed(*, enrolment, learner_key: uuid.UUID) -> dict:
    sid = statement_id("completed", learner_key, enrolment.pk)
    return _statement(
        sid,
        learner_key,
        "completed",
        class_activity(enrolment.course_class),
        enrolment.completed_at,
        result={"completion": True, "duration": _duration(enrolment.hours_attended)},
        context=_context(enrolment.course_class, with_parent=False),
    )


def earned(*, certificate, course_class, learner_key: uuid.UUID) -> dict:
    sid = statement_id("earned", learner_key, certificate.code)
    obj = {
        "objectType": "Activity",
        "id": f"{home_page()}/certificates/{certificate.code}/",
        "definition": {
            "type": ACTIVITY_TYPES["certificate"],
            "name": _lang(f"结业证书：{certificate.course_title}"),
            "description": _lang(f"{certificate.issuer}颁发，{certificate.hours}学时"),
        },
    }
    return _statement(
        sid,
        learner_key,
        "earned",
        obj,
        certificate.issued_at,
        context=_context(course_class, with_parent=True),
    )
