"""Data for the sign-off rules (schema in 0005, constraints in 0007).

- Every reply written before sign-off existed was issued when it was entered: it is marked issued, signed off at
  the time its history first records it (else its creation time), on that local day or its letter's date if later,
  by the user who entered it; one entered by someone outside the replying unit is marked as recorded on the unit's
  behalf (代录).
- A co-handling unit's opinion is due ``PROPOSALS["OPINION_MONTHS"]`` after its assignment, and never after the
  unit's reply date.
- Office staff no longer reply for units: their group loses the reply permission.
"""

import calendar

from django.conf import settings
from django.db import migrations
from django.utils import timezone


def add_months(day, months):
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return day.replace(year=year, month=month + 1, day=min(day.day, calendar.monthrange(year, month + 1)[1]))


def issue_existing_replies(apps, schema_editor):
    Reply = apps.get_model("proposals", "Reply")
    HistoricalReply = apps.get_model("proposals", "HistoricalReply")
    first_seen = {}
    for reply_id, moment in HistoricalReply.objects.order_by("history_date").values_list("id", "history_date"):
        first_seen.setdefault(reply_id, moment)
    for reply in Reply.objects.select_related("created_by").iterator():
        moment = first_seen.get(reply.pk) or reply.created
        day = timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
        issued_on = reply.issued_on or day
        values = {
            "status": "issued",
            "issued_on": issued_on,
            "signed_off_at": moment,
            "signed_off_on": max(day, issued_on),
            "signed_off_by_id": reply.created_by_id,
            "on_behalf": reply.created_by is not None and reply.created_by.organization_id != reply.unit_id,
        }
        Reply.objects.filter(pk=reply.pk).update(**values)
        HistoricalReply.objects.filter(id=reply.pk).update(**values)


def opinion_due_dates(apps, schema_editor):
    Assignment = apps.get_model("proposals", "Assignment")
    months = settings.PROPOSALS.get("OPINION_MONTHS", 1)
    for assignment in Assignment.objects.filter(role="co", opinion_due_date__isnull=True).iterator():
        due = min(add_months(assignment.assigned_on, months), assignment.due_date)
        Assignment.objects.filter(pk=assignment.pk).update(opinion_due_date=due)


def office_no_longer_replies(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    reply = Permission.objects.filter(content_type__app_label="proposals", codename="reply_proposal")
    for group in Group.objects.filter(name="office"):
        group.permissions.remove(*reply)


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0005_reply_sign_off_and_handling_units"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(issue_existing_replies, migrations.RunPython.noop),
        migrations.RunPython(opinion_due_dates, migrations.RunPython.noop),
        migrations.RunPython(office_no_longer_replies, migrations.RunPython.noop),
    ]
