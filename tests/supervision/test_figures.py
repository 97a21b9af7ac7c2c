"""Each figure of supervision is the count of the list it links to: the department scorecard's notices due, answered
on time and escalated per unit; the dashboard's promises panel (recorded, date come, fulfilled, overdue) and the
committee's figures above the promise list; the district assessment's notices answered on time. A figure that
differs from its list is a bug in one of them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.choices import RegionLevel, Role
from accounts.models import Region
from reports import assessment
from reports.choices import AssessmentIndicator
from supervision import services
from supervision.choices import NoticeLevel
from tests.factories import OrganizationFactory, ProjectFactory, UserFactory
from tests.reports.test_dashboard import count_at
from tests.supervision.world import build_world

pytestmark = pytest.mark.django_db

DASHBOARD = "/reports/dashboard/"
ISSUED = datetime.date(2026, 3, 2)  # a Monday
DEADLINE = datetime.date(2026, 3, 9)
TODAY = datetime.date(2026, 4, 1)
LATER = datetime.date(2026, 5, 29)


def listed(client, url) -> list:
    """Every row of the list page at ``url`` (all its pages)."""
    response = client.get(url)
    assert response.status_code == 200, url
    return list(response.context["paginator"].object_list)


def on_time(notices) -> list:
    """The rows first answered by the end of their deadline, read from the rows themselves."""
    return [n for n in notices if n.first_answered_at and timezone.localtime(n.first_answered_at).date() <= n.deadline]


def answer(notice, actor):
    services.notice_answer(actor=actor, notice=notice, text="已按要求整改完毕。")


@pytest.fixture
def w(set_today, settings):
    """Notices of the unit due and answered on time (on a project and on a proposal), late, unanswered and escalated
    yellow, and one not yet due but hung red; one of another unit answered on time. Promises of the unit's reply
    open, overdue, reported kept (claimed, overdue), fulfilled after their date and fulfilled before it."""
    settings.SUPERVISION = {**settings.SUPERVISION, "ESCALATE_AFTER_WORKING_DAYS": 2}
    set_today(ISSUED)
    w = build_world()

    def issue(unit, deadline=DEADLINE, **subject):
        actor = w.committee if "proposal" in subject else w.office
        subject.setdefault("project", None if "proposal" in subject else ProjectFactory(lead_org=unit))
        return services.notice_issue(actor=actor, unit=unit, text="报送整改情况。", deadline=deadline, **subject)

    w.prompt, w.late, w.unanswered = issue(w.unit), issue(w.unit), issue(w.unit)
    w.red = issue(w.unit, deadline=LATER)
    w.on_proposal = issue(w.unit, proposal=w.proposal)
    w.others = issue(w.other_unit)
    reply = w.course.reply(w.proposal, w.unit)
    w.promises = {
        name: services.commitment_record(actor=w.committee, reply=reply, text=f"承诺：{name}", due_date=due)
        for name, due in (
            ("open", LATER),
            ("overdue", DEADLINE),
            ("claimed", DEADLINE),
            ("fulfilled", DEADLINE),
            ("fulfilled early", LATER),
        )
    }

    set_today(datetime.date(2026, 3, 6))
    for notice in (w.prompt, w.on_proposal):
        answer(notice, w.liaison)
    answer(w.others, w.other_liaison)
    services.commitment_report(actor=w.liaison, commitment=w.promises["claimed"], text="已完成。")
    for name in ("fulfilled", "fulfilled early"):
        services.commitment_confirm(actor=w.committee, commitment=w.promises[name], note="实地查看属实。")
    set_today(datetime.date(2026, 3, 20))
    answer(w.late, w.liaison)
    set_today(TODAY)
    assert services.escalate_overdue(TODAY) == [w.unanswered]
    services.notice_hang_red(actor=w.leader, notice=w.red)
    return w


def dashboard(client, w, **filters):
    client.force_login(w.leader)
    return client.get(DASHBOARD, {"session": w.proposal.session_id, **filters}).context


@pytest.mark.parametrize("filtered", [False, True])
def test_the_scorecards_notice_figures_are_the_lists_they_link_to(client, w, filtered):
    # With a filter the dashboard chose (the projects' status) the figures still count every notice to the unit: the
    # list they link to knows nothing of the dashboard's filters.
    filters = {"status": "in_progress"} if filtered else {}
    rows = {row["id"]: row for row in dashboard(client, w, **filters)["scorecard"]}

    for unit in (w.unit, w.other_unit):
        row = rows[unit.pk]
        due = listed(client, row["notices_url"])
        assert row["notices_due"] == len(due), unit.name
        assert row["notices_on_time"] == round(100 * len(on_time(due)) / len(due), 1), unit.name
        escalated = listed(client, row["escalations_url"])
        assert row["escalations"] == len(escalated), unit.name
        assert all(n.escalated_on or n.level == NoticeLevel.RED for n in escalated)

    ours, theirs = rows[w.unit.pk], rows[w.other_unit.pk]
    # Due: on time twice (project, proposal), late, unanswered; the red one's deadline has not come.
    assert (ours["notices_due"], ours["notices_on_time"], ours["escalations"]) == (4, 50.0, 2)
    assert (theirs["notices_due"], theirs["notices_on_time"], theirs["escalations"]) == (1, 100.0, 0)


def test_the_dashboards_promises_are_the_lists_they_link_to(client, w):
    promises = dashboard(client, w)["proposals"]["promises"]

    # The panel shows ``fulfilled_due`` beside the fulfilled link: of the promises whose date has come.
    for shown, link in (
        ("recorded", "recorded_url"),
        ("due", "due_url"),
        ("fulfilled_due", "fulfilled_url"),
        ("overdue", "overdue_url"),
    ):
        assert promises[shown] == count_at(client, promises[link]), shown
    assert (promises["recorded"], promises["due"], promises["fulfilled_due"], promises["overdue"]) == (5, 3, 1, 2)
    assert promises["rate"] == 33.3


def test_a_liaison_follows_only_the_links_to_lists_that_hold_the_figure(client, w):
    """A unit's people list their own unit's notices and promises only: the other units' notice figures and the
    promises' figures (which count every unit) are shown without a link; their own unit's keep theirs, exact."""
    client.force_login(w.liaison)
    context = client.get(DASHBOARD, {"session": w.proposal.session_id})
    rows = {row["id"]: row for row in context.context["scorecard"]}
    ours, theirs = rows[w.unit.pk], rows[w.other_unit.pk]
    assert ours["notices_due"] == len(listed(client, ours["notices_url"])) == 4
    assert ours["escalations"] == len(listed(client, ours["escalations_url"])) == 2
    assert (theirs["notices_due"], theirs["notices_url"], theirs["escalations_url"]) == (1, None, None)
    assert len(listed(client, f"{reverse('notice-list')}?unit={w.other_unit.pk}&due=true")) == 0
    promises = context.context["proposals"]["promises"]
    assert promises["recorded"] == 5 and not any(promises[link] for link in ("recorded_url", "due_url", "overdue_url"))
    page = context.content.decode()
    assert f"{reverse('commitment-list')}?" not in page  # the menu links the list itself, unfiltered
    assert f"unit={w.other_unit.pk}&amp;due=true" not in page and f"unit={w.unit.pk}&amp;due=true" in page

    # The leader, on the same cached figures, keeps every link.
    rows = {row["id"]: row for row in dashboard(client, w)["scorecard"]}
    assert rows[w.other_unit.pk]["notices_url"] and rows[w.other_unit.pk]["escalations_url"] is not None


def test_the_committees_promise_figures_are_the_rows_of_its_list(client, w):
    client.force_login(w.committee)
    page = f"{reverse('commitment-list')}?session={w.proposal.session_id}"
    figures = client.get(page).context["figures"]

    assert figures["recorded"] == count_at(client, page) == 5
    assert figures["due"] == count_at(client, f"{page}&due=true") == 3
    assert figures["fulfilled_due"] == count_at(client, f"{page}&due=true&status=fulfilled") == 1
    assert figures["overdue"] == count_at(client, f"{page}&overdue=true") == 2
    # Narrowed by a filter, the figures follow the rows chosen.
    assert client.get(f"{page}&status=fulfilled").context["figures"]["recorded"] == 2


def region(name, level, parent=None, code=""):
    return Region.objects.create(name=name, level=level, parent=parent, code=code)


@pytest.fixture
def districts(set_today):
    """A city with two districts, a unit with a project in each and each district's office."""
    set_today(datetime.date(2025, 6, 2))
    city = region("宁波市", RegionLevel.CITY, region("浙江省", RegionLevel.PROVINCE, code="330000"), "330200")
    office_unit = OrganizationFactory(name="宁波市智慧办", region=city)
    Region.objects.filter(pk=city.pk).update(office=office_unit)
    d = {"city": city, "office": UserFactory(username="nb-office", organization=office_unit, role=Role.OFFICE)}
    for key, name, code in (("zhenhai", "镇海区", "330211"), ("xiangshan", "象山县", "330225")):
        place = region(name, RegionLevel.COUNTY, city, code)
        unit = OrganizationFactory(name=f"{name}经信局", region=place)
        d[key] = {
            "region": place,
            "unit": unit,
            "office": UserFactory(
                username=f"{key}-office",
                organization=OrganizationFactory(name=f"{name}智慧办", region=place),
                role=Role.OFFICE,
            ),
            "liaison": UserFactory(username=f"{key}-liaison", organization=unit, role=Role.LIAISON),
        }
    return d


def test_the_assessments_notices_indicator_is_the_list_it_links_to(client, districts, set_today):
    """Of each district's notices whose deadline fell in the year and has passed, the share first answered by it;
    for a past year that includes a deadline on its last day."""
    zhenhai, xiangshan = districts["zhenhai"], districts["xiangshan"]

    def issue(district, deadline):
        project = ProjectFactory(lead_org=district["unit"])
        return services.notice_issue(
            actor=district["office"], project=project, unit=district["unit"], text="报送整改情况。", deadline=deadline
        )

    prompt = issue(zhenhai, datetime.date(2025, 6, 30))
    late = issue(zhenhai, datetime.date(2025, 7, 15))
    issue(xiangshan, datetime.date(2025, 7, 15))  # never answered
    answer(prompt, zhenhai["liaison"])
    set_today(datetime.date(2025, 12, 1))
    last_day = issue(zhenhai, datetime.date(2025, 12, 31))  # answered on its last day: on time
    answer(late, zhenhai["liaison"])
    set_today(datetime.date(2025, 12, 31))
    answer(last_day, zhenhai["liaison"])
    issue(zhenhai, datetime.date(2026, 1, 20))  # next year's
    set_today(datetime.date(2026, 2, 2))
    issue(xiangshan, datetime.date(2026, 3, 31))  # not due yet

    client.force_login(districts["office"])
    for year, expected in (
        (2025, {"镇海区": (3, 66.7), "象山县": (1, 0.0)}),
        (2026, {"镇海区": (1, 0.0), "象山县": (0, None)}),
    ):
        result = assessment.district_assessment(region=districts["city"], year=year)
        for row in result.rows:
            figure = row.figure(AssessmentIndicator.NOTICES)
            due = listed(client, figure.url)
            share = round(100 * len(on_time(due)) / len(due), 1) if due else None
            assert figure.value == share, (year, row.region.name)
            assert figure.detail == f"{len(on_time(due))} / {len(due)}", (year, row.region.name)
            assert (len(due), figure.value) == expected[row.region.name], (year, row.region.name)
