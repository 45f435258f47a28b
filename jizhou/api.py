"""The JSON API under /api/v1/ (django-ninja). Each app contributes a router.

Errors share one shape: {"detail": "<reason in Chinese>", "code": "<machine code>"}.
"""

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from core.api_errors import ApiError, declare_error_responses


class JizhouAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """The document with every refusal declared (core.api_errors.declare_error_responses)."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return declare_error_responses(schema)


api = JizhouAPI(
    title="蓟州终身学习网 API",
    version="1",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError):
    return api.create_response(request, {"detail": exc.detail, "code": exc.code}, status=exc.status)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError):
    return api.create_response(
        request, {"detail": "请求数据格式不正确。", "code": "invalid", "errors": exc.errors}, status=422
    )


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError):
    return api.create_response(request, {"detail": "请先登录。", "code": "unauthenticated"}, status=401)


_HTTP_ERRORS = {
    400: ("bad_request", "请求格式不正确（例如JSON无法解析）。"),
    403: ("forbidden", "没有权限进行此操作。"),
    404: ("not_found", "没有找到。"),
    405: ("method_not_allowed", "不支持这种请求方法。"),
    429: ("rate_limited", "请求过于频繁，请稍后再试。"),
}


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError):
    # django-ninja's own refusals (unparseable JSON, CSRF…) in the same shape as ours.
    code, detail = _HTTP_ERRORS.get(exc.status_code, ("error", "请求无法处理。"))
    return api.create_response(request, {"detail": detail, "code": code}, status=exc.status_code)


# Routers are added here, one line per app, e.g.:
# api.add_router("/courses/", "courses.search_api.router")
api.add_router("/courses/", "courses.search_api.router")
api.add_router("/auth/", "accounts.api_auth.router")
api.add_router("/", "enrolment.api.router")
api.add_router("/", "records.api.router")
api.add_router("/", "honours.api.router")
api.add_router("/", "media.api.router")
api.add_router("/", "activities.api.router")
api.add_router("/", "learningcity.api.router")
api.add_router("/", "community.api.router")
api.add_router("/", "circles.api.router")
