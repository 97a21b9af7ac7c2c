"""Each role's start page is its to-do list: every section lists what the role's rules select, its count is the
length of the list it links to (and of its whole list), the navigation's count is the sum of the counts, the cost
does not grow with the rows, and another region's user sees none of it."""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.utils import timezone

from accounts import todo
from accounts.choices import OrganizationKind, RegionLevel, Role
from accounts.models import Region
from projects.choices import ChangeRequestKind, ChangeRequestStatus, ReportStatus
from projects.models import Project, ProjectChangeRequest
from projects.selectors import current_period
from proposals.choices import ProposalStatus
from proposals.models import ResultClass
from supervision.choices import CommitmentStatus, NoticeLevel, NoticeStatus
from supervision.models import Commitment, Instruction, Notice
from supervision.selectors import units_to_chase
from tests.factories import (
    MilestoneFactory,
    OrganizationFactory,
    ProgressReportFactory,
    ProjectFactory,
    ProposalFactory,
    SessionFactory,
    UserFactory,
)
from tests.proposals.course import Course

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("photo_rule_off")]

TODAY = datetime.date(2026, 12, 7)
BADGE = re.compile(r'id="todo-count"[^>]*>(\d+)<')


def on_track(**values):
    """A project just started: green until a late milestone makes it red."""
    return ProjectFactory(
        planned_start=TODAY - datetime.timedelta(days=1), planned_end=TODAY + datetime.timedelta(days=365), **values
    )


def red(project):
    MilestoneFactory(project=project, name="招投标", planned_date=TODAY - datetime.timedelta(days=60))
    return project


def notice(project=None, proposal=None, *, unit, issued_by, **fields):
    # Rows as the services leave them (the services' own tests walk the steps; the notice pages are not here yet).
    return Notice.objects.create(
        region=unit.region,
        project=project,
        proposal=proposal,
        unit=unit,
        text="请于期限内整改并报告。",
        deadline=fields.pop("deadline", TODAY + datetime.timedelta(days=10)),
        issued_by=issued_by,
        **fields,
    )


def region_with_people(name: str, code: str, prefix: str) -> SimpleNamespace:
    """A city with its office, its CPPCC's committee, a leader and two units (the first with a liaison and a
    signer)."""
    province = Region.objects.create(name=f"{name}所在省", level=RegionLevel.PROVINCE, code=f"{code[:2]}0000")
    place = Region.objects.create(name=name, level=RegionLevel.CITY, code=code, parent=province)
    place.office = OrganizationFactory(name=f"{name}智慧办", region=place)
    place.cppcc = OrganizationFactory(name=f"{name}政协提案委", kind=OrganizationKind.CPPCC, region=place)
    place.save(update_fields=["office", "cppcc"])
    w = SimpleNamespace(region=place)
    w.unit = OrganizationFactory(name=f"{name}经济和信息化局", short_name=f"{prefix}经信局", region=place)
    w.other_unit = OrganizationFactory(name=f"{name}水利局", short_name=f"{prefix}水利局", region=place)
    w.office = UserFactory(username=f"{prefix}-office", organization=place.office, role=Role.OFFICE)
    w.committee = UserFactory(username=f"{prefix}-committee", organization=place.cppcc, role=Role.COMMITTEE)
    leaders = OrganizationFactory(name=f"{name}领导小组", region=place)
    w.leader = UserFactory(username=f"{prefix}-leader", organization=leaders, role=Role.LEADER)
    w.liaison = UserFactory(username=f"{prefix}-liaison", organization=w.unit, role=Role.LIAISON)
    w.signer = UserFactory(username=f"{prefix}-signer", organization=w.unit, role=Role.SIGNER)
    return w


@pytest.fixture
def today(set_today):
    set_today(TODAY)
    return TODAY


@pytest.fixture
def world(today, set_today):
    w = region_with_people("宁波市", "330200", "zh")
    unit, other_unit, office_user, committee_user, leader = w.unit, w.other_unit, w.office, w.committee, w.leader
    session = SessionFactory(region=w.region)
    period = current_period(today)
    previous = current_period(today.replace(day=1) - datetime.timedelta(days=1))

    # Proposals, assigned 120 days ago: three months on, their replies are overdue.
    set_today(today - datetime.timedelta(days=120))
    class_b = ResultClass.objects.get_or_create(
        code="B", region=w.region, defaults={"name": "列入计划拟解决", "order": 2}
    )[0]
    course = Course(committee=committee_user, result_class=class_b)
    w.submitted = ProposalFactory(session=session, title="关于建设智慧停车系统的建议")
    w.reassign = course.bring(ProposalFactory(session=session), ProposalStatus.REASSIGN_REQUESTED, lead=other_unit)
    w.overdue = course.bring(
        ProposalFactory(session=session, is_key=True), ProposalStatus.ASSIGNED, lead=unit, co=[other_unit]
    )
    w.replied = course.bring(ProposalFactory(session=session), ProposalStatus.REPLIED, lead=unit)
    w.promised = course.bring(ProposalFactory(session=session), ProposalStatus.REPLIED, lead=other_unit)
    set_today(today)
    w.commitment = Commitment.objects.create(
        region=w.region,
        reply=w.promised.replies.get(),
        unit=other_unit,
        text="年内建成停车诱导系统。",
        due_date=today + datetime.timedelta(days=90),
        recorded_by=committee_user,
        status=CommitmentStatus.CLAIMED,
    )
    w.open_promise = Commitment.objects.create(
        region=w.region,
        reply=w.replied.replies.get(),
        unit=unit,
        text="明年上半年完成数据共享平台。",
        due_date=today + datetime.timedelta(days=180),
        recorded_by=committee_user,
    )

    # Projects: one without this month's report, one returned last month and waiting this month, one red.
    w.missing = on_track(lead_org=unit, code="ZH-01")
    w.returned = on_track(lead_org=unit, code="ZH-02")
    w.red = red(on_track(lead_org=unit, code="ZH-03"))
    w.other = on_track(lead_org=other_unit, code="SL-01")
    w.other_red = red(on_track(lead_org=other_unit, code="SL-02"))
    w.cancelled = on_track(lead_org=unit, code="ZH-09", status="cancelled")
    ProgressReportFactory(project=w.returned, period=previous, status=ReportStatus.RETURNED, review_comment="数据不符")
    ProgressReportFactory(project=w.returned, period=period)
    ProgressReportFactory(project=w.red, period=period, status=ReportStatus.APPROVED)
    ProgressReportFactory(project=w.other_red, period=period, status=ReportStatus.APPROVED)
    MilestoneFactory(project=w.missing, name="上线试运行", planned_date=today + datetime.timedelta(days=10))
    MilestoneFactory(project=w.cancelled, name="不再跟踪", planned_date=today + datetime.timedelta(days=5))

    # Supervision: the red project's notice is overdue, another was answered, the other unit's is listed red.
    w.overdue_notice = notice(w.red, unit=unit, issued_by=office_user, deadline=today - datetime.timedelta(days=3))
    w.answered = notice(w.missing, unit=unit, issued_by=office_user, status=NoticeStatus.ANSWERED, answer="已整改")
    w.red_notice = notice(w.other, unit=other_unit, issued_by=office_user, level=NoticeLevel.RED, red_leader=leader)
    w.proposal_notice = notice(
        proposal=w.overdue, unit=unit, issued_by=committee_user, status=NoticeStatus.ANSWERED, answer="已答复"
    )
    w.instruction = Instruction.objects.create(
        region=w.region,
        project=w.red,
        leader=leader,
        recorded_by=office_user,
        text="请经信局加快推进，月底前报告进展。",
        given_on=today - datetime.timedelta(days=2),
        due_date=today + datetime.timedelta(days=20),
    )
    w.instruction.units.set([unit])
    return w


def start_page(client, user):
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response


def sections(response) -> dict[str, todo.ShownSection]:
    return {key: shown for group in response.context["todo_groups"] for key, shown in group[2].items()}


def listed(client, url: str) -> int:
    """How many rows the page at ``url`` lists: a list page's whole count, the proposal inbox's list or the chasing
    page's units."""
    response = client.get(url)
    assert response.status_code == 200, url
    context = response.context
    if context.get("paginator") is not None:
        return context["paginator"].count
    return len(context["pending"] if "pending" in context else context["rows"])


def codes(shown) -> list[str]:
    return [getattr(row, "code", None) or getattr(row, "number", None) or str(row) for row in shown]


def check_counts(client, user, response):
    """Every section: its count is the length of its whole list and of the list it links to; the navigation's count
    is their sum."""
    shown = sections(response)
    today = timezone.localdate()
    for key, section in shown.items():
        whole = section.section.rows(user, today)
        assert section.count == len(list(whole)), key
        assert len(section.rows) == min(section.count, todo.SHOWN), key
        if section.url:
            assert listed(client, section.url) == section.count, (key, section.url)
    total = sum(section.count for section in shown.values())
    assert int(BADGE.search(response.content.decode()).group(1)) == total
    assert int(BADGE.search(client.get("/projects/").content.decode()).group(1)) == total
    return shown


def test_the_liaisons_start_page(client, world):
    shown = check_counts(client, world.liaison, start_page(client, world.liaison))
    assert [p.code for p in shown["missing_reports"]] == ["ZH-01"]
    assert [r.project.code for r in shown["returned_reports"]] == ["ZH-02"]
    assert [m.name for m in shown["milestones"]] == ["招投标", "上线试运行"]  # not the cancelled project's
    assert [a.proposal_id for a in shown["proposal_inbox"]] == [world.overdue.pk]
    assert [n.pk for n in shown["notices_to_answer"]] == [world.overdue_notice.pk]
    assert [i.pk for i in shown["unit_instructions"]] == [world.instruction.pk]
    assert [c.pk for c in shown["unit_commitments"]] == [world.open_promise.pk]
    html = start_page(client, world.liaison).content.decode()
    assert "数据不符" in html and "请经信局加快推进" in html


def test_the_liaison_sees_the_units_requests_under_their_heading(client, world):
    """Pending requests, and those the office returned within 30 days, listed under a heading that says so."""
    project = Project.objects.filter(lead_org=world.unit).order_by("code").first()
    now = timezone.now()

    def request(status, decided_days_ago=None):
        decided = now - datetime.timedelta(days=decided_days_ago) if decided_days_ago is not None else None
        return ProjectChangeRequest.objects.create(
            project=project,
            kind=ChangeRequestKind.PLAN_CHANGE,
            status=status,
            requested_by=world.liaison,
            requested_at=now - datetime.timedelta(days=40),
            decided_at=decided,
            decided_by=world.office if decided else None,
            decision_note="" if status == ChangeRequestStatus.PENDING else "请补充调整依据",
            reason="计划调整",
        )

    pending, returned = request(ChangeRequestStatus.PENDING), request(ChangeRequestStatus.RETURNED, 5)
    request(ChangeRequestStatus.RETURNED, 31)
    request(ChangeRequestStatus.CONFIRMED, 1)
    html = start_page(client, world.liaison).content.decode()
    listed_requests = re.search(r'<ul[^>]*id="own-requests"[^>]*>(.*?)</ul>', html, re.S)
    assert 'aria-labelledby="own-requests-heading"' in listed_requests.group(0)
    assert "本单位提出的申请：待智慧办确认，或近30天内被退回" in html
    assert listed_requests.group(1).count("<li>") == 2
    assert {pending.get_status_display(), returned.get_status_display()} <= set(
        re.findall(r"badge[^>]*>([^<]+)<", listed_requests.group(1))
    )


def test_the_signer_sees_the_units_answers_to_give(client, world):
    shown = check_counts(client, world.signer, start_page(client, world.signer))
    assert set(shown) >= {"proposal_inbox", "notices_to_answer", "unit_instructions", "unit_commitments"}
    assert "missing_reports" not in shown  # the signer signs off replies; the liaison reports


def test_the_offices_start_page(client, world):
    shown = check_counts(client, world.office, start_page(client, world.office))
    assert [r.project.code for r in shown["waiting_reports"]] == ["ZH-02"]
    assert sorted(p.code for p in shown["red_projects"]) == ["SL-02", "ZH-03"]
    assert [p.code for p in shown["red_without_notice"]] == ["SL-02"]
    assert [n.pk for n in shown["notices_to_review"]] == [world.answered.pk]
    assert [n.pk for n in shown["overdue_notices"]] == [world.overdue_notice.pk]
    assert [i.pk for i in shown["tracked_instructions"]] == [world.instruction.pk]
    chase = units_to_chase(world.office, current_period())
    assert shown["units_to_chase"].count == len(chase) == 2
    assert [row["unit"] for row in shown["units_to_chase"]] == [row["unit"] for row in chase]
    # The chasing list's link is the chasing page (催报), one row a unit.
    assert shown["units_to_chase"].url == f"/supervision/chasing/?period={current_period()}"
    assert "committee_notices_to_review" not in shown and "proposals_to_file" not in shown


def test_the_committees_start_page(client, world):
    shown = check_counts(client, world.committee, start_page(client, world.committee))
    assert [p.pk for p in shown["proposals_to_file"]] == [world.submitted.pk]
    assert [p.pk for p in shown["reassign_requests"]] == [world.reassign.pk]
    # A re-assignment request does not stop the clock (``ProposalStatus.awaiting_reply``).
    overdue = {p.pk: {a.unit.name for a in p.units_owing} for p in shown["overdue_proposals"]}
    assert overdue == {world.overdue.pk: {world.unit.name, world.other_unit.name}, world.reassign.pk: set()}
    assert {p.pk for p in shown["replies_to_publish"]} == {world.replied.pk, world.promised.pk}
    assert {p.pk for p in shown["feedback_to_record"]} == {world.replied.pk, world.promised.pk}
    assert [c.pk for c in shown["commitments_to_confirm"]] == [world.commitment.pk]
    assert shown["replies_without_promise"].count == 0  # both replies have their promise
    assert [n.pk for n in shown["committee_notices_to_review"]] == [world.proposal_notice.pk]
    assert "zh水利局" in start_page(client, world.committee).content.decode()  # a unit that has not answered
    assert "missing_reports" not in shown and "waiting_reports" not in shown


def test_a_promising_reply_without_a_promise_is_listed(client, world):
    world.open_promise.delete()
    shown = check_counts(client, world.committee, start_page(client, world.committee))
    assert [r.proposal_id for r in shown["replies_without_promise"]] == [world.replied.pk]


def test_the_leaders_start_page(client, world):
    shown = check_counts(client, world.leader, start_page(client, world.leader))
    assert {p.code for p in shown["key_projects"]} == {"ZH-01", "ZH-02", "ZH-03", "SL-01", "SL-02"}
    assert {p.code for p in shown["key_projects"].rows[:2]} == {"ZH-03", "SL-02"}  # red first
    assert shown["key_projects"].count == 5  # under way; the cancelled one is not followed
    assert [p.pk for p in shown["key_proposals"]] == [world.overdue.pk]
    assert [i.pk for i in shown["own_instructions"]] == [world.instruction.pk]
    assert [n.pk for n in shown["red_notices"]] == [world.red_notice.pk]
    assert set(shown) == {"key_projects", "key_proposals", "own_instructions", "red_notices"}


def test_nothing_to_do_shows_no_count(client, db, today):
    response = start_page(client, region_with_people("宁波市", "330200", "zh").office)
    assert all(section.count == 0 for section in sections(response).values())
    assert not BADGE.search(response.content.decode())
    assert "没有红灯项目。" in response.content.decode()


def test_the_count_follows_the_work(client, world):
    """Answering the notice takes it off the unit's list and the navigation's count."""
    before = check_counts(client, world.liaison, start_page(client, world.liaison))
    Notice.objects.filter(pk=world.overdue_notice.pk).update(status=NoticeStatus.ANSWERED)
    after = check_counts(client, world.liaison, start_page(client, world.liaison))
    assert after["notices_to_answer"].count == before["notices_to_answer"].count - 1
    assert sum(map(len, after.values())) == sum(map(len, before.values())) - 1


# Cost: the same number of queries with 3 rows a list and with 30.


def grow(w, n: int):
    period = current_period()
    unit, other = w.unit, OrganizationFactory(name=f"镇海区第{n}局", region=w.region)
    for i in range(n):
        project = red(on_track(lead_org=unit if i % 2 else other, code=f"G{n}-{i:02d}"))
        ProgressReportFactory(project=on_track(lead_org=unit, code=f"W{n}-{i:02d}"), period=period)
        notice(project, unit=project.lead_org, issued_by=w.office, deadline=timezone.localdate())
        ProposalFactory(session=w.submitted.session)
        instruction = Instruction.objects.create(
            region=w.region,
            project=project,
            leader=w.leader,
            recorded_by=w.office,
            text="抓紧推进。",
            given_on=timezone.localdate(),
            due_date=timezone.localdate() + datetime.timedelta(days=30),
        )
        instruction.units.set([project.lead_org])
        Commitment.objects.create(
            region=w.region,
            reply=w.replied.replies.get(),
            unit=unit,
            text="逐步落实。",
            due_date=timezone.localdate() + datetime.timedelta(days=60),
            recorded_by=w.committee,
            status=CommitmentStatus.CLAIMED,
        )


@pytest.mark.parametrize("role", ["liaison", "office", "committee", "leader"])
def test_the_start_page_costs_the_same_with_more_rows(client, world, role, django_assert_max_num_queries):
    user = getattr(world, role)
    client.force_login(user)
    grow(world, 3)
    client.get("/")  # what is cached once per process is not the page's cost
    cache.clear()  # both requests count (the counts are cached under the data version otherwise)
    with django_assert_max_num_queries(60) as small:
        response = client.get("/")
    counts = sum(map(len, sections(response).values()))
    grow(world, 30)
    cache.clear()
    with django_assert_max_num_queries(len(small)):
        response = client.get("/")
    assert sum(map(len, sections(response).values())) > counts


def test_the_navigation_count_is_one_query_once_per_request(rf, world, django_assert_max_num_queries):
    request = rf.get("/projects/")
    request.user = world.office
    # The user's roles, permissions and regions are read once a request, whatever reads them.
    world.office.roles, world.office.region_scope, world.office.get_all_permissions()
    # The counts in one query, and the data version they are cached under.
    with django_assert_max_num_queries(2):
        first = todo.total(request)
        assert todo.total(request) == first == 11
    # Another request at the same version: the version alone.
    request = rf.get("/projects/")
    request.user = world.office
    with django_assert_max_num_queries(1):
        assert todo.total(request) == 11


# Another region's user sees none of this region's items.


def test_another_regions_people_see_none_of_it(client, world):
    elsewhere = region_with_people("东莞市", "441900", "dg")
    for role in ("office", "committee", "leader", "liaison", "signer"):
        response = start_page(client, getattr(elsewhere, role))
        shown = sections(response)
        assert shown and all(section.count == 0 and not section.rows for section in shown.values()), role
        html = response.content.decode()
        assert not BADGE.search(html)
        assert "ZH-0" not in html and world.submitted.title not in html
