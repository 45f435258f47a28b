"""Teachers and school staff lose the "choose any image/document" right Wagtail hands to every admin group.

Wagtail's own migrations (wagtailimages 0023, wagtaildocs 0011) give every group with admin access the choose
permission on the root collection, which would let any school pick — and so see — every other school's
images and documents. Each school's staff group gets rights on its own collection instead
(courses.staff_services.provider_room_ensure); the guidance centre keeps the root.
"""

from django.db import migrations

ROLE_GROUPS_WITHOUT_ROOT = ("教师", "学校工作人员")


def remove_root_collection_rights(apps, schema_editor):
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Group = apps.get_model("auth", "Group")
    roots = Collection.objects.filter(depth=1)
    groups = Group.objects.filter(name__in=ROLE_GROUPS_WITHOUT_ROOT)
    GroupCollectionPermission.objects.filter(group__in=groups, collection__in=roots).delete()
    for group in groups:
        group.permissions.remove(
            *group.permissions.filter(codename__in=("choose_image", "choose_document", "add_image", "add_document"))
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_phonecode"),
        ("wagtailcore", "0001_initial"),
        ("wagtailimages", "0023_add_choose_permissions"),
        ("wagtaildocs", "0011_add_choose_permissions"),
    ]

    operations = [migrations.RunPython(remove_root_collection_rights, migrations.RunPython.noop)]
