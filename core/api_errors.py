"""The API's refusal: raised by endpoints of any app, answered by the API root (jizhou.api) in one shape.

ApiErrorOut is that shape as a schema: every operation of the OpenAPI document declares it for the refusals
it can give (jizhou.api adds 400/422/429 everywhere, 401/403 where a login is needed, 404 where an id is).
"""

from typing import Annotated

from ninja import Path, Schema


class ApiError(Exception):
    """Raised by endpoints to refuse a request with a reason people can read and a code programs can."""

    def __init__(self, status: int, code: str, detail: str):
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail


class ApiErrorOut(Schema):
    """{"detail": reason in Chinese, "code": machine code}; a 422 also lists the fields at fault."""

    detail: str
    code: str
    errors: list[dict] | None = None


ERROR_SCHEMA_NAME = "ApiErrorOut"
# Refusals any operation can give: a body that is not JSON (400), parameters or a body of the wrong shape (422),
# a limit reached (429).
_EVERY_OPERATION = {400: "请求格式不正确（例如JSON无法解析）", 422: "参数或请求数据格式不正确", 429: "请求过于频繁"}
_WITH_LOGIN = {401: "未登录，或令牌无效、过期、已撤销", 403: "没有权限，或会话请求缺少CSRF令牌"}
_WITH_ID = {404: "没有找到（不属于您的对象也这样回答）"}


def declare_error_responses(openapi: dict) -> dict:
    """Add the refusals each operation can give to an OpenAPI document, all in the ApiErrorOut shape, so clients
    and fuzzers know them. Statuses an operation declares itself keep their description."""
    schemas = openapi.setdefault("components", {}).setdefault("schemas", {})
    schemas[ERROR_SCHEMA_NAME] = ApiErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    body = {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_SCHEMA_NAME}"}}}
    for operations in openapi.get("paths", {}).values():
        for operation in operations.values():
            refusals = dict(_EVERY_OPERATION)
            if operation.get("security"):
                refusals.update(_WITH_LOGIN)
            if any(parameter.get("in") == "path" for parameter in operation.get("parameters", [])):
                refusals.update(_WITH_ID)
            responses = operation.setdefault("responses", {})
            for status, description in refusals.items():
                responses.setdefault(status, {"description": description})
            for status, response in responses.items():
                if int(status) >= 400:  # the routers' own error schemas are this one without `errors`
                    response["content"] = body
    return openapi


# An id in a URL path: a database key, which SQLite keeps in 64 bits. A larger number is not "not found" but a
# request no client of ours makes: 422, declared, instead of the database driver's OverflowError (a 500).
ObjectId = Annotated[int, Path(ge=1, le=2**63 - 1)]
