"""Writes for staff publishing: each school's own room (page permissions, image/document collection),
the guidance centre's rights over the catalogue, the review workflow, and telling learners when a
course they are enrolled in is taken down.

Wagtail's permission tables stay the single source of truth (see courses.selectors.providers_for_user):
nothing here stores "which school a person belongs to" anywhere else.
"""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    TaskState,
    Workflow,
    WorkflowPage,
    WorkflowState,
    WorkflowTask,
)

from accounts.roles import CENTRE_STAFF, PROVIDER_STAFF
from accounts.sms import SmsError, send_sms
from courses.models import CourseIndexPage, CoursePage, ProviderPage
from enrolment.selectors import course_current_learners

# A school's staff write drafts and submit them; only the guidance centre publishes (see the workflow).
PROVIDER_PAGE_PERMISSIONS = ("add_page", "change_page")
# Their own collection: upload, edit and pick images and documents. Deleting is the centre's call.
PROVIDER_COLLECTION_PERMISSIONS = (
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
    # Lesson video/audio (wagtailmedia's policy checks its own model's permissions, whatever MEDIA_MODEL is).
    ("wagtailmedia", "add_media"),
    ("wagtailmedia", "change_media"),
)
CENTRE_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
CENTRE_COLLECTION_PERMISSIONS = PROVIDER_COLLECTION_PERMISSIONS + (
    ("wagtailimages", "delete_image"),
    ("wagtaildocs", "delete_document"),
    ("wagtailmedia", "delete_media"),
    ("wagtailcore", "add_collection"),
    ("wagtailcore", "change_collection"),
)
# Snippets the centre curates for the whole district (categories, audiences, towns, venues).
CENTRE_SNIPPET_MODELS = (
    ("courses", "category"),
    ("accounts", "audience"),
    ("places", "town"),
    ("places", "venue"),
)

REVIEW_WORKFLOW_NAME = "课程审核"
REVIEW_TASK_NAME = "指导中心审核"
PROVIDER_GROUP_PREFIX = f"{PROVIDER_STAFF}·"


def _permissions(pairs) -> list[Permission]:
    """The permissions named by (app label, codename), in one query. One missing is a programming error (a
    renamed model or a removed app), so it raises rather than granting less than the room needs."""
    pairs = list(pairs)
    wanted = Q()
    for app_label, codename in pairs:
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    found = {
        (permission.content_type.app_label, permission.codename): permission
        for permission in Permission.objects.filter(wanted).select_related("content_type")
    }
    missing = [pair for pair in pairs if pair not in found]
    if missing:
        raise Permission.DoesNotExist(f"permissions missing: {missing}")
    return [found[pair] for pair in pairs]


def _page_rights_grant(group: Group, page: Page, codenames) -> None:
    # ignore_conflicts: a right already granted stays as it is (unique on group, page and permission).
    GroupPagePermission.objects.bulk_create(
        [
            GroupPagePermission(group=group, page=page, permission=permission)
            for permission in _permissions(("wagtailcore", codename) for codename in codenames)
        ],
        ignore_conflicts=True,
    )


def _collection_rights_grant(group: Group, collection: Collection, pairs) -> None:
    GroupCollectionPermission.objects.bulk_create(
        [
            GroupCollectionPermission(group=group, collection=collection, permission=permission)
            for permission in _permissions(pairs)
        ],
        ignore_conflicts=True,
    )


def provider_staff_group_name(provider: ProviderPage) -> str:
    return f"{PROVIDER_GROUP_PREFIX}{provider.title}"[:150]


def provider_group_of(provider: Page) -> Group | None:
    """The school's own group: the one (named 学校工作人员·…) holding change_page on exactly this page."""
    return (
        Group.objects.filter(
            name__startswith=PROVIDER_GROUP_PREFIX,
            page_permissions__page=provider,
            page_permissions__permission__codename="change_page",
        )
        .order_by("pk")
        .first()
    )


@transaction.atomic
def provider_room_ensure(*, provider: ProviderPage) -> Group:
    """Create or repair a school's room: its staff group with draft rights on its own subtree only, and its
    own image/document collection that only this group (and the centre) may use. Safe to call again;
    follows a renamed school (the group and collection are found by their permission rows, then renamed).
    """
    group = provider_group_of(provider)
    wanted_name = provider_staff_group_name(provider)
    if group is None:
        # Two schools may share a name; a group already named so belongs to the other one, never to this.
        name = wanted_name
        if Group.objects.filter(name=name).exists():
            name = f"{PROVIDER_GROUP_PREFIX}{provider.title[:120]}（{provider.pk}）"
        group = Group.objects.create(name=name)
    elif group.name != wanted_name and not Group.objects.filter(name=wanted_name).exists():
        group.name = wanted_name
        group.save(update_fields=["name"])
    group.permissions.add(*_permissions([("wagtailadmin", "access_admin")]))
    _page_rights_grant(group, provider, PROVIDER_PAGE_PERMISSIONS)
    # Publishing is the centre's: a group from before the review workflow loses it here.
    GroupPagePermission.objects.filter(group=group).exclude(permission__codename__in=PROVIDER_PAGE_PERMISSIONS).delete()
    # Nothing outside the school's own page either (a stray grant would open another school's subtree).
    GroupPagePermission.objects.filter(group=group).exclude(page=provider).delete()

    collection = provider_collection_of(group)
    if collection is None:
        collection = Collection.get_first_root_node().add_child(instance=Collection(name=provider.title[:255]))
    elif collection.name != provider.title[:255]:
        collection.name = provider.title[:255]
        collection.save(update_fields=["name"])
    _collection_rights_grant(group, collection, PROVIDER_COLLECTION_PERMISSIONS)
    GroupCollectionPermission.objects.filter(group=group).exclude(collection=collection).delete()
    # The centre needs nothing here: its rights on the root collection are inherited by every school's.
    return group


def provider_collection_of(group: Group) -> Collection | None:
    permission = (
        GroupCollectionPermission.objects.filter(group=group, permission__codename="add_image")
        .select_related("collection")
        .order_by("pk")
        .first()
    )
    return permission.collection if permission else None


@transaction.atomic
def centre_rights_ensure(*, catalogue: Page) -> Group:
    """The guidance centre: publish anywhere in the catalogue, every collection, the district's snippets."""
    centre = Group.objects.get(name=CENTRE_STAFF)
    _page_rights_grant(centre, catalogue, CENTRE_PAGE_PERMISSIONS)
    _collection_rights_grant(centre, Collection.get_first_root_node(), CENTRE_COLLECTION_PERMISSIONS)
    snippet_permissions = Permission.objects.filter(
        Q(codename__startswith="add_") | Q(codename__startswith="change_") | Q(codename__startswith="delete_"),
        content_type__in=_content_types(CENTRE_SNIPPET_MODELS),
    )
    centre.permissions.add(*snippet_permissions)
    return centre


def _content_types(pairs):
    wanted = Q()
    for app_label, model in pairs:
        wanted |= Q(app_label=app_label, model=model)
    return ContentType.objects.filter(wanted)


@transaction.atomic
def review_workflow_ensure(*, catalogue: Page) -> Workflow:
    """The catalogue's review workflow: one step, approved or rejected (with a comment) by centre staff.

    Assigned to the catalogue page, so every school and course below it goes through it. Idempotent.
    """
    centre = Group.objects.get(name=CENTRE_STAFF)
    task = GroupApprovalTask.objects.filter(name=REVIEW_TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=REVIEW_TASK_NAME)
    task.groups.add(centre)
    if not task.active:
        task.active = True
        task.save(update_fields=["active"])
    workflow, _created = Workflow.objects.get_or_create(name=REVIEW_WORKFLOW_NAME, defaults={"active": True})
    if not workflow.active:
        workflow.active = True
        workflow.save(update_fields=["active"])
    if not WorkflowTask.objects.filter(workflow=workflow, task=task).exists():
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.update_or_create(page=catalogue, defaults={"workflow": workflow})
    return workflow


def catalogue_review_ensure(*, catalogue: CourseIndexPage) -> Workflow | None:
    """The catalogue, once created or published: the centre's rights over it and the review workflow on it.
    Nothing before the centre's role exists (accounts' data migration creates it)."""
    if not Group.objects.filter(name=CENTRE_STAFF).exists():
        return None
    centre_rights_ensure(catalogue=catalogue)
    return review_workflow_ensure(catalogue=catalogue)


def page_created_rights_ensure(*, page: Page) -> None:
    """A page just created in the admin: a school gets its room, the catalogue the centre's rights and review.
    (Schools created in code are published, which does the same; see publishing.signals.)"""
    page = page.specific
    if isinstance(page, ProviderPage):
        provider_room_ensure(provider=page)
    elif isinstance(page, CourseIndexPage):
        catalogue_review_ensure(catalogue=page)


# --- Taking a course down -----------------------------------------------------------------------------


def course_unpublished_notify(*, course_id: int) -> int:
    """Text every learner still enrolled or waitlisted in a course that was just taken down. Returns how many.

    Run after the transaction commits (the page really is down); nobody to text, nothing sent. The SMS sender
    masks numbers in logs.
    """
    course = CoursePage.objects.filter(pk=course_id).first()
    if course is None or course.live:
        return 0
    sent = 0
    enrolments = course_current_learners(course).select_related("learner", "course_class")
    for enrolment in enrolments:
        body = _("您报名的课程“%(course)s”（%(label)s）已暂停发布，学校会与您联系后续安排。") % {
            "course": course.title,
            "label": enrolment.course_class.label,
        }
        try:
            send_sms(phone=enrolment.learner.phone, body=body)
        except SmsError:
            continue
        sent += 1
    return sent


REVIEW_COMMENT_MAX = 60  # an SMS is short; the full comment is in the admin


def review_decision_notify(*, workflow_state_id: int) -> bool:
    """Text the submitter the centre's decision (and its comment, shortened). False if nobody to tell."""
    state = WorkflowState.objects.select_related("requested_by").filter(pk=workflow_state_id).first()
    if state is None or state.requested_by is None or not state.requested_by.phone:
        return False
    title = str(state.content_object) if state.content_object is not None else ""
    if state.status == WorkflowState.STATUS_APPROVED:
        body = _("您提交的“%(title)s”已通过指导中心审核并发布。") % {"title": title}
    elif state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        last = TaskState.objects.filter(workflow_state=state).order_by("-finished_at", "-pk").first()
        comment = (last.get_comment() if last else "").strip()
        if len(comment) > REVIEW_COMMENT_MAX:
            comment = comment[:REVIEW_COMMENT_MAX] + "…"
        body = _("您提交的“%(title)s”需要修改：%(comment)s 请登录管理后台查看。") % {
            "title": title,
            "comment": comment or _("（无意见）"),
        }
    else:
        return False
    try:
        send_sms(phone=state.requested_by.phone, body=body)
    except SmsError:
        return False
    return True


@transaction.atomic
def provider_staff_add(*, provider: ProviderPage, user) -> None:
    """Make `user` a member of `provider`'s staff (role group plus the school's own group)."""
    user.groups.add(provider_room_ensure(provider=provider), Group.objects.get(name=PROVIDER_STAFF))
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
