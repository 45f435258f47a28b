"""The learning city in the demo district: population figures for every town over the last five years, the
三农 category, and residents whose learning over those years makes the dashboard's figures non-trivial.

Population figures are realistic for Jizhou (about 800,000 people in 27 towns, about a fifth over 60, 949
administrative villages; 文昌街道 is the town centre: few farmers, no villages). Learning is recorded through
records.services, as every source does, with keys of its own ("demo.learningcity:…"), so loading twice
changes nothing.
"""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from courses.models import Category, CoursePage
from learningcity.models import RuralTrainingCategory, TownPopulation
from learningcity.services import learning_figures_refresh
from places.models import Town
from records.models import LearningEntry
from records.services import HoursLearned, learning_hours_record_many

YEARS = 5
# Residents of each town (2020 census order of magnitude) and its administrative villages.
TOWNS = {
    "文昌街道": (118_000, 0),
    "渔阳镇": (92_000, 38),
    "洇溜镇": (24_000, 36),
    "官庄镇": (30_000, 40),
    "马伸桥镇": (28_000, 46),
    "下营镇": (20_000, 38),
    "邦均镇": (38_000, 32),
    "别山镇": (34_000, 38),
    "尤古庄镇": (26_000, 35),
    "上仓镇": (30_000, 35),
    "下仓镇": (36_000, 42),
    "罗庄子镇": (20_000, 35),
    "白涧镇": (22_000, 34),
    "侯家营镇": (26_000, 40),
    "桑梓镇": (24_000, 33),
    "东施古镇": (26_000, 42),
    "下窝头镇": (22_000, 33),
    "杨津庄镇": (28_000, 32),
    "出头岭镇": (27_000, 38),
    "西龙虎峪镇": (18_000, 25),
    "穿芳峪镇": (15_000, 24),
    "东二营镇": (19_000, 30),
    "许家台镇": (16_000, 31),
    "礼明庄镇": (17_000, 27),
    "东赵各庄镇": (18_000, 30),
    "州河湾镇": (30_000, 36),
    "孙各庄满族乡": (14_000, 25),
}
RURAL_CATEGORY = "农业技术"
LEARNERS = 480
PHONE_PREFIX = "1479100"  # 11 digits with a 4-digit number; no other demo person uses 1479100…
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "秀英桂兰玉凤淑珍建国志强海军振华春梅德胜文明红霞丽娟国庆秀云金凤立新宝山长海翠兰晓燕明辉"


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _population_figures(*, towns: dict[str, Town], years: list[int]) -> int:
    created = 0
    for name, (people, villages) in TOWNS.items():
        town = towns.get(name)
        if town is None:
            continue
        for offset, year in enumerate(years):
            # Slowly ageing, slowly fewer farmers: the elderly share rises about 0.6 points a year.
            population = people - (len(years) - 1 - offset) * people // 200
            elderly_share = Decimal("0.19") + Decimal("0.006") * offset
            rural_share = Decimal("0.08") if villages == 0 else Decimal("0.42") - Decimal("0.005") * offset
            _row, made = TownPopulation.objects.get_or_create(
                town=town,
                year=year,
                defaults={
                    "population": population,
                    "elderly_population": int(population * elderly_share),
                    "rural_labour": int(population * rural_share),
                    "villages": villages,
                },
            )
            created += made
    return created


def _learning(*, towns: list[Town], years: list[int], today: datetime.date, learners: int) -> None:
    """Residents of every town learning in the catalogue's categories: elderly people in 老年教育, farmers in
    农业技术 (more in the fruit-growing north), others in skills and community courses; more each year."""
    rng = random.Random(2026)
    courses: dict[str, list[tuple[str, str, Category]]] = {}
    live = CoursePage.objects.live().filter(category__isnull=False).select_related("category", "provider")
    for course in live.order_by("path"):
        provider = course.provider.title if course.provider_id else ""
        courses.setdefault(course.category.name, []).append((course.title, provider, course.category))
    if not courses:
        return
    tz = timezone.get_default_timezone()
    learned: list[HoursLearned] = []
    existing = {user.phone: user for user in User.objects.filter(phone__startswith=PHONE_PREFIX)}
    weights = [3 if town.name in ("罗庄子镇", "下营镇", "穿芳峪镇", "渔阳镇", "文昌街道") else 1 for town in towns]
    for n in range(learners):
        town = rng.choices(towns, weights)[0]
        elderly = rng.random() < 0.45
        birth_year = rng.randint(1940, 1964) if elderly else rng.randint(1965, 2004)
        first_year = rng.choice(years)
        # Every random draw happens whether or not the person exists, so a second load draws the same sequence.
        name = _name(rng)
        joined = datetime.datetime(first_year, rng.randint(1, 3), rng.randint(1, 28), 9, tzinfo=tz)
        learner = existing.get(f"{PHONE_PREFIX}{n:04d}")
        if learner is None:
            learner = User.objects.create_user(
                f"{PHONE_PREFIX}{n:04d}",
                None,
                display_name=name,
                home_town=town,
                birth_year=birth_year,
                date_joined=joined,
            )
        if elderly:
            kinds = ["老年教育", "老年教育", "社区教育"]
        elif town.name != "文昌街道" and rng.random() < 0.6:
            kinds = ["农业技术", "农业技术", "职业技能"]
        else:
            kinds = ["职业技能", "社区教育", "学历教育"]
        for year in years:
            if year < first_year or rng.random() < 0.25:
                continue
            for k in range(rng.randint(1, 4)):
                choices = courses.get(rng.choice(kinds)) or next(iter(courses.values()))
                title, provider, category = rng.choice(choices)
                day = datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
                if day > today:
                    continue
                learned.append(
                    HoursLearned(
                        learner=learner,
                        source=f"demo.learningcity:{n}:{year}:{k}",
                        title=title,
                        category=category,
                        provider=provider,
                        hours=Decimal(rng.choice(("2", "2", "3", "4", "1.5"))),
                        occurred_at=datetime.datetime(day.year, day.month, day.day, rng.randint(8, 16), tzinfo=tz),
                    )
                )
    learning_hours_record_many(learned)


def demo_learningcity_load(*, today: datetime.date, report, learners: int = LEARNERS) -> None:
    """Population figures, the 三农 category and demo learning for the last five years up to `today`."""
    years = list(range(today.year - YEARS + 1, today.year + 1))
    towns = {town.name: town for town in Town.objects.all()}
    report.count("population figures", False)
    report.created["population figures"] += _population_figures(towns=towns, years=years)
    rural = Category.objects.filter(name=RURAL_CATEGORY).first()
    if rural is not None:
        RuralTrainingCategory.objects.get_or_create(category=rural)
    demo_entries = LearningEntry.objects.filter(source__startswith="demo.learningcity:")
    before = demo_entries.count()
    _learning(towns=[towns[name] for name in TOWNS if name in towns], years=years, today=today, learners=learners)
    report.count("learning-city entries", False)
    report.created["learning-city entries"] += demo_entries.count() - before
    # Count the ledger now (the hourly task would, later): keep this loader after every loader that records hours.
    learning_figures_refresh(years=years)
