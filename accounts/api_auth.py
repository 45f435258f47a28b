"""API authentication: `Authorization: Bearer <token>` (Wagtail's APIToken, stored as a keyed hash) or the
site's session cookie, with Django's CSRF check for unsafe methods on the session path.
"""

import datetime

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.utils import check_csrf

from accounts.login_limits import LoginLocked, password_attempt
from accounts.phone import normalise_phone
from accounts.selectors import api_token_expires_at, api_token_for_bearer, api_tokens_of
from accounts.services import AccountRefused, api_token_create, api_token_revoke, api_token_touch
from core.api_errors import ApiError, ApiErrorOut
from core.ratelimit import client_ip

TOKEN_NAME = "API"


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        api_token = api_token_for_bearer(plaintext=token)
        if api_token is None:  # unknown, revoked, expired, or its owner deactivated: 401
            return None
        api_token_touch(token=api_token)
        request.user = api_token.user
        request.api_token = api_token
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
    phone: str = Field(max_length=40)
    password: str = Field(max_length=256)
    name: str = Field(TOKEN_NAME, min_length=1, max_length=50, description="设备名称，便于在“我的登录设备”中辨认")


class TokenOut(Schema):
    token: str


class TokenInfo(Schema):
    id: int
    name: str
    created: datetime.datetime
    last_used_at: datetime.datetime | None
    expires_at: datetime.datetime
    revoked_at: datetime.datetime | None


@router.post(
    "/token",
    response={201: TokenOut, 400: ApiErrorOut, 401: ApiErrorOut, 429: ApiErrorOut},
    auth=None,
    summary="用手机号和密码换取接口令牌",
    description=f"令牌{settings.API_TOKEN_MAX_AGE_DAYS}天后失效，修改密码后立即失效。只有失败的尝试计数。",
)
def token_create(request: HttpRequest, data: TokenIn):
    try:
        phone = normalise_phone(data.phone)
    except Exception:
        raise ApiError(400, "invalid_phone", "请输入以1开头的11位中国大陆手机号。")
    try:
        with password_attempt(phone=phone, ip=client_ip(request)) as failed:
            user = authenticate(request, username=phone, password=data.password)
            if user is None:
                failed()
                raise ApiError(401, "invalid_credentials", "手机号码或密码不正确。")
    except LoginLocked as locked:
        raise ApiError(429, "rate_limited", locked.message)
    return Status(201, {"token": api_token_create(user=user, name=data.name.strip() or TOKEN_NAME)})


@router.get(
    "/tokens", response={200: list[TokenInfo], 401: ApiErrorOut}, auth=api_auth, summary="我的接口令牌（不含令牌本身）"
)
def token_list(request: HttpRequest):
    return [
        {
            "id": t.pk,
            "name": t.name,
            "created": t.created,
            "last_used_at": t.last_used_at,
            "expires_at": api_token_expires_at(t),
            "revoked_at": t.revoked_at,
        }
        for t in api_tokens_of(user=request.user)
    ]


@router.delete(
    "/tokens/{token_id}",
    response={204: None, 401: ApiErrorOut, 404: ApiErrorOut},
    auth=api_auth,
    summary="撤销我的一个接口令牌",
)
def token_revoke(request: HttpRequest, token_id: int):
    try:
        api_token_revoke(user=request.user, token_id=token_id)
    except AccountRefused as refused:
        raise ApiError(refused.status, refused.code, refused.message)
    return Status(204, None)
