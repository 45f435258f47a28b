"""Hypothesis: whatever a spreadsheet row holds, checking it gives a valid course or an error naming the row."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courses.importing import COLUMNS, MAX_ROWS, check_rows, import_courses

cell = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["", "梨树修剪", "1.5", "-1", "1e9", "NaN", "sNaN", "Infinity", "0.25", "٣", "1_0", "\x00", "线上"]
    ),
    st.text(min_size=190, max_size=260),
)
row = st.dictionaries(st.sampled_from([*COLUMNS, "__error__", "多余的列"]), cell, max_size=len(COLUMNS) + 2)
rows = st.lists(row, max_size=8).map(lambda found: [(n, data) for n, data in enumerate(found, start=2)])


@pytest.mark.django_db
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=rows, create_missing=st.booleans())
def test_every_row_is_a_course_or_a_numbered_error(tree, rows, create_missing):
    valid, errors = check_rows(rows, default_provider="", create_missing=create_missing)
    numbers = [n for n, _ in rows]
    assert sorted([v.row for v in valid] + [e.row for e in errors]) == numbers
    for error in errors:
        assert str(error).startswith(f"第 {error.row} 行：") and len(error.reason) < 400
    for course in valid:
        assert course.title and len(course.title) <= 255 and len(course.summary) <= 200
        assert "\x00" not in course.title + course.summary + course.description + course.keywords
        for number, places in ((course.hours, 1), (course.credits, 1), (course.fee, 2)):
            assert number.is_finite() and number >= 0 and number.as_tuple().exponent >= -places


def test_too_many_rows_is_one_error(tree):
    assert check_rows([(n, {}) for n in range(MAX_ROWS + 1)])[1][0].reason.startswith("一次最多导入")


def test_rows_the_database_would_refuse_are_errors_not_crashes(tree, tmp_path, django_capture_on_commit_callbacks):
    path = tmp_path / "courses.csv"
    path.write_text(
        "title,provider,category,summary,hours,fee\n"
        f"梨树\x00修剪,{tree['school_a'].title},农业技术,简介,2,0\n"
        f"苹果修剪,{tree['school_a'].title},农业技术,简介,1.25,0\n"
        f"核桃修剪,{tree['school_a'].title},农业技术,简介,2,0.125\n"
        f"桃树修剪,{tree['school_a'].title},农业技术,简介,2.5,12.50\n",
        encoding="utf-8",
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = import_courses(path, create_missing=True, skip_bad_rows=True)
    assert [(e.row, e.reason) for e in report.errors] == [
        (2, "title 含有不可见的控制字符"),
        (3, "学时最多 1 位小数"),
        (4, "费用最多 2 位小数"),
    ]
    assert [c.title for c in report.imported] == ["桃树修剪"] and report.imported[0].hours == Decimal("2.5")
