from django.db import migrations

PERMISSIONS = [
    "add_creditrule",
    "change_creditrule",
    "delete_creditrule",
    "view_creditrule",
    "add_creditconversion",
    "change_creditconversion",
    "view_creditconversion",
]


def grant(apps, schema_editor):
    """Guidance-centre staff edit the credit-bank rules in the admin."""
    from django.contrib.auth.management import create_permissions

    config = apps.get_app_config("courses")
    config.models_module = True  # historical configs have none; create_permissions skips such apps
    create_permissions(config, verbosity=0, apps=apps)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name="指导中心工作人员")
    group.permissions.add(*Permission.objects.filter(content_type__app_label="courses", codename__in=PERMISSIONS))


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0003_learning_records"),
        ("accounts", "0003_role_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
