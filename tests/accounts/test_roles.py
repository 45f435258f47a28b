"""Roles are groups created by migrations; nothing else grants rights."""

import pytest


@pytest.mark.django_db
def test_role_groups_exist_from_migrations():
    from django.contrib.auth.models import Group

    from accounts import roles

    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ALL_ROLES)


@pytest.mark.django_db
def test_wagtails_default_groups_grant_nothing():
    """Only roles and schools' own groups carry rights; Editors/Moderators would bypass the school rooms."""
    from django.contrib.auth.models import Group
    from wagtail.models import GroupCollectionPermission, GroupPagePermission

    for group in Group.objects.filter(name__in=("Editors", "Moderators")):
        assert not group.permissions.exists()
        assert not GroupPagePermission.objects.filter(group=group).exists()
        assert not GroupCollectionPermission.objects.filter(group=group).exists()
