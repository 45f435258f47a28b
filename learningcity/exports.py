"""A dashboard table as an XLSX workbook (openpyxl): the numbers as numbers, text made safe to open."""

import io
from decimal import Decimal

from openpyxl import Workbook

from core.spreadsheets import spreadsheet_row
from learningcity.tables import Table

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value):
    # openpyxl writes Decimal as a number; a missing rate is an empty cell, not "—".
    return float(value) if isinstance(value, Decimal) else value


def table_xlsx(table: Table) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = table.key
    sheet.append(spreadsheet_row([str(table.title)]))
    sheet.append(spreadsheet_row([str(heading) for heading in table.headings]))
    for row in table.rows:
        sheet.append(spreadsheet_row([_cell(value) for value in row]))
    sheet.freeze_panes = "B3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
