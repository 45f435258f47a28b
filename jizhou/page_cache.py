"""A shared cache of whole public pages for anonymous visitors (home, catalogue, school and course pages).

Why our own middleware and not Django's per-site cache: every page carries small POST forms (长辈版, 字号,
language) with a CSRF token, and the session machinery adds `Vary: Cookie`, so Django's cache would either
never share a page or share one visitor's CSRF token with the next. Here:

- Only Wagtail pages (`wagtail_serve`) are cached, only for GET, only for anonymous visitors without a
  session or pending messages, only 200 answers that set no cookie of their own, are not private, and belong
  to pages with no view restriction.
- The key is the path with its query, the active language and the display preferences (elder mode, text
  size); it is hashed, so nothing a visitor typed is stored in clear in a key.
- The CSRF token is taken out before storing and each visitor's own token is put back when the page is
  served (CsrfViewMiddleware, above this one, then sets their cookie as usual).
- Two generation tokens guard every entry: the site's, replaced after a publish, unpublish, move or delete of
  any page, and the page path's own, replaced after an enrolment in one of its classes changes the seats.
  Both are read before the page is rendered and stored with it, so no page rendered before a change is served
  after it. A course page lives `PAGE_CACHE_SECONDS` (0 turns the cache off). Listings (home, catalogue,
  school pages) also show "余 N 个名额" for many classes; replacing them on every enrolment would leave them
  uncached on the busiest days, so they live `PAGE_CACHE_LISTING_SECONDS` and may show a seat count that old.
"""

import hashlib
import re
import uuid

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import cc_delim_re
from django.utils.translation import get_language

from courses.models import CoursePage
from jizhou.preferences import display_preferences

GENERATION_KEY = "pagecache:generation"
PATH_GENERATION_PREFIX = "pagecache:path-generation:"
ENTRY_PREFIX = "pagecache:page:"
CSRF_PLACEHOLDER = "__jizhou_csrf_token__"
# What {% csrf_token %} renders (django.template.defaulttags.CsrfTokenNode).
CSRF_INPUT = re.compile(r'(<input type="hidden" name="csrfmiddlewaretoken" value=")[^"]*(">)')
# Headers a cached answer carries again; anything per visitor (Set-Cookie) is never stored.
KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary", "X-Frame-Options", "Cache-Control")
CACHED_URL_NAMES = {"wagtail_serve"}
HIT_HEADER = "X-Page-Cache"


def page_cache_seconds() -> int:
    return getattr(settings, "PAGE_CACHE_SECONDS", 300)


def _hashed(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _path_generation_key(path: str) -> str:
    return PATH_GENERATION_PREFIX + _hashed(path)


def _generation(key: str, found: dict) -> str:
    """The token under `key` (from `found`, read with the entry), created when missing (new, or evicted)."""
    generation = found.get(key)
    if generation is None:
        cache.add(key, uuid.uuid4().hex, timeout=None)
        generation = cache.get(key)
    return generation


def page_cache_clear() -> None:
    """Make every cached page stale (they expire on their own; nothing is scanned)."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def page_cache_clear_path(path: str) -> None:
    """Make the cached variants of one page stale (its language, display and query variants)."""
    cache.set(_path_generation_key(path), uuid.uuid4().hex, timeout=None)


def _may_use_cache(request: HttpRequest) -> bool:
    if request.method != "GET" or page_cache_seconds() <= 0:
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        # A session may hold what makes the page personal (a page password passed, messages to show).
        return False
    return not request.user.is_authenticated


def _entry_key(request: HttpRequest) -> str:
    prefs = display_preferences(request)
    variant = "\n".join((request.get_full_path(), get_language() or "", str(int(prefs.elder)), str(prefs.text_size)))
    return ENTRY_PREFIX + _hashed(variant)


def _lifetime(response: HttpResponse) -> int:
    """Seconds a stored page lives: a course page until its seats change; a listing of many classes briefly."""
    page = response.context_data["page"]
    if isinstance(page, CoursePage):
        return page_cache_seconds()
    return min(page_cache_seconds(), getattr(settings, "PAGE_CACHE_LISTING_SECONDS", 30))


def _may_store(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.user.is_authenticated:  # logged in while the request ran
        return False
    match = getattr(request, "resolver_match", None)
    if match is None or match.url_name not in CACHED_URL_NAMES:
        return False
    cache_control = {part.strip().lower() for part in cc_delim_re.split(response.get("Cache-Control", ""))}
    if cache_control & {"private", "no-cache", "no-store"}:
        return False
    page = (getattr(response, "context_data", None) or {}).get("page")
    return page is not None and not page.get_view_restrictions().exists()


def _stored(response: HttpResponse, generation: tuple[str, str]) -> dict:
    content = CSRF_INPUT.sub(rf"\g<1>{CSRF_PLACEHOLDER}\g<2>", response.content.decode(response.charset))
    headers = {name: response[name] for name in KEPT_HEADERS if name in response}
    return {"generation": generation, "content": content, "headers": headers}


def _served(request: HttpRequest, entry: dict) -> HttpResponse:
    content = entry["content"]
    if CSRF_PLACEHOLDER in content:
        content = content.replace(CSRF_PLACEHOLDER, get_token(request))
    response = HttpResponse(content)
    for name, value in entry["headers"].items():
        response[name] = value
    response[HIT_HEADER] = "hit"
    return response


class AnonymousPageCacheMiddleware:
    """Place after AuthenticationMiddleware (it needs request.user and the active language)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _may_use_cache(request):
            return self.get_response(request)
        key, path_key = _entry_key(request), _path_generation_key(request.path)
        found = cache.get_many([GENERATION_KEY, path_key, key])  # one round trip for a hit
        generation = (_generation(GENERATION_KEY, found), _generation(path_key, found))
        entry = found.get(key)
        if entry is not None and tuple(entry["generation"]) == generation:
            return _served(request, entry)
        response = self.get_response(request)
        if _may_store(request, response):
            cache.set(key, _stored(response, generation), timeout=_lifetime(response))
            response[HIT_HEADER] = "miss"
        return response
