"""Text that people typed, made safe to open in a spreadsheet (CSV and XLSX exports).

A display name or page title such as `=HYPERLINK("http://evil","点我")` would otherwise be a live formula in
Excel/WPS/LibreOffice when staff open a roster or the audit log: it can send data away or run commands
(OWASP "CSV injection"). Cells whose text starts with = + - @, a tab or a carriage return are prefixed with a
single quote, which spreadsheet programs show as text; numbers, dates and other values pass unchanged.
Every export of the site writes its cells through `spreadsheet_safe` (rows) or `SafeSpreadsheetExportMixin`
(Wagtail's report exports).
"""

from collections.abc import Iterable

from django.utils.encoding import force_str
from django.utils.functional import Promise

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """The value to write in a cell: text that a spreadsheet would read as a formula gets a leading quote."""
    if isinstance(value, Promise):  # lazy translations are text too
        value = force_str(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def spreadsheet_row(values: Iterable) -> list:
    return [spreadsheet_safe(value) for value in values]


class SafeSpreadsheetExportMixin:
    """For a Wagtail view with SpreadsheetExportMixin (reports): every cell, CSV and XLSX, goes through
    spreadsheet_safe after Wagtail's own preprocessing (which leaves CSV text as it is)."""

    def preprocess_field_value(self, field, value, export_format):
        return spreadsheet_safe(super().preprocess_field_value(field, value, export_format))
