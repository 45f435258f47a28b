"""Sending SMS through a pluggable backend, chosen by settings.SMS_BACKEND (like Django's EMAIL_BACKEND).

- ConsoleSmsBackend: development; prints the message (the body only while DEBUG is on).
- FileSmsBackend: appends one JSON line per message to SMS_FILE_PATH; lets a separate process
  (a Celery worker in the task tests, a developer's `tail -f`) see what was sent.
- LocmemSmsBackend: keeps messages in `accounts.sms.outbox` for the tests of the process itself.
- HttpSmsGateway: production; POSTs JSON to SMS_GATEWAY_URL with the key in a header. Short connect and read
  timeouts: a gateway that hangs fails the send within seconds (SmsError), and the caller retries later.

Full phone numbers and message bodies (which may carry codes) never go to the logs.
"""

import json
import logging
import sys
import threading
from dataclasses import asdict, dataclass
from functools import wraps

import requests
from django.conf import settings
from django.utils import translation
from django.utils.module_loading import import_string

from accounts.phone import mask_phone

logger = logging.getLogger(__name__)

outbox: list["SmsMessage"] = []
_file_lock = threading.Lock()


class SmsError(Exception):
    """The message could not be handed to the gateway."""


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    body: str
    # Names the message for the gateway ("enrolment-reminder:12"), so a send retried after a timeout (the gateway
    # may have taken it) can be recognised as the same message by gateways that deduplicate. Empty: no key.
    key: str = ""


class BaseSmsBackend:
    def send(self, message: SmsMessage) -> None:
        raise NotImplementedError


class ConsoleSmsBackend(BaseSmsBackend):
    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, message: SmsMessage) -> None:
        body = message.body if settings.DEBUG else "（正文仅在开发模式下显示）"
        self.stream.write(f"[SMS → {mask_phone(message.phone)}] {body}\n")
        self.stream.flush()


class LocmemSmsBackend(BaseSmsBackend):
    def send(self, message: SmsMessage) -> None:
        outbox.append(message)


class FileSmsBackend(BaseSmsBackend):
    def send(self, message: SmsMessage) -> None:
        path = settings.SMS_FILE_PATH
        if not path:
            raise SmsError("SMS_FILE_PATH is not set")
        with _file_lock, open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(asdict(message), ensure_ascii=False) + "\n")


class HttpSmsGateway(BaseSmsBackend):
    """A JSON-over-HTTPS SMS gateway: {"phone", "sign", "content"} with `Authorization: Bearer <key>`.

    Chinese SMS providers differ in field names; an adapter subclass overrides `payload()`.
    """

    # Seconds to connect, and to wait for the answer: a resident asking for a code is waiting on this.
    connect_timeout = 3
    read_timeout = 5

    def __init__(self, url: str | None = None, key: str | None = None, sign: str | None = None):
        self.url = url or settings.SMS_GATEWAY_URL
        self.key = key or settings.SMS_GATEWAY_KEY
        self.sign = sign or settings.SMS_SIGN_NAME
        if not self.url:
            raise SmsError("SMS_GATEWAY_URL is not set")

    def payload(self, message: SmsMessage) -> dict:
        return {"phone": message.phone, "sign": self.sign, "content": message.body}

    def send(self, message: SmsMessage) -> None:
        headers = {"Content-Type": "application/json; charset=utf-8", "Authorization": f"Bearer {self.key}"}
        if message.key:
            headers["Idempotency-Key"] = message.key
        try:
            response = requests.post(
                self.url,
                data=json.dumps(self.payload(message), ensure_ascii=False).encode(),
                headers=headers,
                timeout=(self.connect_timeout, self.read_timeout),
            )
        except requests.RequestException as error:
            # The exception's text may carry the URL; its type says enough (Timeout, ConnectionError…).
            logger.warning("SMS gateway unreachable for %s: %s", mask_phone(message.phone), type(error).__name__)
            raise SmsError("SMS gateway unreachable") from error
        status = response.status_code
        if not 200 <= status < 300:
            logger.warning("SMS gateway refused message to %s: HTTP %s", mask_phone(message.phone), status)
            raise SmsError(f"SMS gateway answered HTTP {status}")


def get_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()


def send_sms(*, phone: str, body: str, key: str = "") -> None:
    get_backend().send(SmsMessage(phone=phone, body=body, key=key))
    logger.info("SMS sent to %s", mask_phone(phone))


def in_site_language(func):
    """Texts to other people (a promotion, a reminder, a review decided) are written in the site's language
    (Simplified Chinese), not in whatever language the request or worker that triggered them was using."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return func(*args, **kwargs)

    return wrapper
