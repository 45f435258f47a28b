"""Demo stars and brands: last year's finished round (10 百姓学习之星, 6 学习品牌, awarded, on the honour roll)
and this year's open rounds whose nomination period includes today, with a few nominations; the public
honours page under the home page. Dates are relative to `today` (Asia/Shanghai).

Run after the catalogue (towns, schools and their staff, demo residents, the centre's login). Idempotent: a
round already there for its kind and year is left as it is.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from accounts.models import User
from courses.models import ProviderPage
from honours.models import HonourKind, HonourRound, HonoursIndexPage, Nomination, NominationStatus
from honours.services import brand_nominate, star_nominate
from places.models import Town

CENTRE_PHONE = "13800000001"
OBJECTION_CONTACT = "蓟州区社区教育指导中心（文昌街道人民西大街）022-29142000，工作日8:30-17:00"
STAR_CRITERIA = (
    "<p>热爱学习、坚持学习，学有所成、学以致用，在带动身边群众学习方面发挥示范作用的城乡居民。</p>"
    "<ul><li>年度参加各类学习不少于30学时；</li><li>有突出的学习事迹或成果；</li>"
    "<li>本人同意接受推荐。</li></ul>"
)
BRAND_CRITERIA = (
    "<p>持续开展两年以上、有固定团队和场所、居民参与面广、成效明显、具有蓟州特色的终身学习项目。</p>"
    "<ul><li>由学校或社区学校推荐；</li><li>附项目简介、成效材料和图片。</li></ul>"
)

# name, phone, town, consents to the full name, headline, story
STARS = [
    (
        "王德明",
        "13700020000",
        "渔阳镇",
        False,
        "退休教师义务教书法",
        "退休后十年如一日在村文化室义务教书法，学员两百余人。",
    ),
    (
        "李春生",
        "13700020001",
        "邦均镇",
        True,
        "返乡种梨大户带动乡亲学电商",
        "自学网店运营，带动本村三十多户梨农线上卖梨。",
    ),
    (
        "赵桂兰",
        "13700020002",
        "下营镇",
        True,
        "七旬老人学会智能手机当上“数字助老员”",
        "七十二岁学会智能手机，又教会邻里老人挂号、视频。",
    ),
    (
        "孙海燕",
        "13700020003",
        "官庄镇",
        False,
        "农家乐主人考取中式面点师证书",
        "在成校学习面点，取得职业技能证书，农家乐生意翻番。",
    ),
    (
        "周振国",
        "13700020004",
        "罗庄子镇",
        True,
        "退役军人学养蜂办起合作社",
        "参加养蜂培训后组织合作社，带动二十户增收。",
    ),
    (
        "吴秀芝",
        "13700020005",
        "文昌街道",
        False,
        "社区合唱团的“领头雁”",
        "组建社区合唱团，坚持每周排练，参加区文艺汇演获奖。",
    ),
    (
        "郑立新",
        "13700020006",
        "马伸桥镇",
        True,
        "开放大学毕业的村会计",
        "在开放大学完成专科学习，把所学用于村务财务公开。",
    ),
    ("冯丽娟", "13700020007", "许家台镇", False, "带着姐妹学剪纸闯市场", "学习剪纸技艺，带动妇女制作文创产品。"),
    ("陈宝山", "13700020008", "穿芳峪镇", True, "八旬老党员讲好家乡故事", "整理村史，为中小学生和游客义务讲解。"),
    (
        "韩玉霞",
        "13700020009",
        "洇溜镇",
        False,
        "农村电商讲师从学员中来",
        "从电商培训学员成长为讲师，已培训乡亲四百余人次。",
    ),
]
# school, project, headline, description, outcomes
BRANDS = [
    (
        "蓟州区社区教育指导中心",
        "“渔阳书香”读书会",
        "全民阅读进社区",
        "每月一书、每周一聚的居民读书会。",
        "十年举办读书活动三百余场。",
    ),
    (
        "罗庄子镇成人文化技术学校",
        "“梨乡课堂”送教下乡",
        "把果树课开到田间地头",
        "教师进村入园，现场教修剪、植保。",
        "年均培训果农一千二百人次。",
    ),
    ("蓟州区老年大学", "银龄智能手机课堂", "帮老人跨越数字鸿沟", "分层教学、助教一对一。", "五年结业学员三千余人。"),
    (
        "下营镇成人文化技术学校",
        "山村农家乐厨艺学堂",
        "学厨艺、兴旅游",
        "面向民俗户的烹饪与服务培训。",
        "两百余户民俗户持证经营。",
    ),
    ("渔阳镇社区学校", "社区非遗工作坊", "剪纸、评剧进社区", "非遗传承人常驻授课。", "学员作品多次参展。"),
    (
        "天津开放大学蓟州分校",
        "“一村一名大学生”学历提升",
        "家门口读大学",
        "面向村干部和致富带头人的学历教育。",
        "累计毕业学员六百余人。",
    ),
]
# This year's nominations: (kind, nominee phone or school, ...)
OPEN_STARS = [
    ("13700000000", None, "学书法十年，义务为乡亲写春联", "在老年大学学习书法十年，每年春节义务写春联上千副。", True),
    (
        "13700000005",
        "罗庄子镇成人文化技术学校",
        "梨农学电商年销鸭梨十万斤",
        "参加电商培训后开网店，带动邻居一起线上销售。",
        False,
    ),
    (
        "13700000004",
        "下营镇成人文化技术学校",
        "民俗户大姐考取导游证",
        "在成校学习后考取导游证，为游客讲解长城文化。",
        False,
    ),
]
OPEN_BRANDS = [
    ("蓟州区老年大学", "“夕阳红”合唱艺术团", "以歌育人、以歌会友", "老年大学学员组成的合唱团。", "年均演出二十余场。"),
]


def _dates(opens: datetime.date) -> dict:
    return {
        "nomination_opens": opens,
        "nomination_closes": opens + datetime.timedelta(days=30),
        "review_deadline": opens + datetime.timedelta(days=45),
        "notice_starts": opens + datetime.timedelta(days=50),
        "notice_closes": opens + datetime.timedelta(days=56),
        "award_date": opens + datetime.timedelta(days=70),
    }


def _round(kind: str, year: int, opens: datetime.date) -> tuple[HonourRound, bool]:
    return HonourRound.objects.get_or_create(
        kind=kind,
        year=year,
        defaults={
            "title": f"{year}年度蓟州区{HonourKind(kind).label}推选",
            "criteria": STAR_CRITERIA if kind == HonourKind.STAR else BRAND_CRITERIA,
            "objection_contact": OBJECTION_CONTACT,
            **_dates(opens),
        },
    )


def _resident(phone: str, name: str, town: Town | None) -> User:
    user = User.objects.filter(phone=phone).first()
    if user is None:
        user = User.objects.create_user(phone, None, display_name=name, home_town=town)
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _finished_round(*, kind: str, year: int, centre: User, schools: dict, towns: dict) -> None:
    honour_round, created = _round(kind, year, datetime.date(year, 4, 1))
    if not created:
        return
    awarded_at = timezone.make_aware(datetime.datetime.combine(honour_round.award_date, datetime.time(10)))
    decided_at = timezone.make_aware(datetime.datetime.combine(honour_round.review_deadline, datetime.time(10)))
    common = {"round": honour_round, "status": NominationStatus.AWARDED, "decided_by": centre}
    common |= {"decided_at": decided_at, "awarded_at": awarded_at}
    if kind == HonourKind.STAR:
        for name, phone, town, consent, headline, story in STARS:
            nominee = _resident(phone, name, towns.get(town))
            Nomination.objects.create(
                nominee=nominee, nominated_by=nominee, headline=headline, story=story, name_consent=consent, **common
            )
    else:
        for school, project, headline, description, outcomes in BRANDS:
            if school not in schools:
                continue
            Nomination.objects.create(
                provider=schools[school], nominated_by=centre, project_name=project, headline=headline,
                story=description, outcomes=outcomes, name_consent=True, **common,
            )  # fmt: skip
    honour_round.awarded_at = awarded_at
    honour_round.save(update_fields=["awarded_at"])


def _open_round(*, kind: str, today: datetime.date, schools: dict) -> None:
    honour_round, created = _round(kind, today.year, today - datetime.timedelta(days=10))
    if not created:
        return
    staff_of = {name: User.objects.filter(groups__page_permissions__page=s).first() for name, s in schools.items()}
    if kind == HonourKind.STAR:
        for phone, school, headline, story, consent in OPEN_STARS:
            nominee = User.objects.filter(phone=phone).first()
            if nominee is None:
                continue
            by = staff_of.get(school) if school else nominee
            if by is None:  # a smaller catalogue (tests/jizhou/demo_small.json) may not have that school
                continue
            star_nominate(
                by=by, round_id=honour_round.pk, headline=headline, story=story, name_consent=consent,
                nominee_phone=phone, provider=schools.get(school) if school else None, today=today,
            )  # fmt: skip
    else:
        for school, project, headline, description, outcomes in OPEN_BRANDS:
            if staff_of.get(school) is None:
                continue
            brand_nominate(
                by=staff_of[school], round_id=honour_round.pk, provider=schools[school], project_name=project,
                headline=headline, description=description, outcomes=outcomes, today=today,
            )  # fmt: skip


@transaction.atomic
def demo_honours_load(*, home: Page, today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    if not HonoursIndexPage.objects.exists():
        page = HonoursIndexPage(
            title="百姓学习之星与学习品牌",
            slug="honours",
            intro="<p>每年推选身边爱学习、会学习、带动大家学习的<b>百姓学习之星</b>和有特色的<b>终身学习品牌项目</b>。</p>",
        )
        home.add_child(instance=page)
        page.save_revision().publish()
    centre = User.objects.get(phone=CENTRE_PHONE)
    schools = {p.title: p for p in ProviderPage.objects.all()}
    towns = {t.name: t for t in Town.objects.all()}
    for kind in (HonourKind.STAR, HonourKind.BRAND):
        _finished_round(kind=kind, year=today.year - 1, centre=centre, schools=schools, towns=towns)
        _open_round(kind=kind, today=today, schools=schools)
