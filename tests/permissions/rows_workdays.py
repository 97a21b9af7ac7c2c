"""The permission table's rows for the working-day calendar: everyone reads it, the office keeps it."""

import datetime

from tests.permissions.table import API_READ, OFFICE_405, READ, api, api_list, exists, gone, page
from workdays.models import SpecialDay

OFFICE_ONLY = "LOGIN 200 403 403 403 403"
OFFICE_WRITES = "LOGIN 302 403 403 403 403"
OFFICE_METHODS = "LOGIN 405 403 403 403 403"


def new_day(w):
    return {"date": "2026-11-04", "kind": "day_off", "holiday": "other", "note": "临时放假"}


def moved_day(w):
    return {"date": "2026-10-17", "kind": "worked", "holiday": "national_day"}


# Each status string: anonymous · office · own unit's liaison · other unit's liaison · leader · committee.
WORKDAY_PAGES = [
    page("workday-calendar", GET=READ),
    page("workday-year", kwargs={"year": 2026}, GET=READ),
    page("workday-year", "out of range", kwargs={"year": 3000}, GET="LOGIN 404 404 404 404 404"),
    page(
        "workday-add",
        GET=OFFICE_ONLY,
        POST=OFFICE_WRITES,
        other=OFFICE_METHODS,
        data=new_day,
        done=exists(SpecialDay, date=datetime.date(2026, 11, 4)),
    ),
    page(
        "workday-edit",
        obj="special_day",
        GET=OFFICE_ONLY,
        POST=OFFICE_WRITES,
        other=OFFICE_METHODS,
        data=moved_day,
        done=exists(SpecialDay, date=datetime.date(2026, 10, 17)),
    ),
    page(
        "workday-delete",
        obj="special_day",
        GET=OFFICE_ONLY,
        POST=OFFICE_WRITES,
        other=OFFICE_METHODS,
        done=gone(SpecialDay, "special_day"),
    ),
]

# Read-only: the office keeps the calendar on its page.
WORKDAY_API = [
    api_list("specialday-list", POST=OFFICE_405, PUT=OFFICE_405, DELETE=OFFICE_405),
    api_list("specialday-list", "year", query="year=2026", POST=OFFICE_405, PUT=OFFICE_405, DELETE=OFFICE_405),
    api(
        "specialday-detail",
        obj="special_day",
        GET=API_READ,
        POST=OFFICE_405,
        PUT=OFFICE_405,
        PATCH=OFFICE_405,
        DELETE=OFFICE_405,
    ),
]
