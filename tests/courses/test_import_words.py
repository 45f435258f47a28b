"""The importer takes the words staff type for a course's form, and says which form it took."""

import pytest

from courses.importing import check_rows, form_word_note

ROW = {"title": "课", "provider": "学校", "category": "农业技术", "summary": "简介"}


@pytest.mark.parametrize(
    "typed, form",
    [
        ("线下", "offline"),
        ("面授", "offline"),
        ("线下面授", "offline"),
        ("网课", "online"),
        ("在线", "online"),
        ("线上", "online"),
        ("混合", "blended"),
        ("线上线下", "blended"),
        ("线上 + 线下", "blended"),
        ("送教下乡", "village"),
        ("village", "village"),
        ("", "offline"),
    ],
)
def test_form_words(db, typed, form):
    valid, errors = check_rows([(2, {**ROW, "form": typed})], create_missing=True)
    assert not errors
    assert valid[0].form == form


def test_the_report_says_which_form_a_word_was_taken_as(db):
    valid, _ = check_rows(
        [(2, {**ROW, "form": "网课"}), (3, {**ROW, "title": "课2", "form": "线上"})], create_missing=True
    )
    assert form_word_note(valid[0]) == "第 2 行：授课形式“网课”按“线上”导入"
    assert valid[1].form_word == ""  # the form's own name needs no note


def test_an_unknown_form_word_is_a_row_error_that_lists_the_words(db):
    _, errors = check_rows([(2, {**ROW, "form": "函授"})], create_missing=True)
    assert len(errors) == 1 and "函授" in str(errors[0]) and "面授" in str(errors[0]) and "网课" in str(errors[0])
