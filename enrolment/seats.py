"""Seats, arrival order and the waitlist, for anything residents sign up for where places are limited: a class
(courses.CourseClass, enrolment.services) and a community event (activities.EventPage, activities.services).

A *holder* is a row with `capacity`, `seats_taken` and `arrivals` columns and a CheckConstraint that
seats_taken <= capacity. Its *places* are rows with `status`, `holds_seat`, `arrival` and `promoted_at`. Every
function here runs inside the caller's transaction while it holds the holder row's lock (`SELECT … FOR UPDATE`
on PostgreSQL; SQLite's IMMEDIATE transactions take the database write lock), so "first come, first served" is
the order in which requests reached the database, and the counters are changed only by conditional UPDATEs
the database checks again.
"""

from collections.abc import Callable

from django.db import models
from django.db.models import F, QuerySet
from django.utils import timezone


class NoSeat(Exception):
    """The conditional UPDATE found no free seat: unreachable while the caller holds the row lock."""


def has_free_seat(holder: models.Model) -> bool:
    return holder.seats_taken < holder.capacity


def waitlist_closed(holder: models.Model, *, waitlist_limit: int | None, waiting: Callable[[], int]) -> bool:
    """Every seat is taken and the waitlist takes nobody more: its limit is reached, or 0 (no waitlist at all).
    `waiting` counts the waitlist, asked only when the seats are full and the limit is not None."""
    if has_free_seat(holder) or waitlist_limit is None:
        return False
    return not waitlist_limit or waiting() >= waitlist_limit


def take_arrival(holder: models.Model, *, seat: bool) -> int:
    """Bump the holder's arrival counter (and seat counter) in one statement; return the arrival number."""
    updates = {"arrivals": F("arrivals") + 1}
    rows = type(holder)._default_manager.filter(pk=holder.pk)
    if seat:
        updates["seats_taken"] = F("seats_taken") + 1
        rows = rows.filter(seats_taken__lt=F("capacity"))
    if rows.update(**updates) != 1:  # pragma: no cover — the row lock makes this unreachable
        raise NoSeat
    # The caller holds the row lock, so the new values are known without reading them back (one query less
    # while everyone else signing up for this holder waits).
    holder.arrivals += 1
    holder.seats_taken += int(seat)
    return holder.arrivals


def release_seats(holder: models.Model, *, seats: int = 1) -> None:
    type(holder)._default_manager.filter(pk=holder.pk).update(seats_taken=F("seats_taken") - seats)
    holder.seats_taken -= seats


def add_seats(holder: models.Model, *, seats: int) -> None:
    type(holder)._default_manager.filter(pk=holder.pk).update(seats_taken=F("seats_taken") + seats)
    holder.seats_taken += seats


def promote_waitlisted(waitlisted: QuerySet, *, seats: int, seated_status: str) -> list[models.Model]:
    """Give up to `seats` freed seats to the earliest of `waitlisted` (the holder's waitlisted places), in
    arrival order: each becomes `seated_status`, holds a seat and is stamped `promoted_at`. The caller adjusts
    the holder's seat counter and texts the promoted (after commit)."""
    promoted = list(waitlisted.select_for_update().order_by("arrival")[:seats])
    now = timezone.now()
    for place in promoted:
        place.status, place.holds_seat, place.promoted_at = seated_status, True, now
        place.save(update_fields=["status", "holds_seat", "promoted_at", "updated_at"])
    return promoted
