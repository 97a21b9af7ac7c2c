"""All or nothing through the pages' forms: projects with their milestones, funding tables, the monthly reports, the
review queue, proposals, target values, deletions and archiving."""

import datetime
from decimal import Decimal

import pytest
from django.contrib import messages
from django.urls import reverse

from projects.choices import ProjectStatus, ReportStatus
from projects.models import (
    Funding,
    HistoricalIndicatorValue,
    HistoricalMilestone,
    HistoricalPlan,
    HistoricalProgressReport,
    Milestone,
    ProgressReport,
    Project,
    ProjectChangeRequest,
)
from projects.selectors import current_period
from proposals.models import Event, Proposal
from tests.atomicity.support import (
    assert_nothing_left,
    assert_written,
    database_state,
    messages_of,
    proposal_form_data,
    today,
)
from tests.factories import (
    DomainFactory,
    FundingFactory,
    FundingSourceFactory,
    IndicatorFactory,
    MilestoneFactory,
    PlanFactory,
    ProgressReportFactory,
    ProjectFactory,
    ProposalFactory,
    SessionFactory,
)
from tests.projects.test_views import project_form_data as new_project_form_data

# Reports here are filed and approved for what else they test: the site-photo rule has its own tests.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("photo_rule_off")]


# --------------------------------------------------------------------------------------------------------------
# Forms
# --------------------------------------------------------------------------------------------------------------


def project_form_data(unit, domain, **values):
    return new_project_form_data(unit, **{"code": "AT-2026-01", "domain": domain.pk, **values})


def test_new_project_whose_second_milestone_fails_is_not_kept(web, fail, office_user, unit, other_unit):
    plan = PlanFactory()
    data = project_form_data(unit, DomainFactory(), plans=[plan.pk], participating_orgs=[other_unit.pk])
    web.force_login(office_user)
    fail.on(Milestone, when={"name": "竣工验收"})
    before = database_state()

    response = web.post(reverse("project-add"), data)

    assert response.status_code == 500
    assert_nothing_left(before)
    fail.remove()
    assert web.post(reverse("project-add"), data).status_code == 302
    assert_written(
        before,
        Project,
        Project.history.model,
        Project.plans.through,
        Project.participating_orgs.through,
        "projects_historicalproject_plans",
        Milestone,
        HistoricalMilestone,
    )


def test_project_edit_whose_new_milestone_cannot_be_recorded_changes_nothing(web, fail, office_user, unit):
    project = ProjectFactory(lead_org=unit, code="AT-2026-02", name="智慧停车一期")
    kept = MilestoneFactory(project=project, name="方案编制", planned_date=datetime.date(2026, 3, 1))
    data = project_form_data(
        unit,
        project.domain,
        code=project.code,
        name="智慧停车一期（调整）",
        planned_end="2027-03-31",
        **{
            "milestones-INITIAL_FORMS": "1",
            "milestones-0-id": kept.pk,
            "milestones-0-name": "方案编制",
            "milestones-0-weight": "30",
            "milestones-0-planned_date": "2026-03-01",
            "milestones-0-actual_date": "2026-03-05",
        },
    )
    web.force_login(office_user)
    # The history of the new milestone is the edit's last write: the project and the kept milestone are saved.
    fail.on(HistoricalMilestone, when={"name": "竣工验收"})
    before = database_state()

    response = web.post(reverse("project-edit", args=[project.pk]), data)

    assert response.status_code == 500
    assert_nothing_left(before)
    project.refresh_from_db()
    assert (project.name, project.planned_end) == ("智慧停车一期", datetime.date(2026, 12, 31))
    fail.remove()
    assert web.post(reverse("project-edit", args=[project.pk]), data).status_code == 302
    assert_written(before, Project, Project.history.model, Milestone, HistoricalMilestone)


def test_a_units_edit_whose_plan_change_cannot_be_recorded_changes_nothing(web, fail, liaison, unit):
    """The unit's own changes and its plan change to the office are one write: the request's history failing leaves
    the project as it was."""
    project = ProjectFactory(lead_org=unit, code="AT-2026-03", name="智慧停车二期")
    kept = MilestoneFactory(project=project, name="方案编制", weight=100, planned_date=datetime.date(2026, 3, 1))
    data = project_form_data(
        unit,
        project.domain,
        code=project.code,
        name="智慧停车二期（调整）",
        planned_end="2027-03-31",
        change_reason="征地延误。",
        **{
            "milestones-TOTAL_FORMS": "1",
            "milestones-INITIAL_FORMS": "1",
            "milestones-0-id": kept.pk,
            "milestones-0-name": "方案编制",
            "milestones-0-weight": "100",
            "milestones-0-planned_date": "2026-05-01",
        },
    )
    web.force_login(liaison)
    fail.on(ProjectChangeRequest.history.model)
    before = database_state()

    response = web.post(reverse("project-edit", args=[project.pk]), data)

    assert response.status_code == 500
    assert_nothing_left(before)
    fail.remove()
    assert web.post(reverse("project-edit", args=[project.pk]), data).status_code == 302
    assert_written(before, Project, Project.history.model, ProjectChangeRequest, ProjectChangeRequest.history.model)
    project.refresh_from_db()
    assert (project.name, project.planned_end) == ("智慧停车二期（调整）", datetime.date(2026, 12, 31))


def test_funding_table_is_saved_whole_or_not_at_all(web, fail, office_user, unit):
    project = ProjectFactory(lead_org=unit)
    source = FundingSourceFactory(name="市级财政")
    existing = FundingFactory(project=project, source=source, year=2025, planned=Decimal("100.00"))
    data = {
        "fundings-TOTAL_FORMS": "3",
        "fundings-INITIAL_FORMS": "1",
        "fundings-MIN_NUM_FORMS": "0",
        "fundings-MAX_NUM_FORMS": "1000",
        "fundings-0-id": existing.pk,
    }
    for index, (year, planned) in enumerate([(2025, "150"), (2026, "300"), (2027, "200")]):
        data.update(
            {
                f"fundings-{index}-year": year,
                f"fundings-{index}-source": source.pk,
                f"fundings-{index}-planned": planned,
                f"fundings-{index}-allocated": "0",
                f"fundings-{index}-disbursed": "0",
            }
        )
    web.force_login(office_user)
    fail.on(Funding, when={"year": 2027})
    before = database_state()

    response = web.post(reverse("project-funding", args=[project.pk]), data)

    assert response.status_code == 500
    assert_nothing_left(before)
    fail.remove()
    assert web.post(reverse("project-funding", args=[project.pk]), data).status_code == 302
    assert_written(before, Funding, Funding.history.model)
    assert Funding.objects.count() == 3


def test_monthly_reporting_page_saves_every_report_or_none(web, fail, liaison, unit, office_user):
    period = current_period(today())
    projects = [
        ProjectFactory(
            lead_org=unit,
            code=f"AT-R{n}",
            status=ProjectStatus.IN_PROGRESS,
            planned_start=today() - datetime.timedelta(days=60),
            planned_end=today() + datetime.timedelta(days=300),
        )
        for n in range(3)
    ]
    returned = ProgressReportFactory(
        project=projects[0],
        period=period,
        status=ReportStatus.RETURNED,
        reviewer=office_user,
        review_comment="请补充问题说明。",
        progress=10,
    )
    data = {}
    for project, progress in zip(projects, ("25", "30", "35"), strict=True):
        values = {"progress": progress, "investment_completed": "20", "summary": "完成数据接入。"}
        data.update({f"p{project.pk}-{key}": value for key, value in values.items()})
    web.force_login(liaison)
    # The pages files in code order: the returned report is revised, the second project's report filed, then the
    # third one fails.
    fail.on(ProgressReport, when={"project_id": projects[2].pk})
    before = database_state()

    response = web.post(reverse("progress-reporting"), data)

    assert response.status_code in (302, 500)
    if response.status_code == 302:
        assert messages_of(response)
    assert_nothing_left(before)
    returned.refresh_from_db()
    assert (returned.status, returned.progress) == (ReportStatus.RETURNED, Decimal("10.0"))
    fail.remove()
    response = web.post(reverse("progress-reporting"), data)
    assert response.status_code == 302 and messages_of(response, messages.SUCCESS)
    assert_written(before, ProgressReport, HistoricalProgressReport)
    assert ProgressReport.objects.filter(status=ReportStatus.SUBMITTED).count() == 3


def test_review_queue_approves_every_ticked_report_or_none(web, fail, office_user, unit):
    reports = [ProgressReportFactory(project=ProjectFactory(lead_org=unit)) for _ in range(3)]
    web.force_login(office_user)
    # Whatever the order of the approvals, the third one cannot record its history.
    fail.on(HistoricalProgressReport, after=2)
    before = database_state()

    response = web.post(reverse("review-queue"), {"selected": [report.pk for report in reports]})

    assert response.status_code == 500
    assert_nothing_left(before)
    assert set(ProgressReport.objects.values_list("status", flat=True)) == {ReportStatus.SUBMITTED}
    fail.remove()
    assert web.post(reverse("review-queue"), {"selected": [report.pk for report in reports]}).status_code == 302
    assert_written(before, ProgressReport, HistoricalProgressReport)
    assert set(ProgressReport.objects.values_list("status", flat=True)) == {ReportStatus.APPROVED}


def test_new_proposal_whose_event_fails_leaves_neither_proposal_nor_proposers(web, fail, committee_user):
    data = proposal_form_data(SessionFactory())
    web.force_login(committee_user)
    # The submission's event is its last write: the proposal, its history, new proposers, signatures and related
    # projects come first.
    fail.on(Event)
    before = database_state()

    response = web.post(reverse("proposal-add"), data)

    assert response.status_code == 500
    assert_nothing_left(before)
    fail.remove()
    assert web.post(reverse("proposal-add"), data).status_code == 302
    assert_written(
        before,
        Proposal,
        Proposal.history.model,
        "proposals_proposer",
        "proposals_signature",
        Proposal.related_projects.through,
        Event,
    )


def test_proposal_edit_whose_related_projects_fail_keeps_its_text_and_proposers(web, fail, committee_user):
    proposal = ProposalFactory(proposers=["储建华", "吴建娣"])
    project = ProjectFactory()
    data = proposal_form_data(
        proposal.session,
        number=proposal.number,
        title="关于加快城市大脑建设的建议",
        proposer_names="王明、储建华",
        related_projects=[project.pk],
    )
    web.force_login(committee_user)
    fail.on(Proposal.related_projects.through)
    before = database_state()

    response = web.post(reverse("proposal-edit", args=[proposal.pk]), data)

    assert response.status_code == 500
    assert_nothing_left(before)
    proposal.refresh_from_db()
    assert proposal.proposer_names == "储建华、吴建娣"
    fail.remove()
    assert web.post(reverse("proposal-edit", args=[proposal.pk]), data).status_code == 302
    assert_written(before, Proposal, Proposal.history.model, "proposals_signature", Proposal.related_projects.through)


def test_a_value_recorded_on_the_target_page_is_kept_only_with_its_history(web, fail, liaison, unit):
    indicator = IndicatorFactory(responsible_org=unit)
    data = {"period": "2026-03", "value": "150", "note": ""}
    web.force_login(liaison)
    fail.on(HistoricalIndicatorValue)
    before = database_state()

    response = web.post(reverse("indicator-value-add", args=[indicator.pk]), data)

    assert response.status_code == 500
    assert_nothing_left(before)
    fail.remove()
    assert web.post(reverse("indicator-value-add", args=[indicator.pk]), data).status_code == 302
    assert_written(before, "projects_indicatorvalue", HistoricalIndicatorValue)


def test_a_plan_deleted_on_its_page_stays_with_its_links_when_the_deletion_cannot_be_recorded(web, fail, office_user):
    plan = PlanFactory()
    for project in ProjectFactory.create_batch(2):
        project.plans.add(plan)
    web.force_login(office_user)
    fail.on(HistoricalPlan)
    before = database_state()

    response = web.post(reverse("plan-delete", args=[plan.pk]))

    assert response.status_code == 500
    assert_nothing_left(before)
    fail.remove()
    assert web.post(reverse("plan-delete", args=[plan.pk])).status_code == 302
    assert_written(before, "projects_plan", Project.plans.through, HistoricalPlan)


def test_a_project_archived_on_its_page_stays_listed_when_the_change_cannot_be_recorded(web, fail, office_user):
    project = ProjectFactory()
    web.force_login(office_user)
    fail.on(Project.history.model)
    before = database_state()

    response = web.post(reverse("project-archive", args=[project.pk]))

    assert response.status_code == 500
    assert_nothing_left(before)
    assert Project.objects.filter(pk=project.pk).exists()
    fail.remove()
    assert web.post(reverse("project-archive", args=[project.pk])).status_code == 302
    assert_written(before, Project, Project.history.model)
    assert not Project.objects.filter(pk=project.pk).exists()
