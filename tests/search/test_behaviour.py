"""One behavioural suite for every engine (see the `engine` fixture): what residents type, what they get."""

import pytest

from courses.search import CourseSearch, course_search
from search.query import Sort


def titles(q="", **filters):
    return [hit.course.title for hit in course_search(CourseSearch(q=q, **filters)).hits]


def first(q, **filters):
    found = titles(q, **filters)
    return found[0] if found else None


@pytest.fixture
def catalogue(engine, small_catalogue):
    return small_catalogue


# (query, the course meant); the first seven must come first, the others within the top three. One test walks
# them all on one catalogue per engine: building and indexing the catalogue costs far more than the searches.
RESIDENTS_QUERIES = [
    ("梨", "梨树冬季修剪技术"),  # one character
    ("梨树", "梨树冬季修剪技术"),  # a word, in the title of one course and the body of another
    ("lishu", "梨树冬季修剪技术"),  # full pinyin
    ("li shu", "梨树冬季修剪技术"),  # pinyin typed with a space
    ("ls", "梨树冬季修剪技术"),  # initials
    ("LiShu", "梨树冬季修剪技术"),  # capitals
    ("修剪果树", "梨树冬季修剪技术"),
    ("电脑", "老年人计算机入门"),  # synonym: the course says 计算机
    ("手机", "智能手机入门：微信聊天与视频通话"),
    ("书法", "社区老年大学书法课程"),  # inside a longer run of characters
    ("罗庄子镇", "梨树冬季修剪技术"),  # a town name kept whole
    ("書法", "社区老年大学书法课程"),  # traditional characters
    ("ｌｉｓｈｕ", "梨树冬季修剪技术"),  # full-width letters
    ("焊工证", "焊工（熔化焊接与热切割作业）"),
    ("2026年焊工", "焊工（熔化焊接与热切割作业）"),  # digits mixed with Chinese
    ("zhineng shouji", "智能手机入门：微信聊天与视频通话"),
]
MUST_BE_FIRST = ("梨", "梨树", "lishu", "li shu", "ls", "LiShu", "ｌｉｓｈｕ")


def test_residents_find_the_course_they_mean(catalogue):
    missed = []
    for query, expected in RESIDENTS_QUERIES:
        found = titles(query)
        wanted = found[:1] if query in MUST_BE_FIRST else found[:3]
        if expected not in wanted:
            missed.append((query, expected, found))
    assert missed == [], "\n".join(f"{q!r}: wanted {e}, found {f}" for q, e, f in missed)


def test_title_match_outranks_body_match(catalogue):
    # 梨树 is in the title of the pear course and only in the body of the apple course.
    assert titles("梨树")[:2] == ["梨树冬季修剪技术", "苹果树整形修剪"]


def test_course_open_for_enrolment_outranks_one_without_classes(engine, tree, indexed):
    from tests.factories import course_class, course_page

    def build():
        course_page(tree["school_a"], title="玉米种植技术", summary="玉米高产种植。")
        course_page(
            tree["school_b"], title="玉米种植技术", summary="玉米高产种植。", classes=[course_class(starts_in_days=5)]
        )

    indexed(build)
    hits = course_search(CourseSearch(q="玉米")).hits
    assert [h.course.provider_id for h in hits] == [tree["school_b"].pk, tree["school_a"].pk]
    assert hits[0].score > hits[1].score


def test_typo_of_one_character_still_finds_and_suggests(catalogue):
    response = course_search(CourseSearch(q="果数修剪"))  # 数 for 树: sounds the same
    assert response.approximate
    assert response.hits and response.hits[0].course.title in ("梨树冬季修剪技术", "苹果树整形修剪")
    assert response.suggestion == "果树修剪"


def test_nothing_matches_gives_an_empty_answer_not_an_error(catalogue):
    response = course_search(CourseSearch(q="航天"))
    assert response.total == 0 and response.hits == [] and response.suggestion is None
    # Several words: when no course has all of them, courses with some are offered, marked approximate.
    response = course_search(CourseSearch(q="航天 修剪"))
    assert response.approximate and {h.course.title for h in response.hits} == {"梨树冬季修剪技术", "苹果树整形修剪"}


def test_highlight_marks_the_matched_words_and_escapes_the_rest(catalogue):
    hit = course_search(CourseSearch(q="lishu")).hits[0]
    assert "<mark>梨树</mark>" in hit.highlight
    hit = course_search(CourseSearch(q="修剪")).hits[0]
    assert "<mark>修剪</mark>" in hit.highlight


def test_filters_narrow_the_results(catalogue, tree):
    assert set(titles("修剪", category="nong-ye-ji-shu")) == {"梨树冬季修剪技术", "苹果树整形修剪"}
    assert titles("修剪", free=True) == ["梨树冬季修剪技术"]
    assert set(titles(audience="lao-nian-ren")) == {"智能手机入门：微信聊天与视频通话", "老年人计算机入门"}
    assert set(titles(provider=tree["school_b"].pk)) == {
        "智能手机入门：微信聊天与视频通话",
        "老年人计算机入门",
        "社区老年大学书法课程",
    }
    assert titles(form="online") == []
    # The apple course's own town is empty: it is in 下营镇 through its class's venue.
    assert titles(town="xia-ying-zhen") == ["苹果树整形修剪"]
    assert titles(town="luo-zhuang-zi-zhen") == ["梨树冬季修剪技术"]
    assert set(titles(starts_within=10)) == {"梨树冬季修剪技术", "智能手机入门：微信聊天与视频通话"}
    # A class without enrol_opens is open for enrolment now, whenever it starts (apples: in 60 days).
    assert set(titles(open_seats=True)) == {
        "梨树冬季修剪技术",
        "苹果树整形修剪",
        "智能手机入门：微信聊天与视频通话",
        "社区老年大学书法课程",
    }


def test_facets_count_the_results(catalogue):
    facets = course_search(CourseSearch(q="修剪")).facets
    assert [(f.label, f.count) for f in facets["category"]] == [("农业技术", 2)]
    assert {f.label: f.count for f in facets["town"]} == {"罗庄子镇": 1, "下营镇": 1}
    assert facets["free"] == 1
    assert facets["starts_within"] == 1  # within 30 days: the pear course (8 days), not apples (60)
    assert facets["open_seats"] == 2
    assert {f.label: f.count for f in facets["audience"]} == {"农民": 2}


def test_sorts(catalogue):
    assert titles("", sort=Sort.SOONEST)[:3] == [
        "智能手机入门：微信聊天与视频通话",
        "梨树冬季修剪技术",
        "社区老年大学书法课程",
    ]
    assert titles("", sort=Sort.NEWEST)[0] == "焊工（熔化焊接与热切割作业）"
    assert titles("修剪", sort=Sort.SOONEST) == ["梨树冬季修剪技术", "苹果树整形修剪"]


def test_pages(catalogue):
    page1 = course_search(CourseSearch(page_size=4))
    page2 = course_search(CourseSearch(page_size=4, page=2))
    assert page1.total == page2.total == 6 and page1.num_pages == 2
    assert len(page1.hits) == 4 and len(page2.hits) == 2
    assert not {h.course.pk for h in page1.hits} & {h.course.pk for h in page2.hits}
