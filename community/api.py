"""Community schools and learning points (/api/v1/places/) and the centre's notices (/api/v1/notices/).

Public reads of live pages only. `near=lat,lng` sorts by distance (kilometres in `distance_km`); a `near` or
`town` that cannot be read is a 422 in the API's error shape, never a silently different list.
"""

import datetime

from django.core.paginator import Paginator
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from community import selectors
from community.geo import BadCoordinates, point_from_pair
from core.api_errors import ApiError, ApiErrorOut

router = Router(tags=["社区学校与学习点、通知公告"])
NOTICES_PER_PAGE = 20
BAD_NEAR = "near 应为“纬度,经度”，纬度在-90到90之间，经度在-180到180之间。"


class PlaceOut(Schema):
    id: int = Field(description="页面编号")
    kind: str = Field(description="community_school | learning_point")
    kind_label: str
    title: str
    url: str
    town: str | None
    town_slug: str | None
    address: str
    opening_hours: str
    contact_phone: str
    directions: str
    latitude: float | None = Field(description="十进制度数（WGS-84）")
    longitude: float | None
    distance_km: float | None = Field(description="只在给出 near 时有值，单位公里")


class PlacesFilter(Schema):
    near: str | None = Field(None, description="纬度,经度（十进制度数），按距离由近到远排序，如 40.045,117.408")
    town: str | None = Field(None, description="乡镇/街道的网址标识（slug）")


class NoticeOut(Schema):
    id: int
    title: str
    date: datetime.date
    url: str


class NoticesOut(Schema):
    count: int
    page: int
    pages: int
    results: list[NoticeOut]


def _place_out(place: selectors.Place) -> dict:
    return {
        **{name: getattr(place, name) for name in ("id", "kind", "kind_label", "title", "address", "opening_hours")},
        **{name: getattr(place, name) for name in ("contact_phone", "directions")},
        "latitude": float(place.latitude) if place.latitude is not None else None,
        "longitude": float(place.longitude) if place.longitude is not None else None,
        "url": place.url,
        "town": place.town.name if place.town else None,
        "town_slug": place.town.slug if place.town else None,
        "distance_km": round(place.distance_km, 2) if place.distance_km is not None else None,
    }


@router.get("/places/", response=list[PlaceOut], url_name="places_list", auth=None)
def places_list(request: HttpRequest, filters: Query[PlacesFilter]):
    """Every live community school and village learning point, by town; nearest first with `near`."""
    town = None
    if filters.town:
        town = selectors.town_by_slug(filters.town)
        if town is None:
            raise ApiError(422, "unknown_town", "没有这个乡镇/街道。")
    origin = None
    if filters.near is not None:
        try:
            origin = point_from_pair(filters.near)
        except BadCoordinates:
            raise ApiError(422, "bad_location", BAD_NEAR) from None
    places = selectors.learning_places(town_id=town.pk if town else None, request=request)
    if origin is not None:
        places = selectors.nearest_first(places, origin)
    return [_place_out(place) for place in places]


@router.get("/notices/", response={200: NoticesOut, 404: ApiErrorOut}, url_name="notices_list", auth=None)
def notices_list(request: HttpRequest, page: int = Query(1, ge=1)):
    """The centre's live notices, newest first, 20 a page."""
    paginator = Paginator(selectors.latest_notices(limit=None), NOTICES_PER_PAGE)
    if page > paginator.num_pages:
        raise ApiError(404, "not_found", "没有这一页。")
    current = paginator.page(page)
    return {
        "count": paginator.count,
        "page": current.number,
        "pages": paginator.num_pages,
        "results": [
            {"id": n.pk, "title": n.title, "date": n.date, "url": n.get_url(request=request) or ""} for n in current
        ],
    }
