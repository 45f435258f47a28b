"""The API's refusal: raised by endpoints of any app, answered by the API root (jizhou.api) in one shape."""


class ApiError(Exception):
    """Raised by endpoints to refuse a request with a reason people can read and a code programs can."""

    def __init__(self, status: int, code: str, detail: str):
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail
