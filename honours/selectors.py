"""Reads for stars and brands: the public awards (home portal), the figures per town and year (learning-city
dashboard), and who may see which nominations. Public reads never carry a phone number, and a star's name
only as Nomination.public_name gives it (masked without consent)."""

from collections.abc import Sequence

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.roles import is_centre_staff
from courses.selectors import providers_for_user
from honours.models import HonourKind, HonourRound, Nomination, NominationStatus


def public_awards(*, limit: int | None = None) -> list[Nomination]:
    """Awarded stars and brands, newest first. Show `public_name` (masked without consent), `headline`,
    `round.year`, `round.get_kind_display()`, `town`."""
    awards = Nomination.objects.awarded()
    return list(awards[:limit] if limit is not None else awards)


def city_figures(*, years: Sequence[int]) -> dict[tuple[int, int], dict[str, int]]:
    """Stars and brands awarded per (town id, year of the round): a star counts for the resident's home town,
    a brand for its school's town. Honours with no town are left out (the dashboard is per town)."""
    rows = (
        Nomination.objects.filter(status=NominationStatus.AWARDED, round__year__in=list(years))
        .annotate(town_id=Coalesce(F("nominee__home_town_id"), F("provider__town_id")))
        .filter(town_id__isnull=False)
        .values("town_id", "round__year")
        .annotate(
            stars=Count("pk", filter=Q(round__kind=HonourKind.STAR)),
            brands=Count("pk", filter=Q(round__kind=HonourKind.BRAND)),
        )
        .order_by()
    )
    return {
        (row["town_id"], row["round__year"]): {"stars_awarded": row["stars"], "brands_awarded": row["brands"]}
        for row in rows
    }


def rounds_nominating(*, today=None) -> list[HonourRound]:
    today = today or timezone.localdate()
    return list(HonourRound.objects.nominating(today).order_by("kind"))


def rounds_public() -> list[HonourRound]:
    return list(HonourRound.objects.order_by("-year", "kind"))


def notice_shortlist(*, today=None) -> list[Nomination]:
    """公示: shortlisted nominations of rounds whose notice has begun and that are not awarded yet."""
    today = today or timezone.localdate()
    return list(Nomination.objects.shortlisted().filter(round__in=HonourRound.objects.in_notice(today)))


def nominations_visible_to(user) -> QuerySet[Nomination]:
    """Centre staff: all. A school's staff: their schools' nominations. Anyone: those naming or made by them."""
    base = Nomination.objects.select_related("round", "nominee", "provider").order_by("-round__year", "-created_at")
    if not user.is_authenticated:
        return base.none()
    if is_centre_staff(user):
        return base
    return base.filter(
        Q(provider__in=providers_for_user(user)) | Q(nominee=user) | Q(nominated_by=user, provider__isnull=True)
    )


def nomination_visible_to(user, nomination_id: int) -> Nomination | None:
    return nominations_visible_to(user).filter(pk=nomination_id).first()


def nominations_for_review(*, round_id: int | None = None) -> QuerySet[Nomination]:
    queryset = Nomination.objects.select_related("round", "nominee__home_town", "provider").prefetch_related("evidence")
    if round_id:
        queryset = queryset.filter(round_id=round_id)
    return queryset.order_by("status", "created_at")


def nominee_personal_data(user) -> dict:
    """下载我的数据: the nominations naming the person (not who nominated them, nor the centre's notes)."""
    return {
        "honour_nominations": [
            {
                "round": n.round.title,
                "headline": n.headline,
                "story": n.story,
                "name_consent": n.name_consent,
                "status": n.status,
                "awarded_at": n.awarded_at.isoformat() if n.awarded_at else None,
                "evidence_files": [item.original_name for item in n.evidence.all()],
            }
            for n in Nomination.objects.filter(nominee=user).select_related("round").prefetch_related("evidence")
        ]
    }
