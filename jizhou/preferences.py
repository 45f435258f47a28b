"""Display preferences a resident chooses on any page: 长辈版 (elder mode) and text size.

They live in two plain cookies, not in the session or the user's account, so they work before
logging in, on a shared phone, and with JavaScript off: each switch is a small POST form that
lands here and is redirected straight back to the page it came from.
"""

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

ELDER_COOKIE = "elder_mode"
TEXT_SIZE_COOKIE = "text_size"
# Steps above the mode's base size; the CSS maps them to 20/23/26/30 px in elder mode and
# 16/18/20/22 px otherwise (site/static/css/site.css, "Text size").
TEXT_SIZES = (0, 1, 2, 3)
COOKIE_MAX_AGE = 365 * 24 * 60 * 60
PLAIN_TEXT = "text/plain; charset=utf-8"


@dataclass(frozen=True)
class DisplayPreferences:
    elder: bool
    text_size: int

    @property
    def smaller(self) -> int | None:
        return self.text_size - 1 if self.text_size > TEXT_SIZES[0] else None

    @property
    def larger(self) -> int | None:
        return self.text_size + 1 if self.text_size < TEXT_SIZES[-1] else None

    @property
    def html_class(self) -> str:
        classes = ["elder"] if self.elder else []
        if self.text_size:
            classes.append(f"text-{self.text_size}")
        return " ".join(classes)


def display_preferences(request: HttpRequest | None) -> DisplayPreferences:
    """Read the cookies; anything unexpected (tampered or stale) falls back to the default."""
    cookies = request.COOKIES if request is not None else {}
    text_size = cookies.get(TEXT_SIZE_COOKIE, "")
    return DisplayPreferences(
        elder=cookies.get(ELDER_COOKIE) == "1",
        text_size=int(text_size) if text_size.isdigit() and int(text_size) in TEXT_SIZES else 0,
    )


def _back(request: HttpRequest) -> HttpResponse:
    """Return to the page the form was on; only ever to this site."""
    target = request.POST.get("next") or request.headers.get("referer") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = "/"
    return HttpResponseRedirect(target)


def _remember(response: HttpResponse, name: str, value: str) -> None:
    response.set_cookie(
        name,
        value,
        max_age=COOKIE_MAX_AGE,
        samesite="Lax",
        httponly=True,  # read by the server only; the page's script never needs it
        secure=settings.SESSION_COOKIE_SECURE,
    )


@require_POST
def elder_mode(request: HttpRequest) -> HttpResponse:
    """Switch 长辈版 on (`elder_mode=1`) or off (`elder_mode=0`)."""
    value = request.POST.get("elder_mode")
    if value not in {"0", "1"}:
        return HttpResponseBadRequest(_("无法识别的设置：长辈版只能打开或关闭。"), content_type=PLAIN_TEXT)
    response = _back(request)
    _remember(response, ELDER_COOKIE, value)
    return response


@require_POST
def text_size(request: HttpRequest) -> HttpResponse:
    """Set the text size step (0 = the mode's normal size, 3 = the largest)."""
    value = request.POST.get("text_size", "")
    if not value.isdigit() or int(value) not in TEXT_SIZES:
        return HttpResponseBadRequest(_("无法识别的字号。"), content_type=PLAIN_TEXT)
    response = _back(request)
    _remember(response, TEXT_SIZE_COOKIE, value)
    return response
