"""Distances at county scale: the haversine formula on stored decimal degrees is exact enough (metres over
tens of kilometres) and needs no GIS extension in SQLite or PostgreSQL."""

import math
from dataclasses import dataclass
from decimal import Decimal

EARTH_RADIUS_KM = 6371.0088


class BadCoordinates(ValueError):
    """A latitude/longitude a visitor or client sent that is not a number or not on the planet."""


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float


def point_from_text(latitude: str | None, longitude: str | None) -> Point:
    """Parse two query values; BadCoordinates for anything that is not a finite in-range number."""
    try:
        lat, lng = float(str(latitude).strip()), float(str(longitude).strip())
    except (TypeError, ValueError) as exc:
        raise BadCoordinates("not a number") from exc
    if not (math.isfinite(lat) and math.isfinite(lng)):
        raise BadCoordinates("not finite")
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise BadCoordinates("out of range")
    return Point(lat, lng)


def point_from_pair(text: str) -> Point:
    """Parse "lat,lng" (the API's `near`)."""
    parts = (text or "").split(",")
    if len(parts) != 2:
        raise BadCoordinates("not a pair")
    return point_from_text(parts[0], parts[1])


def point_of(latitude: Decimal | None, longitude: Decimal | None) -> Point | None:
    if latitude is None or longitude is None:
        return None
    return Point(float(latitude), float(longitude))


def distance_km(a: Point, b: Point) -> float:
    lat1, lng1, lat2, lng2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))
