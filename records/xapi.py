"""xAPI 1.0.3 statements for what learners do: registered, attended, completed, earned (a certificate), and
watching a video or audio (the xAPI Video Profile: initialized, played, paused, seeked, completed).

Building only: no database writes and no network (records.services stores them, records.lrs sends them).
Records knows no source app: a source (enrolment today) describes what happened in neutral terms — the
activity (`Activity`: where it lives under the platform, its type, name, description), its parent activity,
its category, the hours and the time — and names the event with a `ref` of its own.

The actor is an `account` on the platform's home page named by the learner's opaque key — never a phone
number or a name. Ids are uuid5 of the verb, the learner's key and the event's ref, so the same event always
gives the same statement, and a database restored or rebuilt elsewhere cannot reuse another learner's ids.
"""

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from courses.models import Category

XAPI_VERSION = "1.0.3"
# Fixed namespace for statement ids: changing it would make old events look new to the LRS.
STATEMENT_NAMESPACE = uuid.UUID("6f0c4d1e-5a8b-4f4e-9d7a-1c2b3a4d5e6f")

VERBS = {
    # ADL verbs (http://adlnet.gov/expapi/verbs/) where ADL has one; "earned" is the registry's TinCan verb.
    "registered": ("http://adlnet.gov/expapi/verbs/registered", "报名"),
    "attended": ("http://adlnet.gov/expapi/verbs/attended", "出勤"),
    "completed": ("http://adlnet.gov/expapi/verbs/completed", "结业"),
    "earned": ("http://id.tincanapi.com/verb/earned", "获得"),
    # The xAPI Video Profile's (https://w3id.org/xapi/video) events of a video or audio being watched.
    "initialized": ("http://adlnet.gov/expapi/verbs/initialized", "打开"),
    "played": ("https://w3id.org/xapi/video/verbs/played", "播放"),
    "paused": ("https://w3id.org/xapi/video/verbs/paused", "暂停"),
    "seeked": ("https://w3id.org/xapi/video/verbs/seeked", "跳转"),
}
ACTIVITY_TYPES = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "meeting": "http://adlnet.gov/expapi/activities/meeting",
    "certificate": "https://w3id.org/xapi/tla/activity-types/credential",
    "video": "https://w3id.org/xapi/video/activity-type/video",
}
VIDEO_PROFILE = "https://w3id.org/xapi/video"
VIDEO_EXTENSIONS = f"{VIDEO_PROFILE}/extensions"
LANG = "zh-CN"


@dataclass(frozen=True)
class Activity:
    """Something a learner signs up for, attends or completes, as its source describes it.

    `path` names it under the platform's activity ids (`<home>/xapi/activities/<path>`), e.g. "class/12" or
    "meeting/34": a source picks paths no other source uses. `type` is a key of ACTIVITY_TYPES. An empty
    description is left out of the statement.
    """

    path: str
    type: str
    name: str
    description: str = ""


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


def activity_object(activity: Activity) -> dict:
    definition = {"type": ACTIVITY_TYPES[activity.type], "name": _lang(activity.name)}
    if activity.description:
        definition["description"] = _lang(activity.description)
    return {"objectType": "Activity", "id": f"{home_page()}/xapi/activities/{activity.path}", "definition": definition}


def _context(*, parent: Activity | None, category: Category | None) -> dict:
    context = {"language": LANG, "platform": settings.WAGTAIL_SITE_NAME}
    activities = {}
    if parent is not None:
        activities["parent"] = [activity_object(parent)]
    if category is not None:
        activities["category"] = [
            {
                "objectType": "Activity",
                "id": f"{home_page()}/xapi/activities/category/{category.pk}",
                "definition": {"name": _lang(category.name)},
            }
        ]
    if activities:
        context["contextActivities"] = activities
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


def registered(
    *, learner_key: uuid.UUID, ref: str, activity: Activity, category: Category | None, at: datetime.datetime
) -> dict:
    return _statement(
        statement_id("registered", learner_key, ref),
        learner_key,
        "registered",
        activity_object(activity),
        at,
        context=_context(parent=None, category=category),
    )


def attended(
    *,
    learner_key: uuid.UUID,
    ref: str,
    activity: Activity,
    parent: Activity | None,
    category: Category | None,
    hours: Decimal,
    at: datetime.datetime,
) -> dict:
    return _statement(
        statement_id("attended", learner_key, ref),
        learner_key,
        "attended",
        activity_object(activity),
        at,
        result={"duration": _duration(hours)},
        context=_context(parent=parent, category=category),
    )


def completed(
    *,
    learner_key: uuid.UUID,
    ref: str,
    activity: Activity,
    category: Category | None,
    hours: Decimal,
    at: datetime.datetime,
) -> dict:
    return _statement(
        statement_id("completed", learner_key, ref),
        learner_key,
        "completed",
        activity_object(activity),
        at,
        result={"completion": True, "duration": _duration(hours)},
        context=_context(parent=None, category=category),
    )


def earned(*, learner_key: uuid.UUID, certificate, parent: Activity | None, category: Category | None) -> dict:
    """The learner earned `certificate` (a records.models.Certificate) for `parent` (what they completed)."""
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
        statement_id("earned", learner_key, certificate.code),
        learner_key,
        "earned",
        obj,
        certificate.issued_at,
        context=_context(parent=parent, category=category),
    )


# --- The xAPI Video Profile (https://w3id.org/xapi/video) ------------------------------------------------


@dataclass(frozen=True)
class VideoState:
    """Where a viewing stands when it reports an event, as the Video Profile's extensions say it.

    `session` is the viewing's id (session-id and the statements' registration); `length` the duration in
    seconds; `segments` the viewing's played segments already in the profile's "0[.]12[,]30[.]41" form;
    `progress` the learner's merged unique seconds over the length (0–1); `time` the playhead; `seek` the
    (from, to) of a seek.
    """

    session: uuid.UUID
    length: float
    time: float
    segments: str
    progress: float
    completion_threshold: float
    seek: tuple[float, float] | None = None


def _seconds(value: float) -> float:
    return round(float(value), 3)


def video_event(
    *,
    learner_key: uuid.UUID,
    ref: str,
    verb: str,
    activity: Activity,
    parent: Activity | None,
    category: Category | None,
    state: VideoState,
    at: datetime.datetime,
    hours: Decimal | None = None,
) -> dict:
    """A Video Profile statement: `verb` is initialized, played, paused, seeked or completed; `activity` a
    "video" activity, `parent` what it belongs to (the course). Results carry the profile's extensions."""
    if verb not in ("initialized", "played", "paused", "seeked", "completed"):
        raise ValueError(verb)
    result_extensions: dict = {}
    if verb in ("played", "paused", "completed"):
        result_extensions[f"{VIDEO_EXTENSIONS}/time"] = _seconds(state.time)
    if verb in ("paused", "completed"):
        result_extensions[f"{VIDEO_EXTENSIONS}/played-segments"] = state.segments
        result_extensions[f"{VIDEO_EXTENSIONS}/progress"] = round(min(1.0, max(0.0, state.progress)), 3)
    if verb == "seeked" and state.seek is not None:
        result_extensions[f"{VIDEO_EXTENSIONS}/time-from"] = _seconds(state.seek[0])
        result_extensions[f"{VIDEO_EXTENSIONS}/time-to"] = _seconds(state.seek[1])
    context = _context(parent=parent, category=category)
    profile = {
        "objectType": "Activity",
        "id": VIDEO_PROFILE,
        "definition": {"type": "http://adlnet.gov/expapi/activities/profile"},
    }
    activities = context.setdefault("contextActivities", {})
    activities["category"] = [profile, *activities.get("category", [])]
    context["registration"] = str(state.session)
    context["extensions"] = {
        f"{VIDEO_EXTENSIONS}/session-id": str(state.session),
        f"{VIDEO_EXTENSIONS}/length": _seconds(state.length),
        f"{VIDEO_EXTENSIONS}/completion-threshold": round(state.completion_threshold, 3),
    }
    extra = {"context": context}
    if verb == "completed":
        extra["result"] = {"completion": True, "extensions": result_extensions}
        if hours is not None:
            extra["result"]["duration"] = _duration(hours)
    elif result_extensions:
        extra["result"] = {"extensions": result_extensions}
    return _statement(statement_id(verb, learner_key, ref), learner_key, verb, activity_object(activity), at, **extra)
