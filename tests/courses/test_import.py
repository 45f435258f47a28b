import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from courses.models import Category, CoursePage
from courses.search import CourseSearch, course_search
from search.models import SearchDocument

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "courses-import.csv"


@pytest.fixture
def base(tree, django_capture_on_commit_callbacks):
    Category.objects.get_or_create(name="农业技术")
    return tree


def run(django_capture_on_commit_callbacks, *args, **options):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_courses", *map(str, args), **options)


def test_documented_example_imports_publishes_and_indexes(base, django_capture_on_commit_callbacks, capsys):
    run(django_capture_on_commit_callbacks, EXAMPLE, create_missing=True)
    assert "已导入并发布 3 门课程" in capsys.readouterr().out
    walnut = CoursePage.objects.get(title="核桃树夏季修剪")
    assert walnut.live and walnut.provider.title == "下营镇成人文化技术学校" and walnut.town.name == "下营镇"
    assert walnut.body.count("<p>") == 2 and walnut.keywords == "核桃 修剪 夏剪"
    phone = CoursePage.objects.get(title="智能手机看新闻与听戏")
    assert {a.name for a in phone.audiences.all()} == {"老年人", "社区居民"}
    assert SearchDocument.objects.count() == 3
    assert course_search(CourseSearch(q="hetao")).hits[0].course.title == "核桃树夏季修剪"


def write_csv(tmp_path, text):
    path = tmp_path / "courses.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_bad_rows_are_reported_by_number_and_nothing_is_imported(
    base, tmp_path, django_capture_on_commit_callbacks, capsys
):
    path = write_csv(
        tmp_path,
        "title,provider,category,summary,hours,form\n"
        "好课程,罗庄子镇成人文化技术学校,农业技术,能学会。,8,\n"
        ",罗庄子镇成人文化技术学校,农业技术,没有标题。,8,\n"
        "花卉课,罗庄子镇成人文化技术学校,花卉园艺,类别不存在。,8,\n"
        "学时错,罗庄子镇成人文化技术学校,农业技术,学时不是数字。,十六,\n"
        "好课程,罗庄子镇成人文化技术学校,农业技术,重复。,8,\n"
        "形式错,罗庄子镇成人文化技术学校,农业技术,形式不认识。,8,函授\n",
    )
    with pytest.raises(CommandError, match="5 行有错误，未导入任何课程"):
        run(django_capture_on_commit_callbacks, path)
    err = capsys.readouterr().err
    assert "第 3 行：缺少必填项：title" in err
    assert "第 4 行：类别“花卉园艺”不存在" in err
    assert "第 5 行：学时“十六”不是数字" in err
    assert "第 6 行：与前面的行重复" in err
    assert "第 7 行：授课形式“函授”不认识" in err
    assert not CoursePage.objects.exists() and not SearchDocument.objects.exists()

    run(django_capture_on_commit_callbacks, path, skip_bad_rows=True)
    assert list(CoursePage.objects.values_list("title", flat=True)) == ["好课程"]
    assert SearchDocument.objects.count() == 1
    # Importing the same file again: the course exists, so that row is now an error too.
    with pytest.raises(CommandError):
        run(django_capture_on_commit_callbacks, path)
    assert CoursePage.objects.count() == 1


def test_dry_run_changes_nothing(base, tmp_path, django_capture_on_commit_callbacks, capsys):
    path = write_csv(tmp_path, "title,provider,category,summary\n新课,新学校,新类别,简介。\n")
    run(django_capture_on_commit_callbacks, path, dry_run=True, create_missing=True)
    assert "1 行可以导入" in capsys.readouterr().out
    assert not CoursePage.objects.exists() and not Category.objects.filter(name="新类别").exists()


def test_provider_option_fills_rows_without_provider(base, tmp_path, django_capture_on_commit_callbacks):
    path = write_csv(tmp_path, "title,category,summary\n梨树施肥,农业技术,学会秋施基肥。\n")
    with pytest.raises(CommandError):
        run(django_capture_on_commit_callbacks, path)
    run(django_capture_on_commit_callbacks, path, provider="蓟州区老年大学")
    assert CoursePage.objects.get().provider == base["school_b"]


def test_xlsx_with_chinese_headers(base, tmp_path, django_capture_on_commit_callbacks):
    book = Workbook()
    sheet = book.active
    sheet.append(["课程名称", "办学机构", "类别", "简介", "学时", "费用"])
    sheet.append(["板栗嫁接", "罗庄子镇成人文化技术学校", "农业技术", "学会板栗嫁接。", 12, 0])
    sheet.append([None, None, None, None, None, None])
    sheet.append(["板栗施肥", "罗庄子镇成人文化技术学校", "农业技术", "学会施肥。", "-3", 0])
    path = tmp_path / "courses.xlsx"
    book.save(path)
    with pytest.raises(CommandError):
        run(django_capture_on_commit_callbacks, path)
    run(django_capture_on_commit_callbacks, path, skip_bad_rows=True)
    assert CoursePage.objects.get().hours == 12


def test_json_list_and_errors(base, tmp_path, django_capture_on_commit_callbacks, capsys):
    path = tmp_path / "courses.json"
    path.write_text(
        json.dumps(
            {
                "courses": [
                    {
                        "title": "苹果套袋",
                        "provider": "罗庄子镇成人文化技术学校",
                        "category": "农业技术",
                        "summary": "学会套袋。",
                        "audience": ["农民"],
                        "fee": 0,
                    },
                    "not an object",
                ]
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    with pytest.raises(CommandError):
        run(django_capture_on_commit_callbacks, path)
    assert "第 2 行：应当是一个对象" in capsys.readouterr().err
    run(django_capture_on_commit_callbacks, path, skip_bad_rows=True, create_missing=True)
    assert CoursePage.objects.get().audiences.get().name == "农民"


@pytest.mark.parametrize("name, content", [("x.txt", "a"), ("x.json", "{not json"), ("x.csv", "")])
def test_unreadable_files_are_refused(base, tmp_path, django_capture_on_commit_callbacks, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError):
        run(django_capture_on_commit_callbacks, path)
    assert not CoursePage.objects.exists()
