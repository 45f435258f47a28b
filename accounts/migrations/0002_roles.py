"""The four roles as groups, and the rights Wagtail's own data migrations hand out that we take back.

- The roles of PRODUCT.md (accounts.roles) as groups; the three staff roles may open the admin.
- Teachers and school staff lose the "choose any image/document" right Wagtail's migrations (wagtailimages 0023,
  wagtaildocs 0011) give every admin group on the root collection, which would let any school see every other
  school's files. Each school's staff group gets rights on its own collection (publishing.services).
- Wagtail's default "Editors" and "Moderators" keep their names (Wagtail's later migrations look them up) but hold
  no rights: here every right comes from a role or a school's own group.
"""

from django.db import migrations

ROLES = ("居民", "教师", "学校工作人员", "指导中心工作人员")
ADMIN_ROLES = ("教师", "学校工作人员", "指导中心工作人员")


def create_role_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    admin_type, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    access_admin, _ = Permission.objects.get_or_create(
        content_type=admin_type, codename="access_admin", defaults={"name": "Can access Wagtail admin"}
    )
    for name in ROLES:
        group, _ = Group.objects.get_or_create(name=name)
        if name in ADMIN_ROLES:
            group.permissions.add(access_admin)

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

DEFAULT_GROUPS = ("Editors", "Moderators")


def strip_default_group_rights(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    for group in Group.objects.filter(name__in=DEFAULT_GROUPS):
        group.permissions.clear()
        GroupPagePermission.objects.filter(group=group).delete()
        GroupCollectionPermission.objects.filter(group=group).delete()


def forwards(apps, schema_editor):
    create_role_groups(apps, schema_editor)
    remove_root_collection_rights(apps, schema_editor)
    strip_default_group_rights(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
