"""The JSON API under /api/v1/ (django-ninja). Each app contributes a router.

Errors share one shape: {"detail": "<reason in Chinese>", "code": "<machine code>"}.
"""

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

api = NinjaAPI(
    title="蓟州终身学习网 API",
    version="1",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


class ApiError(Exception):
    """Raised by endpoints to refuse a request with a reason people can read and a code programs can."""

    def __init__(self, status: int, code: str, detail: str):
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail


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


# Routers are added here, one line per app, e.g.:
# api.add_router("/courses/", "search.api.router")
api.add_router("/courses/", "search.api.router")
