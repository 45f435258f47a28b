"""API authentication: `Authorization: Bearer <token>` (Wagtail's APIToken, stored as a keyed hash) or the
site's session cookie, with Django's CSRF check for unsafe methods on the session path.
"""

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.utils import check_csrf
from wagtail.models import APIToken

from accounts.phone import normalise_phone
from core.api_errors import ApiError
from core.ratelimit import API_TOKEN_PER_ADDRESS, API_TOKEN_PER_PHONE, client_ip, rate_limit_allow

TOKEN_NAME = "API"


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        if not token or not APIToken.validate_token_format(token):
            return None
        api_token = (
            APIToken.objects.select_related("user")
            .filter(key_hash__in=APIToken.candidate_key_hashes(token), revoked_at__isnull=True)
            .first()
        )
        if api_token is None or not api_token.user.is_active:
            return None
        APIToken.objects.filter(pk=api_token.pk).update(last_used_at=timezone.now())
        request.user = api_token.user
        return api_token.user


class SessionCsrfAuth(APIKeyCookie):
    """The logged-in session; POST/DELETE must carry the CSRF token like any form on the site."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest):
        if request.method not in ("GET", "HEAD", "OPTIONS") and check_csrf(request):
            if request.user.is_authenticated:
                raise ApiError(403, "csrf_failed", "请求缺少有效的CSRF令牌，请刷新页面后重试。")
            return None
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key):
        return request.user if request.user.is_authenticated and request.user.is_active else None


api_auth = [BearerTokenAuth(), SessionCsrfAuth()]

router = Router(tags=["登录"])


class TokenIn(Schema):
    phone: str
    password: str


class TokenOut(Schema):
    token: str


@router.post("/token", response={201: TokenOut}, auth=None, summary="用手机号和密码换取接口令牌")
def token_create(request: HttpRequest, data: TokenIn):
    ip = client_ip(request)
    try:
        phone = normalise_phone(data.phone)
    except Exception:
        raise ApiError(400, "invalid_phone", "请输入以1开头的11位中国大陆手机号。")
    if not (rate_limit_allow(API_TOKEN_PER_ADDRESS, ip) and rate_limit_allow(API_TOKEN_PER_PHONE, phone)):
        raise ApiError(429, "rate_limited", "尝试次数过多，请一小时后再试。")
    user = authenticate(request, username=phone, password=data.password)
    if user is None:
        raise ApiError(401, "invalid_credentials", "手机号码或密码不正确。")
    _token, plaintext = APIToken.create_token(user=user, name=TOKEN_NAME)
    return Status(201, {"token": plaintext})
