"""The client address behind the proxy (core.ratelimit.client_ip): X-Forwarded-For is believed only when the peer
is a configured trusted proxy, and then only its rightmost hop that is not one of ours; without trusted proxies,
or from anyone else, a forged header changes nothing."""

import pytest
from django.test import RequestFactory

from core.ratelimit import LOGIN_FAILURES_PER_PHONE_ADDRESS, client_ip
from tests.factories import UserFactory


def ip(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **meta))


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert ip("203.0.113.5", "1.2.3.4") == "203.0.113.5"


def test_behind_a_trusted_proxy_the_proxy_s_hop_is_the_client(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2", "172.16.0.0/12"]
    assert ip("10.0.0.2", "198.51.100.7") == "198.51.100.7"
    # The client wrote the left part itself; our proxy appended what it saw.
    assert ip("10.0.0.2", "1.1.1.1, 6.6.6.6, 198.51.100.7") == "198.51.100.7"
    # Two proxies of ours: skip both.
    assert ip("10.0.0.2", "6.6.6.6, 198.51.100.7, 172.16.3.4") == "198.51.100.7"
    assert ip("10.0.0.2", "2001:db8::1") == "2001:db8::1"
    assert ip("10.0.0.2") == "10.0.0.2" and ip("10.0.0.2", "") == "10.0.0.2"
    assert ip("10.0.0.2", "not-an-address") == "10.0.0.2"


def test_a_peer_that_is_not_a_trusted_proxy_cannot_choose_its_address(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    assert ip("203.0.113.5", "10.0.0.2") == "203.0.113.5"
    assert ip("203.0.113.5", "198.51.100.7") == "203.0.113.5"


@pytest.mark.django_db
def test_a_guesser_cannot_escape_a_lockout_by_forging_the_header(client, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    person = UserFactory()

    def attempt(password, forged):
        return client.post(
            "/api/v1/auth/token",
            {"phone": person.phone, "password": password},
            content_type="application/json",
            REMOTE_ADDR="203.0.113.5",
            HTTP_X_FORWARDED_FOR=forged,
        )

    for i in range(LOGIN_FAILURES_PER_PHONE_ADDRESS.failures):
        assert attempt("guess", f"198.51.100.{i}").status_code == 401
    assert attempt("correct-horse-battery", "198.51.100.99").status_code == 429
