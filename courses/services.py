"""Writes for the catalogue."""

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.roles import PROVIDER_STAFF

from .models import ProviderPage
from .staff_services import PROVIDER_PAGE_PERMISSIONS, provider_room_ensure, provider_staff_group_name

__all__ = [
    "PROVIDER_PAGE_PERMISSIONS",
    "provider_staff_add",
    "provider_staff_group_ensure",
    "provider_staff_group_name",
]


def provider_staff_group_ensure(*, provider: ProviderPage) -> Group:
    """Create (or repair) the group whose members run `provider`'s pages, and only those.

    They write and submit for review; the guidance centre publishes (courses.staff_services).
    """
    return provider_room_ensure(provider=provider)


@transaction.atomic
def provider_staff_add(*, provider: ProviderPage, user) -> None:
    """Make `user` a member of `provider`'s staff (role group plus the school's own group)."""
    user.groups.add(provider_staff_group_ensure(provider=provider), Group.objects.get(name=PROVIDER_STAFF))
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
