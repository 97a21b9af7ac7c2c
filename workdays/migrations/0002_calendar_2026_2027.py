"""The calendars of 2026 and 2027, so that every installation (and ``load_demo``) counts working days right.

2026: 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04), as published by Xinhua.

2027: the State Council had not published its notice when this was written, so the year holds only what the law
fixes (《全国年节及纪念日放假办法》 as revised in 2024: 元旦 1 day, 春节 4 days from 除夕, 清明 1, 劳动节 2, 端午 1,
中秋 1, 国庆 3; a holiday on a Saturday or Sunday is made up on a working day, here the next ones), the lunar dates
computed (春节 2027-02-06, 清明 04-05, 端午 06-09, 中秋 09-15), every row marked provisional: the notice will
add the usual bridging days and weekend days worked, and the office corrects the year on the calendar page.
"""

import datetime

from django.db import migrations

NOTICE_2026 = "国务院办公厅关于2026年部分节假日安排的通知"
PROVISIONAL_2027 = "法定假日及补休（推算），待国务院办公厅2027年节假日安排通知核对"

# (holiday, first day off, last day off, weekend days worked)
DAYS_2026 = [
    ("new_year", "2026-01-01", "2026-01-03", ["2026-01-04"]),
    ("spring_festival", "2026-02-15", "2026-02-23", ["2026-02-14", "2026-02-28"]),
    ("qingming", "2026-04-04", "2026-04-06", []),
    ("labour_day", "2026-05-01", "2026-05-05", ["2026-05-09"]),
    ("dragon_boat", "2026-06-19", "2026-06-21", []),
    ("mid_autumn", "2026-09-25", "2026-09-27", []),
    ("national_day", "2026-10-01", "2026-10-07", ["2026-09-20", "2026-10-10"]),
]
# (holiday, statutory days off, made-up weekdays for those on a weekend)
DAYS_2027 = [
    ("new_year", ["2027-01-01"], []),
    ("spring_festival", ["2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08"], ["2027-02-09", "2027-02-10"]),
    ("qingming", ["2027-04-05"], []),
    ("labour_day", ["2027-05-01", "2027-05-02"], ["2027-05-03", "2027-05-04"]),
    ("dragon_boat", ["2027-06-09"], []),
    ("mid_autumn", ["2027-09-15"], []),
    ("national_day", ["2027-10-01", "2027-10-02", "2027-10-03"], ["2027-10-04", "2027-10-05"]),
]


def rows():
    for holiday, first, last, worked in DAYS_2026:
        day, end = datetime.date.fromisoformat(first), datetime.date.fromisoformat(last)
        while day <= end:
            yield {"date": day, "kind": "day_off", "holiday": holiday, "provisional": False, "note": NOTICE_2026}
            day += datetime.timedelta(days=1)
        for value in worked:
            yield {
                "date": datetime.date.fromisoformat(value),
                "kind": "worked",
                "holiday": holiday,
                "provisional": False,
                "note": NOTICE_2026,
            }
    for holiday, statutory, made_up in DAYS_2027:
        for value in [*statutory, *made_up]:
            yield {
                "date": datetime.date.fromisoformat(value),
                "kind": "day_off",
                "holiday": holiday,
                "provisional": True,
                "note": PROVISIONAL_2027,
            }


def add_calendars(apps, schema_editor):
    SpecialDay = apps.get_model("workdays", "SpecialDay")
    for values in rows():
        # A day the office already entered stays as the office has it.
        SpecialDay.objects.get_or_create(date=values.pop("date"), defaults=values)


def remove_calendars(apps, schema_editor):
    SpecialDay = apps.get_model("workdays", "SpecialDay")
    SpecialDay.objects.filter(date__in=[values["date"] for values in rows()], note__in=[NOTICE_2026, PROVISIONAL_2027]).delete()


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]

    operations = [migrations.RunPython(add_calendars, remove_calendars)]
