import pytest

from courses.services import provider_staff_add
from tests.factories import UserFactory, provider_page, site_tree


def pytest_collection_modifyitems(items):
    """Every transactional test gets the migrations' data back (serialized rollback).

    A transactional test ends by flushing every table, which also removes what data migrations
    created: Wagtail's root page and root collection, the default site, our role groups. Whichever
    transactional test ran next would then start from a database no real install ever has.
    """
    for item in items:
        names = getattr(item, "fixturenames", None)
        if names is None or "django_db_serialized_rollback" in names:
            continue
        marker = item.get_closest_marker("django_db")
        transactional = "transactional_db" in names or "live_server" in names
        transactional = transactional or bool(marker and marker.kwargs.get("transaction"))
        if transactional:
            names.append("django_db_serialized_rollback")


@pytest.fixture
def tree(db):
    """The catalogue skeleton: home, catalogue and two schools."""
    home, catalogue = site_tree()
    school_a = provider_page(catalogue, "罗庄子镇成人文化技术学校")
    school_b = provider_page(catalogue, "蓟州区老年大学", kind="elderly_university")
    return {"home": home, "catalogue": catalogue, "school_a": school_a, "school_b": school_b}


@pytest.fixture
def indexed(django_capture_on_commit_callbacks):
    """Run what is queued on commit (the indexing tasks), as after a real request."""

    def run(build):
        with django_capture_on_commit_callbacks(execute=True):
            return build()

    return run


@pytest.fixture
def staff_a(tree):
    """A member of staff of school A (its group: edit and submit that school's pages only)."""
    user = UserFactory(display_name="甲校职员")
    provider_staff_add(provider=tree["school_a"], user=user)
    return user


@pytest.fixture
def staff_b(tree):
    user = UserFactory(display_name="乙校职员")
    provider_staff_add(provider=tree["school_b"], user=user)
    return user
