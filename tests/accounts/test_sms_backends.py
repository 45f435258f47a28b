"""SMS backends: console (masked number, body only in DEBUG), file, and the HTTP gateway against a real server."""

import io
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from accounts.sms import ConsoleSmsBackend, FileSmsBackend, HttpSmsGateway, SmsError, SmsMessage, send_sms

PHONE = "13812341234"


def test_console_prints_masked_number_and_body_only_in_debug(settings):
    stream = io.StringIO()
    settings.DEBUG = True
    ConsoleSmsBackend(stream).send(SmsMessage(PHONE, "验证码123456"))
    settings.DEBUG = False
    ConsoleSmsBackend(stream).send(SmsMessage(PHONE, "验证码654321"))
    out = stream.getvalue()
    assert "138****1234" in out and PHONE not in out
    assert "123456" in out and "654321" not in out


def test_file_backend(settings, tmp_path):
    settings.SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    FileSmsBackend().send(SmsMessage(PHONE, "你好"))
    assert json.loads((tmp_path / "sms.jsonl").read_text())["body"] == "你好"


class _Gateway(BaseHTTPRequestHandler):
    received: list = []
    status = 200

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Gateway.received.append((self.headers["Authorization"], json.loads(body)))
        self.send_response(_Gateway.status)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway():
    server = HTTPServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Gateway.received, _Gateway.status = [], 200
    yield f"http://127.0.0.1:{server.server_port}/send"
    server.shutdown()


def test_http_gateway_posts_json(settings, gateway, caplog):
    settings.SMS_BACKEND = "accounts.sms.HttpSmsGateway"
    settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_KEY = gateway, "k-123"
    with caplog.at_level(logging.INFO):
        send_sms(phone=PHONE, body="验证码246810")
    auth, payload = _Gateway.received[0]
    assert auth == "Bearer k-123"
    assert payload == {"phone": PHONE, "sign": settings.SMS_SIGN_NAME, "content": "验证码246810"}
    assert PHONE not in caplog.text and "246810" not in caplog.text


def test_http_gateway_errors(settings, gateway, caplog):
    _Gateway.status = 500
    with pytest.raises(SmsError), caplog.at_level(logging.WARNING):
        HttpSmsGateway(url=gateway, key="k").send(SmsMessage(PHONE, "x"))
    assert PHONE not in caplog.text
    with pytest.raises(SmsError):
        HttpSmsGateway(url="http://127.0.0.1:9/", key="k").send(SmsMessage(PHONE, "x"))
