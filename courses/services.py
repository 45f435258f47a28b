"""Writes for the catalogue."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import GroupPagePermission

from accounts.roles import PROVIDER_STAFF

from .models import ProviderPage

# What a school's staff may do on their own subtree. Publishing here is direct; the review
# workflow (guidance centre approves) is layered on top by the staff-publishing work.
PROVIDER_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")


def provider_staff_group_name(provider: ProviderPage) -> str:
    return f"{PROVIDER_STAFF}·{provider.title}"


@transaction.atomic
def provider_staff_group_ensure(*, provider: ProviderPage) -> Group:
    """Create (or repair) the group whose members run `provider`'s pages, and only those."""
    group, _ = Group.objects.get_or_create(name=provider_staff_group_name(provider))
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    for codename in PROVIDER_PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=group,
            page=provider,
            permission=Permission.objects.get(content_type__app_label="wagtailcore", codename=codename),
        )
    return group


@transaction.atomic
def provider_staff_add(*, provider: ProviderPage, user) -> None:
    """Make `user` a member of `provider`'s staff (role group plus the school's own group)."""
    user.groups.add(provider_staff_group_ensure(provider=provider), Group.objects.get(name=PROVIDER_STAFF))
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
