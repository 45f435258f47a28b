"""Reads for learning records: a learner's summary (hours, points, credits by year and category), certificate
verification, what records holds about a person (for accounts.personal_data), their xAPI statements.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from django.utils import timezone

from accounts.phone import mask_phone
from records.models import (
    Certificate,
    CreditConversion,
    CreditRule,
    LearnerKey,
    LearningEntry,
    Recognition,
    RecognitionStatus,
    XapiStatement,
)
from records.sources import LearningActivity, learner_activities

ZERO = Decimal("0")
NO_CATEGORY = "未分类"


def mask_name(name: str) -> str:
    """张*华 for 张三华, 张* for 张三, 欧**华 for 欧阳明华: enough to match a paper, not to identify."""
    name = (name or "").strip()
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


@dataclass
class YearCategory:
    year: int
    category: str
    class_hours: Decimal = ZERO
    recognised_hours: Decimal = ZERO
    points: Decimal = ZERO
    capped: bool = False

    @property
    def hours(self) -> Decimal:
        return self.class_hours + self.recognised_hours


@dataclass
class YearTotals:
    year: int
    rows: list[YearCategory]
    hours: Decimal
    points: Decimal


@dataclass
class LearningSummary:
    activities: list[LearningActivity]
    years: list[YearTotals]
    recognitions: list[Recognition]
    certificates: list[Certificate]
    hours: Decimal = ZERO
    points: Decimal = ZERO
    credits: Decimal = ZERO
    conversion: CreditConversion | None = None
    meetings_attended: int = 0
    by_category: dict = field(default_factory=dict)


def _rules() -> tuple[dict[int, CreditRule], CreditRule | None]:
    rules = list(CreditRule.objects.all())
    return {r.category_id: r for r in rules if r.category_id}, next((r for r in rules if not r.category_id), None)


def points_for(hours: Decimal, rule: CreditRule | None) -> tuple[Decimal, bool]:
    """Points for one year's hours in one category, and whether the year's limit cut them."""
    if rule is None:
        return ZERO, False
    points = (hours * rule.points_per_hour).quantize(Decimal("0.01"))
    if rule.max_points_per_year is not None and points > rule.max_points_per_year:
        return rule.max_points_per_year, True
    return points, False


def credits_for(points: Decimal, conversion: CreditConversion | None) -> Decimal:
    if conversion is None or conversion.points_per_credit <= 0:
        return ZERO
    credits = (points / conversion.points_per_credit).quantize(Decimal("0.1"), rounding=ROUND_DOWN)
    if conversion.max_credits is not None:
        credits = min(credits, conversion.max_credits)
    return credits


def learning_summary(user) -> LearningSummary:
    """Everything on 我的学习, in a fixed number of queries: the ledger's hours by the year they were learned in
    and their category, approved recognitions, points by the credit-bank rules, credits by the conversion,
    the certificates, and the activities each source registered (records.sources)."""
    by_rule, default_rule = _rules()
    cells: dict[tuple[int, str], YearCategory] = {}
    cell_rule: dict[tuple[int, str], CreditRule | None] = {}

    def cell(year: int, category_id, category_name) -> YearCategory:
        key = (year, category_name or NO_CATEGORY)
        if key not in cells:
            cells[key] = YearCategory(year=year, category=key[1])
            cell_rule[key] = by_rule.get(category_id, default_rule)
        return cells[key]

    entries = LearningEntry.objects.filter(learner=user).values_list(
        "occurred_at", "hours", "category_id", "category__name"
    )
    sessions = 0
    for occurred_at, hours, category_id, category_name in entries:
        sessions += 1
        cell(timezone.localtime(occurred_at).year, category_id, category_name).class_hours += hours
    recognitions = list(
        Recognition.objects.filter(learner=user).select_related("category", "decided_by").order_by("-learned_on")
    )
    for recognition in recognitions:
        if recognition.status == RecognitionStatus.APPROVED:
            c = recognition.category
            cell(
                recognition.learned_on.year, c.pk if c else None, c.name if c else None
            ).recognised_hours += recognition.hours
    for key, row in cells.items():
        row.points, row.capped = points_for(row.hours, cell_rule[key])

    years: dict[int, list[YearCategory]] = defaultdict(list)
    for row in sorted(cells.values(), key=lambda r: (-r.year, r.category)):
        years[row.year].append(row)
    year_totals = [
        YearTotals(
            year=y, rows=rows, hours=sum((r.hours for r in rows), ZERO), points=sum((r.points for r in rows), ZERO)
        )
        for y, rows in years.items()
    ]
    by_category: dict[str, dict] = {}
    for row in cells.values():
        entry = by_category.setdefault(row.category, {"hours": ZERO, "points": ZERO})
        entry["hours"] += row.hours
        entry["points"] += row.points

    conversion = CreditConversion.objects.filter(is_active=True).first()
    total_points = sum((r.points for r in cells.values()), ZERO)
    return LearningSummary(
        activities=learner_activities(user),
        years=year_totals,
        recognitions=recognitions,
        certificates=list(Certificate.objects.filter(learner=user).order_by("-issued_at")),
        hours=sum((r.hours for r in cells.values()), ZERO),
        points=total_points,
        credits=credits_for(total_points, conversion),
        conversion=conversion,
        # Every ledger entry is one session attended (a class meeting today).
        meetings_attended=sessions,
        by_category=dict(sorted(by_category.items())),
    )


def certificates_without_pdf():
    """Certificates whose PDF was never made (the broker was down when it was queued): the records outbox."""
    return Certificate.objects.filter(pdf="", learner__isnull=False)


def certificate_public(code: str) -> Certificate | None:
    """The certificate with this (canonical) code, or None. The caller rate-limits guesses."""
    return Certificate.objects.filter(code=code).first() if code else None


def certificate_public_facts(certificate: Certificate) -> dict:
    """What anyone holding the paper may check: never the full name, never who the person is."""
    return {
        "code": certificate.code,
        "status": certificate.status,
        "valid": certificate.is_valid,
        "course": certificate.course_title,
        "class_label": certificate.class_label,
        "hours": float(certificate.hours),
        "issued_on": timezone.localdate(certificate.issued_at),
        "completed_on": certificate.completed_on,
        "issuer": certificate.issuer,
        "learner_name": mask_name(certificate.learner_name),
        "revoked_on": timezone.localdate(certificate.revoked_at) if certificate.revoked_at else None,
        "revoked_reason": certificate.revoked_reason or None,
    }


def learner_statements(user) -> list[dict]:
    return [s.statement for s in XapiStatement.objects.filter(learner=user).order_by("created_at", "id")]


def _iso(value):
    return value.isoformat() if value else None


def learner_personal_data(user) -> dict:
    """What records holds about `user`, for 下载我的数据 (registered with accounts.personal_data): the xAPI
    learner id (in "account"), recognitions, certificates (full name), the hours ledger, xAPI statements."""
    key = LearnerKey.objects.filter(learner=user).first()
    return {
        "account": {"xapi_learner_id": str(key.xapi_id) if key else None},
        "recognitions": [
            {
                "title": r.title,
                "issuer": r.issuer,
                "category": r.category.name if r.category_id else None,
                "learned_on": _iso(r.learned_on),
                "hours": str(r.hours),
                "status": r.status,
                "evidence_file": r.evidence_name,
                "decided_at": _iso(r.decided_at),
                "decision_note": r.decision_note,
            }
            for r in Recognition.objects.filter(learner=user).select_related("category").order_by("pk")
        ],
        "certificates": [
            {**certificate_public_facts(c), "learner_name": c.learner_name}
            for c in Certificate.objects.filter(learner=user).order_by("pk")
        ],
        "learning_hours": [
            {
                "title": e.title,
                "category": e.category.name if e.category_id else None,
                "provider": e.provider,
                "hours": str(e.hours),
                "learned_at": _iso(e.occurred_at),
                "recorded_at": _iso(e.created_at),
                "source": e.source,
            }
            for e in LearningEntry.objects.filter(learner=user).select_related("category").order_by("occurred_at", "pk")
        ],
        "xapi_statements": learner_statements(user),
    }


def staff_masked_learner(user) -> str:
    """How staff lists show a learner who is not theirs to call: name and masked number."""
    return f"{user.display_name}（{mask_phone(user.phone)}）"
