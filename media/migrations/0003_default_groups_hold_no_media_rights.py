"""wagtailmedia's own migrations (0002_initial_data, 0003_copy_media_permissions_to_collections) give Wagtail's
default "Editors" and "Moderators" groups media rights, on the root collection: every school's media. Here, as in
accounts 0002_roles, those groups hold no rights; each school's staff group gets media rights on its own
collection (publishing.services.provider_room_ensure)."""

from django.db import migrations

DEFAULT_GROUPS = ("Editors", "Moderators")


def strip_default_group_rights(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    for group in Group.objects.filter(name__in=DEFAULT_GROUPS):
        group.permissions.clear()
        GroupCollectionPermission.objects.filter(group=group).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("media", "0002_lessons_and_progress"),
        ("accounts", "0002_roles"),
        ("wagtailmedia", "0005_alter_media_options"),
    ]

    operations = [migrations.RunPython(strip_default_group_rights, migrations.RunPython.noop)]
