from django.db import migrations

CITY_LEADERS = "区领导"  # learningcity.access.CITY_LEADERS: read the dashboard, change nothing
CENTRE_STAFF = "指导中心工作人员"
PERMISSIONS = [
    "add_townpopulation",
    "change_townpopulation",
    "delete_townpopulation",
    "view_townpopulation",
    "add_ruraltrainingcategory",
    "change_ruraltrainingcategory",
    "delete_ruraltrainingcategory",
    "view_ruraltrainingcategory",
]


def grant(apps, schema_editor):
    """The centre enters population figures and chooses the 三农 categories; district leaders only read."""
    from django.contrib.auth.management import create_permissions

    config = apps.get_app_config("learningcity")
    config.models_module = True  # historical configs have none; create_permissions skips such apps
    create_permissions(config, verbosity=0, apps=apps)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    centre, _created = Group.objects.get_or_create(name=CENTRE_STAFF)
    centre.permissions.add(
        *Permission.objects.filter(content_type__app_label="learningcity", codename__in=PERMISSIONS)
    )
    Group.objects.get_or_create(name=CITY_LEADERS)


class Migration(migrations.Migration):
    dependencies = [
        ("learningcity", "0001_initial"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
