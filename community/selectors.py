"""Reads for the public front: places near me, what runs at a place, the home portal, notices.

Every listing here runs a fixed number of queries however many schools, points or notices there are (pages
are joined with their town/venue; URLs come from Wagtail's cached site root paths).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import Page

from activities.models import EventIndexPage
from activities.selectors import upcoming_events
from community import models as pages  # community.models imports this module; its classes are read when called
from community.geo import BadCoordinates, Point, distance_km, point_from_text, point_of
from courses.models import CourseClass, CourseIndexPage, ProviderKind, ProviderPage
from courses.selectors import catalogue_categories, upcoming_classes
from honours.models import HonoursIndexPage
from honours.selectors import public_awards
from media.models import LessonPage
from places.models import Town

THIS_WEEK_DAYS = 7
WHATS_ON_DAYS = 30
PORTAL_ITEMS = 6
BAD_LOCATION = gettext_lazy("没能读懂您的位置（经纬度不正确），下面列出全部社区学校和学习点。")


@dataclass
class Place:
    """A community school or a village learning point, as the near-me list and the API show it."""

    id: int
    kind: str  # "community_school" or "learning_point"
    kind_label: str
    title: str
    url: str
    town: Town | None
    address: str
    opening_hours: str
    contact_phone: str
    directions: str
    latitude: Decimal | None
    longitude: Decimal | None
    distance_km: float | None = None

    @property
    def point(self) -> Point | None:
        return point_of(self.latitude, self.longitude)


def _school_place(school: ProviderPage, request) -> Place:
    return Place(
        id=school.pk,
        kind="community_school",
        kind_label=str(ProviderKind.COMMUNITY_SCHOOL.label),
        title=school.title,
        url=school.get_url(request=request) or "",
        town=school.town,
        address=school.address,
        opening_hours=school.opening_hours,
        contact_phone=school.contact_phone,
        directions=school.directions,
        latitude=school.latitude,
        longitude=school.longitude,
    )


def _point_place(point, request) -> Place:
    venue = point.venue
    return Place(
        id=point.pk,
        kind="learning_point",
        kind_label=_("村/社区学习点"),
        title=point.title,
        url=point.get_url(request=request) or "",
        town=venue.town,
        address=venue.address,
        opening_hours=venue.opening_hours,
        contact_phone=venue.contact_phone,
        directions=venue.directions,
        latitude=venue.latitude,
        longitude=venue.longitude,
    )


def learning_places(*, town_id: int | None = None, request=None) -> list[Place]:
    """Live community schools and learning points, by town (the towns' order), schools before their points."""
    schools = ProviderPage.objects.live().filter(kind=ProviderKind.COMMUNITY_SCHOOL).select_related("town")
    points = pages.LearningPointPage.objects.live().select_related("venue__town")
    if town_id is not None:
        schools = schools.filter(town_id=town_id)
        points = points.filter(venue__town_id=town_id)
    places = [_school_place(s, request) for s in schools] + [_point_place(p, request) for p in points]
    places.sort(
        key=lambda p: (
            p.town is None,
            (p.town.sort_order, p.town.name) if p.town else (0, ""),
            p.kind != "community_school",
            p.title,
        )
    )
    return places


def nearest_first(places: list[Place], origin: Point) -> list[Place]:
    """Each place with its distance from `origin`; those without coordinates last, in their given order."""
    for place in places:
        here = place.point
        place.distance_km = distance_km(origin, here) if here is not None else None
    return sorted(places, key=lambda p: (p.distance_km is None, p.distance_km or 0))


def town_by_slug(slug: str) -> Town | None:
    slug = (slug or "").strip()
    return Town.objects.filter(slug=slug).first() if slug else None


def near_me(*, town_slug: str = "", latitude: str | None = None, longitude: str | None = None, request=None) -> dict:
    """What the near-me page shows: the towns to choose from, the chosen town or location, the places, and a
    message when the location could not be read (then every place, unfiltered)."""
    town = town_by_slug(town_slug)
    origin, location_error = None, ""
    if latitude not in (None, "") or longitude not in (None, ""):
        try:
            origin = point_from_text(latitude, longitude)
        except BadCoordinates:
            location_error = str(BAD_LOCATION)
    places = learning_places(town_id=town.pk if town else None, request=request)
    if origin is not None:
        places = nearest_first(places, origin)
    return {
        "towns": list(Town.objects.all()),
        "town": town,
        "origin": origin,
        "location_error": location_error,
        "places": places,
    }


def classes_at_venue(*, venue_id: int, limit: int = PORTAL_ITEMS) -> list[CourseClass]:
    """Classes of live courses meeting at a venue that have not ended yet, soonest first."""
    return list(
        CourseClass.objects.filter(venue_id=venue_id, course__live=True, ends_on__gte=timezone.localdate())
        .select_related("course")
        .order_by("starts_on", "pk")[:limit]
    )


def classes_of_provider(*, provider_id: int, limit: int = PORTAL_ITEMS) -> list[CourseClass]:
    """A school's classes that have not ended yet (what runs at a community school now), soonest first."""
    return list(
        CourseClass.objects.filter(
            course__provider_id=provider_id, course__live=True, ends_on__gte=timezone.localdate()
        )
        .select_related("course", "venue")
        .order_by("starts_on", "pk")[:limit]
    )


def whats_on_at_venue(*, venue) -> dict:
    return {
        "classes": classes_at_venue(venue_id=venue.pk),
        "events": upcoming_events(venue_id=venue.pk, days=WHATS_ON_DAYS, limit=PORTAL_ITEMS),
    }


def whats_on_at_school(*, school: ProviderPage) -> dict:
    return {
        "classes": classes_of_provider(provider_id=school.pk),
        "events": upcoming_events(provider_id=school.pk, days=WHATS_ON_DAYS, limit=PORTAL_ITEMS),
        "points": list(pages.LearningPointPage.objects.child_of(school).live().select_related("venue")),
    }


def group_lessons(*, point) -> list:
    """The live online lessons a learning point shows for watching together, in the order staff set."""
    return list(point.group_lessons.filter(lesson__live=True).select_related("lesson"))


def notices(*, index) -> list:
    return list(pages.NoticePage.objects.child_of(index).live().order_by("-date", "-pk"))


def latest_notices(*, limit: int | None = 5) -> list:
    found = pages.NoticePage.objects.live().order_by("-date", "-pk")
    return list(found[:limit] if limit is not None else found)


def newest_lessons(*, limit: int = 4) -> list[LessonPage]:
    return list(LessonPage.objects.live().order_by("-first_published_at", "-pk")[:limit])


def classes_starting_this_week(*, town_id: int | None, limit: int = PORTAL_ITEMS) -> list[CourseClass]:
    """Classes of live courses starting in the coming week, in a town (where they meet, or the course's town)."""
    today = timezone.localdate()
    classes = CourseClass.objects.filter(
        course__live=True, starts_on__gte=today, starts_on__lt=today + datetime.timedelta(days=THIS_WEEK_DAYS)
    )
    if town_id is not None:
        classes = classes.filter(Q(venue__town_id=town_id) | Q(venue__isnull=True, course__town_id=town_id))
    return list(classes.select_related("course", "venue__town").order_by("starts_on", "pk")[:limit])


def home_portal(*, home: Page, town_slug: str = "") -> dict:
    """Everything the home page shows; each part may be empty. The town comes from the URL only (?town=), so
    the shared page cache, keyed by URL, never serves one visitor's town to another."""
    town = town_by_slug(town_slug)
    town_id = town.pk if town else None
    return {
        "catalogue": CourseIndexPage.objects.child_of(home).live().first(),
        "places_index": pages.LearningPointIndexPage.objects.child_of(home).live().first(),
        "notice_index": pages.NoticeIndexPage.objects.child_of(home).live().first(),
        "events_index": EventIndexPage.objects.child_of(home).live().first(),
        "honours_index": HonoursIndexPage.objects.child_of(home).live().first(),
        "categories": catalogue_categories(),
        "upcoming_classes": upcoming_classes(limit=PORTAL_ITEMS),
        "towns": list(Town.objects.all()),
        "town": town,
        "week_events": upcoming_events(town_id=town_id, days=THIS_WEEK_DAYS, limit=PORTAL_ITEMS),
        "week_classes": classes_starting_this_week(town_id=town_id),
        "new_lessons": newest_lessons(),
        "stars": public_awards(limit=4),
        "notices": latest_notices(),
    }
