"""A shared cache of whole public pages for anonymous visitors (home, catalogue, school and course pages).

Why our own middleware and not Django's per-site cache: every page carries small POST forms (长辈版, 字号,
language) with a CSRF token, and the session machinery adds `Vary: Cookie`, so Django's cache would either
never share a page or share one visitor's CSRF token with the next. Here:

- The middleware is the first in MIDDLEWARE, so a hit skips the rest of the stack (sessions, language, CSRF,
  authentication, security headers: about 6 ms of a 2-core box's CPU per page) and is answered from what the
  full stack produced on the miss: its body and every header it set, as they left the stack.
- Only Wagtail pages (`wagtail_serve`) are cached, only for GET (HEAD is answered from a GET's page), only
  for anonymous visitors: no session or pending-messages cookie and no Authorization header (so nothing can
  make them signed in), and only 200 answers that set no cookie but the visitor's CSRF cookie, are not
  private, and belong to pages with no view restriction.
- The key is the scheme, host, path with its query, the chosen language (jizhou.preferences.chosen_language,
  what SiteLanguageMiddleware activates) and the display preferences (elder mode, text size); it is hashed, so
  nothing a visitor typed is stored in clear in a key.
- Per visitor, a hit gets what the stack would have given them: the CSRF token is taken out before storing and
  the visitor's own put back, with their CSRF cookie set by CsrfViewMiddleware's own hooks; gzip by
  GZipMiddleware's own hook when the visitor accepts it (a gzipped miss is stored unzipped).
- Two generation tokens guard every entry: the site's, replaced after a publish, unpublish, move or delete of
  any page, and the page path's own, replaced after an enrolment in one of its classes changes the seats.
  Both are read before the page is rendered and stored with it, so no page rendered before a change is served
  after it. A course page lives `PAGE_CACHE_SECONDS` (0 turns the cache off). Listings (home, catalogue,
  school pages) also show "余 N 个名额" for many classes; replacing them on every enrolment would leave them
  uncached on the busiest days, so they live `PAGE_CACHE_LISTING_SECONDS` and may show a seat count that old.
- One regenerator per page: a page gone stale (its time is up, or a generation changed) is rendered again by the
  one request that takes its lock in the shared cache (`cache.add`); requests arriving meanwhile get the previous
  page (X-Page-Cache: stale) instead of each rendering it — a course page whose seats change with every enrolment
  of a rush would otherwise be rendered by every visitor in between. They see it as it was at most the render's
  time earlier (the lock expires after `REGENERATION_SECONDS` if its holder dies). A page not stored at all yet
  (first visit, or evicted) is waited for, up to `PAGE_CACHE_WAIT_SECONDS`, then rendered anyway. Entries stay
  in the shared cache `STALE_SECONDS` beyond their lifetime for this.
- Each process keeps the pages it served lately (`PAGE_CACHE_LOCAL_ENTRIES`, LRU) and trusts one for
  `PAGE_CACHE_LOCAL_SECONDS` after it last checked the generations in the shared cache; the process that makes
  a change forgets them at once. So another process may show a page up to that long after a change (1 s: as if
  the visitor had loaded it a second earlier); 0 turns this layer off.
"""

import functools
import gzip
import hashlib
import re
import threading
import time
import uuid

from cachetools import LRUCache
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.middleware.gzip import GZipMiddleware
from django.urls import Resolver404, resolve
from django.utils.cache import cc_delim_re

from courses.models import CoursePage
from jizhou.preferences import chosen_language, display_preferences

GENERATION_KEY = "pagecache:generation"
PATH_GENERATION_PREFIX = "pagecache:path-generation:"
# v3: the entry holds the answer as it left the whole stack (body split at the CSRF token, every header) and the
# time it is fresh until.
ENTRY_PREFIX = "pagecache:page:v3:"
REGENERATING_PREFIX = "pagecache:regenerating:"
# A regenerator that died (killed worker) holds its page's lock at most this long.
REGENERATION_SECONDS = 10
# How long a stale entry is kept for the requests that arrive while it is being rendered again.
STALE_SECONDS = 60
# How often a request waiting for another's first render of a page looks for it.
WAIT_POLL_SECONDS = 0.02
CSRF_PLACEHOLDER = "__jizhou_csrf_token__"
# What {% csrf_token %} renders (django.template.defaulttags.CsrfTokenNode).
CSRF_INPUT = re.compile(r'(<input type="hidden" name="csrfmiddlewaretoken" value=")[^"]*(">)')
# Headers recomputed for each answer; cookies are never stored (they are not headers of the response object).
RECOMPUTED_HEADERS = {"content-length", "content-encoding"}
CACHED_URL_NAMES = {"wagtail_serve"}
SERVED_METHODS = {"GET", "HEAD"}
HIT_HEADER = "X-Page-Cache"


def page_cache_seconds() -> int:
    return getattr(settings, "PAGE_CACHE_SECONDS", 300)


def _hashed(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _path_generation_key(path: str) -> str:
    return PATH_GENERATION_PREFIX + _hashed(path)


def regenerating_key(entry_key: str) -> str:
    """The shared lock held by the one request rendering the page stored under `entry_key` again."""
    return REGENERATING_PREFIX + entry_key


def page_cache_wait_seconds() -> float:
    return getattr(settings, "PAGE_CACHE_WAIT_SECONDS", 3)


class _RecentPages:
    """Pages this process found current in the shared cache lately, each trusted for a short while.

    Thread-safe (gunicorn's gthread workers). A page is trusted `PAGE_CACHE_LOCAL_SECONDS` after the generations
    it was checked against were read; `clear()` forgets everything (this process made a change)."""

    def __init__(self):
        self._pages: LRUCache | None = None
        self._lock = threading.Lock()

    @staticmethod
    def seconds() -> float:
        return getattr(settings, "PAGE_CACHE_LOCAL_SECONDS", 1)

    def get(self, key: str) -> dict | None:
        if self.seconds() <= 0:
            return None
        with self._lock:
            found = self._pages.get(key) if self._pages is not None else None
        if found is None or time.monotonic() - found[0] > self.seconds():
            return None
        return found[1]

    def put(self, key: str, entry: dict, *, checked_at: float) -> None:
        if self.seconds() <= 0:
            return
        with self._lock:
            if self._pages is None:
                self._pages = LRUCache(maxsize=getattr(settings, "PAGE_CACHE_LOCAL_ENTRIES", 200))
            self._pages[key] = (checked_at, entry)

    def clear(self) -> None:
        with self._lock:
            self._pages = None


recent_pages = _RecentPages()


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
    recent_pages.clear()


def page_cache_clear_path(path: str) -> None:
    """Make the cached variants of one page stale (its language, display and query variants)."""
    cache.set(_path_generation_key(path), uuid.uuid4().hex, timeout=None)
    recent_pages.clear()


@functools.lru_cache(maxsize=2048)
def _is_page_path(path_info: str) -> bool:
    """Whether Wagtail serves this path (resolving costs ~0.2 ms; the URL conf never changes while running)."""
    try:
        return resolve(path_info).url_name in CACHED_URL_NAMES
    except Resolver404:
        return False


def _may_use_cache(request: HttpRequest) -> bool:
    if request.method not in SERVED_METHODS or page_cache_seconds() <= 0:
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        # A session may hold who is signed in or what makes the page personal (a page password passed,
        # messages to show).
        return False
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    return _is_page_path(request.path_info)


def entry_key(request: HttpRequest) -> str:
    prefs = display_preferences(request)
    # get_host() also refuses a Host not in ALLOWED_HOSTS (400), as CommonMiddleware would.
    variant = "\n".join(
        (
            request.scheme,
            request.get_host(),
            request.get_full_path(),
            chosen_language(request),
            str(int(prefs.elder)),
            str(prefs.text_size),
        )
    )
    return ENTRY_PREFIX + _hashed(variant)


def _lifetime(response: HttpResponse) -> int:
    """Seconds a stored page lives: a course page until its seats change; a listing of many classes briefly."""
    page = response.context_data["page"]
    if isinstance(page, CoursePage):
        return page_cache_seconds()
    return min(page_cache_seconds(), getattr(settings, "PAGE_CACHE_LISTING_SECONDS", 30))


def _may_store(request: HttpRequest, response: HttpResponse) -> bool:
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    if set(response.cookies) - {settings.CSRF_COOKIE_NAME}:  # the CSRF cookie is set again for each visitor
        return False
    if response.get("Content-Encoding") not in (None, "gzip"):
        return False
    user = getattr(request, "user", None)
    if user is None or user.is_authenticated:  # logged in while the request ran
        return False
    match = getattr(request, "resolver_match", None)
    if match is None or match.url_name not in CACHED_URL_NAMES:
        return False
    cache_control = {part.strip().lower() for part in cc_delim_re.split(response.get("Cache-Control", ""))}
    if cache_control & {"private", "no-cache", "no-store"}:
        return False
    page = (getattr(response, "context_data", None) or {}).get("page")
    return page is not None and not page.get_view_restrictions().exists()


def _is_current(entry: dict | None, generation: tuple[str, str]) -> bool:
    return entry is not None and tuple(entry["generation"]) == generation and entry["fresh_until"] > time.time()


def _stored(response: HttpResponse, generation: tuple[str, str], *, lifetime: int) -> dict:
    body = response.content
    if response.get("Content-Encoding") == "gzip":  # this visitor accepted gzip; the next one may not
        body = gzip.decompress(body)
    content = CSRF_INPUT.sub(rf"\g<1>{CSRF_PLACEHOLDER}\g<2>", body.decode(response.charset))
    return {
        "generation": generation,
        "fresh_until": time.time() + lifetime,
        "parts": [part.encode(response.charset) for part in content.split(CSRF_PLACEHOLDER)],
        "headers": [(name, value) for name, value in response.items() if name.lower() not in RECOMPUTED_HEADERS],
    }


class AnonymousPageCacheMiddleware:
    """Place first in MIDDLEWARE: a hit is answered before the rest of the stack runs."""

    def __init__(self, get_response):
        self.get_response = get_response
        # Their own per-visitor steps, for a hit: the CSRF cookie, and compression.
        self.csrf = CsrfViewMiddleware(get_response)
        self.gzip = GZipMiddleware(get_response)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _may_use_cache(request):
            return self.get_response(request)
        key, path_key = entry_key(request), _path_generation_key(request.path)
        entry = recent_pages.get(key)
        if entry is not None:
            return self._served(request, entry)
        checked_at = time.monotonic()
        found = cache.get_many([GENERATION_KEY, path_key, key])  # one round trip for a hit
        generation = (_generation(GENERATION_KEY, found), _generation(path_key, found))
        entry = found.get(key)
        if _is_current(entry, generation):
            recent_pages.put(key, entry, checked_at=checked_at)
            return self._served(request, entry)
        if None in generation or request.method != "GET":
            # The shared cache did not answer (nobody to share the work with), or a HEAD (its answer is not stored).
            return self._rendered(request, key, generation, checked_at)
        if cache.add(regenerating_key(key), 1, timeout=REGENERATION_SECONDS):
            try:
                # The lock may have been free because its last holder has just stored the page.
                entry = cache.get(key)
                if _is_current(entry, generation):
                    return self._served(request, entry)
                return self._rendered(request, key, generation, checked_at)
            finally:
                cache.delete(regenerating_key(key))
        # Another request is rendering this page.
        if entry is not None:
            return self._served(request, entry, how="stale")
        entry = self._waited_for(key, generation)
        if entry is not None:
            return self._served(request, entry)
        return self._rendered(request, key, generation, checked_at)

    def _rendered(self, request: HttpRequest, key: str, generation: tuple, checked_at: float) -> HttpResponse:
        response = self.get_response(request)
        if _may_store(request, response):
            lifetime = _lifetime(response)
            entry = _stored(response, generation, lifetime=lifetime)
            cache.set(key, entry, timeout=lifetime + STALE_SECONDS)
            if None not in generation:  # the shared cache answered: its generations can be trusted briefly
                recent_pages.put(key, entry, checked_at=checked_at)
            response[HIT_HEADER] = "miss"
        elif request.method == "GET" and None not in generation:
            # The page is no longer one to store (unpublished, restricted, failing): drop the previous copy too, so
            # visitors arriving during another render are not given it.
            cache.delete(key)
        return response

    @staticmethod
    def _waited_for(key: str, generation: tuple) -> dict | None:
        """The page another request is rendering for the first time, once stored; None when it stopped without
        storing one (a page that is not cached) or takes longer than PAGE_CACHE_WAIT_SECONDS."""
        deadline = time.monotonic() + page_cache_wait_seconds()
        while time.monotonic() < deadline:
            time.sleep(WAIT_POLL_SECONDS)
            found = cache.get_many([key, regenerating_key(key)])
            if _is_current(found.get(key), generation):
                return found[key]
            if regenerating_key(key) not in found:
                return None
        return None

    def _served(self, request: HttpRequest, entry: dict, *, how: str = "hit") -> HttpResponse:
        self.csrf.process_request(request)  # reads the visitor's CSRF cookie, if they have one
        response = HttpResponse(get_token(request).encode().join(entry["parts"]))
        for name, value in entry["headers"]:
            response[name] = value
        response["Content-Length"] = str(len(response.content))
        response[HIT_HEADER] = how
        self.csrf.process_response(request, response)  # sets the CSRF cookie when the visitor had none
        return self.gzip.process_response(request, response)
