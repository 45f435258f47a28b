"""Demo study circles (学习团队): four active circles of demo residents with members, weekly meetings in past
weeks (attendance, so their hours are in members' records) and the next two weeks, outcomes, and last year's
assessment by the centre; one circle still waiting for approval. Dates are relative to `today`.

Run after the catalogue (towns, venues, residents, the centre's login). Idempotent: a circle already there by
name is left as it is.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from circles.models import ActivityRecord, CircleKind, CircleMeeting, Membership, StudyCircle
from circles.services import (
    activity_record,
    assessment_create,
    circle_approve,
    circle_start,
    meeting_record,
    membership_join,
)
from courses.models import ProviderPage
from places.models import Town, Venue

CENTRE_PHONE = "13800000001"

# name, kind, town, venue, leader phone, leader consents to name shown, members' phones, pattern, topics, outcomes
CIRCLES = [
    {
        "name": "渔阳书法组",
        "kind": CircleKind.CALLIGRAPHY,
        "town": "渔阳镇",
        "venue": "蓟州区老年大学（本部）",
        "provider": "蓟州区老年大学",
        "leader": "13700000002",
        "public": True,
        "members": ["13700000010", "13700000000", "13700000008", "13700000011"],
        "pattern": "每周三下午2点至4点",
        "description": "老年大学书法班结业学员自发组成，临帖、创作、互相点评，逢年过节为村里写春联、写福字。",
        "topics": ["临《九成宫》楷书", "行书笔法练习", "作品互评", "小楷抄写《千字文》", "春联创作"],
        "outcomes": [
            ("work", 20, "书法作品集《翰墨渔阳》", "收录成员作品32幅。"),
            ("award", 45, "区老年书画展二等奖", ""),
        ],
    },
    {
        "name": "邦均梨农种植互助组",
        "kind": CircleKind.FARMING,
        "town": "邦均镇",
        "venue": "天津开放大学蓟州分校邦均学习中心",
        "provider": None,
        "leader": "13700000005",
        "public": False,
        "members": ["13700000001", "13700000003", "13700000016", "13700000009"],
        "pattern": "每周六上午，农忙时到果园现场",
        "description": "梨农互相帮着修剪、疏花疏果，交流病虫害防治和网上卖梨的经验。",
        "topics": ["冬季修剪现场交流", "梨木虱防治经验", "有机肥沤制", "网店拍照与发货", "嫁接新品种"],
        "outcomes": [("event", 30, "果园开放日", "为本村40多户果农现场演示修剪。")],
    },
    {
        "name": "夕阳红合唱团",
        "kind": CircleKind.SINGING,
        "town": "文昌街道",
        "venue": "蓟州区老年大学文昌分校",
        "provider": "蓟州区老年大学",
        "leader": "13700000000",
        "public": True,
        "members": ["13700000008", "13700000017", "13700000015", "13700000019", "13700000018"],
        "pattern": "每周二、周五上午9点",
        "description": "社区老人一起练声、学新歌，参加社区和区里的文艺演出。",
        "topics": ["发声练习", "二声部《我和我的祖国》", "新歌《不忘初心》", "演出走台", "乐理入门"],
        "outcomes": [
            ("performance", 15, "社区重阳节文艺汇演", "演唱三首合唱曲目。"),
            ("event", 50, "进敬老院慰问演出", ""),
        ],
    },
    {
        "name": "下营镇剪纸兴趣组",
        "kind": CircleKind.CRAFT,
        "town": "下营镇",
        "venue": "下营镇郭家沟村党群服务中心",
        "provider": None,
        "leader": "13700000004",
        "public": False,
        "members": ["13700000006", "13700000012"],
        "pattern": "每周四下午",
        "description": "学习传统剪纸，作品在郭家沟民俗村展示，也给来村里的游客做体验。",
        "topics": ["对称团花", "十二生肖剪纸", "窗花设计", "游客体验课准备"],
        "outcomes": [("work", 10, "生肖剪纸系列", "在郭家沟民俗馆展出。")],
    },
]
PROPOSED = {
    "name": "穿芳峪太极拳队",
    "kind": CircleKind.HEALTH,
    "town": "穿芳峪镇",
    "venue": "穿芳峪镇小穿芳峪村党群服务中心",
    "leader": "13700000011",
    "pattern": "每天早上6点半",
    "description": "村民晨练太极拳，想请老年大学太极班老师定期指导。",
}


def _load_circle(spec: dict, *, centre: User, today: datetime.date) -> StudyCircle:
    people = {u.phone: u for u in User.objects.filter(phone__in=[spec["leader"], *spec["members"]])}
    leader = people[spec["leader"]]
    town = Town.objects.get(name=spec["town"])
    circle = circle_start(
        by=leader,
        name=spec["name"],
        kind=spec["kind"],
        town=town,
        venue=Venue.objects.filter(name=spec["venue"], town=town).first(),
        provider=ProviderPage.objects.filter(title=spec["provider"]).first() if spec["provider"] else None,
        meeting_pattern=spec["pattern"],
        description=spec["description"],
        leader_name_public=spec["public"],
    )
    circle_approve(circle_id=circle.pk, by=centre)
    members = [people[p] for p in spec["members"] if p in people]
    for member in members:
        membership_join(circle_id=circle.pk, user=member)
    # The circle has been going since early last year: its history is older than what the services accept
    # for a new record, so the dates are set back here (demo data only).
    since = timezone.make_aware(datetime.datetime(today.year - 1, 3, 1, 9))
    StudyCircle.objects.filter(pk=circle.pk).update(approved_at=since, created_at=since)
    Membership.objects.filter(circle=circle).update(joined_at=since)
    for month in range(3, 13):
        CircleMeeting.objects.create(
            circle=circle,
            held_on=datetime.date(today.year - 1, month, 10),
            hours=2,
            topic=spec["topics"][month % len(spec["topics"])],
            place=circle.venue.name if circle.venue_id else "",
            recorded_by=leader,
        )
    ActivityRecord.objects.create(
        circle=circle, kind="event", occurred_on=datetime.date(today.year - 1, 9, 20), title="年度成果交流会"
    )
    everyone = [leader, *members]
    for week in range(6, 0, -1):
        came = [p for i, p in enumerate(everyone) if (i + week) % 4 != 0]  # most come, a few miss a week
        meeting_record(
            circle_id=circle.pk,
            by=leader,
            held_on=today - datetime.timedelta(days=7 * week),
            hours="2",
            topic=spec["topics"][week % len(spec["topics"])],
            attendee_ids=[p.pk for p in came],
        )
    for week in (0, 1):
        meeting_record(
            circle_id=circle.pk,
            by=leader,
            held_on=today + datetime.timedelta(days=7 * week + 2),
            hours="2",
            topic=spec["topics"][(week + 1) % len(spec["topics"])],
        )
    for kind, days_ago, title, text in spec["outcomes"]:
        activity_record(
            circle_id=circle.pk,
            by=leader,
            kind=kind,
            occurred_on=today - datetime.timedelta(days=min(days_ago, 80)),
            title=title,
            text=text,
        )
    assessment_create(
        circle_id=circle.pk,
        by=centre,
        year=today.year - 1,
        rating="excellent" if spec["public"] else "good",
        note="活动规律，成员参与积极。",
    )
    return circle


def _can_load(spec: dict, report) -> bool:
    """A smaller catalogue (the tests' demo file) may lack the circle's town or leader: skip it, say so."""
    if Town.objects.filter(name=spec["town"]).exists() and User.objects.filter(phone=spec["leader"]).exists():
        return True
    report.skipped.append(f"circle {spec['name']}: its town or leader is not in this catalogue")
    return False


@transaction.atomic
def demo_circles_load(*, report, today: datetime.date) -> None:
    """`report` is the demo loader's DemoReport (counted under "circles")."""
    centre = User.objects.filter(phone=CENTRE_PHONE).first()
    if centre is None:
        report.skipped.append("circles: no centre login")
        return
    for spec in CIRCLES:
        if not _can_load(spec, report):
            continue
        exists = StudyCircle.objects.filter(name=spec["name"]).exists()
        if not exists:
            _load_circle(spec, centre=centre, today=today)
        report.count("circles", not exists)
    if _can_load(PROPOSED, report) and not StudyCircle.objects.filter(name=PROPOSED["name"]).exists():
        leader = User.objects.get(phone=PROPOSED["leader"])
        town = Town.objects.get(name=PROPOSED["town"])
        circle_start(
            by=leader,
            name=PROPOSED["name"],
            kind=PROPOSED["kind"],
            town=town,
            venue=Venue.objects.filter(name=PROPOSED["venue"], town=town).first(),
            meeting_pattern=PROPOSED["pattern"],
            description=PROPOSED["description"],
        )
        report.count("circles", True)
