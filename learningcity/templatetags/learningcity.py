"""Numbers on the dashboard: whole numbers as they are, decimals without trailing zeros, a missing rate as "—"."""

from decimal import Decimal

from django import template

register = template.Library()

MISSING = "—"


@register.filter
def figure(value):
    if value is None:
        return MISSING
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return value


@register.filter
def percent(value):
    return MISSING if value is None else f"{figure(value)}%"
