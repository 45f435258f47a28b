"""Residents' and schools' pages for stars and brands: nominate, see one's own (or one's school's)
nominations, withdraw, change one's name consent, open evidence. Thin: writes are honours.services, reads
honours.selectors; every view checks who is asking."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from courses.selectors import providers_for_user
from honours.forms import BrandForm, StarSelfForm, StarStaffForm
from honours.models import HonourKind, HonourRound
from honours.selectors import nomination_visible_to, nominations_visible_to
from honours.services import (
    HonoursRefused,
    brand_nominate,
    may_manage,
    nomination_consent_set,
    nomination_withdraw,
    star_nominate,
)

_FIELD_OF = {"no_such_person": "phone", "evidence_type": "evidence", "evidence_too_large": "evidence"}


def _form_for(request, honour_round: HonourRound, providers):
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    if honour_round.kind == HonourKind.BRAND:
        return BrandForm(data, files, providers=providers) if providers.exists() else None
    if providers.exists() and request.GET.get("self") != "1":
        return StarStaffForm(data, files, providers=providers)
    return StarSelfForm(data, files)


def _submit(request, honour_round: HonourRound, form) -> None:
    data = form.cleaned_data
    if isinstance(form, BrandForm):
        brand_nominate(
            by=request.user,
            round_id=honour_round.pk,
            provider=data["provider"],
            project_name=data["project_name"],
            headline=data["headline"],
            description=data["description"],
            outcomes=data["outcomes"],
            evidence=data["evidence"],
        )
    else:
        star_nominate(
            by=request.user,
            round_id=honour_round.pk,
            headline=data["headline"],
            story=data["story"],
            name_consent=data["name_consent"],
            evidence=data["evidence"],
            nominee_phone=data.get("phone"),
            provider=data.get("provider"),
        )


@login_required
def nominate(request, round_id: int):
    honour_round = HonourRound.objects.filter(pk=round_id).first()
    if honour_round is None:
        raise Http404(_("没有找到这一推选。"))
    providers = providers_for_user(request.user)
    form = _form_for(request, honour_round, providers)
    if form is None:
        return HttpResponseForbidden(_("学习品牌项目由学校推荐；请联系所在学校。"))
    if request.method == "POST" and form.is_valid():
        try:
            _submit(request, honour_round, form)
        except HonoursRefused as refusal:
            if refusal.code == "forbidden":
                return HttpResponseForbidden(refusal.message)
            form.add_error(_FIELD_OF.get(refusal.code), refusal.message)
        else:
            messages.success(request, _("推荐已提交，请等待区社区教育指导中心审核。"))
            return redirect("honours:mine")
    context = {
        "round": honour_round,
        "form": form,
        "is_staff_form": isinstance(form, StarStaffForm | BrandForm),
        "may_self_nominate": honour_round.kind == HonourKind.STAR and providers.exists(),
    }
    return render(request, "honours/nominate.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def mine(request):
    nominations = list(nominations_visible_to(request.user).prefetch_related("evidence"))
    for nomination in nominations:
        nomination.may_withdraw = nomination.status == "submitted" and may_manage(request.user, nomination)
    return render(request, "honours/mine.html", {"nominations": nominations})


@login_required
@require_POST
def withdraw(request, nomination_id: int):
    try:
        nomination_withdraw(by=request.user, nomination_id=nomination_id)
    except HonoursRefused as refusal:
        if refusal.code == "forbidden":
            return HttpResponseForbidden(refusal.message)
        if refusal.code == "not_found":
            raise Http404(refusal.message)
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("推荐已撤回。"))
    return redirect("honours:mine")


@login_required
@require_POST
def consent(request, nomination_id: int):
    try:
        nomination_consent_set(
            by=request.user, nomination_id=nomination_id, consent=request.POST.get("consent") == "yes"
        )
    except HonoursRefused as refusal:
        raise Http404(refusal.message)
    messages.success(request, _("已保存您的选择。"))
    return redirect("honours:mine")


@login_required
@require_GET
def evidence(request, nomination_id: int, evidence_id: int):
    """A nomination's file, for the centre, the nominating school's staff and the people it names."""
    nomination = nomination_visible_to(request.user, nomination_id)
    item = nomination.evidence.filter(pk=evidence_id).first() if nomination else None
    if item is None:
        raise Http404(_("没有找到。"))
    response = FileResponse(item.file.open("rb"), as_attachment=True, filename=item.original_name)
    response["Cache-Control"] = "private, no-store"
    return response
