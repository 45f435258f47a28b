"""One shape for "the rules say no", shared by every service.

A service raises a Refused subclass with a machine `code` and a `message` in Chinese for people; views show
the message, the API answers {"detail": message, "code": code} with the HTTP status the subclass maps the
code to (400 when it does not say).
"""


class Refused(Exception):
    STATUS: dict[str, int] = {}

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message

    @property
    def status(self) -> int:
        return self.STATUS.get(self.code, 400)
