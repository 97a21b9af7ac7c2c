"""The Celery application: background jobs (large exports) and the schedule (reminders, notification dispatch).

Settings are Django's, under the ``CELERY_`` prefix (config/settings.py). Without ``CELERY_BROKER_URL`` every task
runs in the process that asks for it (``task_always_eager``), so ``make run`` and the tests need nothing besides
SQLite; production runs ``celery -A config worker`` and ``celery -A config beat`` against Redis (README, Production).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
