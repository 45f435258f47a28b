"""Settings read the environment variables README.md documents, with the documented defaults.

jizhou/settings/base.py is run afresh for each case (as a process would at start-up) with only the variables the
case sets; nothing in this test process's settings changes.
"""

import runpy
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from jizhou.settings.env import Env

BASE = Path(__file__).resolve().parents[2] / "jizhou" / "settings" / "base.py"
VARIABLES = [
    "DJANGO_DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "DATABASE_URL", "TEST_DATABASE_NAME",
    "REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "ELASTICSEARCH_URL", "ELASTICSEARCH_INDEX",
    "DJANGO_HTTPS", "EMAIL_BACKEND", "DEFAULT_FROM_EMAIL", "SMS_BACKEND", "SMS_GATEWAY_URL", "SMS_GATEWAY_KEY",
    "SMS_SIGN_NAME", "SMS_FILE_PATH", "XAPI_LRS_URL", "XAPI_LRS_USERNAME", "XAPI_LRS_PASSWORD", "XAPI_LRS_TIMEOUT",
    "XAPI_RETRY_BACKOFF", "SITE_URL", "WAGTAILADMIN_BASE_URL", "CJK_FONT_PATH", "JIZHOU_VAR_DIR", "LOG_LEVEL",
    "TRUSTED_PROXIES", "SEARCH_URL", "SEARCH_ENGINE_FLAVOUR", "SEARCH_TIMEOUT", "SEARCH_RETRY_AFTER",
    "SEARCH_INDEX_RETRY_FACTOR",
]  # fmt: skip
SECRET = "test-only-" + "x9Qm2LpR7vTz4KcW8bNd3HfJ6sYa1GeU5oPi0XrVkCwMnBqEtZjS"


@pytest.fixture
def read(monkeypatch):
    def run(**environ: str) -> dict:
        for name in VARIABLES:
            monkeypatch.delenv(name, raising=False)
        for name, value in environ.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(BASE))

    return run


def test_debug_is_off_unless_asked_for(read):
    """A server started with nothing set shows no debug pages: it refuses to start without its own key."""
    with pytest.raises(ImproperlyConfigured, match="DJANGO_DEBUG=1"):
        read()
    s = read(SECRET_KEY=SECRET)
    assert s["DEBUG"] is False and s["HTTPS"] is True and s["SECURE_SSL_REDIRECT"] is True


def test_embedded_defaults(read):
    """`make run` (DJANGO_DEBUG=1, nothing else): SQLite under var/, eager tasks, local-memory cache."""
    s = read(DJANGO_DEBUG="1")
    assert s["DEBUG"] is True and s["SECRET_KEY"].startswith("django-insecure-")
    assert s["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost", "[::1]", "testserver"] and s["CSRF_TRUSTED_ORIGINS"] == []
    db = s["DATABASES"]["default"]
    assert db["ENGINE"] == "django.db.backends.sqlite3" and db["NAME"] == str(s["VAR_DIR"] / "jizhou.sqlite3")
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE" and db["CONN_MAX_AGE"] == 0
    assert s["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
    assert s["CACHES"]["renditions"]["BACKEND"].endswith("LocMemCache")
    assert s["CELERY_TASK_ALWAYS_EAGER"] is True and s["CELERY_RESULT_BACKEND"] is None
    assert s["ELASTICSEARCH_URL"] == "" and s["ELASTICSEARCH_INDEX"] == "jizhou-courses"
    assert s["SEARCH_URL"] == "" and s["SEARCH_ENGINE_FLAVOUR"] == "" and s["SEARCH_TIMEOUT"] == 2.0
    assert s["HTTPS"] is False and s["SESSION_COOKIE_SECURE"] is False and s["SECURE_HSTS_SECONDS"] == 0
    assert s["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert s["SMS_BACKEND"] == "accounts.sms.ConsoleSmsBackend" and s["SMS_SIGN_NAME"] == "蓟州终身学习网"
    assert s["XAPI_LRS_URL"] == "" and s["XAPI_LRS_TIMEOUT"] == 10.0 and s["XAPI_RETRY_BACKOFF"] == 30
    assert s["XAPI_HOME_PAGE"] == s["WAGTAILADMIN_BASE_URL"] == "http://127.0.0.1:8000"
    assert s["CJK_FONT_PATH"] == "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
    assert s["TRUSTED_PROXIES"] == []


def test_production(read):
    s = read(
        DJANGO_DEBUG="0",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="learning.jizhou.example, www.jizhou.example",
        CSRF_TRUSTED_ORIGINS="https://learning.jizhou.example",
        DATABASE_URL="postgres://jizhou:p%40ss@db.internal:5433/jizhou",
        REDIS_URL="redis://cache.internal:6379/0",
        CELERY_BROKER_URL="redis://cache.internal:6379/2",
        ELASTICSEARCH_URL="http://search.internal:9200",
        ELASTICSEARCH_INDEX="courses-2",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        SMS_BACKEND="accounts.sms.HttpSmsGateway",
        SMS_GATEWAY_URL="https://sms.example/send",
        SMS_GATEWAY_KEY="k-1",
        XAPI_LRS_URL="https://lrs.example/xAPI/",
        XAPI_LRS_USERNAME="lrs",
        XAPI_LRS_PASSWORD="pw",
        SITE_URL="https://learning.jizhou.example",
        CJK_FONT_PATH="/opt/fonts/noto.ttc",
        TRUSTED_PROXIES="10.0.0.2, 172.16.0.0/12",
    )
    assert s["TRUSTED_PROXIES"] == ["10.0.0.2", "172.16.0.0/12"]
    assert s["DEBUG"] is False and s["SECRET_KEY"] == SECRET
    assert s["ALLOWED_HOSTS"] == ["learning.jizhou.example", "www.jizhou.example"]
    assert s["CSRF_TRUSTED_ORIGINS"] == ["https://learning.jizhou.example"]
    db = s["DATABASES"]["default"]
    assert (db["ENGINE"], db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "django.db.backends.postgresql", "jizhou", "jizhou", "p@ss", "db.internal", 5433,
    )  # fmt: skip
    assert db["CONN_MAX_AGE"] == 60 and db["CONN_HEALTH_CHECKS"] is True and "TEST" not in db
    assert s["CACHES"]["default"] == {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://cache.internal:6379/0",
        # A Redis that is down reads as misses within a second (docs/deployment.md, "When a part fails").
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 1},
    }
    assert s["CACHES"]["renditions"]["KEY_PREFIX"] == "renditions"
    assert s["CELERY_BROKER_URL"] == "redis://cache.internal:6379/2" and s["CELERY_TASK_ALWAYS_EAGER"] is False
    assert s["ELASTICSEARCH_URL"] == "http://search.internal:9200" and s["ELASTICSEARCH_INDEX"] == "courses-2"
    assert s["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (s["SMS_BACKEND"], s["SMS_GATEWAY_URL"], s["SMS_GATEWAY_KEY"]) == (
        "accounts.sms.HttpSmsGateway", "https://sms.example/send", "k-1",
    )  # fmt: skip
    assert s["XAPI_LRS_URL"] == "https://lrs.example/xAPI/"
    assert (s["XAPI_LRS_USERNAME"], s["XAPI_LRS_PASSWORD"]) == ("lrs", "pw")
    assert s["XAPI_HOME_PAGE"] == "https://learning.jizhou.example" and s["CJK_FONT_PATH"] == "/opt/fonts/noto.ttc"
    # HTTPS follows DJANGO_DEBUG.
    assert s["HTTPS"] and s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"] and s["SECURE_SSL_REDIRECT"]
    assert s["SECURE_HSTS_SECONDS"] == 60 * 60 * 24 * 365
    assert s["STORAGES"]["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_secret_key_is_required_without_debug(read):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        read(DJANGO_DEBUG="0")
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        read(DJANGO_DEBUG="0", SECRET_KEY="")


def test_https_can_be_turned_off_behind_a_plain_proxy_and_on_in_debug(read):
    assert read(DJANGO_DEBUG="0", SECRET_KEY=SECRET, DJANGO_HTTPS="0")["SECURE_SSL_REDIRECT"] is False
    assert read(DJANGO_DEBUG="1", DJANGO_HTTPS="1")["SESSION_COOKIE_SECURE"] is True


def test_test_database_name_for_shared_servers(read):
    s = read(
        DJANGO_DEBUG="1",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/jizhou",
        TEST_DATABASE_NAME="test_jizhou_ming",
    )
    assert s["DATABASES"]["default"]["TEST"] == {"NAME": "test_jizhou_ming"}


def test_empty_variables_count_as_unset(read):
    s = read(
        DJANGO_DEBUG="", SECRET_KEY=SECRET, DJANGO_HTTPS="", DATABASE_URL="", REDIS_URL="", CELERY_BROKER_URL="",
        SITE_URL="",
    )  # fmt: skip
    assert s["DEBUG"] is False and s["HTTPS"] is True
    assert s["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert s["CACHES"]["default"]["BACKEND"].endswith("LocMemCache") and s["CELERY_TASK_ALWAYS_EAGER"] is True
    assert s["XAPI_HOME_PAGE"] == s["WAGTAILADMIN_BASE_URL"]


def test_values_are_taken_as_they_are():
    """django-environ would read `$abc` as "the value of variable abc"; a generated secret may start with `$`."""
    env = Env({"SECRET_KEY": "$9x!k", "XAPI_LRS_PASSWORD": "$$pw", "OTHER": "a$b", "DJANGO_DEBUG": "0"})
    assert env.str("SECRET_KEY") == "$9x!k" and env.str("XAPI_LRS_PASSWORD", default="") == "$$pw"
    assert env.str("OTHER") == "a$b" and env.bool("DJANGO_DEBUG", default=True) is False


def test_name_lists_drop_spaces_and_empty_items():
    env = Env({"ALLOWED_HOSTS": " a.example , ,b.example,"})
    assert env.names("ALLOWED_HOSTS") == ["a.example", "b.example"]
    assert env.names("CSRF_TRUSTED_ORIGINS") == []


def test_documented_booleans():
    for value, expected in [("1", True), ("0", False), ("true", True), ("false", False), ("on", True), ("off", False)]:
        assert Env({"DJANGO_HTTPS": value}).bool("DJANGO_HTTPS", default=not expected) is expected


def test_the_test_settings():
    """pytest runs with jizhou.settings.test: the base, with a fast password hasher and texts kept in a list."""
    assert settings.SETTINGS_MODULE == "jizhou.settings.test"
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]
    assert settings.SMS_BACKEND == "accounts.sms.LocmemSmsBackend"
    assert settings.WAGTAILADMIN_USER_LOGIN_FORM == "accounts.login_limits.AdminLoginForm"
