"""Bulk import of a course catalogue from CSV, XLSX or JSON (docs/import-format.md).

Every row is checked first; a file with any bad row imports nothing unless bad rows are to be
skipped. Imported courses are published like in the admin, so the publish signal indexes them.
"""

import csv
import io
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.utils.html import escape

from accounts.models import Audience
from core.slugs import pinyin_slug
from courses.models import Category, CourseForm, CourseIndexPage, CoursePage, ProviderKind, ProviderPage
from places.models import Town

COLUMNS = [
    "title",
    "provider",
    "category",
    "summary",
    "description",
    "audience",
    "form",
    "town",
    "hours",
    "credits",
    "fee",
    "keywords",  # optional extra: words residents may search for
]
REQUIRED = ["title", "provider", "category", "summary"]
# Staff may write the Chinese column names of the template instead of the English keys.
CHINESE_COLUMNS = {
    "课程名称": "title",
    "办学机构": "provider",
    "类别": "category",
    "简介": "summary",
    "课程内容": "description",
    "适用人群": "audience",
    "授课形式": "form",
    "乡镇": "town",
    "学时": "hours",
    "学分": "credits",
    "费用": "fee",
    "关键词": "keywords",
}
MAX_ROWS = 5000
# The words staff actually type for the form of a course, besides its labels (线下面授, 线上, 混合, 送教下乡)
# and values (offline…). Read after removing spaces and joiners, so "线上 + 线下" is 线上线下.
FORM_WORDS = {
    "线下": CourseForm.OFFLINE,
    "面授": CourseForm.OFFLINE,
    "现场": CourseForm.OFFLINE,
    "现场教学": CourseForm.OFFLINE,
    "网课": CourseForm.ONLINE,
    "在线": CourseForm.ONLINE,
    "网上": CourseForm.ONLINE,
    "网络": CourseForm.ONLINE,
    "远程": CourseForm.ONLINE,
    "线上线下": CourseForm.BLENDED,
    "线上线下混合": CourseForm.BLENDED,
    "混合式": CourseForm.BLENDED,
    "下乡": CourseForm.VILLAGE,
    "送教": CourseForm.VILLAGE,
    "送教上门": CourseForm.VILLAGE,
}
_FORM_JOINERS = re.compile(r"[\s+＋/、，,&和与]+")
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # tab and line breaks are allowed
LIST_SEPARATORS = "、,，;；|/"


class ImportFileError(Exception):
    """The file as a whole cannot be read (format, encoding, no header)."""


@dataclass
class RowError:
    row: int
    reason: str

    def __str__(self):
        return f"第 {self.row} 行：{self.reason}"


@dataclass
class CourseRow:
    row: int
    title: str
    provider: str
    category: str
    summary: str
    description: str = ""
    audiences: list[str] = field(default_factory=list)
    form: str = CourseForm.OFFLINE
    form_word: str = ""  # what the row said for the form, when it was not the form's own name
    town: str = ""
    hours: Decimal = Decimal("0")
    credits: Decimal = Decimal("0")
    fee: Decimal = Decimal("0")
    keywords: str = ""


@dataclass
class ImportReport:
    rows: int = 0
    imported: list[CoursePage] = field(default_factory=list)
    valid: list[CourseRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    created: dict[str, list[str]] = field(default_factory=dict)
    dry_run: bool = False


# --- Reading ----------------------------------------------------------------------------------


def _key(name) -> str:
    name = str(name or "").strip().lstrip("\ufeff")
    return CHINESE_COLUMNS.get(name, name.lower())


def read_rows(path: Path) -> list[tuple[int, dict]]:
    """(row number as staff see it, {column: text}) for each data row."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = path.read_text(encoding="gb18030")  # Excel on Chinese Windows saves CSV in GBK
            except UnicodeDecodeError:
                raise ImportFileError("无法识别文件编码，请另存为 UTF-8 编码的 CSV。")
        reader = csv.DictReader(io.StringIO(text))
        if not reader.fieldnames:
            raise ImportFileError("文件没有表头行。")
        return [(n, {_key(k): (v or "") for k, v in row.items() if k}) for n, row in enumerate(reader, start=2)]
    if suffix == ".xlsx":
        from openpyxl import load_workbook  # loaded only when an XLSX file is imported

        try:
            sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
        except Exception as exc:  # noqa: BLE001 — openpyxl raises many kinds for a broken file
            raise ImportFileError(f"无法读取 Excel 文件：{type(exc).__name__}")
        rows = sheet.iter_rows(values_only=True)
        header = [_key(h) for h in next(rows, None) or []]
        if not any(header):
            raise ImportFileError("文件没有表头行。")
        out = []
        for n, values in enumerate(rows, start=2):
            if values is None or all(v in (None, "") for v in values):
                continue
            out.append((n, {h: ("" if v is None else str(v)) for h, v in zip(header, values, strict=False) if h}))
        return out
    if suffix == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ImportFileError(f"JSON 格式不正确：{exc}")
        if isinstance(data, dict):
            data = data.get("courses")
        if not isinstance(data, list):
            raise ImportFileError('JSON 应当是课程对象的列表，或含 "courses" 列表的对象。')
        out = []
        for n, item in enumerate(data, start=1):
            if not isinstance(item, dict):
                out.append((n, {"__error__": "应当是一个对象（{...}）"}))
                continue
            out.append((n, {_key(k): _json_text(v) for k, v in item.items()}))
        return out
    raise ImportFileError("只支持 .csv、.xlsx 和 .json 文件。")


def _json_text(value) -> str:
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if value is None:
        return ""
    return str(value)


# --- Checking ---------------------------------------------------------------------------------


def _decimal(value: str, label: str, maximum: Decimal, places: int) -> Decimal:
    value = (value or "").strip()
    if not value:
        return Decimal("0")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"{label}“{value[:20]}”不是数字")
    if not number.is_finite() or number < 0 or number > maximum:
        raise ValueError(f"{label}应在 0 到 {maximum} 之间")
    if number.as_tuple().exponent < -places:  # the column keeps `places` decimals; more would be cut silently
        raise ValueError(f"{label}最多 {places} 位小数")
    return number


def _form(value: str) -> tuple[str, str]:
    """(the form, the word staff typed when it was not the form's own name): 面授 → offline, "面授"."""
    value = (value or "").strip()
    if not value:
        return CourseForm.OFFLINE, ""
    for choice, label in CourseForm.choices:
        if value in (choice, str(label), CourseForm(choice).label):
            return choice, ""
    word = _FORM_JOINERS.sub("", value.lower())
    if word in FORM_WORDS:
        return FORM_WORDS[word], value
    for choice, label in CourseForm.choices:
        if word in (choice, str(label)):
            return choice, value
    known = "、".join([*(str(label) for _, label in CourseForm.choices), *FORM_WORDS])
    raise ValueError(f"授课形式“{value[:20]}”不认识，可填：{known}")


def form_word_note(row: CourseRow) -> str:
    """Which form a row's own word was taken as, for the import report: 授课形式“面授”按“线下面授”导入."""
    return f"第 {row.row} 行：授课形式“{row.form_word}”按“{CourseForm(row.form).label}”导入"


def _split(value: str) -> list[str]:
    for sep in LIST_SEPARATORS:
        value = value.replace(sep, " ")
    return [part for part in value.split() if part]


def check_rows(
    rows: list[tuple[int, dict]], *, default_provider: str = "", create_missing: bool = False
) -> tuple[list[CourseRow], list[RowError]]:
    providers = set(ProviderPage.objects.values_list("title", flat=True))
    categories = set(Category.objects.values_list("name", flat=True))
    audiences = set(Audience.objects.values_list("name", flat=True))
    towns = set(Town.objects.values_list("name", flat=True))
    existing = set(CoursePage.objects.values_list("title", "provider__title"))
    valid, errors, seen = [], [], set()
    if len(rows) > MAX_ROWS:
        return [], [RowError(MAX_ROWS + 1, f"一次最多导入 {MAX_ROWS} 门课程，请分批导入。")]
    for number, data in rows:
        try:
            if "__error__" in data:
                raise ValueError(data["__error__"])
            values = {name: str(data.get(name) or "").strip() for name in COLUMNS}
            values["provider"] = values["provider"] or default_provider
            unprintable = [name for name, text in values.items() if _CONTROL_CHARACTERS.search(text)]
            if unprintable:  # PostgreSQL refuses NUL in text; the others are invisible on every page
                raise ValueError(f"{'、'.join(unprintable)} 含有不可见的控制字符")
            missing = [name for name in REQUIRED if not values[name]]
            if missing:
                raise ValueError(f"缺少必填项：{'、'.join(missing)}")
            if len(values["title"]) > 255:
                raise ValueError("课程名称超过 255 个字")
            if len(values["summary"]) > 200:
                raise ValueError("简介超过 200 个字")
            if len(values["keywords"]) > 200:
                raise ValueError("关键词超过 200 个字")
            for name, known, label in (
                ("provider", providers, "办学机构"),
                ("category", categories, "类别"),
                ("town", towns, "乡镇"),
            ):
                if values[name] and values[name] not in known and not create_missing:
                    raise ValueError(f"{label}“{values[name]}”不存在（加 --create-missing 可自动创建）")
            row_audiences = _split(values["audience"])
            unknown = [a for a in row_audiences if a not in audiences]
            if unknown and not create_missing:
                raise ValueError(f"适用人群“{'、'.join(unknown)}”不存在（加 --create-missing 可自动创建）")
            key = (values["title"], values["provider"])
            if key in existing:
                raise ValueError(f"“{values['provider']}”已有课程“{values['title']}”")
            if key in seen:
                raise ValueError(f"与前面的行重复：“{values['title']}”")
            seen.add(key)
            form, form_word = _form(values["form"])
            valid.append(
                CourseRow(
                    row=number,
                    title=values["title"],
                    provider=values["provider"],
                    category=values["category"],
                    summary=values["summary"],
                    description=values["description"],
                    audiences=row_audiences,
                    form=form,
                    form_word=form_word,
                    town=values["town"],
                    hours=_decimal(values["hours"], "学时", Decimal("9999"), 1),
                    credits=_decimal(values["credits"], "学分", Decimal("999"), 1),
                    fee=_decimal(values["fee"], "费用", Decimal("999999"), 2),
                    keywords=" ".join(_split(values["keywords"])),
                )
            )
        except ValueError as exc:
            errors.append(RowError(number, str(exc)))
    return valid, errors


# --- Writing ----------------------------------------------------------------------------------


def _unique_slug(parent, title: str) -> str:
    base = pinyin_slug(title, max_length=70)
    taken = set(parent.get_children().values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _body(description: str) -> str:
    return "".join(f"<p>{escape(p.strip())}</p>" for p in description.splitlines() if p.strip())


@transaction.atomic
def _create(rows: list[CourseRow], report: ImportReport) -> None:
    catalogue = CourseIndexPage.objects.first()
    providers = {p.title: p for p in ProviderPage.objects.all()}
    categories = {c.name: c for c in Category.objects.all()}
    audiences = {a.name: a for a in Audience.objects.all()}
    towns = {t.name: t for t in Town.objects.all()}

    def created(kind, name):
        report.created.setdefault(kind, []).append(name)

    for row in rows:
        provider = providers.get(row.provider)
        if provider is None:
            if catalogue is None:
                raise ImportFileError("网站还没有课程目录页，无法创建办学机构。")
            provider = catalogue.add_child(
                instance=ProviderPage(
                    title=row.provider, slug=_unique_slug(catalogue, row.provider), kind=ProviderKind.COMMUNITY_SCHOOL
                )
            )
            provider.save_revision().publish()
            providers[row.provider] = provider
            created("办学机构", row.provider)
        if row.category not in categories:
            categories[row.category] = Category.objects.create(name=row.category)
            created("类别", row.category)
        for name in row.audiences:
            if name not in audiences:
                audiences[name] = Audience.objects.create(name=name)
                created("适用人群", name)
        if row.town and row.town not in towns:
            towns[row.town] = Town.objects.create(name=row.town)
            created("乡镇", row.town)
        course = CoursePage(
            title=row.title,
            slug=_unique_slug(provider, row.title),
            summary=row.summary,
            body=_body(row.description),
            category=categories[row.category],
            form=row.form,
            town=towns.get(row.town) if row.town else None,
            hours=row.hours,
            credits=row.credits,
            fee=row.fee,
            keywords=row.keywords,
        )
        course.audiences = [audiences[name] for name in row.audiences]
        provider.add_child(instance=course)
        course.save_revision().publish()  # page_published → indexed after commit
        report.imported.append(course)


def import_courses(
    path: Path,
    *,
    default_provider: str = "",
    create_missing: bool = False,
    dry_run: bool = False,
    skip_bad_rows: bool = False,
) -> ImportReport:
    rows = read_rows(Path(path))
    valid, errors = check_rows(rows, default_provider=default_provider, create_missing=create_missing)
    report = ImportReport(rows=len(rows), valid=valid, errors=errors, dry_run=dry_run)
    if dry_run or (errors and not skip_bad_rows):
        return report
    _create(valid, report)
    return report
