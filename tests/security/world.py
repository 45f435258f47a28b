"""The district the security tests run against: two schools (A, B), the guidance centre, a teacher of a
class at school A, a resident enrolled in it; live and draft courses in both schools; an image and a
document in each school's own collection; a course of school B waiting for the centre's review.

Everything is made the way the admin makes it (Wagtail's tree API, the services), so the permissions under
test are the ones the signals and services really create.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import APIToken

from accounts import roles
from enrolment.models import Enrolment, Meeting
from enrolment.selectors import enrolment_completion
from enrolment.services import attendance_roll_call, enrolment_complete, enrolment_create
from media.models import LessonMedia, MediaRendition
from media.progress_services import viewing_start
from publishing.services import provider_collection_of, provider_group_of, provider_staff_add
from records.services import certificate_issue, recognition_create
from tests.activities.world import event_world
from tests.circles.world import circle_world
from tests.factories import UserFactory, course_class, course_page, provider_page, site_tree
from tests.honours.world import honours_world
from tests.media.lessons import lesson_page, ready_media

PERSONAS = ("anonymous", "resident", "teacher", "staff_a", "staff_b", "centre")


@dataclass
class World:
    home: object
    catalogue: object
    school_a: object
    school_b: object
    course_a: object  # live, school A, class taught by `teacher`, resident enrolled
    draft_a: object  # never published, school A
    course_b: object  # live, school B
    draft_b: object  # never published, school B, submitted for review by staff B
    empty_b: object  # live, school B, no classes, nobody enrolled
    class_a: object
    class_b: object
    meeting_a: object
    enrolment: object
    image_a: object
    image_b: object
    doc_a: object
    doc_b: object
    collection_a: object
    collection_b: object
    task_state_b: object
    certificate_b: object
    recognition: object
    users: dict
    media_b: object = None  # lesson video in school B's collection, one rendition failed
    lesson_a: object = None  # live online lesson under course_a, its media ready
    lesson_draft_a: object = None  # online lesson under course_a, never published
    viewing_a: object = None  # the resident watching lesson_a
    circles: dict = None  # study circles: the resident leads "led", is in "other"; "proposed" awaits school A
    events: dict = None  # community events of school A: the resident signed up for "signed" and "under_way"
    honours: dict = None  # stars: school B's nomination (with evidence), the resident shortlisted in a 公示

    def client(self, persona: str) -> Client:
        client = Client()
        if persona != "anonymous":
            client.force_login(self.users[persona])
        return client


def build_world() -> World:
    home, catalogue = site_tree()
    school_a = provider_page(catalogue, "罗庄子镇成人文化技术学校")
    school_b = provider_page(catalogue, "蓟州区老年大学", kind="elderly_university")

    resident = UserFactory(display_name="居民张桂芝", groups=[Group.objects.get(name=roles.RESIDENT)])
    APIToken.create_token(user=resident, name="居民的平板")  # listed and revoked on 登录与设备
    teacher = UserFactory(display_name="王秀兰老师", is_staff=True, groups=[Group.objects.get(name=roles.TEACHER)])
    staff_a = UserFactory(display_name="罗庄子成校教务")
    provider_staff_add(provider=school_a, user=staff_a)
    staff_b = UserFactory(display_name="老年大学教务")
    provider_staff_add(provider=school_b, user=staff_b)
    centre = UserFactory(
        display_name="指导中心刘敏", is_staff=True, groups=[Group.objects.get(name=roles.CENTRE_STAFF)]
    )

    today = timezone.localdate()
    class_a = course_class(label="甲校春季班", starts_in_days=2, teacher=teacher, capacity=20)
    course_a = course_page(school_a, title="甲校梨树修剪", classes=[class_a])
    class_a = course_a.classes.get()
    # A second revision, so revisions can be viewed and compared.
    course_a.summary = "甲校课程第二版简介。"
    course_a.save_revision(user=staff_a)
    draft_a = course_page(school_a, title="甲校草稿课程", publish=False)
    course_b = course_page(
        school_b, title="乙校书法入门", classes=[course_class(label="乙校秋季班", starts_in_days=20)]
    )
    class_b = course_b.classes.get()
    draft_b = course_page(school_b, title="乙校保密草稿课程", publish=False)
    empty_b = course_page(school_b, title="乙校无人报名课程")
    workflow_state = draft_b.get_workflow().start(draft_b, staff_b)

    enrolment = enrolment_create(learner=resident, course_class_id=class_a.pk, today=today - datetime.timedelta(days=3))
    meeting_a = Meeting.objects.create(course_class=class_a, starts_at=timezone.now(), hours=2, topic="整形修剪")
    # The resident was at last week's meeting, so class staff may complete the enrolment (0 hours may not).
    last_week = timezone.now() - datetime.timedelta(days=7)
    earlier_a = Meeting.objects.create(course_class=class_a, starts_at=last_week, hours=2, topic="建园")
    attendance_roll_call(meeting_id=earlier_a.pk, present_enrolment_ids={enrolment.pk}, by=staff_a)
    # School B's certificate for the resident, and a credit-bank claim waiting for the centre.
    completed_b = enrolment_create(learner=resident, course_class_id=class_b.pk)
    meeting_b = Meeting.objects.create(course_class=class_b, starts_at=last_week, hours=2, topic="楷书")
    attendance_roll_call(meeting_id=meeting_b.pk, present_enrolment_ids={completed_b.pk}, by=staff_b)
    completed_b = enrolment_complete(enrolment_id=completed_b.pk, by=staff_b)
    certificate_b = certificate_issue(completion=enrolment_completion(completed_b))
    recognition = recognition_create(
        by=centre,
        learner=resident,
        title="中式烹调师（五级）",
        issuer="天津市职业技能鉴定中心",
        category=None,
        learned_on=today - datetime.timedelta(days=30),
        hours=20,
        evidence=SimpleUploadedFile("evidence.pdf", b"%PDF-1.4 evidence", content_type="application/pdf"),
    )

    collection_a = provider_collection_of(provider_group_of(school_a))
    collection_b = provider_collection_of(provider_group_of(school_b))
    image_a = Image.objects.create(title="甲校图片", file=get_test_image_file("a.png"), collection=collection_a)
    image_b = Image.objects.create(title="乙校图片", file=get_test_image_file("b.png"), collection=collection_b)
    doc_a = Document.objects.create(
        title="甲校文件", file=ContentFile(b"school a", name="a.txt"), collection=collection_a
    )
    doc_b = Document.objects.create(
        title="乙校文件", file=ContentFile(b"school b", name="b.txt"), collection=collection_b
    )
    media_b = LessonMedia.objects.create(
        title="乙校音视频",
        file=ContentFile(b"school b media", name="b.mp4"),
        type="video",
        collection=collection_b,
        status=LessonMedia.Status.FAILED,
    )
    MediaRendition.objects.create(media=media_b, kind="mp4_360", status=MediaRendition.Status.FAILED)
    # Online lessons under course A: one live and playable, one draft (media's lesson and progress routes).
    lesson_a = lesson_page(course_a, ready_media(title="甲校线上课"), title="甲校线上课")
    lesson_draft_a = lesson_page(course_a, ready_media(title="甲校草稿线上课"), title="甲校草稿线上课", publish=False)
    viewing_a = viewing_start(learner=resident, lesson_id=lesson_a.pk)
    return World(
        honours=honours_world(home=home, resident=resident, staff_b=staff_b, school_b=school_b, centre=centre),
        circles=circle_world(resident=resident, centre=centre, school_a=school_a),
        events=event_world(resident=resident, school_a=school_a),
        lesson_a=lesson_a,
        lesson_draft_a=lesson_draft_a,
        viewing_a=viewing_a,
        media_b=media_b,
        home=home,
        catalogue=catalogue,
        school_a=school_a,
        school_b=school_b,
        course_a=course_a,
        draft_a=draft_a,
        course_b=course_b,
        draft_b=draft_b,
        empty_b=empty_b,
        class_a=class_a,
        class_b=class_b,
        meeting_a=meeting_a,
        enrolment=Enrolment.objects.get(pk=enrolment.pk),
        image_a=image_a,
        image_b=image_b,
        doc_a=doc_a,
        doc_b=doc_b,
        collection_a=collection_a,
        collection_b=collection_b,
        task_state_b=workflow_state.current_task_state,
        certificate_b=certificate_b,
        recognition=recognition,
        users={"resident": resident, "teacher": teacher, "staff_a": staff_a, "staff_b": staff_b, "centre": centre},
    )
