"""The working-day calendar page: everyone reads it, the office keeps it, bad input is answered with the form's
errors in Chinese, and the API lists a year."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from workdays.choices import DayKind, Holiday
from workdays.models import SpecialDay

pytestmark = pytest.mark.django_db

D = datetime.date


def day_data(**values):
    return {"date": "2026-11-04", "kind": DayKind.DAY_OFF, "holiday": Holiday.OTHER, "note": "临时放假", **values}


@pytest.fixture
def office(client, office_user):
    client.force_login(office_user)
    return client


def test_everyone_reads_the_year(client, liaison, leader, committee_user):
    for user in (liaison, leader, committee_user):
        client.force_login(user)
        page = client.get(reverse("workday-year", args=[2026])).content.decode()
        assert "2026-10-10" in page and "2026-02-18" in page
        assert "248" in page  # the year's working days
        assert reverse("workday-add") not in page


def test_provisional_year_says_so(office):
    page = office.get(reverse("workday-year", args=[2027])).content.decode()
    assert "国务院办公厅关于2027年部分节假日安排的通知" in page
    assert "暂定" in page
    assert reverse("workday-year", args=[2026]) in page and reverse("workday-year", args=[2028]) in page
    confirmed = office.get(reverse("workday-year", args=[2026])).content.decode()
    assert "暂定" not in confirmed


def test_current_year_and_years_without_rows(office, set_today):
    set_today(D(2026, 12, 6))
    assert office.get(reverse("workday-calendar")).context["year"] == 2026
    page = office.get(reverse("workday-year", args=[2031])).content.decode()
    assert "周一至周五" in page
    assert office.get("/workdays/99999999/").status_code == 404
    assert office.get("/workdays/1948/").status_code == 404


def test_office_adds_edits_and_deletes_a_day(office):
    response = office.post(reverse("workday-add"), day_data())
    assert response.status_code == 302 and response["Location"] == reverse("workday-year", args=[2026])
    added = SpecialDay.objects.get(date=D(2026, 11, 4))
    assert added.kind == DayKind.DAY_OFF
    response = office.post(
        reverse("workday-edit", args=[added.pk]), day_data(date="2026-11-07", kind=DayKind.WORKED, provisional="on")
    )
    assert response.status_code == 302
    added.refresh_from_db()
    assert (added.date, added.kind, added.provisional) == (D(2026, 11, 7), DayKind.WORKED, True)
    response = office.post(reverse("workday-delete", args=[added.pk]))
    assert response.status_code == 302 and not SpecialDay.objects.filter(pk=added.pk).exists()


def test_liaison_may_not_edit(client, liaison):
    client.force_login(liaison)
    day = SpecialDay.objects.get(date=D(2026, 10, 10))
    assert client.get(reverse("workday-add")).status_code == 403
    assert client.post(reverse("workday-add"), day_data()).status_code == 403
    assert client.post(reverse("workday-edit", args=[day.pk]), day_data()).status_code == 403
    assert client.post(reverse("workday-delete", args=[day.pk])).status_code == 403
    assert not SpecialDay.objects.filter(date=D(2026, 11, 4)).exists()
    assert SpecialDay.objects.filter(pk=day.pk, kind=DayKind.WORKED).exists()


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"date": "2026-02-30"}, "date", "有效的日期"),
        ({"date": "不是日期"}, "date", "有效的日期"),
        ({"date": "99999-01-01"}, "date", "有效的日期"),
        ({"date": "1900-01-01"}, "date", "1949-01-01"),
        ({"date": "2026-10-01"}, "date", "已在日历中"),  # already there: 国庆节
        ({"kind": "weekend"}, "kind", "有效的选项"),
        ({"holiday": ""}, "holiday", "必填"),
        ({"kind": DayKind.WORKED}, "kind", "周六或周日"),  # 4 November 2026 is a Wednesday
        ({"note": "注" * 201}, "note", "200"),
    ],
)
def test_bad_input_is_a_form_error(office, values, field, message):
    with translation.override("zh-hans"):
        response = office.post(reverse("workday-add"), day_data(**values), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field]), errors
    assert SpecialDay.objects.filter(date__year=2026).count() == 39


def test_api_lists_a_year(api, liaison):
    answer = api.as_user(liaison).get("/api/v1/workdays/", {"year": 2026, "page_size": 100})
    assert answer.status_code == 200
    rows = answer.json()["results"]
    assert len(rows) == 39
    shown = [{key: row[key] for key in ("date", "kind", "holiday", "provisional")} for row in rows]
    assert {"date": "2026-10-10", "kind": "worked", "holiday": "national_day", "provisional": False} in shown
    assert api.get("/api/v1/workdays/", {"year": "abc"}).status_code == 400
    assert api.get("/api/v1/workdays/", {"year": 99999}).status_code == 400
    assert api.post("/api/v1/workdays/", {"date": "2026-11-04"}).status_code == 403
