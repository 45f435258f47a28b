"""Existing databases move to review before publish (new ones get it from courses.staff_services when the
catalogue and each school are created; load_demo repeats it):

- school staff groups (学校工作人员·…) lose publish_page — they submit, the guidance centre publishes;
- the catalogue, if there is one, gets the 课程审核 workflow whose one task the centre approves.
"""

from django.db import migrations

PROVIDER_GROUP_PREFIX = "学校工作人员·"
CENTRE_STAFF = "指导中心工作人员"
REVIEW_WORKFLOW_NAME = "课程审核"
REVIEW_TASK_NAME = "指导中心审核"


def forwards(apps, schema_editor):
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupPagePermission.objects.filter(
        group__name__startswith=PROVIDER_GROUP_PREFIX, permission__codename="publish_page"
    ).delete()

    ContentType = apps.get_model("contenttypes", "ContentType")
    catalogue_type = ContentType.objects.filter(app_label="courses", model="courseindexpage").first()
    Page = apps.get_model("wagtailcore", "Page")
    catalogue = Page.objects.filter(content_type=catalogue_type).first() if catalogue_type else None
    Group = apps.get_model("auth", "Group")
    centre = Group.objects.filter(name=CENTRE_STAFF).first()
    if catalogue is None or centre is None:
        return
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    task = GroupApprovalTask.objects.filter(name=REVIEW_TASK_NAME).first()
    if task is None:
        task_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
        task = GroupApprovalTask.objects.create(name=REVIEW_TASK_NAME, content_type=task_type, active=True)
    task.groups.add(centre)
    workflow, _ = Workflow.objects.get_or_create(name=REVIEW_WORKFLOW_NAME, defaults={"active": True})
    if not WorkflowTask.objects.filter(workflow=workflow, task_id=task.pk).exists():
        WorkflowTask.objects.create(workflow=workflow, task_id=task.pk, sort_order=0)
    WorkflowPage.objects.update_or_create(page=catalogue, defaults={"workflow": workflow})


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_role_groups_collection_rights"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
