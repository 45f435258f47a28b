"""The pages residents read: a community school, a learning point (what runs there now), notices."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents.models import Document

from activities.models import EventPage
from community.models import LearningPointLesson, LearningPointPage, NoticeAttachment, NoticePage
from places.models import Venue, VenueKind
from tests.factories import course_class, course_page
from tests.media.lessons import lesson_page, ready_media

pytestmark = pytest.mark.django_db


def notice(index, title, days_ago, attachments=(), **fields):
    page = NoticePage(
        title=title,
        slug=f"n{NoticePage.objects.count()}",
        date=timezone.localdate() - datetime.timedelta(days=days_ago),
        body="<p>正文</p>",
        **fields,
    )
    page.attachments = [NoticeAttachment(document=document) for document in attachments]
    index.add_child(instance=page)
    page.save_revision().publish()
    return page


def test_learning_point_shows_place_classes_events_and_lessons_to_watch(client, district):
    point, school = district["changzhou"], district["xiaying_school"]
    course = course_page(school, title="苹果树病虫害防治", classes=[course_class(venue=point.venue, label="常州村班")])
    course_page(school, title="别处的课", classes=[course_class(label="镇上班")])
    last_month = course_class(starts_in_days=-40, weeks=2, venue=point.venue)
    ended = course_page(school, title="上个月的课", classes=[last_month])
    start = timezone.now() + datetime.timedelta(days=3)
    event = EventPage(
        title="送教下乡：冬季果树管理讲座",
        slug="songjiao",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        venue=point.venue,
        summary="果树专家到村里讲冬季管理。",
    )
    school.add_child(instance=event)
    event.save_revision().publish()
    lesson = lesson_page(course, ready_media(kinds=()), title="第一讲 智能手机入门")
    point.group_lessons.add(LearningPointLesson(lesson=lesson, when="每周三 下午2:30"))
    point.save()

    html = client.get(point.url).content.decode()
    for text in ("常州村学习点", "下营镇常州村村委会二楼", "每周二、周五 下午2:00-5:00", "在常州村村口下车"):
        assert text in html
    assert 'href="tel:13512345678"' in html
    assert "苹果树病虫害防治" in html and "别处的课" not in html and ended.title not in html
    assert "送教下乡：冬季果树管理讲座" in html
    assert "第一讲 智能手机入门" in html and "每周三 下午2:30" in html
    assert "下营镇社区学校" in html  # the school it belongs to


def test_an_empty_learning_point_says_nothing_runs(client, district):
    html = client.get(district["xibei"].url).content.decode()
    assert "近期没有在这里上课的班次。" in html and "近期没有活动。" in html and "暂未安排一起观看的线上课程。" in html


def test_community_school_page_shows_how_to_get_there_and_its_points(client, district):
    school = district["yuyang_school"]
    course_page(school, title="太极拳入门", classes=[course_class(label="春季班")])
    html = client.get(school.url).content.decode()
    for text in ("渔阳镇文昌街12号", "周一至周五 8:30-11:30", "乘1路公交到鼓楼站", "022-29141234"):
        assert text in html
    assert "太极拳入门" in html and "西北隅村学习点" in html


def test_other_schools_keep_their_plain_page(client, district):
    html = client.get(district["school_a"].url).content.decode()
    assert "正在开展" not in html and "开设课程" in html


def test_notices_newest_first_and_paginated(client, district):
    index = district["notice_index"]
    for n in range(12):
        notice(index, f"通知{n:02d}", days_ago=n)
    first = client.get(index.url).content.decode()
    assert first.index("通知00") < first.index("通知01") < first.index("通知09")
    assert "通知10" not in first and "第 1 页，共 2 页" in first
    second = client.get(index.url, {"page": 2}).content.decode()
    assert "通知10" in second and "通知11" in second and "通知00" not in second


def test_a_notice_shows_its_date_and_attachments(client, district):
    document = Document.objects.create(title="2027年春季班报名表", file=ContentFile(b"%PDF-1.4", name="form.pdf"))
    page = notice(district["notice_index"], "关于2027年春季班报名的通知", days_ago=0, attachments=[document])
    html = client.get(page.url).content.decode()
    assert "关于2027年春季班报名的通知" in html and timezone.localdate().strftime("%Y年") in html
    assert "2027年春季班报名表" in html and document.url in html


def test_a_learning_point_must_be_a_village_point_in_its_schools_town(district):
    xiaying_school, bangjun = district["xiaying_school"], district["towns"]["bangjun"]
    elsewhere = Venue.objects.create(name="邦均镇某村", town=bangjun, kind=VenueKind.LEARNING_POINT)
    with pytest.raises(ValidationError) as refused:
        xiaying_school.add_child(instance=LearningPointPage(title="错镇的学习点", slug="wrong-town", venue=elsewhere))
    assert "不在下营镇" in str(refused.value.message_dict["venue"])
    a_school = Venue.objects.create(name="下营镇中学", town=district["towns"]["xiaying"], kind=VenueKind.SCHOOL)
    with pytest.raises(ValidationError) as refused:
        xiaying_school.add_child(instance=LearningPointPage(title="不是学习点", slug="not-a-point", venue=a_school))
    assert "venue" in refused.value.message_dict
    assert not LearningPointPage.objects.filter(slug__in=["wrong-town", "not-a-point"]).exists()
