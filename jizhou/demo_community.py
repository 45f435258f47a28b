"""Demo community schools, village learning points and notices (通知公告) for the demo district.

Each town gets its 社区学校 (a ProviderPage of kind community_school and its own Venue, so the dashboard counts
it), with coordinates near the town's real position in Jizhou (~40.04N 117.41E), hours, a public phone and how
to get there; a dozen villages get a learning point under their town's school. Idempotent: matched on names.
"""

import datetime
from decimal import Decimal

from wagtail.models import Page

from community.models import LearningPointIndexPage, LearningPointLesson, LearningPointPage, NoticeIndexPage, NoticePage
from community.services import centre_section_rights_ensure
from core.slugs import pinyin_slug
from courses.models import CourseIndexPage, ProviderKind, ProviderPage
from media.models import LessonPage
from places.models import Town, Venue, VenueKind

# Approximate centres of Jizhou's towns (decimal degrees): what a staff member would read off a map.
TOWN_CENTRES = {
    "文昌街道": ("40.0410", "117.4010"),
    "渔阳镇": ("40.0455", "117.4085"),
    "洇溜镇": ("40.0120", "117.3300"),
    "官庄镇": ("40.0820", "117.3680"),
    "马伸桥镇": ("40.0890", "117.6000"),
    "下营镇": ("40.1960", "117.4290"),
    "邦均镇": ("39.9620", "117.2690"),
    "别山镇": ("39.9930", "117.5610"),
    "尤古庄镇": ("39.8790", "117.4200"),
    "上仓镇": ("39.9010", "117.3290"),
    "下仓镇": ("39.7810", "117.3520"),
    "罗庄子镇": ("40.1420", "117.4610"),
    "白涧镇": ("40.0400", "117.2600"),
    "侯家营镇": ("39.8320", "117.4310"),
    "桑梓镇": ("39.8090", "117.5200"),
    "东施古镇": ("39.9020", "117.5390"),
    "下窝头镇": ("39.7610", "117.4690"),
    "杨津庄镇": ("39.8400", "117.3100"),
    "出头岭镇": ("40.0610", "117.6590"),
    "西龙虎峪镇": ("40.0220", "117.6410"),
    "穿芳峪镇": ("40.1090", "117.5190"),
    "东二营镇": ("39.9410", "117.6610"),
    "许家台镇": ("40.1410", "117.3590"),
    "礼明庄镇": ("39.8510", "117.6290"),
    "东赵各庄镇": ("39.9810", "117.6300"),
    "州河湾镇": ("39.9310", "117.4710"),
    "孙各庄满族乡": ("40.1610", "117.6790"),
}
SCHOOL_HOURS = "周一至周五 8:30—11:30，14:00—17:00\n周六上午开放阅览室，法定节假日休息"

# (town, village learning point, where in the village, latitude, longitude, opening hours, directions)
LEARNING_POINTS = [
    (
        "下营镇",
        "郭家沟村学习点",
        "郭家沟村党群服务中心二楼",
        "40.2120",
        "117.4450",
        "每周二、周五 14:00—17:00",
        "乘蓟州—下营方向公交到郭家沟站，沿村主路向北步行5分钟。",
    ),
    (
        "下营镇",
        "常州村学习点",
        "常州村村委会会议室",
        "40.2240",
        "117.4770",
        "每周三 9:00—11:30",
        "在常州村口下车，村委会大院内，门口有“村学习点”标牌。",
    ),
    (
        "罗庄子镇",
        "罗庄子村学习点",
        "罗庄子村文化大院",
        "40.1460",
        "117.4660",
        "每周一、周四 14:00—16:30",
        "镇政府往北300米，村文化大院东屋。",
    ),
    (
        "许家台镇",
        "许家台村学习点",
        "许家台村党群服务中心",
        "40.1450",
        "117.3530",
        "每周二 9:00—11:00",
        "乘蓟州—许家台公交到终点站，向西步行3分钟。",
    ),
    (
        "穿芳峪镇",
        "小穿芳峪村学习点",
        "小穿芳峪村党群服务中心",
        "40.1170",
        "117.5290",
        "每周四 14:00—17:00",
        "穿芳峪镇政府向东1公里，村委会院内。",
    ),
    (
        "官庄镇",
        "联合村学习点",
        "联合村村委会活动室",
        "40.0890",
        "117.3540",
        "每周三、周六 9:00—11:30",
        "盘山路联合村站下车，村委会在路北。",
    ),
    (
        "渔阳镇",
        "西北隅社区学习点",
        "西北隅社区居委会活动室",
        "40.0500",
        "117.3990",
        "每天 8:30—11:30",
        "鼓楼向西北步行10分钟，社区居委会一楼。",
    ),
    (
        "文昌街道",
        "府君社区学习点",
        "府君社区党群服务中心三楼",
        "40.0330",
        "117.4100",
        "周一至周五 14:00—17:00",
        "乘2路、5路公交到府君山公园站，向南步行200米。",
    ),
    (
        "邦均镇",
        "邦均村学习点",
        "邦均村文化活动中心",
        "39.9580",
        "117.2750",
        "每周一、周三 19:00—21:00（晚课）",
        "邦均镇中心大街向南，过十字路口第二个院子。",
    ),
    (
        "马伸桥镇",
        "北辛庄村学习点",
        "北辛庄村党群服务中心",
        "40.0960",
        "117.6110",
        "每周五 9:00—11:30",
        "马伸桥镇政府向北2公里，村口大槐树旁。",
    ),
    (
        "别山镇",
        "别山村学习点",
        "别山村村委会二楼",
        "39.9900",
        "117.5680",
        "每周二、周四 14:00—16:30",
        "别山镇文化站向东步行5分钟。",
    ),
    (
        "出头岭镇",
        "官场村学习点",
        "官场村党群服务中心",
        "40.0650",
        "117.6690",
        "每周三 14:00—17:00",
        "出头岭镇中学向南500米，村委会院内。",
    ),
]


def _notices(today: datetime.date) -> list[tuple[str, int, str]]:
    year = today.year if today.month < 9 else today.year + 1
    return [
        (
            f"关于{year}年春季老年大学和社区学校招生的通知",
            2,
            "<p>各镇（街）社区学校、各村居学习点：</p><p>春季班将于开春后陆续开课，开设书法、国画、太极拳、声乐合唱、"
            "智能手机使用、防诈骗等课程。居民可在本网站“课程”栏目在线报名，也可到就近社区学校现场报名。"
            "请各社区学校做好招生宣传和报名登记工作。</p><p>咨询电话：022-29142233</p>",
        ),
        (
            "关于开展“送教下乡”冬季果树管理培训的通知",
            6,
            "<p>为帮助果农做好冬季修剪和清园工作，区成人教育学校将组织农技专家到罗庄子镇、下营镇、官庄镇、许家台镇"
            "各学习点开展现场培训。请各村学习点提前组织果农报名，培训免费，计入学习档案学时。</p>",
        ),
        (
            "关于评选年度“百姓学习之星”和“终身学习品牌项目”的公告",
            11,
            "<p>根据市教委有关工作安排，我区启动年度百姓学习之星和终身学习品牌项目推荐工作。各社区学校、学习点"
            "可推荐在学习中成长、带动身边人学习的居民和有特色的学习项目，居民也可自荐。推荐材料请在网上提交。</p>",
        ),
        (
            "关于社区学校冬季作息时间调整的通知",
            18,
            "<p>入冬后各镇社区学校下午开放时间调整为14:00—16:30，村学习点开放时间以各点公示为准。"
            "雨雪天气如临时停课，将通过本网站和村广播通知。</p>",
        ),
        (
            "关于做好老年人智能手机培训工作的通知",
            25,
            "<p>为帮助老年人跨越“数字鸿沟”，各社区学校要结合学习点开展手把手智能手机培训，重点教会挂号、"
            "缴费、视频通话和防范电信诈骗。培训可组织居民在学习点一起观看线上课程，再由志愿者辅导练习。</p>",
        ),
        (
            "蓟州区全民终身学习活动周活动安排公示",
            40,
            "<p>全民终身学习活动周期间，全区将举办读书分享会、非遗展演、法律讲座和家庭教育讲座等活动，"
            "具体安排见各社区学校页面和“活动”栏目，欢迎居民踊跃参加。</p>",
        ),
    ]


def _slug(parent: Page, title: str) -> str:
    base = pinyin_slug(title, max_length=70)
    slug, n = base, 2
    while Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1, slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _publish_child(parent: Page, page: Page) -> Page:
    page.slug = page.slug or _slug(parent, page.title)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _section(home: Page, model, title: str, intro: str) -> Page:
    page = model.objects.child_of(home).first() or _publish_child(home, model(title=title, intro=intro))
    centre_section_rights_ensure(page=page)
    return page


def _school(catalogue: Page, town: Town, lat: Decimal, lng: Decimal, n: int, report) -> ProviderPage:
    title = f"{town.name}社区学校"
    school = ProviderPage.objects.filter(title=title).first()
    report.count("community schools", school is None)
    fields = {
        "opening_hours": SCHOOL_HOURS,
        "directions": f"乘县城至{town.name}方向公交到{town.name[:-1] if len(town.name) > 2 else town.name}站，"
        "镇政府旁社区服务中心内，门口有“社区学校”标牌。",
        "latitude": lat,
        "longitude": lng,
        "contact_phone": f"022-2914{n:04d}",
        "address": f"{town.name}社区服务中心二楼",
    }
    if school is None:
        school = ProviderPage(
            title=title,
            kind=ProviderKind.COMMUNITY_SCHOOL,
            town=town,
            intro=f"{title}面向{town.name}居民开设家庭教育、传统文化、健康生活、农业实用技术等课程，统筹各村学习点。",
            **fields,
        )
        _publish_child(catalogue, school)
    elif school.latitude is None:  # an existing school (from the catalogue file): fill in what it lacks
        for name, value in fields.items():
            if not getattr(school, name):
                setattr(school, name, value)
        school.save_revision().publish()
    Venue.objects.update_or_create(
        name=title,
        town=town,
        defaults={
            "kind": VenueKind.COMMUNITY_SCHOOL,
            "address": school.address,
            "latitude": school.latitude,
            "longitude": school.longitude,
            "opening_hours": school.opening_hours,
            "contact_phone": school.contact_phone,
            "directions": school.directions,
        },
    )
    return school


def demo_community_load(*, home: Page, today: datetime.date, report) -> None:
    """Towns' centres, every town's community school, village learning points, notices and the two sections."""
    catalogue = CourseIndexPage.objects.child_of(home).first()
    schools = {}
    for n, town in enumerate(Town.objects.filter(name__in=TOWN_CENTRES)):
        lat, lng = (Decimal(v) for v in TOWN_CENTRES[town.name])
        if town.latitude is None:
            town.latitude, town.longitude = lat, lng
            town.save(update_fields=["latitude", "longitude"])
        schools[town.name] = _school(catalogue, town, lat, lng, n + 1, report)

    # Venues named like the schools and village rooms the catalogue file brought: their kind.
    for venue in Venue.objects.filter(kind=VenueKind.OTHER):
        if "党群服务中心" in venue.name or "村委会" in venue.name:
            venue.kind = VenueKind.LEARNING_POINT
        elif venue.name.endswith(("学校", "分校", "学习中心", "老年大学（本部）")):
            venue.kind = VenueKind.SCHOOL
        else:
            continue
        venue.save(update_fields=["kind"])

    lessons = list(LessonPage.objects.live().order_by("path")[:3])
    towns = {town.name: town for town in Town.objects.all()}
    for index, (town_name, title, where, lat, lng, hours, directions) in enumerate(LEARNING_POINTS):
        if town_name not in schools:
            continue
        venue, _ = Venue.objects.update_or_create(
            name=title,
            town=towns[town_name],
            defaults={
                "kind": VenueKind.LEARNING_POINT,
                "address": f"{town_name}{where}",
                "latitude": Decimal(lat),
                "longitude": Decimal(lng),
                "opening_hours": hours,
                "contact_phone": f"1351234{index:04d}",
                "directions": directions,
            },
        )
        exists = LearningPointPage.objects.filter(venue=venue).exists()
        report.count("learning points", not exists)
        if exists:
            continue
        point = LearningPointPage(
            title=title, venue=venue, intro=f"{title}设在{where}，村民可在这里听课、看线上课程、借阅图书。"
        )
        point.group_lessons = [
            LearningPointLesson(lesson=lesson, when=when)
            for lesson, when in zip(lessons[index % 2 :], ["每周三 下午2:30", "每周六 上午9:30"], strict=False)
        ]
        _publish_child(schools[town_name], point)

    _section(
        home,
        LearningPointIndexPage,
        "社区学校与学习点",
        "选择您所在的乡镇，或用手机定位，找离家最近的社区学校和村学习点。",
    )
    notices = _section(home, NoticeIndexPage, "通知公告", "蓟州区社区教育指导中心发布的通知和公告。")
    for title, days_ago, body in _notices(today):
        exists = NoticePage.objects.filter(title=title).exists()
        report.count("notices", not exists)
        if not exists:
            _publish_child(notices, NoticePage(title=title, date=today - datetime.timedelta(days=days_ago), body=body))
