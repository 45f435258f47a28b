"""Settings for pytest (pyproject.toml): the base settings, plus what every test run needs whatever the
environment says. Subprocesses that stand for production (the Celery worker, `check --deploy`) use the base.
"""

from jizhou.settings.base import *  # noqa: F403

# A run creates and logs in hundreds of people; PBKDF2's cost is for real passwords. No test depends on the hash.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Texts go to a list a test reads (accounts.sms.outbox), never to a gateway, a file or the console.
SMS_BACKEND = "accounts.sms.LocmemSmsBackend"
