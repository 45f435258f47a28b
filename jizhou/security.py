"""The Content-Security-Policy of pages that are not ours to rewrite (the Wagtail admin).

The site's own pages run no inline script or style (CONTENT_SECURITY_POLICY in settings). A request under a path
prefix listed in CONTENT_SECURITY_POLICY_BY_PATH gets the directives given there in place of the site's, and only
those; every other directive stays as strict.
"""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase


class SiteCSPMiddleware(CSPMiddleware):
    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only or parts.replace is not None:
            return parts  # a view's own @csp_replace decides
        for prefix, directives in settings.CONTENT_SECURITY_POLICY_BY_PATH.items():
            if request.path_info.startswith(prefix):
                parts.replace = directives
                break
        return parts
