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


def default_rules(apps, schema_editor):
    """One point per study hour for every category, and 10 points to one open-university credit."""
    from decimal import Decimal

    apps.get_model("records", "CreditRule").objects.get_or_create(
        category=None, defaults={"points_per_hour": Decimal("1")}
    )
    apps.get_model("records", "CreditConversion").objects.get_or_create(
        name="开放大学学分", defaults={"points_per_credit": Decimal("10"), "is_active": True}
    )


def grant(apps, schema_editor):
    """Guidance-centre staff edit the credit-bank rules in the admin."""
    from django.contrib.auth.management import create_permissions

    config = apps.get_app_config("records")
    config.models_module = True  # historical configs have none; create_permissions skips such apps
    create_permissions(config, verbosity=0, apps=apps)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name="指导中心工作人员")
    group.permissions.add(*Permission.objects.filter(content_type__app_label="records", codename__in=PERMISSIONS))


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0001_initial"),
        ("accounts", "0002_roles"),
    ]

    operations = [
        migrations.RunPython(default_rules, migrations.RunPython.noop),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
