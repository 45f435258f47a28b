"""The seams that let pages and flows span apps without imports going up: accounts.personal_data (every app
registers an exporter and an eraser; account deletion and 下载我的数据 run them) and records.sources (sources
register the activities 我的学习 lists)."""

import datetime
import json
from decimal import Decimal

import pytest
from wagtail.models import APIToken

from accounts import personal_data
from accounts.models import User
from accounts.services import AccountRefused, account_delete
from enrolment.models import Enrolment
from enrolment.services import enrolment_create
from records.models import Certificate, LearningEntry
from records.sources import LearningActivity, register_activities, unregister_activities

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


@pytest.fixture
def probe():
    """A third app's handler: notes when its eraser runs and when its after-commit work runs."""
    calls = []

    def erase(*, user):
        calls.append(("erase", User.objects.filter(pk=user.pk).exists()))
        return lambda: calls.append(("after", User.objects.filter(pk=user.pk).exists()))

    personal_data.register(name="probe", export=lambda user: {"probe": {"n": 1}}, erase=erase)
    yield calls
    personal_data.unregister(name="probe")


def test_apps_register_in_layer_order():
    names = [handler.name for handler in personal_data.handlers()]
    assert names.index("enrolment") < names.index("records")  # seats freed before certificates are unlinked


def test_deletion_runs_every_registered_eraser_then_their_after_commit_work(completed, learner, make_course, probe):
    open_class = make_course(title="书法入门", category="书法")
    enrolment_create(learner=learner, course_class_id=open_class.pk)
    account_delete(user=learner, password=PASSWORD)
    # The probe's eraser ran while the account was still there; its after-commit work once it was gone.
    assert probe == [("erase", True), ("after", False)]
    open_class.refresh_from_db()
    assert open_class.seats_taken == 0  # enrolment's eraser
    certificate = Certificate.objects.get()
    assert certificate.learner is None and certificate.learner_name == "张*华"  # records' eraser
    assert not LearningEntry.objects.exists() and not Enrolment.objects.exists()


def test_a_refused_deletion_runs_no_eraser(completed, learner, probe):
    with pytest.raises(AccountRefused) as refused:
        account_delete(user=learner, password="wrong")
    assert refused.value.code == "wrong_password" and probe == []
    assert Certificate.objects.get().learner == learner


def test_an_eraser_that_fails_leaves_everything_as_it_was(make_course, learner):
    klass = make_course()
    enrolment = enrolment_create(learner=learner, course_class_id=klass.pk)

    def fail(*, user):
        raise RuntimeError("disk full")

    personal_data.register(name="failing", erase=fail)
    try:
        with pytest.raises(RuntimeError):
            account_delete(user=learner, password=PASSWORD)
    finally:
        personal_data.unregister(name="failing")
    enrolment.refresh_from_db()
    klass.refresh_from_db()
    assert enrolment.status == "enrolled" and klass.seats_taken == 1  # enrolment's eraser was rolled back
    assert User.objects.filter(pk=learner.pk).exists()


def test_the_export_gathers_every_app_s_part(client, completed, learner, probe):
    APIToken.create_token(user=learner, name="API")
    client.force_login(learner)
    data = json.loads(client.get("/me/data/export.json").content)
    assert {"exported_at", "account", "api_tokens", "enrolments", "recognitions", "certificates"} <= data.keys()
    assert {"xapi_statements", "learning_hours", "probe"} <= data.keys()
    assert data["account"]["xapi_learner_id"] and data["account"]["phone"] == "13912345678"  # merged
    assert [t["name"] for t in data["api_tokens"]] == ["API"]
    assert [(h["title"], h["hours"]) for h in data["learning_hours"]] == [("梨树冬季修剪技术（冬季班）", "2.0")] * 3


def test_an_exporter_may_not_overwrite_another_s_part(learner):
    personal_data.register(name="clash", export=lambda user: {"enrolments": []})
    try:
        with pytest.raises(ValueError, match="clash"):
            personal_data.personal_data_export(learner)
    finally:
        personal_data.unregister(name="clash")


def test_another_source_s_activities_appear_on_my_learning(client, completed, learner):
    circle = LearningActivity(
        title="太极拳学习圈",
        label="周三晨练",
        status_display="进行中",
        starts_on=datetime.date(2099, 1, 5),
        sessions_attended=4,
        sessions_total=10,
        hours=Decimal("8"),
        completed=False,
    )
    register_activities(name="circles", loader=lambda user: [circle] if user == learner else [])
    try:
        client.force_login(learner)
        body = client.get("/me/learning/").content.decode()
        assert body.index("太极拳学习圈（周三晨练）") < body.index("梨树冬季修剪技术（冬季班）")  # newest first
        assert "4/10次" in body and "3/3次" in body
        token = APIToken.create_token(user=learner, name="API")[1]
        record = client.get("/api/v1/me/record", headers={"Authorization": f"Bearer {token}"}).json()
        assert (record["classes_enrolled"], record["classes_completed"]) == (2, 1)
    finally:
        unregister_activities(name="circles")
