"""Display preferences a resident chooses on any page: 长辈版 (elder mode), text size and the language.

Elder mode and text size live in two plain cookies, not in the session or the user's account, so they work before
logging in, on a shared phone, and with JavaScript off: each switch is a small POST form that
lands here and is redirected straight back to the page it came from. The language switch is Django's own
`set_language` view (/i18n/setlang/), which stores the choice in the language cookie; SiteLanguageMiddleware
reads it.
"""

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.numbers import parse_number_in

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
        text_size=parse_number_in(text_size, TEXT_SIZES, default=0),
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
    step = parse_number_in(request.POST.get("text_size"), TEXT_SIZES, default=None)
    if step is None:
        return HttpResponseBadRequest(_("无法识别的字号。"), content_type=PLAIN_TEXT)
    response = _back(request)
    _remember(response, TEXT_SIZE_COOKIE, str(step))
    return response


def chosen_language(request: HttpRequest) -> str:
    """The language a person chose with the language switch, else the site's: Simplified Chinese.

    A phone set to English sends `Accept-Language: en`; that is not a choice made on this site, and residents
    would get English menus around Chinese courses, so it is never read (Django's LocaleMiddleware would)."""
    try:
        return translation.get_supported_language_variant(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, ""))
    except LookupError:  # no cookie, or one naming a language the site does not offer
        return settings.LANGUAGE_CODE


class SiteLanguageMiddleware:
    """Replaces django.middleware.locale.LocaleMiddleware: activate the chosen language for the request.

    The Wagtail admin then applies each staff member's own admin language (their account's preference) over it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        # The same address answers in either language, depending on the cookie.
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response
