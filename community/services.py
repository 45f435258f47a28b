"""Writes for the public front: the centre's rights on its own sections, remembering a resident's town."""

from django.contrib.auth.models import Group, Permission
from django.http import HttpResponse
from wagtail.models import GroupPagePermission, Page

from accounts.roles import CENTRE_STAFF

# The centre publishes notices and the near-me index itself; no school holds rights there (they hold rights on
# their own school's subtree only, which is where their learning points live).
CENTRE_SECTION_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
TOWN_COOKIE = "home_town"
TOWN_COOKIE_MAX_AGE = 365 * 24 * 60 * 60


def centre_section_rights_ensure(*, page: Page) -> Group:
    """Give the guidance centre's group full page rights on a centre-wide section (idempotent)."""
    centre = Group.objects.get(name=CENTRE_STAFF)
    permissions = Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=CENTRE_SECTION_PERMISSIONS
    )
    for permission in permissions:
        GroupPagePermission.objects.get_or_create(group=centre, page=page, permission=permission)
    return centre


def town_remember(*, response: HttpResponse, town_slug: str) -> None:
    """Remember (or, given no town, forget) the town a visitor chose, in a plain cookie like the display
    preferences: it works before logging in and on a shared phone. It only ever leads to a ?town= URL."""
    if town_slug:
        response.set_cookie(TOWN_COOKIE, town_slug, max_age=TOWN_COOKIE_MAX_AGE, samesite="Lax", httponly=True)
    else:
        response.delete_cookie(TOWN_COOKIE, samesite="Lax")
