"""Pages for learning records: 我的学习, transcript, my data, certificate verification, recognition for staff.

Thin: reads through records.selectors, writes through records.services; every view checks who is asking.
My data (export, account deletion) goes through accounts.personal_data and accounts.services, which run what
each app registered.
"""

import json

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import FileResponse, Http404, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from accounts.personal_data import personal_data_export
from accounts.phone import normalise_phone
from accounts.services import AccountRefused, account_delete
from core.ratelimit import CERTIFICATE_MISSES_PER_ADDRESS, client_ip, rate_limit_count, rate_limit_exhausted
from courses.models import Category
from records.models import Certificate, Recognition, RecognitionStatus
from records.pdf import render_transcript_pdf
from records.selectors import certificate_public, certificate_public_facts, learner_statements, learning_summary
from records.services import (
    RecordsRefused,
    certificate_revoke,
    is_centre_staff,
    may_revoke,
    normalise_certificate_code,
    recognition_create,
    recognition_decide,
)


def _json_download(data, filename: str) -> HttpResponse:
    body = json.dumps(data, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def my_learning(request):
    return render(request, "records/my_learning.html", {"summary": learning_summary(request.user)})


@login_required
@require_GET
def transcript_pdf(request):
    pdf = render_transcript_pdf(user=request.user, summary=learning_summary(request.user))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="transcript-{timezone.localdate():%Y%m%d}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def my_statements(request):
    return _json_download(learner_statements(request.user), "xapi-statements.json")


@login_required
@require_GET
def my_data(request):
    return render(request, "records/my_data.html", {})


@login_required
@require_GET
def my_data_export(request):
    return _json_download(personal_data_export(request.user), f"my-data-{timezone.localdate():%Y%m%d}.json")


@login_required
@require_POST
def my_account_delete(request):
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("请勾选“我确认注销账号”。"))
        return redirect("records:my_data")
    try:
        account_delete(user=request.user, password=request.POST.get("password", ""))
    except AccountRefused as refusal:
        messages.error(request, refusal.message)
        return redirect("records:my_data")
    logout(request)
    messages.success(request, _("您的账号已注销。已颁发的证书仍可核验，姓名已隐去。"))
    return redirect("/")


# --- Certificates --------------------------------------------------------------------------------


@require_GET
def certificate_lookup(request):
    """A box to type the code printed on a certificate."""
    raw = request.GET.get("code", "").strip()
    if raw:
        code = normalise_certificate_code(raw)
        if code:
            return redirect("records:certificate_verify", code=code)
        return render(
            request, "records/certificate_lookup.html", {"error": _("证书编号格式不正确。"), "code": raw}
        )
    return render(request, "records/certificate_lookup.html", {})


def _certificate_or_refusal(request, raw_code: str):
    ip = client_ip(request)
    if rate_limit_exhausted(CERTIFICATE_MISSES_PER_ADDRESS, ip):
        return None, render(request, "records/certificate_refused.html", {"limited": True}, status=429)
    certificate = certificate_public(normalise_certificate_code(raw_code) or "")
    if certificate is None:
        rate_limit_count(CERTIFICATE_MISSES_PER_ADDRESS, ip)
        return None, render(request, "records/certificate_refused.html", {}, status=404)
    return certificate, None


@require_GET
def certificate_verify(request, code: str):
    certificate, refusal = _certificate_or_refusal(request, code)
    if refusal:
        return refusal
    context = {
        "certificate": certificate,
        "facts": certificate_public_facts(certificate),
        "may_revoke": certificate.is_valid and may_revoke(request.user, certificate),
        "is_owner": request.user.is_authenticated and certificate.learner_id == request.user.pk,
    }
    return render(request, "records/certificate_verify.html", context)


@login_required
@require_POST
def certificate_revoke_view(request, code: str):
    try:
        certificate = certificate_revoke(code=code, by=request.user, reason=request.POST.get("reason", ""))
    except RecordsRefused as refusal:
        if refusal.code == "not_found":
            raise Http404(refusal.message)
        if refusal.code == "forbidden":
            return HttpResponseForbidden(refusal.message)
        messages.error(request, refusal.message)
        return redirect("records:certificate_verify", code=code)
    messages.success(request, _("证书%(code)s已撤销。") % {"code": certificate.code})
    return redirect("records:certificate_verify", code=certificate.code)


@login_required
@require_GET
def certificate_pdf(request, code: str):
    """The PDF, for the learner it was issued to and for staff who may revoke it."""
    certificate = Certificate.objects.filter(code=normalise_certificate_code(code) or "").first()
    if certificate is None or not (certificate.learner_id == request.user.pk or may_revoke(request.user, certificate)):
        raise Http404(_("没有找到这张证书。"))
    if not certificate.pdf:
        messages.info(request, _("证书文件正在生成，请稍后再下载。"))
        return redirect("records:my_learning")
    response = FileResponse(certificate.pdf.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{certificate.code}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- Recognition (staff of the guidance centre) ---------------------------------------------------


class RecognitionForm(forms.Form):
    phone = forms.CharField(label=gettext_lazy("学员手机号"), max_length=20)
    title = forms.CharField(label=gettext_lazy("学习内容"), max_length=120)
    issuer = forms.CharField(label=gettext_lazy("颁发/组织单位"), max_length=120)
    category = forms.ModelChoiceField(label=gettext_lazy("类别"), queryset=Category.objects.all(), required=False)
    learned_on = forms.DateField(label=gettext_lazy("完成日期"), widget=forms.DateInput(attrs={"type": "date"}))
    hours = forms.DecimalField(label=gettext_lazy("认定学时"), min_value=0.1, max_value=2000, decimal_places=1)
    evidence = forms.FileField(label=gettext_lazy("证明材料"), help_text=gettext_lazy("PDF、JPG或PNG，不超过5MB。"))

    def clean_phone(self):
        try:
            phone = normalise_phone(self.cleaned_data["phone"])
        except Exception:
            raise forms.ValidationError(_("请输入以1开头的11位中国大陆手机号。"))
        learner = User.objects.filter(phone=phone, is_active=True).first()
        if learner is None:
            raise forms.ValidationError(_("没有找到使用这个手机号的学员。"))
        self.cleaned_data["learner"] = learner
        return phone


def _centre_only(request):
    if not is_centre_staff(request.user):
        return HttpResponseForbidden(_("只有指导中心工作人员可以使用学习成果认定。"))
    return None


@login_required
def recognitions(request):
    if refusal := _centre_only(request):
        return refusal
    form = RecognitionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            recognition_create(
                by=request.user,
                learner=data["learner"],
                title=data["title"],
                issuer=data["issuer"],
                category=data["category"],
                learned_on=data["learned_on"],
                hours=data["hours"],
                evidence=data["evidence"],
            )
        except RecordsRefused as refusal:
            field = "evidence" if refusal.code.startswith("evidence") else None
            form.add_error(field, refusal.message)
        else:
            messages.success(request, _("已录入，待认定后计入学员档案。"))
            return redirect("records:recognitions")
    pending = (
        Recognition.objects.filter(status=RecognitionStatus.PENDING)
        .select_related("learner", "category", "recorded_by")
        .order_by("created_at")
    )
    decided = (
        Recognition.objects.exclude(status=RecognitionStatus.PENDING)
        .select_related("learner", "decided_by")
        .order_by("-decided_at")[:30]
    )
    return render(
        request,
        "records/recognitions.html",
        {"form": form, "pending": pending, "decided": decided},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def recognition_decide_view(request, recognition_id: int):
    if refusal := _centre_only(request):
        return refusal
    try:
        recognition_decide(
            recognition_id=recognition_id,
            by=request.user,
            approve=request.POST.get("decision") == "approve",
            note=request.POST.get("note", ""),
        )
    except RecordsRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("已保存认定结果。"))
    return redirect(reverse("records:recognitions"))


@login_required
@require_GET
def recognition_evidence(request, recognition_id: int):
    recognition = Recognition.objects.filter(pk=recognition_id).first()
    if recognition is None or not (is_centre_staff(request.user) or recognition.learner_id == request.user.pk):
        raise Http404(_("没有找到。"))
    response = FileResponse(recognition.evidence.open("rb"), as_attachment=True, filename=recognition.evidence_name)
    response["Cache-Control"] = "private, no-store"
    return response
