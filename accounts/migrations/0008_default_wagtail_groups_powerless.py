"""Wagtail's initial data creates "Editors" and "Moderators" with rights on the root page and collection.

Here every right comes from a role or a school's own group, so those two would be a way around the school
rooms for whoever is added to them. They are kept (Wagtail's own later migrations look them up by name)
but hold no rights.
"""

from django.db import migrations

DEFAULT_GROUPS = ("Editors", "Moderators")


def strip_default_group_rights(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    for group in Group.objects.filter(name__in=DEFAULT_GROUPS):
        group.permissions.clear()
        GroupPagePermission.objects.filter(group=group).delete()
        GroupCollectionPermission.objects.filter(group=group).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_user_audiences"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(strip_default_group_rights, migrations.RunPython.noop)]
