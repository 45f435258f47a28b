"""PDFs in Chinese: the completion certificate (with a QR code to its public verification page) and the
learner's transcript. The CJK font is embedded (subset), so the text is real, selectable text.

Rendering reads only the certificate's own (snapshot) fields and the learner's summary; storing a
certificate's PDF once is the Celery task's work (`certificate_store_pdf`).
"""

import io
from decimal import Decimal
from functools import cache

import segno
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from records.models import Certificate

FONT = "WenQuanYiMicroHei"


@cache
def _register_font() -> str:
    path = settings.CJK_FONT_PATH
    try:
        pdfmetrics.registerFont(TTFont(FONT, path, subfontIndex=0))
    except Exception as error:  # reportlab raises TTFError, OSError… for a missing or broken file
        raise ImproperlyConfigured(
            f"CJK font for PDFs not usable at {path} "
            f"(install Debian's fonts-wqy-microhei or set CJK_FONT_PATH): {error}"
        )
    return FONT


def verification_url(code: str) -> str:
    return f"{settings.XAPI_HOME_PAGE.rstrip('/')}/certificates/{code}/"


def _draw_qr(pdf: canvas.Canvas, data: str, *, x: float, y: float, size: float) -> None:
    """Draw the QR code as vector squares: sharp at any print size, no image library involved."""
    qr = segno.make(data, error="m", micro=False)
    matrix = list(qr.matrix)
    border = 2
    modules = len(matrix) + 2 * border
    cell = size / modules
    pdf.setFillColor(colors.white)
    pdf.rect(x, y, size, size, stroke=0, fill=1)
    pdf.setFillColor(colors.black)
    for row_index, row in enumerate(matrix):
        for col_index, dark in enumerate(row):
            if dark:
                pdf.rect(
                    x + (col_index + border) * cell,
                    y + size - (row_index + border + 1) * cell,
                    cell,
                    cell,
                    stroke=0,
                    fill=1,
                )


def _hours(value: Decimal) -> str:
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:.1f}"


def render_certificate_pdf(certificate) -> bytes:
    font = _register_font()
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height), pageCompression=1)
    pdf.setTitle(f"结业证书 {certificate.code}")
    pdf.setAuthor(certificate.issuer)
    pdf.setSubject(certificate.course_title)

    pdf.setStrokeColor(colors.HexColor("#0b4f8a"))
    pdf.setLineWidth(3)
    pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    pdf.setLineWidth(0.8)
    pdf.rect(16 * mm, 16 * mm, width - 32 * mm, height - 32 * mm)

    pdf.setFillColor(colors.HexColor("#0b4f8a"))
    pdf.setFont(font, 40)
    pdf.drawCentredString(width / 2, height - 48 * mm, "结业证书")
    pdf.setFillColor(colors.black)
    pdf.setFont(font, 18)
    completed = certificate.completed_on
    lines = [
        f"{certificate.learner_name} 同志：",
        f"于{completed:%Y年%m月%d日}完成《{certificate.course_title}》"
        + (f"（{certificate.class_label}）" if certificate.class_label else ""),
        f"课程学习，累计学时 {_hours(certificate.hours)} 学时，准予结业。",
        "特发此证。",
    ]
    y = height - 72 * mm
    for index, line in enumerate(lines):
        pdf.drawString((30 if index == 0 else 40) * mm, y, line)
        y -= 13 * mm

    pdf.setFont(font, 16)
    pdf.drawRightString(width - 40 * mm, 50 * mm, certificate.issuer)
    issued = timezone.localdate(certificate.issued_at) if certificate.issued_at else timezone.localdate()
    pdf.drawRightString(width - 40 * mm, 40 * mm, f"{issued:%Y年%m月%d日}")

    url = verification_url(certificate.code)
    _draw_qr(pdf, url, x=26 * mm, y=26 * mm, size=36 * mm)
    pdf.setFont(font, 10)
    pdf.drawString(66 * mm, 46 * mm, f"证书编号：{certificate.code}")
    pdf.drawString(66 * mm, 40 * mm, "扫码或访问以下网址核验真伪：")
    pdf.drawString(66 * mm, 34 * mm, url)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def render_transcript_pdf(*, user, summary) -> bytes:
    """The printable 学习档案: totals, hours and points by year and category, classes, certificates."""
    font = _register_font()
    buffer = io.BytesIO()
    width, height = A4
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(f"终身学习档案 {user.display_name}")
    margin = 18 * mm
    y = height - 25 * mm

    def line(text: str, size: int = 11, indent: float = 0, gap: float = 7 * mm) -> None:
        nonlocal y
        if y < 25 * mm:
            pdf.showPage()
            y = height - 25 * mm
        pdf.setFont(font, size)
        pdf.drawString(margin + indent, y, text)
        y -= gap

    line(f"{settings.WAGTAIL_SITE_NAME} · 终身学习档案", 18, gap=10 * mm)
    line(f"学员：{user.display_name}    打印日期：{timezone.localdate():%Y年%m月%d日}")
    conversion = summary.conversion
    line(
        f"累计学时 {_hours(summary.hours)}    积分 {summary.points:.2f}    学分 {summary.credits}"
        + (f"（{conversion.name}，{conversion.points_per_credit}积分折1学分）" if conversion else ""),
        gap=10 * mm,
    )
    line("按年度和类别", 14, gap=8 * mm)
    for year in summary.years:
        line(f"{year.year}年：{_hours(year.hours)}学时，{year.points:.2f}积分", 12)
        for row in year.rows:
            extra = f"（含认定{_hours(row.recognised_hours)}学时）" if row.recognised_hours else ""
            capped = "（已达年度上限）" if row.capped else ""
            line(f"{row.category}：{_hours(row.hours)}学时{extra}，{row.points:.2f}积分{capped}", indent=8 * mm)
    if not summary.years:
        line("暂无学时记录。")
    y -= 3 * mm
    line("参加的班次", 14, gap=8 * mm)
    for activity in summary.activities:
        line(
            f"{activity.title}（{activity.label}）  {activity.status_display}  "
            f"出勤{activity.sessions_attended}/{activity.sessions_total}次  {_hours(activity.hours)}学时",
            10,
        )
    if not summary.activities:
        line("暂无。", 10)
    y -= 3 * mm
    line("结业证书", 14, gap=8 * mm)
    for certificate in summary.certificates:
        line(
            f"{certificate.code}  {certificate.course_title}  {certificate.issuer}  "
            f"{timezone.localdate(certificate.issued_at):%Y-%m-%d}  {certificate.get_status_display()}",
            10,
        )
    if not summary.certificates:
        line("暂无。", 10)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def certificate_store_pdf(*, certificate_id: int) -> bool:
    """Render and store a certificate's PDF once. Returns False if it already had one (task ran twice)."""
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().filter(pk=certificate_id).first()
        if certificate is None or certificate.pdf:
            return False
        pdf = render_certificate_pdf(certificate)
        certificate.pdf.save(f"{certificate.code}.pdf", ContentFile(pdf), save=False)
        certificate.pdf_generated_at = timezone.now()
        certificate.save(update_fields=["pdf", "pdf_generated_at"])
    return True
