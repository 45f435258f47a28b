"""A new site that is not the demo: setup_site on a migrated database, then an import, then the catalogue."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from wagtail.models import Page, Site

from accounts import roles
from community.models import HomePage
from courses.models import CourseIndexPage, CoursePage
from jizhou.demo import _site_tree

CSV = """课程名称,办学机构,类别,简介,授课形式,乡镇
柿饼加工技术,穿芳峪镇社区学校,农业技术,学会削皮、晾晒和捂霜。,面授,穿芳峪镇
"""


@pytest.fixture
def fresh_site(db):
    """A database as `migrate` leaves it: Wagtail's root and welcome page, no page of ours."""
    assert not HomePage.objects.exists() and not CourseIndexPage.objects.exists()


def test_setup_site_makes_home_catalogue_and_groups_once(fresh_site, capsys):
    call_command("setup_site", "--skip-migrate", "--name", "示例区终身学习网")
    out = capsys.readouterr().out
    assert "首页" in out and "课程目录页" in out
    home = HomePage.objects.get()
    site = Site.objects.get(is_default_site=True)
    assert site.root_page_id == home.pk and home.title == "示例区终身学习网"
    catalogue = CourseIndexPage.objects.get()
    assert catalogue.live and catalogue.get_parent().pk == home.pk
    # Wagtail's placeholder is gone; only root, home and catalogue remain.
    assert Page.objects.count() == 3
    assert set(roles.ALL_ROLES) <= set(Group.objects.values_list("name", flat=True))

    call_command("setup_site", "--skip-migrate")
    assert "无（已存在）" in capsys.readouterr().out
    assert HomePage.objects.count() == 1 and CourseIndexPage.objects.count() == 1
    # The demo loader builds on the same pages: no second home.
    assert _site_tree() == (home, catalogue)
    assert HomePage.objects.count() == 1


def test_fresh_site_import_then_catalogue_shows_the_course(
    fresh_site, tmp_path, client, django_capture_on_commit_callbacks, capsys
):
    call_command("setup_site")  # migrates (nothing left to do here), then the pages
    path = tmp_path / "courses.csv"
    path.write_text(CSV, encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_courses", str(path), "--create-missing")
    out = capsys.readouterr().out
    assert "新建办学机构：穿芳峪镇社区学校" in out
    assert "第 2 行：授课形式“面授”按“线下面授”导入" in out
    course = CoursePage.objects.get(title="柿饼加工技术")
    assert course.live and course.form == "offline"

    catalogue = client.get(CourseIndexPage.objects.get().url)
    assert catalogue.status_code == 200
    assert "柿饼加工技术" in catalogue.content.decode()
    found = client.get("/api/v1/courses/", {"q": "柿饼"}).json()
    assert [c["title"] for c in found["results"]] == ["柿饼加工技术"]
