"""Sends a visitor who chose a town before from the bare home page to that town's portal URL (/?town=…).

The home page is in the shared page cache, keyed by URL. Reading the town cookie while rendering would store
one visitor's town under "/" for everyone; so the page reads the town from the URL only, and this
middleware — placed BEFORE the page cache, so it runs on a hit too — turns the cookie into that URL. The
redirect itself is never cached (private), and the ?town= page is the same for everyone who asks for it.
"""

import re
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponseRedirect

from community.services import TOWN_COOKIE

HOME_PATH = "/"
TOWN_SLUG = re.compile(r"^[-a-z0-9_]{1,80}$")


class RememberedTownMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        slug = request.COOKIES.get(TOWN_COOKIE, "")
        if (
            slug
            and request.path == HOME_PATH
            and request.method in ("GET", "HEAD")
            and "town" not in request.GET
            and TOWN_SLUG.match(slug)
        ):
            query = request.GET.copy()
            query["town"] = slug
            response = HttpResponseRedirect(f"{HOME_PATH}?{urlencode(sorted(query.items()))}")
            response["Cache-Control"] = "private, no-store"
            return response
        return self.get_response(request)
