import pytest
from django.core.cache import cache

from accounts import sms


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    settings.SMS_BACKEND = "accounts.sms.LocmemSmsBackend"
    sms.outbox.clear()
    cache.clear()  # rate-limit counters (locmem, or this run's own Redis database)
    yield sms.outbox
    sms.outbox.clear()
