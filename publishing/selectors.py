"""Reads for staff publishing: who is centre staff, what a school's staff home shows, what needs review."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils import timezone
from wagtail.models import Page, WorkflowState

from courses.models import CourseClass, ProviderPage
from courses.selectors import providers_for_user
from enrolment.models import EnrolmentStatus

UPCOMING_DAYS = 30
UPCOMING_LIMIT = 8


@dataclass(frozen=True)
class SchoolSummary:
    provider: ProviderPage
    upcoming: list[CourseClass]
    seats_taken: int
    capacity: int
    waitlisted: int
    pending_reviews: list[WorkflowState]

    @property
    def fill_percent(self) -> int:
        return round(100 * self.seats_taken / self.capacity) if self.capacity else 0


def school_summaries(user, *, today: datetime.date | None = None) -> list[SchoolSummary]:
    """One summary per school the user runs: classes of the next 30 days, seats and waitlists of classes
    not yet finished, and drafts waiting for the centre's review. Four queries per school."""
    today = today or timezone.localdate()
    summaries = []
    for provider in providers_for_user(user).order_by("path").only("id", "title", "path", "depth"):
        current = CourseClass.objects.filter(course__provider=provider, ends_on__gte=today)
        totals = current.aggregate(
            seats=Sum("seats_taken"),
            capacity=Sum("capacity"),
            waitlisted=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.WAITLISTED)),
        )
        upcoming = list(
            current.filter(starts_on__gte=today, starts_on__lte=today + datetime.timedelta(days=UPCOMING_DAYS))
            .select_related("course", "venue")
            .annotate(waitlist_count=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.WAITLISTED)))
            .order_by("starts_on", "pk")[:UPCOMING_LIMIT]
        )
        summaries.append(
            SchoolSummary(
                provider=provider,
                upcoming=upcoming,
                seats_taken=totals["seats"] or 0,
                capacity=totals["capacity"] or 0,
                waitlisted=totals["waitlisted"] or 0,
                pending_reviews=pending_reviews_under(provider),
            )
        )
    return summaries


def pending_reviews_under(page: Page) -> list[WorkflowState]:
    """Workflows in progress for pages in `page`'s subtree, oldest first (the queue the centre works)."""
    page_ids = Page.objects.filter(path__startswith=page.path).values("pk")
    return list(
        WorkflowState.objects.active()
        .filter(base_content_type__app_label="wagtailcore", base_content_type__model="page")
        .filter(object_id__in=[str(pk) for pk in page_ids.values_list("pk", flat=True)])
        .select_related("requested_by", "current_task_state__task")
        .order_by("created_at")
    )
