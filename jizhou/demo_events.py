"""Demo community events (社区活动): the 社区活动 index under the home page and events of the coming weeks at the
district's schools and the guidance centre, with demo residents signed up (one event full, with a waitlist), and
past events whose attendance was taken, so their hours are in the residents' records. Times are relative to
`today` (Asia/Shanghai).

Run after the catalogue (schools, venues, residents, the centre's login). Idempotent: an event already there by
title under its school is left as it is.
"""

import contextlib
import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from activities.models import EventIndexPage, EventKind, EventPage
from activities.services import event_attendance_set, event_signup
from core.slugs import pinyin_slug
from courses.models import ProviderPage
from enrolment.refusals import EnrolmentRefused
from places.models import Venue

CENTRE_PHONE = "13800000001"
RESIDENT_PHONES = [f"137000000{i:02d}" for i in range(20)]

# title, school, kind, venue, day offset, start hour, hours long, capacity, waitlist limit, hours credited,
# how many demo residents sign up, audience, summary
EVENTS = [
    (
        "养老政策讲座：城乡居民养老保险与高龄津贴",
        "蓟州区社区教育指导中心",
        EventKind.LECTURE,
        "文昌街道社区学校",
        3,
        9,
        2,
        60,
        20,
        "2",
        6,
        "60岁以上老人及家属",
        "区人社局工作人员讲解城乡居民养老保险缴费档次、待遇领取认证和高龄津贴申领，现场答疑。",
    ),
    (
        "非遗剪纸展演",
        "蓟州区老年大学",
        EventKind.PERFORMANCE,
        "蓟州区老年大学（本部）",
        6,
        14,
        2,
        None,
        None,
        "0",
        3,
        "全体居民",
        "老年大学剪纸班学员现场展示蓟州剪纸技艺，展出窗花、团花作品百余幅，观众可现场体验。",
    ),
    (
        "农技送教下乡·果树冬季修剪",
        "罗庄子镇成人文化技术学校",
        EventKind.OUTREACH,
        "罗庄子镇梨树示范园",
        8,
        9,
        3,
        4,
        2,
        "3",
        7,
        "果农",
        "区农业技术推广中心专家到园讲解梨树、苹果树冬季整形修剪要领，分组实操，自带剪刀。",
    ),
    (
        "防电信诈骗讲座",
        "渔阳镇社区学校",
        EventKind.LECTURE,
        "渔阳镇社区学校",
        10,
        15,
        1,
        80,
        None,
        "1",
        4,
        "全体居民，特别欢迎老年朋友",
        "派出所民警用真实案例讲解冒充公检法、养老投资、刷单返利等常见骗局，教大家安装国家反诈中心APP。",
    ),
    (
        "“邻里守望”志愿服务日",
        "文昌街道社区学校",
        EventKind.VOLUNTEER,
        "文昌街道社区学校",
        13,
        9,
        3,
        30,
        10,
        "3",
        2,
        "18岁以上居民",
        "为社区高龄独居老人上门理发、清洁、测血压，志愿服务时长计入学习档案。",
    ),
    (
        "下营镇送教下乡·民宿服务与礼仪",
        "下营镇成人文化技术学校",
        EventKind.OUTREACH,
        "下营镇郭家沟村党群服务中心",
        17,
        14,
        2,
        40,
        10,
        "2",
        0,
        "民宿经营户",
        "讲解民宿接待礼仪、卫生规范与线上预订平台运营。",
    ),
    # Past events: attendance taken, hours in the record.
    (
        "冬季养生健康讲座",
        "蓟州区社区教育指导中心",
        EventKind.LECTURE,
        "蓟州区社区教育指导中心培训室",
        -6,
        9,
        2,
        50,
        None,
        "2",
        8,
        "中老年居民",
        "区中医医院医生讲解冬季常见病预防和饮食起居。",
    ),
    (
        "农技送教下乡·设施蔬菜越冬管理",
        "蓟州区成人教育学校",
        EventKind.OUTREACH,
        "马伸桥镇设施蔬菜示范园",
        -14,
        9,
        3,
        30,
        None,
        "3",
        6,
        "菜农",
        "讲解日光温室保温、补光与病虫害防治。",
    ),
]


def _aware(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _index(home) -> EventIndexPage:
    index = EventIndexPage.objects.child_of(home).first()
    if index is None:
        index = home.add_child(
            instance=EventIndexPage(
                title="社区活动", slug="events", intro="讲座、展演、志愿服务、送教下乡——就在家门口。"
            )
        )
        index.save_revision().publish()
    return index


def demo_events_load(*, home, today: datetime.date, report) -> None:
    _index(home)
    centre = User.objects.filter(phone=CENTRE_PHONE).first()
    residents = list(User.objects.filter(phone__in=RESIDENT_PHONES).order_by("phone"))
    for (
        title,
        school,
        kind,
        venue_name,
        offset,
        hour,
        length,
        capacity,
        waitlist,
        hours,
        signups,
        audience,
        summary,
    ) in EVENTS:
        provider = ProviderPage.objects.filter(title=school).first()
        if provider is None or EventPage.objects.child_of(provider).filter(title=title).exists():
            report.count("events", False)
            continue
        venue = Venue.objects.filter(name=venue_name).first()
        starts_at = _aware(today + datetime.timedelta(days=offset), hour)
        event = provider.add_child(
            instance=EventPage(
                title=title,
                slug=pinyin_slug(title, max_length=60),
                kind=kind,
                starts_at=starts_at,
                ends_at=starts_at + datetime.timedelta(hours=length),
                venue=venue,
                town=venue.town if venue else provider.town,
                summary=summary,
                audience=audience,
                capacity=capacity,
                waitlist_limit=waitlist,
                signup_closes=starts_at - datetime.timedelta(days=1) if capacity else None,
                hours=Decimal(hours),
            )
        )
        event.save_revision().publish()
        report.count("events", True)
        before = starts_at - datetime.timedelta(days=3)
        places = []
        for resident in residents[:signups]:
            # The busiest event's waitlist fills too: the last to come is refused, as residents would be.
            with contextlib.suppress(EnrolmentRefused):
                places.append(event_signup(resident=resident, event_id=event.pk, now=before))
        if offset < 0 and centre is not None:
            came = {p.pk for p in places if p.status == "signed_up"}
            came -= {places[-1].pk} if len(places) > 2 else set()  # someone always misses it
            event_attendance_set(event_id=event.pk, present_signup_ids=came, by=centre)
