"""Brings values stored before the bounds of common.bounds (0009) within them, so that its constraints can be added:
sessions' years into 1980–2100, dates into 1949–2100, texts cut at their new length."""

import datetime

from django.db import migrations
from django.db.models.functions import Length, Substr

FIRST_DAY, LAST_DAY = datetime.date(1949, 1, 1), datetime.date(2100, 12, 31)
TEXT_MAX, DOCUMENT_MAX = 5000, 20000


def clamp(model, field, low, high):
    model._base_manager.filter(**{f"{field}__lt": low}).update(**{field: low})
    model._base_manager.filter(**{f"{field}__gt": high}).update(**{field: high})


def cut(model, field, limit):
    rows = model._base_manager.annotate(_length=Length(field)).filter(_length__gt=limit)
    model._base_manager.filter(pk__in=list(rows.values_list("pk", flat=True))).update(
        **{field: Substr(field, 1, limit)}
    )


def forwards(apps, schema_editor):
    get = lambda name: apps.get_model("proposals", name)  # noqa: E731
    clamp(get("Session"), "year", 1980, 2100)
    dates = {
        "Session": ["opening_date"],
        "Proposal": ["submitted_on", "due_date"],
        "Assignment": ["assigned_on", "due_date", "original_due_date", "opinion_on"],
        "Reply": ["issued_on", "due_date"],
        "Feedback": ["given_on"],
    }
    for model, fields in dates.items():
        for field in fields:
            clamp(get(model), field, FIRST_DAY, LAST_DAY)
    texts = {
        "Proposal": {"content": DOCUMENT_MAX, "suggestions": DOCUMENT_MAX, "not_filed_reason": TEXT_MAX},
        "Assignment": {"opinion": DOCUMENT_MAX},
        "Reply": {"text": DOCUMENT_MAX},
        "Feedback": {"comment": TEXT_MAX},
        "Event": {"note": DOCUMENT_MAX},
    }
    for model, fields in texts.items():
        for field, limit in fields.items():
            cut(get(model), field, limit)


class Migration(migrations.Migration):
    dependencies = [("proposals", "0007_reply_and_assignment_constraints")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
