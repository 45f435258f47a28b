"""Course search at scale: index time and query latency through the service, on SQLite and PostgreSQL.

    .venv/bin/python bench/search_bench.py --vendor sqlite --sizes 10000,100000
    .venv/bin/python bench/search_bench.py --vendor postgresql --sizes 10000,100000

For each size, in a fresh database of its own (SQLite: /tmp/jizhou_search_bench.sqlite3; PostgreSQL:
database `jizhou_search_bench`, dropped and re-created — never another database):
1. migrate; build a catalogue tree and generate N Chinese courses (titles from crops, trades and
   course topics, summaries and bodies from a vocabulary, towns, audiences, classes for ~60%).
   Pages are inserted in bulk (Wagtail's add_child would take hours for 100k); they are ordinary
   live CoursePage rows under ProviderPages.
2. Index time: `search_reindex()` over all live courses (jieba + pinyin + bulk documents).
3. 200 queries through `course_search()` (the service the page and the API use): Chinese words,
   phrases, full pinyin, initials, synonyms, typos, some with filters or sorts. p50/p95/max latency,
   after 5 warm-up queries (jieba's dictionary load is not counted).

Each size runs in its own process (Django settings are per process).
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SQLITE_PATH = Path("/tmp/jizhou_search_bench.sqlite3")
PG_DB = "jizhou_search_bench"

CROPS = [
    "梨树",
    "苹果",
    "板栗",
    "核桃",
    "山楂",
    "柿子",
    "香菇",
    "平菇",
    "黄瓜",
    "番茄",
    "草莓",
    "玉米",
    "小麦",
    "大豆",
    "中药材",
    "葡萄",
    "桃树",
    "樱桃",
    "蔬菜",
    "花卉",
]
TOPICS = [
    "修剪",
    "嫁接",
    "病虫害防治",
    "栽培管理",
    "施肥",
    "育苗",
    "采收",
    "贮藏",
    "加工",
    "销售",
    "套袋",
    "疏花疏果",
    "越冬管理",
    "节水灌溉",
]
TRADES = [
    "电工",
    "焊工",
    "育婴员",
    "养老护理员",
    "家政服务员",
    "中式烹调师",
    "面点师",
    "茶艺师",
    "美发师",
    "叉车司机",
    "保安员",
    "电子商务",
    "直播带货",
]
ELDER = [
    "书法",
    "国画",
    "太极拳",
    "八段锦",
    "合唱",
    "京剧",
    "评剧",
    "二胡",
    "葫芦丝",
    "剪纸",
    "摄影",
    "智能手机",
    "计算机",
    "养生",
    "舞蹈",
]
LEVELS = ["入门", "基础班", "提高班", "研修班", "实操", "培训", "技术", "讲座"]
SENTENCES = [
    "老师现场示范，学员分组动手练习。",
    "适合本镇及周边的农民和果园雇工。",
    "课程结束后发放结业证书，可计入学分银行。",
    "请自带工具和笔记本，雨天改在教室讲理论。",
    "讲解常见问题的识别方法和处理技巧。",
    "手把手教学，每人都有练习的机会。",
    "结合蓟州山区的气候特点安排教学内容。",
    "课后建立学习群，老师在线答疑。",
]
TOWNS = [
    "文昌街道",
    "渔阳镇",
    "洇溜镇",
    "官庄镇",
    "马伸桥镇",
    "下营镇",
    "邦均镇",
    "别山镇",
    "尤古庄镇",
    "上仓镇",
    "下仓镇",
    "罗庄子镇",
    "白涧镇",
    "侯家营镇",
    "桑梓镇",
    "东施古镇",
    "下窝头镇",
    "杨津庄镇",
    "出头岭镇",
    "西龙虎峪镇",
    "穿芳峪镇",
    "东二营镇",
    "许家台镇",
    "礼明庄镇",
    "东赵各庄镇",
    "州河湾镇",
    "孙各庄满族乡",
]
QUERIES = [
    "梨树",
    "修剪",
    "梨树修剪",
    "果树修剪",
    "lishu",
    "ls",
    "书法",
    "shufa",
    "电脑",
    "手机",
    "智能手机",
    "znsj",
    "太极拳",
    "tjq",
    "罗庄子镇",
    "下营镇",
    "香菇栽培",
    "蘑菇",
    "养老护理员",
    "yanglao",
    "电商",
    "开网店",
    "直播",
    "书发",
    "太级拳",
    "2026年",
    "焊工证",
    "老年人学书法",
    "梨",
    "菇",
    "病虫害防治",
    "葡萄",
    "樱桃嫁接",
    "zhongyaocai",
    "茶艺",
    "美发",
    "育婴",
    "dzsw",
    "冬季管理",
    "合唱",
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vendor", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="server, without database name")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    return parser.parse_args()


def database_url(args) -> str:
    return f"sqlite:///{SQLITE_PATH}" if args.vendor == "sqlite" else f"{args.pg}/{PG_DB}"


def fresh_database(args):
    if args.vendor == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect(f"{args.pg}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_DB}"')
        conn.execute(f'CREATE DATABASE "{PG_DB}"')


def main():
    args = parse_args()
    if args.worker:
        return worker(args, args.worker)
    results = []
    for size in [int(s) for s in args.sizes.split(",") if s]:
        fresh_database(args)
        env = {**os.environ, "DATABASE_URL": database_url(args), "ELASTICSEARCH_URL": "", "LOG_LEVEL": "WARNING"}
        env.pop("CELERY_BROKER_URL", None)
        subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
        out = subprocess.run(
            [sys.executable, __file__, "--vendor", args.vendor, "--worker", str(size), "--queries", str(args.queries)],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        sys.stderr.write(out.stderr[-2000:])
        result = json.loads(out.stdout.strip().splitlines()[-1])
        results.append(result)
        print(json.dumps(result, ensure_ascii=False), flush=True)
    print()
    print("| database | courses | generate (s) | index (s) | courses/s | p50 (ms) | p95 (ms) | max (ms) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        print(
            f"| {r['vendor']} | {r['courses']:,} | {r['generate_s']:.0f} | {r['index_s']:.1f} | "
            f"{r['courses'] / r['index_s']:.0f} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} | {r['max_ms']:.0f} |"
        )


# --- Inside the worker process -----------------------------------------------------------------


def generate(size: int, rng: random.Random):
    import datetime

    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.utils import timezone
    from wagtail.models import Locale, Page

    from accounts.models import Audience
    from courses.models import Category, CourseClass, CoursePage, ProviderPage
    from jizhou.demo import _site_tree
    from places.models import Town, Venue

    _, catalogue = _site_tree()
    categories = [Category.objects.get_or_create(name=n)[0] for n in ("农业技术", "职业技能", "老年教育", "社区教育")]
    audiences = [Audience.objects.get_or_create(name=n)[0] for n in ("农民", "老年人", "企业职工", "社区居民")]
    towns = [Town.objects.get_or_create(name=n)[0] for n in TOWNS]
    venues = [Venue.objects.create(name=f"{t.name}社区学校", town=t) for t in towns]
    providers = []
    for i, town in enumerate(towns[:10]):
        provider = catalogue.add_child(
            instance=ProviderPage(
                title=f"{town.name}成人文化技术学校", slug=f"school-{i}", kind="adult_school", town=town
            )
        )
        provider.save_revision().publish()
        providers.append(provider)

    content_type = ContentType.objects.get_for_model(CoursePage)
    locale = Locale.get_default()
    now = timezone.now()
    today = timezone.localdate()
    local_fields = [f for f in CoursePage._meta.local_concrete_fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in local_fields)
    placeholders = ", ".join(["%s"] * len(local_fields))
    insert = f"INSERT INTO {CoursePage._meta.db_table} ({columns}) VALUES ({placeholders})"  # noqa: S608
    audience_link = CoursePage.audiences.through
    batch = 2000
    children = {p.pk: 0 for p in providers}
    for start in range(0, size, batch):
        pages, courses = [], []
        for n in range(start, min(size, start + batch)):
            provider = providers[n % len(providers)]
            children[provider.pk] += 1
            kind = rng.random()
            if kind < 0.5:
                subject, category, audience = f"{rng.choice(CROPS)}{rng.choice(TOPICS)}", categories[0], audiences[0]
            elif kind < 0.75:
                subject, category, audience = rng.choice(TRADES), categories[1], audiences[2]
            else:
                subject, category, audience = rng.choice(ELDER), categories[2], audiences[1]
            town = rng.choice(towns)
            title = f"{subject}{rng.choice(LEVELS)}（第{n}期）"
            course = CoursePage(
                title=title,
                draft_title=title,
                slug=f"c{n}",
                path=provider.path + _step(children[provider.pk]),
                depth=provider.depth + 1,
                numchild=0,
                url_path=f"{provider.url_path}c{n}/",
                content_type=content_type,
                locale=locale,
                translation_key=uuid.uuid4(),
                live=True,
                has_unpublished_changes=False,
                first_published_at=now - datetime.timedelta(minutes=n),
                last_published_at=now,
                provider=provider,
                summary=f"学会{subject}的要领，{rng.choice(SENTENCES)}",
                body="".join(f"<p>{s}</p>" for s in rng.sample(SENTENCES, 3)) + f"<p>地点：{town.name}。</p>",
                category=category,
                form=rng.choice(["offline", "online", "blended", "village"]),
                town=town,
                hours=rng.choice([8, 12, 16, 24]),
                credits=1,
                fee=rng.choice([0, 0, 0, 50, 120]),
                keywords=subject,
            )
            pages.append(
                Page(**{f.attname: getattr(course, f.attname) for f in Page._meta.concrete_fields if f.attname != "id"})
            )
            courses.append((course, audience))
        with transaction.atomic():
            created = Page.objects.bulk_create(pages)
            rows = []
            for page, (course, _) in zip(created, courses, strict=True):
                course.page_ptr_id = course.id = page.pk
                rows.append([f.get_db_prep_save(getattr(course, f.attname), connection) for f in local_fields])
            with connection.cursor() as cursor:
                cursor.executemany(insert, rows)
            audience_link.objects.bulk_create([audience_link(coursepage_id=c.pk, audience_id=a.pk) for c, a in courses])
            classes = []
            for course, _ in courses:
                if rng.random() < 0.6:
                    starts = today + datetime.timedelta(days=rng.randint(-20, 120))
                    capacity = rng.choice([20, 30, 50])
                    classes.append(
                        CourseClass(
                            course_id=course.pk,
                            label="一班",
                            starts_on=starts,
                            ends_on=starts + datetime.timedelta(weeks=4),
                            schedule="每周二上午",
                            venue=rng.choice(venues),
                            capacity=capacity,
                            seats_taken=rng.randint(0, capacity),
                            enrol_closes=starts,
                        )
                    )
            CourseClass.objects.bulk_create(classes)
    for provider in providers:
        Page.objects.filter(pk=provider.pk).update(numchild=children[provider.pk])


def _step(number: int) -> str:
    """Treebeard's path step: 4 base-36 digits."""
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = ""
    for _ in range(4):
        number, digit = divmod(number, 36)
        out = alphabet[digit] + out
    return out


def worker(args, size: int):
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jizhou.settings")
    django.setup()
    from django.db import connection

    from courses.search import CourseSearch, course_search
    from search.services import search_reindex

    rng = random.Random(2026)
    started = time.perf_counter()
    generate(size, rng)
    generate_s = time.perf_counter() - started

    started = time.perf_counter()
    stats = search_reindex(batch_size=500)
    index_s = time.perf_counter() - started
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO course_search_fts(course_search_fts) VALUES ('optimize')")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    requests = []
    for i in range(args.queries):
        q = rng.choice(QUERIES)
        extra = {}
        if i % 5 == 1:
            extra["category"] = "nong-ye-ji-shu"
        if i % 7 == 2:
            extra["town"] = "luo-zhuang-zi-zhen"
        if i % 6 == 3:
            extra["open_seats"] = True
        if i % 9 == 4:
            extra["sort"] = "soonest"
        requests.append(CourseSearch(q=q, **extra))
    for request in requests[:5]:
        course_search(request)
    latencies, totals = [], []
    for request in requests:
        t = time.perf_counter()
        response = course_search(request)
        latencies.append((time.perf_counter() - t) * 1000)
        totals.append(response.total)
    latencies.sort()
    result = {
        "vendor": connection.vendor,
        "courses": size,
        "indexed": stats["indexed"],
        "generate_s": round(generate_s, 1),
        "index_s": round(index_s, 1),
        "queries": len(latencies),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1], 1),
        "max_ms": round(latencies[-1], 1),
        "median_results": statistics.median(totals),
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
