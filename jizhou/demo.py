"""The demo district: real providers and towns of Jizhou, venues, a Chinese course catalogue,
classes over the coming months, and demo people. Loading is idempotent: everything is matched on
its natural key and only created when missing, so running it twice changes nothing.
"""

import datetime
import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from wagtail.models import Page

from accounts import roles
from accounts.models import Audience, User
from community.models import HomePage
from core.slugs import pinyin_slug
from courses.models import Category, CourseClass, CourseIndexPage, CoursePage, ProviderPage
from jizhou.demo_circles import demo_circles_load
from jizhou.demo_community import demo_community_load
from jizhou.demo_events import demo_events_load
from jizhou.demo_honours import demo_honours_load
from jizhou.demo_learningcity import demo_learningcity_load
from jizhou.site_setup import site_ensure
from media.models import LessonPage
from media.services import CaptionInput, media_create_from_file
from places.models import Town, Venue
from publishing.services import (
    centre_rights_ensure,
    provider_collection_of,
    provider_group_of,
    provider_staff_add,
    review_workflow_ensure,
)

CATALOGUE_FILE = Path(__file__).parent / "demo_data" / "catalogue.json"
DEMO_PASSWORD = "jizhou-demo-2026"

CATEGORIES = [
    ("老年教育", "书画、养生、智能手机、文艺"),
    ("农业技术", "果树、蔬菜、养殖、电商"),
    ("职业技能", "技能培训与职业证书"),
    ("学历教育", "开放大学专科、本科"),
    ("社区教育", "家庭、法律、安全、文化"),
]
AUDIENCES = ["老年人", "农民", "企业职工", "进城务工人员", "青少年家长", "社区居民", "退役军人", "残疾人"]

TEACHERS = [
    "王秀兰",
    "李建国",
    "张淑芬",
    "刘志强",
    "陈玉梅",
    "杨德山",
    "赵丽华",
    "黄振华",
    "周桂英",
    "吴宏伟",
    "孙凤琴",
    "马春生",
]
RESIDENTS = [
    ("张桂芝", 1952, "文昌街道"),
    ("李长海", 1958, "罗庄子镇"),
    ("王淑珍", 1949, "渔阳镇"),
    ("刘德发", 1965, "官庄镇"),
    ("赵玉兰", 1956, "下营镇"),
    ("孙立新", 1978, "邦均镇"),
    ("周凤霞", 1961, "马伸桥镇"),
    ("吴国庆", 1970, "许家台镇"),
    ("郑秀云", 1954, "文昌街道"),
    ("冯建军", 1983, "洇溜镇"),
    ("陈晓燕", 1990, "渔阳镇"),
    ("褚宝山", 1947, "穿芳峪镇"),
    ("卫红梅", 1968, "上仓镇"),
    ("蒋志刚", 1975, "别山镇"),
    ("沈丽娟", 1987, "白涧镇"),
    ("韩金凤", 1959, "东施古镇"),
    ("杨春来", 1962, "罗庄子镇"),
    ("朱美玲", 1995, "文昌街道"),
    ("秦德胜", 1950, "尤古庄镇"),
    ("许翠兰", 1957, "侯家营镇"),
]


@dataclass
class DemoReport:
    created: dict[str, int] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def count(self, kind: str, created: bool) -> None:
        self.created[kind] = self.created.get(kind, 0) + int(created)


def _user(phone: str, name: str, report: DemoReport, **extra) -> User:
    user = User.objects.filter(phone=phone).first()
    created = user is None
    if created:
        user = User.objects.create_user(phone, DEMO_PASSWORD, display_name=name, **extra)
    report.count("people", created)
    return user


def _site_tree() -> tuple[HomePage, CourseIndexPage]:
    """The site's home and catalogue: those `manage.py setup_site` made, or made now (jizhou.site_setup)."""
    setup = site_ensure()
    return setup.home, setup.catalogue


def _unique_slug(parent: Page, title: str) -> str:
    base = pinyin_slug(title, max_length=70)
    slug, n = base, 2
    while Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1, slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def demo_load(catalogue_file: Path = CATALOGUE_FILE, today: datetime.date | None = None) -> DemoReport:
    """The whole demo district: the catalogue first, then what hangs off it (online lessons, the learning city)."""
    today = today or timezone.localdate()
    report = demo_catalogue_load(catalogue_file, today)
    _demo_online_lessons(report)
    demo_community_load(home=_site_tree()[0], today=today, report=report)
    demo_circles_load(report=report, today=today)
    demo_honours_load(home=_site_tree()[0], today=today)
    demo_events_load(home=_site_tree()[0], today=today, report=report)
    demo_learningcity_load(today=today, report=report)
    return report


@transaction.atomic
def demo_catalogue_load(catalogue_file: Path = CATALOGUE_FILE, today: datetime.date | None = None) -> DemoReport:
    """Towns, venues, people, schools and courses with their classes: what the catalogue and search need."""
    today = today or timezone.localdate()
    data = json.loads(Path(catalogue_file).read_text(encoding="utf-8"))
    report = DemoReport()
    _, catalogue = _site_tree()

    categories = {}
    for order, (name, description) in enumerate(CATEGORIES):
        categories[name], created = Category.objects.get_or_create(
            name=name, defaults={"description": description, "sort_order": order * 10}
        )
        report.count("categories", created)
    audiences = {}
    for order, name in enumerate(AUDIENCES):
        audiences[name], created = Audience.objects.get_or_create(name=name, defaults={"sort_order": order * 10})
        report.count("audiences", created)

    towns = {}
    for order, item in enumerate(data["towns"]):
        towns[item["name"]], created = Town.objects.get_or_create(name=item["name"], defaults={"sort_order": order})
        report.count("towns", created)
    venues = {}
    for item in data["venues"]:
        venues[item["name"]], created = Venue.objects.get_or_create(
            name=item["name"], town=towns[item["town"]], defaults={"address": item.get("address", "")}
        )
        report.count("venues", created)

    # Demo staff: the guidance centre (may publish anywhere in the catalogue) and an administrator.
    # Its rights and the review workflow, set here (publishing the catalogue also sets them: publishing.signals).
    centre_group = centre_rights_ensure(catalogue=catalogue)
    review_workflow_ensure(catalogue=catalogue)
    admin = User.objects.filter(phone="13800000000").first() or User.objects.create_superuser(
        "13800000000", DEMO_PASSWORD, display_name="系统管理员"
    )
    report.logins.append(("系统管理员", admin.phone, DEMO_PASSWORD))
    centre = _user("13800000001", "指导中心·刘敏", report, is_staff=True)
    centre.groups.add(centre_group)
    report.logins.append(("社区教育指导中心", centre.phone, DEMO_PASSWORD))

    teachers = []
    teacher_group = Group.objects.get(name=roles.TEACHER)
    for index, name in enumerate(TEACHERS):
        teacher = _user(f"139000000{index:02d}", name, report, is_staff=True)
        teacher.groups.add(teacher_group)
        teachers.append(teacher)

    resident_group = Group.objects.get(name=roles.RESIDENT)
    for index, (name, birth_year, town) in enumerate(RESIDENTS):
        resident = _user(f"137000000{index:02d}", name, report, birth_year=birth_year, home_town=towns.get(town))
        resident.groups.add(resident_group)
    report.logins.append(("居民（示例）", "13700000000", DEMO_PASSWORD))

    providers = {}
    for index, item in enumerate(data["providers"]):
        provider = ProviderPage.objects.filter(title=item["name"]).first()
        report.count("providers", provider is None)
        if provider is None:
            provider = catalogue.add_child(
                instance=ProviderPage(
                    title=item["name"],
                    slug=_unique_slug(catalogue, item["name"]),
                    kind=item["kind"],
                    intro=item.get("intro", ""),
                    town=towns.get(item.get("town")),
                    address=item.get("address", ""),
                )
            )
            provider.save_revision().publish()
        providers[item["name"]] = provider
        staff = _user(f"138000001{index:02d}", f"{item['name'][:8]}·教务", report)
        provider_staff_add(provider=provider, user=staff)  # creates or repairs the school's room first
        if index == 0:
            report.logins.append((f"学校工作人员（{item['name']}）", staff.phone, DEMO_PASSWORD))

    for item in data["courses"]:
        provider = providers[item["provider"]]
        if CoursePage.objects.filter(title=item["title"], path__startswith=provider.path).exists():
            report.count("courses", False)
            continue
        course = CoursePage(
            title=item["title"],
            slug=_unique_slug(provider, item["title"]),
            summary=item["summary"],
            body="".join(f"<p>{escape(paragraph)}</p>" for paragraph in item.get("description", [])),
            category=categories[item["category"]],
            form=item["form"],
            town=towns.get(item.get("town") or ""),
            hours=Decimal(str(item["hours"])),
            credits=Decimal(str(item["credits"])),
            fee=Decimal(str(item.get("fee") or 0)),
            min_age=item.get("min_age"),
            keywords=" ".join(item.get("keywords", [])),
        )
        course.audiences = [audiences[name] for name in item.get("audiences", [])]
        course.classes = [_demo_class(spec, venues, teachers, today) for spec in item.get("classes", [])]
        provider.add_child(instance=course)
        course.save_revision().publish()
        report.count("courses", True)
    return report


def _demo_class(spec: dict, venues: dict, teachers: list, today: datetime.date) -> CourseClass:
    starts = today + datetime.timedelta(days=spec["start_in_days"])
    ends = starts + datetime.timedelta(weeks=spec["weeks"]) - datetime.timedelta(days=1)
    return CourseClass(
        label=spec["label"],
        starts_on=starts,
        ends_on=max(ends, starts),
        schedule=spec["schedule"],
        venue=venues.get(spec.get("venue") or ""),
        capacity=spec["capacity"],
        # Classes far ahead open for enrolment a month before they start.
        enrol_opens=starts - datetime.timedelta(days=30) if spec["start_in_days"] > 30 else None,
        enrol_closes=starts,
        teacher=teachers[spec.get("teacher", 0) % len(teachers)],
    )


# An online course with three short lessons (media/, issue 11). The video is ffmpeg's test pattern with a tone:
# the point is a course residents can really play, with captions and a transcript, not the footage.
ONLINE_DEMO_COURSE = "梨园四季管理线上课堂"
ONLINE_DEMO_LESSONS = [
    ("第一课 春季疏花疏果", "春天开花后，先疏花，再疏果，每个花序留一到两个果。"),
    ("第二课 夏季病虫害防治", "夏天多雨，注意梨黑星病和梨小食心虫，按时喷药，雨后补喷。"),
    ("第三课 秋季采收与贮藏", "果皮颜色变浅、种子变褐时采收，轻拿轻放，入库前预冷。"),
]
ONLINE_DEMO_SECONDS = 8


def _demo_online_lessons(report: DemoReport) -> None:
    """Lessons under the demo's online pear course, made once from generated media (renditions are made after
    commit, by the media queue or eagerly)."""
    course = CoursePage.objects.filter(title=ONLINE_DEMO_COURSE).first()
    if course is None or LessonPage.objects.child_of(course).exists():
        report.count("lessons", False)
        return
    if shutil.which(settings.LESSON_MEDIA_FFMPEG) is None or shutil.which(settings.LESSON_MEDIA_FFPROBE) is None:
        # `make run` works without it; the online course then shows no lessons until this runs again.
        report.skipped.append(
            "online lessons: ffmpeg/ffprobe not installed (Debian package ffmpeg); run load_demo again after that"
        )
        report.count("lessons", False)
        return
    provider = course.get_parent().specific
    collection = provider_collection_of(provider_group_of(provider))
    with tempfile.TemporaryDirectory() as directory:
        for number, (title, transcript) in enumerate(ONLINE_DEMO_LESSONS, start=1):
            path = Path(directory) / f"lesson-{number}.mp4"
            subprocess.run(  # noqa: S603 — a fixed argument list, no shell
                [settings.LESSON_MEDIA_FFMPEG, "-nostdin", "-v", "error", "-y",
                 "-f", "lavfi", "-i", f"testsrc=size=640x360:rate=15:duration={ONLINE_DEMO_SECONDS}",
                 "-f", "lavfi", "-i", f"sine=frequency={330 + 110 * number}:duration={ONLINE_DEMO_SECONDS}",
                 "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest",
                 str(path)],
                check=True, capture_output=True,
            )  # fmt: skip
            caption = f"WEBVTT\n\n00:00:00.000 --> 00:00:0{ONLINE_DEMO_SECONDS - 1}.000\n{transcript}\n"
            media = media_create_from_file(
                path=path,
                title=title,
                collection=collection,
                transcript=transcript,
                captions=[CaptionInput(data=caption.encode(), filename="zh.vtt")],
            )
            lesson = course.add_child(
                instance=LessonPage(
                    title=title, slug=_unique_slug(course, title), media=media, intro=f"<p>{transcript}</p>"
                )
            )
            lesson.save_revision().publish()
            report.count("lessons", True)
