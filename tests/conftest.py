"""Fixtures shared by every test package: the page tree, schools' staff, residents, classes, meetings."""

import datetime
import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.utils import timezone, translation

from accounts import sms
from accounts.roles import CENTRE_STAFF, TEACHER
from core.ratelimit import rate_limit_forget_outage
from courses.models import Category
from enrolment.models import Meeting
from enrolment.services import attendance_roll_call, enrolment_complete, enrolment_create
from publishing.services import provider_staff_add
from tests import db_template
from tests.factories import UserFactory, course_class, course_page, provider_page, site_tree
from tests.live_server import SharedConnectionWSGIServer


def pytest_configure(config):
    # pytest-django builds its live server from Django's LiveServerThread (tests/live_server.py says why).
    from django.test.testcases import LiveServerThread

    LiveServerThread.server_class = SharedConnectionWSGIServer


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
    _group_for_xdist(items)


# Suites that start something costly once per process (an OpenSearch node, the sample media made with ffmpeg,
# Chromium): under pytest-xdist with `--dist loadgroup` (.ci/run), each stays together in one process, so
# it is started once, not once per process.
XDIST_GROUPS = ("search", "media", "browser")


def _group_for_xdist(items):
    tests = Path(__file__).resolve().parent
    for item in items:
        suite = item.path.resolve().relative_to(tests).parts[0]
        if suite in XDIST_GROUPS:
            item.add_marker(pytest.mark.xdist_group(suite))


# Under pytest-xdist, each process copies one migrated template instead of migrating its own database
# (tests/db_template.py). The controlling process names the run before it starts the workers.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER")
TEMPLATE_RUN = db_template.run_id_for_this_run()

if XDIST_WORKER:

    @pytest.fixture(scope="session")
    def django_db_setup(request, django_test_environment, django_db_blocker, django_db_modify_db_settings):
        serialize = any(
            "django_db_serialized_rollback" in getattr(item, "fixturenames", ()) for item in request.session.items
        )
        with django_db_blocker.unblock():
            template = db_template.worker_database_set_up(
                run_id=TEMPLATE_RUN, worker=XDIST_WORKER, serialize=serialize
            )
        yield
        with django_db_blocker.unblock():
            db_template.worker_database_tear_down(run_id=TEMPLATE_RUN, template=template)


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


@pytest.fixture(autouse=True)
def site_language():
    """Each test starts in the site's language: a request rendered in English must not leave the thread (and
    the next test's services and texts) in English. Requests themselves choose theirs in LocaleMiddleware."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def sms_outbox():
    """Texts go to a list the test reads (SMS_BACKEND in jizhou/settings/test.py); rate-limit counters (locmem, or
    this run's Redis database) start at 0."""
    sms.outbox.clear()
    cache.clear()
    rate_limit_forget_outage()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def make_class(tree):
    """Build a live course with one class under school A (or `provider`); returns the class."""

    def build(*, provider=None, course_fields=None, **class_fields):
        course = course_page(
            provider or tree["school_a"], classes=[course_class(**class_fields)], **(course_fields or {})
        )
        return course.classes.get()

    return build


@pytest.fixture
def klass(make_class):
    return make_class(capacity=3)


@pytest.fixture
def residents(db):
    def build(n: int):
        return [UserFactory() for _ in range(n)]

    return build


@pytest.fixture
def teacher(db):
    user = UserFactory(display_name="王老师")
    user.groups.add(Group.objects.get(name=TEACHER))
    return user


@pytest.fixture
def centre(db):
    return UserFactory(display_name="指导中心刘敏", groups=[Group.objects.get(name=CENTRE_STAFF)])


@pytest.fixture
def learner(db):
    return UserFactory(display_name="张三华", phone="13912345678")


@pytest.fixture
def make_course(tree):
    """A live course under school A with one class and `meetings` meetings of 2 hours each."""

    def build(*, title="梨树冬季修剪技术", category="农业技术", meetings=3, hours=Decimal("2"), **course_fields):
        course = course_page(
            tree["school_a"],
            title=title,
            category=Category.objects.get_or_create(name=category)[0],
            classes=[course_class(label="冬季班")],
            **course_fields,
        )
        klass = course.classes.get()
        start = timezone.now().replace(month=3, day=2, hour=9, minute=0, second=0, microsecond=0)
        for i in range(meetings):
            Meeting.objects.create(course_class=klass, starts_at=start + datetime.timedelta(days=7 * i), hours=hours)
        return klass

    return build


@pytest.fixture
def attend():
    """Mark `enrolment` present at the first `n` meetings of its class (teacher's roll call)."""

    def run(enrolment, *, by, n=None):
        meetings = list(enrolment.course_class.meetings.order_by("starts_at"))
        for meeting in meetings[: n if n is not None else len(meetings)]:
            present = set(meeting.attendances.values_list("enrolment_id", flat=True)) | {enrolment.pk}
            attendance_roll_call(meeting_id=meeting.pk, present_enrolment_ids=present, by=by)
        enrolment.refresh_from_db()
        return enrolment

    return run


@pytest.fixture
def completed(make_course, learner, staff_a, attend, django_capture_on_commit_callbacks):
    """The learner enrolled, attended all 3 meetings (6 hours) and was marked complete; tasks have run."""
    klass = make_course()
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = enrolment_create(learner=learner, course_class_id=klass.pk)
        attend(enrolment, by=staff_a)
        enrolment = enrolment_complete(enrolment_id=enrolment.pk, by=staff_a)
    enrolment.refresh_from_db()
    return enrolment
