"""Pages for teachers and provider staff under /teach/: rosters, waitlists, roll call, QR check-in, exports.

Every view first finds the class and checks `user_manages_class` (the class's teacher, or staff of its
school by Wagtail page permissions); anyone else gets 404, so ids of other schools' classes reveal nothing.
Phone numbers are masked unless staff press "显示号码", which is logged (PhoneReveal).
"""

import csv
import io

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.phone import mask_phone
from core.numbers import parse_whole_number
from core.spreadsheets import spreadsheet_row
from courses.models import CourseClass
from enrolment.checkin import checkin_code, checkin_code_seconds_left
from enrolment.models import Attendance, Enrolment, EnrolmentStatus, Meeting
from enrolment.selectors import class_meetings, class_roster, classes_managed_by, user_manages_class
from enrolment.services import (
    EnrolmentRefused,
    attendance_roll_call,
    enrolment_cancel,
    enrolment_complete,
    meeting_create,
    phone_reveal_log,
)


def _managed_class(request: HttpRequest, class_id: int) -> CourseClass:
    course_class = (
        CourseClass.objects.select_related("course", "course__provider", "venue__town", "teacher")
        .filter(pk=class_id)
        .first()
    )
    if course_class is None or not user_manages_class(request.user, course_class):
        raise Http404(_("没有找到您负责的这个班次。"))
    return course_class


def _managed_meeting(request: HttpRequest, meeting_id: int) -> Meeting:
    meeting = Meeting.objects.select_related("course_class__course").filter(pk=meeting_id).first()
    if meeting is None or not user_manages_class(request.user, meeting.course_class):
        raise Http404(_("没有找到您负责的这次课。"))
    return meeting


class MeetingForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=gettext_lazy("上课时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    hours = forms.DecimalField(label=gettext_lazy("学时"), min_value=0, max_value=24, decimal_places=1, initial=2)
    topic = forms.CharField(label=gettext_lazy("内容"), max_length=100, required=False)


@login_required
def class_list(request: HttpRequest) -> HttpResponse:
    return render(request, "enrolment/teach/class_list.html", {"classes": list(classes_managed_by(request.user))})


def _roster_context(request, course_class, *, revealed: set[int] = frozenset(), meeting_form=None) -> dict:
    roster = class_roster(course_class)
    for enrolment in roster:
        enrolment.shown_phone = (
            enrolment.learner.phone if enrolment.pk in revealed else mask_phone(enrolment.learner.phone)
        )
    return {
        "class": course_class,
        "enrolled": [e for e in roster if e.status in (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED)],
        "waitlist": [e for e in roster if e.status == EnrolmentStatus.WAITLISTED],
        "meetings": class_meetings(course_class),
        "meeting_form": meeting_form or MeetingForm(),
    }


@login_required
def roster(request: HttpRequest, class_id: int) -> HttpResponse:
    course_class = _managed_class(request, class_id)
    meeting_form = None
    if request.method == "POST":
        meeting_form = MeetingForm(request.POST)
        if meeting_form.is_valid():
            try:
                meeting_create(course_class_id=course_class.pk, by=request.user, **meeting_form.cleaned_data)
            except EnrolmentRefused as error:
                meeting_form.add_error(None, error.message)
            else:
                messages.success(request, _("已添加课次。"))
                return redirect("teach:roster", class_id=course_class.pk)
    return render(
        request, "enrolment/teach/roster.html", _roster_context(request, course_class, meeting_form=meeting_form)
    )


@require_POST
@login_required
def reveal_phone(request: HttpRequest, class_id: int, enrolment_id: int) -> HttpResponse:
    """Show one learner's full number (for a call) and log who saw it."""
    course_class = _managed_class(request, class_id)
    enrolment = Enrolment.objects.filter(pk=enrolment_id, course_class=course_class).first()
    if enrolment is None:
        raise Http404(_("没有找到这条报名记录。"))
    phone_reveal_log(enrolment=enrolment, staff=request.user)
    context = _roster_context(request, course_class, revealed={enrolment.pk})
    return render(request, "enrolment/teach/roster.html", context)


@require_POST
@login_required
def complete(request: HttpRequest, class_id: int, enrolment_id: int) -> HttpResponse:
    course_class = _managed_class(request, class_id)
    if not Enrolment.objects.filter(pk=enrolment_id, course_class=course_class).exists():
        raise Http404(_("没有找到这条报名记录。"))
    try:
        enrolment_complete(enrolment_id=enrolment_id, by=request.user)
    except EnrolmentRefused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已确认结业。"))
    return redirect("teach:roster", class_id=course_class.pk)


@require_POST
@login_required
def cancel(request: HttpRequest, class_id: int, enrolment_id: int) -> HttpResponse:
    course_class = _managed_class(request, class_id)
    if not Enrolment.objects.filter(pk=enrolment_id, course_class=course_class).exists():
        raise Http404(_("没有找到这条报名记录。"))
    try:
        enrolment_cancel(enrolment_id=enrolment_id, by=request.user)
    except EnrolmentRefused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已取消该学员的报名；如有候补，已按先后递补。"))
    return redirect("teach:roster", class_id=course_class.pk)


EXPORT_HEADER = [
    gettext_lazy("顺序"),
    gettext_lazy("姓名"),
    gettext_lazy("手机号"),
    gettext_lazy("所在乡镇"),
    gettext_lazy("状态"),
    gettext_lazy("候补位次"),
    gettext_lazy("出勤学时"),
    gettext_lazy("报名时间"),
]


def _export_rows(course_class: CourseClass):
    """The roster's rows, each cell safe to open in a spreadsheet (a name may be typed as a formula)."""
    for e in class_roster(course_class):
        yield spreadsheet_row(
            [
                e.arrival,
                e.learner.display_name,
                mask_phone(e.learner.phone),
                e.learner.home_town.name if e.learner.home_town_id else "",
                str(e.get_status_display()),
                e.waitlist_position or "",
                float(e.hours_attended),
                timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M"),
            ]
        )


def _export_name(course_class: CourseClass, ext: str) -> str:
    return f"roster-{course_class.pk}-{timezone.localdate():%Y%m%d}.{ext}"


@login_required
def export_csv(request: HttpRequest, class_id: int) -> HttpResponse:
    course_class = _managed_class(request, class_id)
    buffer = io.StringIO()
    buffer.write("\ufeff")  # so Excel on Windows opens the Chinese text as UTF-8
    writer = csv.writer(buffer)
    writer.writerow([str(h) for h in EXPORT_HEADER])
    writer.writerows(_export_rows(course_class))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_export_name(course_class, "csv")}"'
    return response


@login_required
def export_xlsx(request: HttpRequest, class_id: int) -> HttpResponse:
    from openpyxl import Workbook  # loaded only when staff download a roster as XLSX

    course_class = _managed_class(request, class_id)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "花名册"
    sheet.append(spreadsheet_row([f"{course_class.course.title} · {course_class.label}"]))
    sheet.append([str(h) for h in EXPORT_HEADER])
    for row in _export_rows(course_class):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{_export_name(course_class, "xlsx")}"'
    return response


@login_required
def roll_call(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Tick who is present (a plain form of checkboxes)."""
    meeting = _managed_meeting(request, meeting_id)
    if request.method == "POST":
        ticked = [parse_whole_number(value) for value in request.POST.getlist("present")]
        present = None if None in ticked else set(ticked)
        if present is None:
            messages.error(request, _("点名数据不正确。"))
        if present is not None:
            try:
                result = attendance_roll_call(meeting_id=meeting.pk, present_enrolment_ids=present, by=request.user)
            except EnrolmentRefused as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request, _("已保存点名：新增%(a)d人，取消%(r)d人。") % {"a": result.added, "r": result.removed}
                )
                return redirect("teach:roll_call", meeting_id=meeting.pk)
    roster = [
        e
        for e in class_roster(meeting.course_class)
        if e.status in (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED)
    ]
    present_ids = set(Attendance.objects.filter(meeting=meeting).values_list("enrolment_id", flat=True))
    return render(
        request,
        "enrolment/teach/roll_call.html",
        {"meeting": meeting, "class": meeting.course_class, "roster": roster, "present_ids": present_ids},
    )


@login_required
def qr(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The rotating check-in code, shown on the teacher's screen; the page reloads itself each minute."""
    meeting = _managed_meeting(request, meeting_id)
    now = timezone.now()
    code = checkin_code(meeting_id=meeting.pk, at=now)
    url = request.build_absolute_uri(reverse("enrolment:check_in", args=[meeting.pk, code]))
    return render(
        request,
        "enrolment/teach/qr.html",
        {
            "meeting": meeting,
            "class": meeting.course_class,
            "svg": segno.make(url, error="m").svg_inline(scale=8, title=_("签到二维码")),
            "url": url,
            "seconds_left": checkin_code_seconds_left(now),
            "present": Attendance.objects.filter(meeting=meeting).count(),
        },
    )
