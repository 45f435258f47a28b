"""The answer when the database cannot be reached (restarting, failing over): 503 "try again", never a traceback.

Django calls this as the 500 handler (jizhou/urls.py) for any unhandled exception. A lost database connection
is not a fault of the page: the transaction it interrupted was rolled back by the server, so nothing was half
done, and the same request will work once the database is back (connections are health-checked before reuse,
CONN_HEALTH_CHECKS). The page reads nothing from the database. Any other error is the usual 500.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

# Seconds a client (or a person) is told to wait before asking again.
RETRY_AFTER = 30


def database_unavailable(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": _("服务暂时不可用，请稍后重试。"), "code": "unavailable"},
            status=503,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        response = HttpResponse(render_to_string("jizhou/unavailable.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        return database_unavailable(request)
    return defaults.server_error(request)
