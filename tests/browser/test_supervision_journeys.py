"""Issue 21's journeys in a real browser, each on a small world of its own: the office chases a unit that has not
reported and the liaison reports; a red project's notice goes unanswered, turns yellow, gets a leader's instruction and
is listed red, is answered with evidence and closed; a class-B reply's promise is linked to a project whose approved
report reaches the committee and, by text message, the consenting proposer; each role's start page counts what it
lists. No page fetches from outside the server, logs a console error or gets a 4xx/5xx answer.

Skipped where chromium is missing, unless REQUIRE_BROWSER is set."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from accounts.choices import Role
from notifications.models import Delivery, Notification
from projects.choices import ReportStatus
from projects.models import ProgressReport
from projects.selectors import current_period
from proposals.choices import ProposalStatus
from proposals.models import ResultClass
from supervision import services
from supervision.choices import NoticeLevel, NoticeStatus, Step
from supervision.models import Chase, Commitment, Notice, ProposerContact
from supervision.services.notices import escalation_day
from tests.attachments import pictures
from tests.factories import (
    MilestoneFactory,
    ProgressReportFactory,
    ProjectFactory,
    ProposalFactory,
    SessionFactory,
    unit_user,
)
from tests.home.test_start_pages import region_with_people
from tests.notifications.receiver import Receiver, start
from tests.proposals.course import Course

from .support import assert_no_problems, log_out, requires_browser, screenshot

pytestmark = [requires_browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-2026-word"  # every factory-made account's
LOGIN_BUTTON = "form:has(input[name=password]) button[type=submit]"


def log_in(page, base, user):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click(LOGIN_BUTTON)
    page.wait_for_url(f"{base}/")


def world():
    """``region_with_people``'s city, its people named as the pages show them (the screenshots read like the office's
    own pages)."""
    w = region_with_people("宁波市", "330200", "zh")
    names = {"office": "王静", "committee": "陈丽", "leader": "张建国", "liaison": "李强", "signer": "应国平"}
    for role, name in names.items():
        user = getattr(w, role)
        user.last_name, user.first_name = name[0], name[1:]
        user.save(update_fields=["last_name", "first_name"])
    short_names = {
        w.unit: "市经信局",
        w.other_unit: "市水利局",
        w.office.organization: "市智慧办",
        w.leader.organization: "市领导小组",
        w.committee.organization: "市政协提案委",
    }
    for organization, short_name in short_names.items():
        organization.short_name = short_name
        organization.save(update_fields=["short_name"])
    return w


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def on_track(unit, code):
    """A key project just started: green until a late milestone makes it red."""
    return ProjectFactory(
        lead_org=unit, code=code, name=f"智慧项目{code}", planned_start=days(-1), planned_end=days(365)
    )


def red(project):
    MilestoneFactory(project=project, name="招投标", planned_date=days(-60))
    return project


def bell(page) -> int:
    badge = page.locator("#notification-bell .badge")
    return int(badge.inner_text()) if badge.count() else 0


def todo_count(page, key) -> int:
    return int(page.locator(f"#todo-{key} .todo-count").inner_text())


def step_labels(*steps) -> list[str]:
    with translation.override("zh-hans"):
        return [str(step.label) for step in steps]


def test_the_office_chases_a_unit_and_the_liaison_reports(browser_page, live_server, photo_rule_off):
    page, base = browser_page, live_server.url
    w = world()
    period = current_period()
    late = on_track(w.unit, "ZH-01")
    on_track(w.other_unit, "SL-01"), on_track(w.other_unit, "SL-02")

    # The office's start page lists both units that have not reported, with their counts; 催报 the first.
    log_in(page, base, w.office)
    chasing = page.locator("#todo-units_to_chase")
    assert todo_count(page, "units_to_chase") == 2
    row = chasing.locator(f"#chase-unit-{w.unit.pk}")
    assert w.unit.short_name in row.inner_text() and "1" in row.locator(".badge").inner_text()
    assert "2" in chasing.locator(f"#chase-unit-{w.other_unit.pk} .badge").inner_text()
    screenshot(page, "start-page-office")
    row.locator("button.chase-button").click()
    page.wait_for_selector(".alert-success")
    assert Chase.objects.filter(unit=w.unit, period=period, missing=1).count() == 1
    assert page.locator(f"#unit-{w.unit.pk} td").nth(3).inner_text() == timezone.localdate().isoformat()
    log_out(page)

    # The liaison sees the 催报 in the bell and the centre, and the project on the start page.
    log_in(page, base, w.liaison)
    assert bell(page) == 1
    assert "ZH-01" in page.locator("#todo-missing_reports").inner_text()
    page.click("#notification-bell")
    notice = page.locator("#notifications a")
    assert notice.count() == 1 and "催报" in notice.inner_text() and "ZH-01" in notice.inner_text()

    # Opening it leads to the month's reporting page; the liaison files the report.
    notice.click()
    page.wait_for_url(re.compile(r"/progress/report/\?period="))
    prefix = f"#id_p{late.pk}"
    page.fill(f"{prefix}-progress", "35")
    page.fill(f"{prefix}-investment_completed", "120")
    page.fill(f"{prefix}-summary", "完成设备采购，平台开发过半。")
    page.click("button:has-text('提交报表')")
    page.wait_for_selector(".alert-success")
    assert ProgressReport.objects.get(project=late, period=period).status == ReportStatus.SUBMITTED
    assert bell(page) == 0
    log_out(page)

    # The office's chasing list no longer names the unit; the other unit is still to chase.
    log_in(page, base, w.office)
    assert todo_count(page, "units_to_chase") == 1
    assert page.locator(f"#chase-unit-{w.unit.pk}").count() == 0
    page.click("#todo-units_to_chase a.todo-count")
    assert page.locator(f"#unit-{w.unit.pk}").count() == 0
    assert page.locator(f"#unit-{w.other_unit.pk}").count() == 1
    assert_no_problems(page)


def test_a_notice_escalates_gets_an_instruction_and_is_closed(browser_page, live_server, shipped_calendar, set_today):
    page, base = browser_page, live_server.url
    w = world()
    project = red(on_track(w.unit, "ZH-03"))
    ProgressReportFactory(project=project, period=current_period(), status=ReportStatus.APPROVED)

    # The office finds the red project without a notice and issues one from the project's page.
    log_in(page, base, w.office)
    assert "ZH-03" in page.locator("#todo-red_without_notice").inner_text()
    page.goto(f"{base}/projects/{project.pk}/")
    page.click("#supervision a[href^='/supervision/notices/add/']")
    page.select_option("#id_unit", str(w.unit.pk))
    page.fill("#id_text", "招投标节点已逾期60天，请说明原因并报送整改计划。")
    page.fill("#id_deadline", days(3).isoformat())
    page.click("form.object-form button[type=submit]")
    page.wait_for_selector(".alert-success")
    notice = Notice.objects.get(project=project)
    assert (notice.level, notice.status, notice.deadline) == (NoticeLevel.BLUE, NoticeStatus.ISSUED, days(3))
    assert page.url == f"{base}/supervision/notices/{notice.pk}/"
    log_out(page)

    # Nobody answers: the daily run the day after the grace in working days turns it yellow; the rest of the journey
    # happens that day.
    late_day = escalation_day(notice) + datetime.timedelta(days=1)
    set_today(late_day)
    call_command("send_reminders", today=late_day, verbosity=0)
    notice.refresh_from_db()
    assert notice.level == NoticeLevel.YELLOW

    # The leader reads it yellow (督办), writes an instruction on it, then lists it red (挂牌督办).
    log_in(page, base, w.leader)
    page.goto(f"{base}/supervision/notices/{notice.pk}/")
    assert "督办" in page.locator("h1 .notice-level").inner_text()
    assert "text-bg-warning" in page.locator("h1 .notice-level").get_attribute("class")
    page.click("a[href^='/supervision/instructions/add/?notice=']")
    page.select_option("#id_units", str(w.unit.pk))
    page.fill("#id_text", "请经信局一周内完成招投标，并向领导小组书面报告。")
    page.fill("#id_due_date", days(10).isoformat())
    page.click("main form button[type=submit]")
    page.wait_for_selector(".alert-success")
    instruction = notice.instructions.get()
    assert (instruction.leader, instruction.recorded_by) == (w.leader, w.leader)
    page.goto(f"{base}/supervision/notices/{notice.pk}/")
    assert "请经信局一周内完成招投标" in page.locator(".timeline").inner_text()
    screenshot(page, "supervision-notice")
    page.click("#step-hang-red button[type=submit]")
    page.wait_for_selector(".alert-success")
    notice.refresh_from_db()
    assert (notice.level, notice.red_leader) == (NoticeLevel.RED, w.leader)
    log_out(page)

    # The unit's liaison opens it from the start page, acknowledges it and answers with a photo as evidence.
    log_in(page, base, w.liaison)
    assert bell(page) == Notification.objects.filter(recipient=w.liaison, read_at__isnull=True).count() >= 3
    page.click(f"#todo-notices_to_answer a:has-text('{notice.number}')")
    page.wait_for_url(f"{base}/supervision/notices/{notice.pk}/")
    page.click("#step-acknowledge button[type=submit]")
    page.wait_for_selector(".alert-success")
    page.fill("#id_answer-text", "已于本周完成招投标，合同签订中，附开标现场照片。")
    evidence = pictures.photo(31, name="开标现场.jpg")
    page.set_input_files(
        "#id_answer-files", files=[{"name": evidence.name, "mimeType": "image/jpeg", "buffer": evidence.read()}]
    )
    page.click("#step-answer button[type=submit]")
    page.wait_for_selector(".alert-success")
    assert Notice.objects.get(pk=notice.pk).status == NoticeStatus.ANSWERED
    assert "开标现场.jpg" in page.locator("#evidence").inner_text()
    log_out(page)

    # The office opens it from its review list and accepts the answer; the notice is closed, its timeline has every
    # step.
    log_in(page, base, w.office)
    page.click(f"#todo-notices_to_review a:has-text('{notice.number}')")
    page.wait_for_url(f"{base}/supervision/notices/{notice.pk}/")
    page.fill("#id_accept-note", "整改到位，予以办结。")
    page.click("#step-accept button[type=submit]")
    page.wait_for_selector(".alert-success")
    assert Notice.objects.get(pk=notice.pk).status == NoticeStatus.CLOSED
    steps = page.locator(".timeline .timeline-item strong").all_inner_texts()
    assert steps == step_labels(
        Step.ISSUE, Step.ESCALATE, Step.INSTRUCT, Step.HANG_RED, Step.ACKNOWLEDGE, Step.ANSWER, Step.ACCEPT
    )
    assert_no_problems(page)


@pytest.fixture
def sms_gateway(settings):
    """A local HTTP receiver standing for the office's SMS gateway, with a template for the promises' messages."""
    receiver = Receiver()
    server = start(receiver)
    settings.NOTIFICATIONS = {
        **settings.NOTIFICATIONS,
        "SMS": {
            "URL": f"{receiver.url}/sms",
            "TOKEN": "gateway-token",
            "TOKEN_HEADER": "X-Sms-Token",
            "SIGNATURE": "宁波市政协",
            "TEMPLATES": {"commitment": "SMS_301"},
        },
    }
    yield receiver
    server.shutdown()
    server.server_close()


def test_a_promise_carried_by_a_project_reaches_the_committee_and_the_proposer(
    browser_page, live_server, photo_rule_off, sms_gateway
):
    page, base = browser_page, live_server.url
    w = world()
    class_b = ResultClass.objects.get_or_create(code="B", region=w.region, defaults={"name": "列入计划拟解决"})[0]
    course = Course(committee=w.committee, result_class=class_b, liaison=w.liaison, signer=w.signer)
    proposal = course.bring(
        ProposalFactory(session=SessionFactory(region=w.region), proposers=["储建华"]),
        ProposalStatus.REPLIED,
        lead=w.unit,
    )
    project = on_track(w.unit, "ZH-05")
    report = ProgressReportFactory(project=project, period=current_period(), progress=45)

    # The unit's liaison records the promise of its class-B reply on the proposal's page, carried by the project.
    log_in(page, base, w.liaison)
    page.goto(f"{base}/proposals/{proposal.pk}/")
    page.click("#supervision a[href^='/supervision/promises/add/']")
    page.fill("#id_text", "明年六月底前建成停车诱导系统一期。")
    page.fill("#id_due_date", days(200).isoformat())
    page.select_option("#id_projects", str(project.pk))
    page.click("button:has-text('保存')")
    page.wait_for_selector(".alert-success")
    commitment = Commitment.objects.get(reply__proposal=proposal)
    assert list(commitment.projects.all()) == [project]
    log_out(page)

    # The committee records the proposer's mobile number and consent.
    log_in(page, base, w.committee)
    page.goto(f"{base}/supervision/promises/{commitment.pk}/")
    page.click("a[href$='/contacts/']")
    proposer = proposal.signatures.get().proposer
    page.select_option("#id_proposer", str(proposer.pk))
    page.fill("#id_mobile", "13812341234")
    page.fill("#id_consent_on", timezone.localdate().isoformat())
    page.click("button:has-text('保存')")
    page.wait_for_selector(".alert-success")
    assert ProposerContact.objects.get(proposer=proposer).consent_on == timezone.localdate()
    assert "138****1234" in page.locator(".proposer-contacts").inner_text()
    log_out(page)

    # The office approves the project's monthly report from the review queue.
    log_in(page, base, w.office)
    page.goto(f"{base}/progress/review/")
    page.check(f"#report-{report.pk} input[name=selected]")
    page.click("button:has-text('批量通过')")
    page.wait_for_selector(".alert-success")
    assert ProgressReport.objects.get(pk=report.pk).status == ReportStatus.APPROVED
    log_out(page)

    # The committee is told, in its bell and its centre; the promise's timeline records the move.
    moved = Notification.objects.get(recipient=w.committee, key__contains=":moved:")
    log_in(page, base, w.committee)
    assert bell(page) == Notification.objects.filter(recipient=w.committee, read_at__isnull=True).count() >= 1
    page.click("#notification-bell")
    assert moved.title in page.locator("#notifications").inner_text()
    page.goto(f"{base}/supervision/promises/{commitment.pk}/")
    assert "ZH-05" in page.locator(".timeline").inner_text()

    # The consenting proposer's text message waits in the outbox, then goes to the gateway exactly once.
    (text,) = Delivery.objects.filter(channel="sms")
    assert (text.address, text.kind, text.sent_at) == ("13812341234", "commitment", None)
    assert sms_gateway.requests == []
    call_command("send_notifications", verbosity=0)
    call_command("send_notifications", verbosity=0)
    (sent,) = [request for request in sms_gateway.requests if request.path == "/sms"]
    assert (sent.body["phone"], sent.body["template"], sent.body["signature"]) == (
        "13812341234",
        "SMS_301",
        "宁波市政协",
    )
    assert sent.body["params"]["proposal"] == proposal.number
    assert Delivery.objects.get(pk=text.pk).sent_at is not None
    assert_no_problems(page)


def rows_at(page, url) -> int:
    """How many rows the page a to-do section links to lists: its whole count where it is paginated, else its table's
    rows (the chasing page, the inbox)."""
    page.goto(url)
    total = page.locator("nav[aria-label] .small.text-muted")
    if total.count():
        return int(re.findall(r"\d+", total.first.inner_text())[-1])
    return page.locator("main table tbody tr:not(:has(td[colspan]))").count()


def check_start_page(page, base, user) -> dict[str, int]:
    """Every section: its count equals the rows it shows and the rows of the page it links to; the navigation's count
    is their sum. Returns the counts by section."""
    log_in(page, base, user)
    cards = page.locator(".task-card")
    counts, links = {}, {}
    for index in range(cards.count()):
        card = cards.nth(index)
        key = card.get_attribute("id").removeprefix("todo-")
        counts[key] = int(card.locator(".todo-count").inner_text())
        rows = card.locator("li.list-group-item")
        shown = 0 if rows.count() == 1 and "text-muted" in (rows.first.get_attribute("class") or "") else rows.count()
        assert shown == min(counts[key], 10), key
        link = card.locator("a.todo-count")
        if link.count():
            links[key] = link.get_attribute("href")
    navigation = page.locator("#todo-count")
    assert (int(navigation.inner_text()) if navigation.count() else 0) == sum(counts.values())
    # A card's buttons stay button-high beside a taller neighbour (they once stretched to the card's full height).
    heights = page.locator(".todo-action, .todo-all").evaluate_all("(b) => b.map((e) => e.offsetHeight)")
    assert heights and max(heights) < 48, heights
    for key, url in links.items():
        assert rows_at(page, f"{base}{url}") == counts[key], (user.username, key, url)
    log_out(page)
    return counts


def test_each_roles_start_page_counts_what_it_lists(browser_page, live_server, photo_rule_off):
    page, base = browser_page, live_server.url
    w = world()
    period = current_period()
    on_track(w.unit, "ZH-01")
    waiting = on_track(w.unit, "ZH-02")
    late = red(on_track(w.unit, "ZH-03"))
    on_track(w.other_unit, "SL-01")
    other_red = red(on_track(w.other_unit, "SL-02"))
    ProgressReportFactory(project=waiting, period=period)
    for project in (late, other_red):
        ProgressReportFactory(project=project, period=period, status=ReportStatus.APPROVED)

    # Supervision through the services: a notice on each red project, one answered; the leader's instruction.
    notice = services.notice_issue(actor=w.office, project=late, unit=w.unit, text="请说明逾期原因。", deadline=days(5))
    answered = services.notice_issue(
        actor=w.office, project=other_red, unit=w.other_unit, text="请报送整改计划。", deadline=days(5)
    )
    services.notice_answer(actor=unit_user(w.other_unit, Role.LIAISON), notice=answered, text="已报送整改计划。")
    services.instruction_give(
        actor=w.leader,
        subject=late,
        leader=w.leader,
        units=[w.unit],
        text="加快推进，月底前报告进展。",
        given_on=timezone.localdate(),
        due_date=days(20),
    )
    services.notice_hang_red(actor=w.leader, notice=notice)

    # Proposals: one awaiting filing, one assigned to the unit, one replied with class B (no promise yet).
    session = SessionFactory(region=w.region)
    class_b = ResultClass.objects.get_or_create(code="B", region=w.region, defaults={"name": "列入计划拟解决"})[0]
    course = Course(committee=w.committee, result_class=class_b, liaison=w.liaison, signer=w.signer)
    ProposalFactory(session=session, title="关于建设智慧停车系统的建议")
    course.bring(ProposalFactory(session=session, is_key=True), ProposalStatus.ASSIGNED, lead=w.unit)
    course.bring(ProposalFactory(session=session), ProposalStatus.REPLIED, lead=w.unit)

    office = check_start_page(page, base, w.office)
    assert office["units_to_chase"] == 2 and office["waiting_reports"] == 1 and office["notices_to_review"] == 1
    liaison = check_start_page(page, base, w.liaison)
    assert liaison["missing_reports"] == 1 and liaison["notices_to_answer"] == 1 and liaison["unit_instructions"] == 1
    committee = check_start_page(page, base, w.committee)
    assert committee["proposals_to_file"] == 1 and committee["replies_without_promise"] == 1
    leader = check_start_page(page, base, w.leader)
    assert leader["own_instructions"] == 1 and leader["red_notices"] == 1 and leader["key_proposals"] == 1
    assert_no_problems(page)
