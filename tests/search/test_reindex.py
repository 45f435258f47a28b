"""A full re-index of the search server (`manage.py search_reindex`): the new index is built beside the one
searches read and replaces it in one step, so residents are answered by the server throughout; a course
changed while the new index was being built is not lost; an index made before aliases is taken over."""

from courses.search import CourseSearch, course_search
from search.engines.elasticsearch import IndexedDocument
from search.services import search_reindex
from tests.factories import course_page

PEAR_TITLES = ["梨树冬季修剪", "梨树嫁接", "梨树病虫害防治", "梨树疏花疏果"]


def found(q: str) -> tuple[str, list[str]]:
    response = course_search(CourseSearch(q=q))
    return response.engine, sorted(hit.course.title for hit in response.hits)


def test_the_server_answers_during_a_rebuild_and_changes_made_meanwhile_are_kept(search_server, tree, indexed):
    engine = search_server
    courses = indexed(
        lambda: [course_page(tree["school_a"], title=title, summary=f"{title}的要领。") for title in PEAR_TITLES]
    )
    before = engine.client.alias_indices(engine.index_name)
    during = []

    def progress(ids, total):
        for done, pk in enumerate(ids, start=1):
            yield pk
            if done == 2:
                # Half-way: the two first courses are in the new index, which nobody reads yet.
                during.append(found("梨树"))
                renamed = courses[0]
                renamed.title, renamed.summary = "苹果树整形修剪", "苹果树整形修剪的要领。"
                indexed(lambda renamed=renamed: renamed.save_revision().publish())
                during.append(found("苹果"))

    assert search_reindex(progress=progress, batch_size=1) == {"indexed": 4, "removed": 0}

    assert during == [
        ("elasticsearch", sorted(PEAR_TITLES)),
        ("elasticsearch", ["苹果树整形修剪"]),  # the update went to the index being read
    ]
    # The rename reached the new index too, though its course had been copied before it.
    assert found("苹果") == ("elasticsearch", ["苹果树整形修剪"])
    assert found("梨树") == ("elasticsearch", sorted(PEAR_TITLES[1:]))
    after = engine.client.alias_indices(engine.index_name)
    assert len(after) == 1 and after != before  # a new index behind the name; the previous one is gone
    assert not engine.client.index_exists(before[0])


def test_an_index_made_before_aliases_is_replaced_by_the_rebuild(search_server, tree, indexed):
    engine = search_server
    engine.clear()
    # As the engine made it before re-indexes built a new index: an index under the name itself.
    engine.client.create_index(engine.index_name, IndexedDocument._index.clone(name=engine.index_name).to_dict())
    indexed(lambda: course_page(tree["school_a"], title="香菇菌棒生产"))
    assert engine.client.alias_indices(engine.index_name) == []
    assert found("香菇") == ("elasticsearch", ["香菇菌棒生产"])

    assert search_reindex(only_server=True) == {"indexed": 1, "removed": 0}

    assert len(engine.client.alias_indices(engine.index_name)) == 1
    assert found("香菇") == ("elasticsearch", ["香菇菌棒生产"])
