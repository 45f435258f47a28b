"""Learning records over JSON: GET /api/v1/me/record, /me/record/statements, /certificates/{code}.

Thin: reads are selectors; refusals are {"detail", "code"} like the rest of the API.
"""

import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from accounts.api_auth import api_auth
from core.api_errors import ApiError, ApiErrorOut
from core.ratelimit import CERTIFICATE_MISSES_PER_ADDRESS, client_ip, rate_limit_count, rate_limit_exhausted
from records.selectors import certificate_public, certificate_public_facts, learner_statements, learning_summary
from records.services import normalise_certificate_code

router = Router(tags=["学习档案"])


class YearCategoryOut(Schema):
    year: int
    category: str
    class_hours: float
    recognised_hours: float
    hours: float
    points: float
    capped: bool


class CertificateBriefOut(Schema):
    code: str
    course: str
    issuer: str
    hours: float
    issued_on: datetime.date
    status: str


class RecordOut(Schema):
    hours: float
    points: float
    credits: float
    credit_conversion: str | None
    meetings_attended: int
    classes_enrolled: int
    classes_completed: int
    by_year_and_category: list[YearCategoryOut]
    certificates: list[CertificateBriefOut]


class CertificateOut(Schema):
    code: str
    status: str
    valid: bool
    course: str
    class_label: str
    hours: float
    issued_on: datetime.date
    completed_on: datetime.date
    issuer: str
    learner_name: str
    revoked_on: datetime.date | None
    revoked_reason: str | None


@router.get("/me/record", response={200: RecordOut, 401: ApiErrorOut}, auth=api_auth, summary="我的学习档案")
def my_record(request: HttpRequest):
    summary = learning_summary(request.auth)
    return {
        "hours": float(summary.hours),
        "points": float(summary.points),
        "credits": float(summary.credits),
        "credit_conversion": summary.conversion.name if summary.conversion else None,
        "meetings_attended": summary.meetings_attended,
        "classes_enrolled": len(summary.activities),
        "classes_completed": sum(1 for a in summary.activities if a.completed),
        "by_year_and_category": [
            {
                "year": row.year,
                "category": row.category,
                "class_hours": float(row.class_hours),
                "recognised_hours": float(row.recognised_hours),
                "hours": float(row.hours),
                "points": float(row.points),
                "capped": row.capped,
            }
            for year in summary.years
            for row in year.rows
        ],
        "certificates": [
            {
                "code": c.code,
                "course": c.course_title,
                "issuer": c.issuer,
                "hours": float(c.hours),
                "issued_on": timezone.localdate(c.issued_at),
                "status": c.status,
            }
            for c in summary.certificates
        ],
    }


@router.get(
    "/me/record/statements", response={200: list[dict], 401: ApiErrorOut}, auth=api_auth, summary="我的xAPI学习记录"
)
def my_statements(request: HttpRequest):
    return learner_statements(request.auth)


@router.get(
    "/certificates/{code}",
    response={200: CertificateOut, 404: ApiErrorOut, 429: ApiErrorOut},
    auth=None,
    summary="证书核验",
)
def certificate_verify(request: HttpRequest, code: str):
    ip = client_ip(request)
    if rate_limit_exhausted(CERTIFICATE_MISSES_PER_ADDRESS, ip):
        raise ApiError(429, "rate_limited", "查询次数过多，请一小时后再试。")
    certificate = certificate_public(normalise_certificate_code(code) or "")
    if certificate is None:
        rate_limit_count(CERTIFICATE_MISSES_PER_ADDRESS, ip)
        raise ApiError(404, "not_found", "没有找到这个编号的证书。")
    return certificate_public_facts(certificate)
