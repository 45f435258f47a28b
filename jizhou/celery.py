"""The Celery app. Configuration comes from Django settings (CELERY_* names).

Without CELERY_BROKER_URL, settings make tasks run eagerly in-process, so a laptop needs no broker.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jizhou.settings.base")

app = Celery("jizhou")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
