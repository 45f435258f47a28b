"""Register, log in with an SMS code, and reset a forgotten password — plain forms, no JavaScript needed."""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.forms import ProfileForm
from accounts.models import CodePurpose
from accounts.phone import mask_phone
from accounts.selectors import api_token_expires_at, api_tokens_of
from accounts.services import AccountRefused, api_token_revoke, sessions_end_everywhere
from accounts.sms_forms import CodeForm, PasswordResetForm, PhoneForm, RegisterForm
from accounts.verification import CodeRefused, code_send, user_login_by_code, user_password_reset, user_register
from core.ratelimit import client_ip

SEND_CODE = "send_code"
BACKEND = "django.contrib.auth.backends.ModelBackend"


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    ok = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return target if ok else "/"


def _send_code(request: HttpRequest, form_class, purpose: str, template: str, context: dict) -> HttpResponse:
    """The 获取验证码 button: validate just the number, send, and show the form again with it filled in."""
    phone_form = PhoneForm(request.POST)
    error, status = None, 200
    if not phone_form.is_valid():
        error, status = phone_form.errors["phone"][0], 400
    else:
        phone = phone_form.cleaned_data["phone"]
        try:
            code_send(phone=phone, purpose=purpose, ip=client_ip(request))
        except CodeRefused as refusal:
            error, status = refusal.message, 429 if refusal.code == "rate_limited" else 400
        else:
            # For login/reset this is said whether or not the number has an account.
            messages.success(request, _("验证码已发送到%(phone)s，10分钟内有效。") % {"phone": mask_phone(phone)})
    form = form_class(initial={"phone": request.POST.get("phone", "")[:20]})
    return render(request, template, {**context, "form": form, "code_error": error}, status=status)


def register(request: HttpRequest) -> HttpResponse:
    template, context = "accounts/register.html", {"next": _next_url(request)}
    if request.method == "POST" and request.POST.get("action") == SEND_CODE:
        return _send_code(request, RegisterForm, CodePurpose.REGISTER, template, context)
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = user_register(
                phone=data["phone"],
                code=data["code"],
                password=data["password1"],
                display_name=data["display_name"],
                birth_year=data["birth_year"],
                home_town=data["home_town"],
            )
        except CodeRefused as error:
            form.add_error("code", error.message)
        else:
            login(request, user, backend=BACKEND)
            messages.success(request, _("注册成功，欢迎您！"))
            return redirect(context["next"])
    return render(request, template, {**context, "form": form})


def login_by_code(request: HttpRequest) -> HttpResponse:
    template, context = "accounts/login_sms.html", {"next": _next_url(request)}
    if request.method == "POST" and request.POST.get("action") == SEND_CODE:
        return _send_code(request, CodeForm, CodePurpose.LOGIN, template, context)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_login_by_code(
                phone=form.cleaned_data["phone"], code=form.cleaned_data["code"], ip=client_ip(request)
            )
        except CodeRefused as error:
            form.add_error("code", error.message)
        else:
            login(request, user, backend=BACKEND)
            return redirect(context["next"])
    return render(request, template, {**context, "form": form})


def password_reset(request: HttpRequest) -> HttpResponse:
    template, context = "accounts/password_reset.html", {}
    if request.method == "POST" and request.POST.get("action") == SEND_CODE:
        return _send_code(request, PasswordResetForm, CodePurpose.RESET, template, context)
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user_password_reset(
                phone=data["phone"], code=data["code"], new_password=data["password1"], ip=client_ip(request)
            )
        except CodeRefused as error:
            form.add_error("code", error.message)
        else:
            messages.success(request, _("密码已重设，请用新密码登录。"))
            return redirect("accounts:login")
    return render(request, template, {**context, "form": form})


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """我的资料: the learner edits their own name, birth year, town, groups and email — nobody else's."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("资料已保存。"))
        return redirect("accounts:profile")
    status = 400 if form.errors else 200
    return render(request, "accounts/profile.html", {"form": form}, status=status)


@login_required
def security(request: HttpRequest) -> HttpResponse:
    """登录与设备: the person's API tokens (name, made, last used, expiry — never the secret), a button to revoke
    each, and 退出所有设备."""
    now = timezone.now()
    tokens = [
        {"token": t, "expires_at": api_token_expires_at(t), "expired": api_token_expires_at(t) <= now}
        for t in api_tokens_of(user=request.user)
    ]
    return render(request, "accounts/security.html", {"tokens": tokens})


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        api_token_revoke(user=request.user, token_id=token_id)
    except AccountRefused as refused:
        return render(request, "accounts/security.html", {"tokens": [], "error": refused.message}, status=404)
    messages.success(request, _("已撤销，使用它的设备需要重新登录。"))
    return redirect("accounts:security")


@login_required
@require_POST
def end_sessions(request: HttpRequest) -> HttpResponse:
    """退出所有设备: every session (this one too) and every API token of the person ends."""
    sessions_end_everywhere(user=request.user)
    logout(request)
    messages.success(request, _("已在所有设备上退出，请重新登录。"))
    return redirect("accounts:login")
