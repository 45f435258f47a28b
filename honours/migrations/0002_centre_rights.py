from django.db import migrations

PERMISSIONS = ["add_honourround", "change_honourround", "delete_honourround", "view_honourround"]


def grant(apps, schema_editor):
    """Guidance-centre staff keep the rounds (dates, criteria) in the admin."""
    from django.contrib.auth.management import create_permissions

    config = apps.get_app_config("honours")
    config.models_module = True  # historical configs have none; create_permissions skips such apps
    create_permissions(config, verbosity=0, apps=apps)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name="指导中心工作人员")
    group.permissions.add(*Permission.objects.filter(content_type__app_label="honours", codename__in=PERMISSIONS))


class Migration(migrations.Migration):
    dependencies = [
        ("honours", "0001_initial"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
