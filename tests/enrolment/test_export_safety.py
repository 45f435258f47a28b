"""Roster exports: a learner's display name typed as a formula is text in the XLSX and the CSV."""

import csv
import io

from openpyxl import load_workbook

from enrolment.services import enrolment_create
from tests.factories import UserFactory

EVIL_NAMES = ['=HYPERLINK("http://evil.example","点我")', "+86-1", "-1+1", "@cmd", "\t=1", "\r=1"]


def test_roster_exports_neutralise_formulas(client, klass, staff_a):
    klass.capacity = len(EVIL_NAMES)
    klass.save()
    for name in EVIL_NAMES:
        enrolment_create(learner=UserFactory(display_name=name), course_class_id=klass.pk)
    client.force_login(staff_a)

    text = client.get(f"/teach/classes/{klass.pk}/export.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert sorted(r[1] for r in rows[1:]) == sorted("'" + name for name in EVIL_NAMES)

    response = client.get(f"/teach/classes/{klass.pk}/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [sheet.cell(row=r, column=2) for r in range(3, 3 + len(EVIL_NAMES))]
    assert all(cell.data_type == "s" for cell in names)
    # XML reads a bare CR back as LF; what matters is the leading quote.
    assert sorted(cell.value for cell in names) == sorted("'" + name.replace("\r", "\n") for name in EVIL_NAMES)
    assert sheet.cell(row=3, column=7).data_type == "n"  # hours stay numbers
