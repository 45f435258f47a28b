import os
import uuid

import pytest

from accounts.models import Audience
from courses.models import Category
from places.models import Town, Venue
from search.engines import configured_engine
from search.engines.elasticsearch import forget_facet_labels
from tests.factories import course_class, course_page

from .engine_node import SearchNode


@pytest.fixture
def small_catalogue(tree, indexed):
    """A handful of courses with the words residents search for, indexed through the real signals."""
    farm, elderly, skills = (
        Category.objects.get_or_create(name=name)[0] for name in ("农业技术", "老年教育", "职业技能")
    )
    farmers = Audience.objects.get_or_create(name="农民")[0]
    elders = Audience.objects.get_or_create(name="老年人")[0]
    luozhuangzi = Town.objects.get_or_create(name="罗庄子镇")[0]
    xiaying = Town.objects.get_or_create(name="下营镇")[0]
    orchard = Venue.objects.create(name="罗庄子镇梨树示范园", town=luozhuangzi)
    hall = Venue.objects.create(name="下营镇文化站", town=xiaying)
    a, b = tree["school_a"], tree["school_b"]

    def build():
        return {
            "pear": course_page(
                a,
                title="梨树冬季修剪技术",
                summary="掌握梨树冬季修剪的时机和手法。",
                body="<p>在罗庄子镇梨树示范园现场教学，老师边剪边讲。</p>",
                keywords="梨树 修剪 冬剪 果树",
                category=farm,
                town=luozhuangzi,
                classes=[course_class(starts_in_days=8, venue=orchard)],
                audiences=[farmers],
            ),
            "apple": course_page(
                a,
                title="苹果树整形修剪",
                summary="学会苹果树的整形和修剪。",
                body="<p>适合果农。课程也会提到梨树的对比。</p>",
                keywords="苹果 修剪",
                category=farm,
                fee=120,
                classes=[course_class(starts_in_days=60, venue=hall)],
                audiences=[farmers],
            ),
            "phone": course_page(
                b,
                title="智能手机入门：微信聊天与视频通话",
                summary="老年人学会用微信和家人视频。",
                body="<p>手把手教会发语音、视频通话。</p>",
                keywords="微信 视频",
                category=elderly,
                classes=[course_class(starts_in_days=3)],
                audiences=[elders],
            ),
            "computer": course_page(
                b,
                title="老年人计算机入门",
                summary="学会开关机、打字和上网。",
                body="<p>从鼠标键盘讲起。</p>",
                category=elderly,
                audiences=[elders],
            ),
            "calligraphy": course_page(
                b,
                title="社区老年大学书法课程",
                summary="楷书入门，临帖练字。",
                body="<p>笔墨纸砚自备。</p>",
                category=elderly,
                classes=[course_class(starts_in_days=20)],
            ),
            "welding": course_page(
                a,
                title="焊工（熔化焊接与热切割作业）",
                summary="考取焊工特种作业操作证。",
                body="<p>理论加实操，2026年春季开班。</p>",
                category=skills,
                fee=800,
            ),
        }

    return indexed(build)


ENGINES = ["database", "elasticsearch"]


@pytest.fixture(scope="session")
def search_server_url(tmp_path_factory):
    """A real search server for the whole run: SEARCH_URL / ELASTICSEARCH_URL when given (Elasticsearch 8 or
    OpenSearch 2), else an OpenSearch node this run starts once and stops at the end."""
    url = os.environ.get("SEARCH_URL") or os.environ.get("ELASTICSEARCH_URL")
    if url:
        yield url.rstrip("/")
        return
    node = SearchNode(home=tmp_path_factory.mktemp("search-node")).start()
    try:
        yield node.url
    finally:
        node.stop()


@pytest.fixture(scope="session")
def search_index_name():
    # Unique per run: two runs (SQLite and PostgreSQL in CI, or a developer's) may share one server.
    return f"test-jizhou-courses-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def search_server(settings, search_server_url, search_index_name):
    """The search-server engine, configured for this test on an empty index (removed again afterwards:
    document ids are reused between tests)."""
    settings.SEARCH_URL, settings.ELASTICSEARCH_URL = search_server_url, ""
    settings.ELASTICSEARCH_INDEX = search_index_name
    # A node just started on a busy machine may take seconds to answer its first searches: no fallback here
    # (timeouts are tested on their own, in test_engine_faults.py).
    settings.SEARCH_TIMEOUT = 30
    forget_facet_labels()  # facet values (slugs) are reused between tests with other labels
    engine = configured_engine()
    yield engine
    engine.clear()


@pytest.fixture(params=ENGINES)
def engine(request, settings):
    """Every behavioural test runs on each engine: the database engine (SQLite or PostgreSQL, per
    DATABASE_URL) and the search server (a real OpenSearch node, or the server SEARCH_URL names)."""
    if request.param == "database":
        settings.SEARCH_URL = settings.ELASTICSEARCH_URL = ""
        return "database"
    request.getfixturevalue("search_server")
    return "elasticsearch"
