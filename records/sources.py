"""What sources of learning hand to records, in records' own terms (records imports no source app).

- `Completion`: a snapshot of a completed activity, handed to records.services.learning_completed /
  certificate_issue; the certificate copies it.
- `LearningActivity` and `register_activities`: a source (enrolment today; online lessons, community events
  later) registers, from its AppConfig.ready(), a function giving a learner's activities with it (what,
  status, dates, sessions attended, hours). 我的学习, the transcript PDF and /api/v1/me/record list them
  ("参加的班次"); each function runs a fixed number of queries.

Hours go through records.services.learning_attended / learning_hours_record, statements are described with
records.xapi.Activity.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from accounts.models import User
from courses.models import Category, ProviderPage
from records.xapi import Activity


@dataclass(frozen=True)
class Completion:
    """A learner completed something a certificate is issued for, as its source describes it at that moment.

    The certificate copies these facts (a snapshot): renaming the course later changes nothing it prints.
    `source` names the completion ("enrolment:12"): one certificate per source, ever. `ref` names it in the
    "completed" statement's id. `issuer_page` is the school whose staff may revoke the certificate.
    `completed_at` is None while it is not (yet) completed.
    """

    source: str
    ref: str
    learner: User
    learner_name: str
    activity: Activity
    course_title: str
    class_label: str
    category: Category | None
    issuer: str
    issuer_page: ProviderPage | None
    hours: Decimal
    completed_at: datetime.datetime | None


@dataclass(frozen=True)
class LearningActivity:
    """One thing a learner took part in (a class today), as its source describes it."""

    title: str
    label: str
    status_display: str
    starts_on: datetime.date | None
    sessions_attended: int
    sessions_total: int
    hours: Decimal
    completed: bool


ActivityLoader = Callable[[object], list[LearningActivity]]

_loaders: dict[str, ActivityLoader] = {}


def register_activities(*, name: str, loader: ActivityLoader) -> None:
    """`loader(user)` gives the learner's activities with source `name`, newest first. Registering a name
    again replaces it."""
    _loaders[name] = loader


def unregister_activities(*, name: str) -> None:
    _loaders.pop(name, None)


def learner_activities(user) -> list[LearningActivity]:
    """Every registered source's activities for `user`, latest start first (a source's own order is kept
    among equal dates)."""
    activities = [activity for loader in _loaders.values() for activity in loader(user)]
    return sorted(activities, key=lambda a: a.starts_on or datetime.date.min, reverse=True)
