"""The index follows the catalogue: publish, edit, unpublish, delete, class changes, dictionary words."""

import pytest
from django.core.management import call_command

from courses.search import CourseSearch, course_search
from places.models import Town, Venue
from search.models import DictionaryWord, SearchDocument, Synonym
from tests.factories import course_class, course_page


def titles(q="", **filters):
    return [hit.course.title for hit in course_search(CourseSearch(q=q, **filters)).hits]


@pytest.fixture(autouse=True)
def database_engine(settings):
    settings.SEARCH_URL = settings.ELASTICSEARCH_URL = ""


def test_only_live_courses_are_indexed_and_only_after_commit(tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        course = course_page(tree["school_a"], title="香菇菌棒生产")
        course_page(tree["school_a"], title="草稿里的课程", publish=False)
    assert not SearchDocument.objects.exists()  # nothing before commit
    for callback in callbacks:
        callback()
    assert list(SearchDocument.objects.values_list("id", flat=True)) == [course.pk]


def test_edit_unpublish_and_delete_update_the_index(tree, indexed):
    course = indexed(lambda: course_page(tree["school_a"], title="香菇菌棒生产"))
    assert titles("香菇") == ["香菇菌棒生产"]

    def edit():
        course.title = "平菇大棚栽培"
        course.save_revision().publish()

    indexed(edit)
    assert titles("菌棒") == [] and titles("pinggu") == ["平菇大棚栽培"]

    def draft_only():
        course.title = "草稿改名"
        course.save_revision()  # a draft does not change what residents see

    indexed(draft_only)
    assert titles("平菇") == ["平菇大棚栽培"]

    indexed(lambda: course.unpublish())
    assert titles("平菇") == [] and not SearchDocument.objects.exists()

    indexed(lambda: course.save_revision().publish())
    assert SearchDocument.objects.count() == 1
    indexed(lambda: course.delete())
    assert not SearchDocument.objects.exists()


def test_class_changes_update_their_course(tree, indexed):
    xiaying = Town.objects.create(name="下营镇")
    hall = Venue.objects.create(name="下营镇文化站", town=xiaying)
    course = indexed(lambda: course_page(tree["school_a"], title="核桃栽培管理"))
    assert titles(town="xia-ying-zhen") == []

    def add_class():
        new_class = course_class(starts_in_days=5, venue=hall)
        new_class.course = course
        new_class.save()
        return new_class

    new_class = indexed(add_class)
    assert titles(town="xia-ying-zhen") == ["核桃栽培管理"]
    assert titles(starts_within=7) == ["核桃栽培管理"]
    indexed(lambda: new_class.delete())
    assert titles(town="xia-ying-zhen") == [] and titles(starts_within=7) == []


def test_renamed_categories_towns_and_schools_reach_the_index(tree, indexed):
    """Their names and slugs are stored in the documents (facets, text): saving them re-indexes their courses."""
    from courses.models import Category

    farming = Category.objects.create(name="农业技术")
    town = Town.objects.create(name="下营镇")
    indexed(lambda: course_page(tree["school_a"], title="核桃栽培管理", category=farming, town=town))

    def rename():
        farming.name, farming.slug = "林果技术", "lin-guo"
        farming.save()
        town.name = "下营村"
        town.save()
        school = tree["school_a"]
        school.title = "甲校新名"
        school.save_revision().publish()

    indexed(rename)
    assert titles(category="lin-guo") == ["核桃栽培管理"] and titles(category="nong-ye-ji-shu") == []
    facets = course_search(CourseSearch(q="核桃")).facets
    assert [f.label for f in facets["category"]] == ["林果技术"]
    assert [f.label for f in facets["town"]] == ["下营村"]
    assert [f.label for f in facets["provider"]] == ["甲校新名"]
    assert titles("甲校新名") == ["核桃栽培管理"]  # names are searchable text too


def test_full_seats_leave_the_open_seats_filter_without_reindexing(tree, indexed):
    the_class = course_class(starts_in_days=5, capacity=2)
    indexed(lambda: course_page(tree["school_a"], title="核桃栽培管理", classes=[the_class]))
    assert titles(open_seats=True) == ["核桃栽培管理"]
    type(the_class).objects.filter(pk=the_class.pk).update(seats_taken=2)  # as an enrolment service would
    assert titles(open_seats=True) == []


def test_staff_edit_synonyms_and_they_apply_at_once(tree, indexed):
    indexed(lambda: course_page(tree["school_a"], title="中蜂饲养与蜂蜜采收"))
    assert titles("放蜂") == []
    indexed(lambda: Synonym.objects.create(terms="放蜂 中蜂"))
    assert titles("放蜂") == ["中蜂饲养与蜂蜜采收"]


def test_dictionary_words_keep_new_terms_whole(tree, indexed):
    course = indexed(lambda: course_page(tree["school_a"], title="梨树疏花疏果", summary="学会蓟北梨王的疏果。"))
    before = SearchDocument.objects.get(pk=course.pk).summary_terms.split()
    assert "蓟北梨王" not in before
    indexed(lambda: DictionaryWord.objects.create(word="蓟北梨王", kind="crop"))
    after = SearchDocument.objects.get(pk=course.pk).summary_terms.split()
    assert "蓟北梨王" in after
    assert titles("蓟北梨王") == ["梨树疏花疏果"]


def test_search_reindex_rebuilds_and_removes_stale_documents(tree, indexed, capsys):
    course = indexed(lambda: course_page(tree["school_a"], title="香菇菌棒生产"))
    SearchDocument.objects.all().delete()
    assert titles("香菇") == []
    # A stale document of a course that is no longer live is removed.
    other = course_page(tree["school_a"], title="旧课程")
    SearchDocument.objects.create(id=other.pk, title="旧课程", title_terms="旧课程")
    other.unpublish()
    call_command("search_reindex")
    captured = capsys.readouterr()
    assert "已索引 1 门课程，移除 1 条过期索引" in captured.out
    assert "1/1" in captured.err  # the progress bar
    assert titles("香菇") == ["香菇菌棒生产"]
    assert list(SearchDocument.objects.values_list("id", flat=True)) == [course.pk]


def test_staff_edit_synonyms_and_words_in_the_admin(client, db):
    from django.core.exceptions import ValidationError

    from tests.factories import UserFactory

    assert client.get("/admin/snippets/course_search/synonym/").status_code == 302  # login first
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get("/admin/snippets/course_search/synonym/").status_code == 200
    response = client.post("/admin/snippets/course_search/dictionaryword/add/", {"word": "蓟北梨王", "kind": "crop"})
    assert response.status_code == 302 and DictionaryWord.objects.filter(word="蓟北梨王").exists()
    with pytest.raises(ValidationError):
        DictionaryWord(word="两个 词").full_clean()
    # The built-in groups ship in search/data/synonyms.txt (migration 0004); staff add theirs here.
    assert not Synonym.objects.filter(terms="电脑 计算机 微机").exists()
    response = client.post("/admin/snippets/course_search/synonym/add/", {"terms": "蜜饯 果脯", "note": ""})
    assert response.status_code == 302 and Synonym.objects.filter(terms="蜜饯 果脯").exists()
