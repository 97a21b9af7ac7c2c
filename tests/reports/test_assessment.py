"""区县考核: a city's office scores its districts under the year's rules. Each indicator is the count or the average
of the list its figure links to; the points follow the rule's weights and scales; the rules and the additions and
deductions are validated by the models and the database; only the city's users read it and only its office writes
it; the Excel table carries the figures; the cost in queries does not grow with the number of districts."""

import datetime
import io
import statistics
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from accounts.choices import RegionLevel, Role
from accounts.demo import loader as region_demo
from accounts.models import Region
from projects.choices import ProjectStatus, ReportStatus
from projects.reminders import report_due_date
from reports import assessment
from reports.assessment_forms import AssessmentRuleForm
from reports.choices import AssessmentIndicator
from reports.demo import loader as assessment_demo
from reports.models import AssessmentAdjustment, AssessmentRule
from tests.factories import MilestoneFactory, OrganizationFactory, ProgressReportFactory, ProjectFactory, UserFactory
from tests.formdata import form_data

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)
PAGE = "/reports/assessment/"
EXPORT = "/reports/export/assessment.xlsx"
API = "/api/v1/assessment/"


def region(name, level, parent=None, code=""):
    return Region.objects.create(name=name, level=level, parent=parent, code=code)


def unit_of(place, name):
    return OrganizationFactory(name=name, short_name=name, region=place)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def ningbo(set_today):
    """宁波市 with 镇海区 (and a zone under it), 象山县 and 杭州湾新区 below; projects of the year in 镇海区 and 象山县,
    and rows that must not count: a phase's late milestone, a project of another year, the city's own project."""
    set_today(TODAY)
    zhejiang = region("浙江省", RegionLevel.PROVINCE, code="330000")
    city = region("宁波市", RegionLevel.CITY, zhejiang, "330200")
    zhenhai = region("镇海区", RegionLevel.COUNTY, city, "330211")
    zhenhai_zone = region("镇海经济开发区", RegionLevel.ZONE, zhenhai)
    xiangshan = region("象山县", RegionLevel.COUNTY, city, "330225")
    bay = region("杭州湾新区", RegionLevel.ZONE, city)
    office_unit = unit_of(city, "宁波市智慧办")
    Region.objects.filter(pk=city.pk).update(office=office_unit)
    city.refresh_from_db()
    w = {"city": city, "zhenhai": zhenhai, "xiangshan": xiangshan, "bay": bay, "office_unit": office_unit}

    bureau, zone_unit, xs_bureau = (
        unit_of(zhenhai, "镇海区经信局"),
        unit_of(zhenhai_zone, "镇海开发区管委会"),
        unit_of(xiangshan, "象山县经信局"),
    )
    year = {"planned_start": datetime.date(2026, 1, 1), "planned_end": datetime.date(2026, 12, 31)}
    # 镇海区: a project behind its milestones with an approved report, one with neither, one completed (closed, no
    # lag), and the zone's project not started but already missing a milestone.
    behind = ProjectFactory(code="ZH-1", lead_org=bureau, **year)
    MilestoneFactory(project=behind, weight=50, planned_date=datetime.date(2026, 3, 31))
    MilestoneFactory(project=behind, weight=50, planned_date=datetime.date(2026, 9, 30))
    ProgressReportFactory(
        project=behind,
        period="2026-05",
        progress=Decimal("20"),
        status=ReportStatus.APPROVED,
        submitted_at=at(datetime.date(2026, 5, 6)),
    )
    ProgressReportFactory(project=behind, period="2025-12", submitted_at=at(datetime.date(2025, 12, 2)))
    silent = ProjectFactory(code="ZH-2", lead_org=bureau, **year)
    ProgressReportFactory(
        project=silent, period="2026-04", progress=Decimal("0"), submitted_at=at(datetime.date(2026, 4, 20))
    )
    ProjectFactory(code="ZH-3", lead_org=bureau, status=ProjectStatus.COMPLETED, **year)
    zone_project = ProjectFactory(
        code="ZH-4",
        lead_org=zone_unit,
        status=ProjectStatus.PLANNED,
        planned_start=datetime.date(2026, 3, 1),
        planned_end=datetime.date(2027, 2, 28),
    )
    MilestoneFactory(project=zone_project, weight=20, planned_date=datetime.date(2026, 5, 1))
    MilestoneFactory(project=zone_project, weight=80, planned_date=datetime.date(2027, 1, 31))
    phase = ProjectFactory(code="ZH-1-1", lead_org=bureau, parent=behind, **year)
    MilestoneFactory(project=phase, weight=100, planned_date=datetime.date(2026, 2, 1))
    old = ProjectFactory(
        code="ZH-0", lead_org=bureau, planned_start=datetime.date(2025, 1, 1), planned_end=datetime.date(2025, 12, 31)
    )
    MilestoneFactory(project=old, weight=100, planned_date=datetime.date(2025, 6, 1))
    # 象山县: ahead of plan, nothing late.
    ahead = ProjectFactory(code="XS-1", lead_org=xs_bureau, **year)
    MilestoneFactory(project=ahead, weight=100, planned_date=datetime.date(2026, 12, 1))
    ProgressReportFactory(
        project=ahead,
        period="2026-05",
        progress=Decimal("60"),
        status=ReportStatus.APPROVED,
        submitted_at=at(datetime.date(2026, 5, 7), 23),
    )
    # The city's own project: no district's.
    own = ProjectFactory(code="NB-1", lead_org=unit_of(city, "宁波市经信局"), **year)
    MilestoneFactory(project=own, weight=100, planned_date=datetime.date(2026, 1, 31))

    w["office"] = UserFactory(username="nb-office", organization=office_unit, role=Role.OFFICE)
    w["leader"] = UserFactory(username="nb-leader", organization=unit_of(city, "宁波市领导小组"), role=Role.LEADER)
    w["liaison"] = UserFactory(username="zh-liaison", organization=bureau, role=Role.LIAISON)
    w["district_office"] = UserFactory(
        username="zh-office", organization=unit_of(zhenhai, "镇海区智慧办"), role=Role.OFFICE
    )
    dongguan = region("东莞市", RegionLevel.CITY, region("广东省", RegionLevel.PROVINCE, code="440000"), "441900")
    region("松山湖高新区", RegionLevel.ZONE, dongguan)
    w["other_city_office"] = UserFactory(
        username="dg-office", organization=unit_of(dongguan, "东莞市智慧办"), role=Role.OFFICE
    )
    return w


def rule_for(place, year=2026, **fields) -> AssessmentRule:
    return AssessmentRule.objects.create(region=place, year=year, **{**assessment.DEFAULT_SCALES, **fields})


def signed_in(user) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return client


def rows_by_name(result) -> dict:
    return {row.region.name: row for row in result.rows}


def listed(client, url):
    """The rows of the list page behind a figure (every page of it)."""
    response = client.get(f"{url}&per_page=200")
    assert response.status_code == 200
    return list(response.context["paginator"].object_list)


def test_each_indicator_is_the_count_or_average_of_the_list_it_links_to(ningbo):
    """The figures are right or a bug: follow each figure's link as the city's office and recompute it from the rows
    listed there."""
    client = signed_in(ningbo["office"])
    rows = rows_by_name(assessment.district_assessment(region=ningbo["city"], year=2026))
    assert list(rows) == ["镇海区", "象山县", "杭州湾新区"]  # the divisions by code, then the zones
    zhenhai = rows["镇海区"]

    assert zhenhai.projects == len(listed(client, zhenhai.projects_url)) == 4  # the zone's too; no phase, no 2025
    lag = zhenhai.figure(AssessmentIndicator.LAG)
    open_projects = listed(client, lag.url)
    assert {project.code for project in open_projects} == {"ZH-1", "ZH-2", "ZH-4"}
    assert lag.value == round(statistics.mean(project.progress_lag for project in open_projects), 1)
    late = zhenhai.figure(AssessmentIndicator.LATE)
    assert late.value == len(listed(client, late.url)) == 2  # ZH-1's first and ZH-4's; not the phase's
    reports = zhenhai.figure(AssessmentIndicator.REPORTS)
    filed = [report for report in listed(client, reports.url) if report.submitted_at is not None]
    due = {
        r.pk: at(report_due_date(datetime.date.fromisoformat(f"{r.period}-01")) + datetime.timedelta(days=1), 0)
        for r in filed
    }
    on_time = [report for report in filed if report.submitted_at < due[report.pk]]
    assert (len(on_time), len(filed)) == (1, 2)  # May's by its due day; April's after it; not December 2025's
    assert reports.value == 50.0 and reports.detail == "1 / 2"

    xiangshan = rows["象山县"]
    assert xiangshan.figure(AssessmentIndicator.LAG).value == -60.0
    assert xiangshan.figure(AssessmentIndicator.LATE).value == 0
    assert xiangshan.figure(AssessmentIndicator.REPORTS).value == 100.0  # filed at 23:00 on its due day
    assert rows["杭州湾新区"].projects == 0 and rows["杭州湾新区"].figure(AssessmentIndicator.LAG).value is None


def test_points_follow_the_weights_and_scales_and_rank_the_districts(ningbo):
    rule = rule_for(ningbo["city"], lag_zero_at=50, notices_weight=10, reports_weight=20)
    AssessmentAdjustment.objects.create(rule=rule, region=ningbo["xiangshan"], points=Decimal("-3"), reason="扣分示例")
    rows = rows_by_name(assessment.district_assessment(region=ningbo["city"], year=2026))

    zhenhai, xiangshan = rows["镇海区"], rows["象山县"]
    lag = zhenhai.figure(AssessmentIndicator.LAG)
    assert 0 < lag.value < 50 and lag.points == round(40 * (50 - lag.value) / 50, 1)  # full marks at 0, zero at 50
    assert zhenhai.figure(AssessmentIndicator.LATE).points == 24.0  # 2 of 10 late milestones cost a fifth
    assert zhenhai.figure(AssessmentIndicator.REPORTS).points == 0.0  # 50% is below the zero at 60%
    notices = zhenhai.figure(AssessmentIndicator.NOTICES)
    assert (notices.value, notices.points) == (None, None)  # weighted, but not measured: no points
    assert zhenhai.score == round(lag.points + 24.0, 1)
    # Ahead of plan and nothing late earns the whole weights; the deduction comes off.
    assert xiangshan.score == 40 + 30 + 20 - 3
    assert (xiangshan.rank, zhenhai.rank) == (1, 2)
    bay = rows["杭州湾新区"]
    assert (bay.score, bay.rank) == (None, None)  # no project under way: nothing to assess


def test_the_weights_must_add_up_to_100_and_each_scale_must_be_open(ningbo):
    rule = AssessmentRule(region=ningbo["city"], year=2027, **{**assessment.DEFAULT_SCALES, "lag_weight": 30})
    with pytest.raises(ValidationError, match="四项权重之和须为100"):
        rule.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        rule.save()
    closed = AssessmentRule(region=ningbo["city"], year=2027, **{**assessment.DEFAULT_SCALES, "late_zero_at": 0})
    with pytest.raises(ValidationError, match="满分值与零分值不能相同"):
        closed.full_clean()
    form = AssessmentRuleForm(
        data={**form_data(AssessmentRuleForm(instance=rule)), "notices_weight": "5"},
        instance=AssessmentRule(region=ningbo["city"], year=2027),
    )
    assert not form.is_valid() and "四项权重之和须为100。" in form.non_field_errors()


def test_an_addition_or_deduction_needs_its_reason_and_a_district_of_the_city(ningbo):
    rule = rule_for(ningbo["city"])
    with pytest.raises(ValidationError) as refused:
        AssessmentAdjustment(rule=rule, region=ningbo["zhenhai"], points=Decimal("2"), reason="").full_clean()
    assert "reason" in refused.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        AssessmentAdjustment.objects.create(rule=rule, region=ningbo["zhenhai"], points=Decimal("2"), reason="")
    with pytest.raises(ValidationError) as refused:
        AssessmentAdjustment(
            rule=rule, region=ningbo["other_city_office"].region, points=Decimal("2"), reason="外市"
        ).full_clean()
    assert "region" in refused.value.message_dict


def rule_page_data(rule: AssessmentRule, **adjustment) -> dict:
    data = {**form_data(AssessmentRuleForm(instance=rule)), "adjustments-TOTAL_FORMS": "1"}
    data.update(
        {"adjustments-INITIAL_FORMS": "0", "adjustments-MIN_NUM_FORMS": "0", "adjustments-MAX_NUM_FORMS": "1000"}
    )
    data.update({f"adjustments-0-{key}": value for key, value in adjustment.items()})
    return data


def test_the_city_office_keeps_the_rules_with_reasoned_adjustments_and_their_history(ningbo):
    city, zhenhai = ningbo["city"], ningbo["zhenhai"]
    client = signed_in(ningbo["office"])
    url = f"/reports/assessment/{city.pk}/2026/rules/"
    assert client.get(url).status_code == 200  # new rules start from the defaults
    unsaved = AssessmentRule(region=city, year=2026, **assessment.DEFAULT_SCALES)

    refused = client.post(url, rule_page_data(unsaved, region=zhenhai.pk, points="2", reason=""))
    assert refused.status_code == 200 and "该字段是必填项。" in refused.content.decode()
    assert not AssessmentRule.objects.exists()

    saved = client.post(url, rule_page_data(unsaved, region=zhenhai.pk, points="2", reason="获评省级示范区"))
    rule = AssessmentRule.objects.get(region=city, year=2026)
    assert saved.status_code == 302 and saved["Location"] == rule.get_absolute_url()
    adjustment = rule.adjustments.get()
    assert (adjustment.points, adjustment.recorded_by) == (Decimal("2.0"), ningbo["office"])

    data = rule_page_data(rule)
    data.update({"lag_weight": "30", "late_weight": "40", "adjustments-TOTAL_FORMS": "0"})
    assert client.post(url, data).status_code == 302
    rule.refresh_from_db()
    assert (rule.lag_weight, rule.late_weight) == (30, 40)
    assert [entry.lag_weight for entry in rule.history.order_by("history_id")] == [40, 30]
    assert rule.history.latest().history_user == ningbo["office"]


def test_the_citys_users_read_it_and_only_its_office_writes_it(ningbo, api):
    city = ningbo["city"]
    rule_for(city)
    query = {"region": city.pk, "year": 2026}
    rules = f"/reports/assessment/{city.pk}/2026/rules/"
    answers = {}
    for role in ("office", "leader", "liaison", "district_office", "other_city_office"):
        client = signed_in(ningbo[role])
        answers[role] = (
            client.get(PAGE, query).status_code,
            client.get(EXPORT, query).status_code,
            api.as_user(ningbo[role]).get(API, query).status_code,
            client.get(rules).status_code,
        )
    assert answers == {
        "office": (200, 200, 200, 200),
        "leader": (200, 200, 200, 403),
        "liaison": (403, 403, 403, 403),
        # Outside their regions the city's assessment does not exist for them: it shows other districts' figures.
        "district_office": (404, 404, 404, 404),
        "other_city_office": (404, 404, 404, 404),
    }
    # Each reads its own region's by default: 镇海区's office scores the zone below it, 东莞市's its own districts.
    assert signed_in(ningbo["other_city_office"]).get(PAGE).context["assessment"].region.name == "东莞市"
    own = signed_in(ningbo["district_office"]).get(PAGE).context["assessment"]
    assert (own.region.name, [row.region.name for row in own.rows]) == ("镇海区", ["镇海经济开发区"])


def test_the_page_links_each_district_to_its_dashboard_and_says_what_is_not_measured(ningbo):
    rule_for(ningbo["city"])
    response = signed_in(ningbo["leader"]).get(PAGE)
    html = response.content.decode()
    assert f'href="/reports/dashboard/?region={ningbo["zhenhai"].pk}&amp;year=2026">镇海区</a>' in html
    assert "尚未计量" in html and "政协提案" in html
    assert "编辑本年度考核细则" not in html  # leaders read only
    assert response.context["assessment"].as_of == TODAY


def test_bad_choices_answer_400_not_500(ningbo, api):
    client = signed_in(ningbo["office"])
    for query in ({"year": "1900"}, {"year": "二〇二六"}, {"region": "x"}):
        assert client.get(PAGE, query).status_code == 400
        assert client.get(EXPORT, query).status_code == 400
        assert api.as_user(ningbo["office"]).get(API, query).status_code == 400
    assert client.get(PAGE, {"region": 99999999}).status_code == 404
    assert client.get("/reports/assessment/99999999/2026/rules/").status_code == 404
    assert client.get(f"/reports/assessment/{ningbo['city'].pk}/1900/rules/").status_code == 404


def test_the_excel_table_carries_the_figures(ningbo):
    rule = rule_for(ningbo["city"])
    AssessmentAdjustment.objects.create(rule=rule, region=ningbo["zhenhai"], points=Decimal("2"), reason="示意：加分")
    result = assessment.district_assessment(region=ningbo["city"], year=2026)
    response = signed_in(ningbo["office"]).get(EXPORT, {"region": ningbo["city"].pk, "year": 2026})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet["A1"].value == "宁波市区县智慧城市建设考核（2026年）"
    assert "编制单位：宁波市智慧办" in sheet["A2"].value and "权重：平均滞后40分" in sheet["A2"].value
    header = [cell.value for cell in sheet[3]]
    assert header[:5] == ["名次", "区县", "项目数（个）", "平均滞后（百分点）", "平均滞后得分"]
    table = {row[1]: row for row in sheet.iter_rows(min_row=4, values_only=True)}
    for row in result.rows:
        values = table[row.region.name]
        assert values[0] == (row.rank or None) and values[2] == row.projects
        for index, figure in enumerate(row.indicators):
            shown = figure.value if figure.indicator.measured else "未计量"
            assert values[3 + 2 * index : 5 + 2 * index] == (shown, figure.points)
        assert values[-1] == row.score
    assert table["镇海区"][-2] == "+2.0：示意：加分"


def test_the_api_answers_the_pages_figures(ningbo, api):
    rule_for(ningbo["city"])
    result = assessment.district_assessment(region=ningbo["city"], year=2026)
    answer = api.as_user(ningbo["leader"]).get(API).json()  # the leader's own region and this year by default
    assert (answer["name"], answer["year"], answer["as_of"]) == ("宁波市", 2026, "2026-06-15")
    assert [row["name"] for row in answer["rows"]] == [row.region.name for row in result.rows]
    assert [row["score"] for row in answer["rows"]] == [row.score for row in result.rows]
    lags = [row["indicators"][0]["value"] for row in answer["rows"]]
    assert lags == [row.figure(AssessmentIndicator.LAG).value for row in result.rows]
    assert answer["rules"][0] == {"indicator": "lag", "weight": 40, "full_at": 0.0, "zero_at": 20.0}


def add_districts(city, first, count):
    for number in range(first, first + count):
        place = region(f"新区{number}", RegionLevel.ZONE, city)
        project = ProjectFactory(lead_org=unit_of(place, f"新区{number}管委会"))
        MilestoneFactory(project=project, planned_date=datetime.date(2026, 3, 1))
        ProgressReportFactory(project=project, period="2026-05", submitted_at=at(datetime.date(2026, 5, 6)))
        AssessmentAdjustment.objects.create(
            rule=AssessmentRule.objects.get(region=city), region=place, points=Decimal("1"), reason="示意"
        )


def test_the_queries_do_not_grow_with_the_districts(ningbo):
    city = ningbo["city"]
    rule_for(city)
    client = signed_in(ningbo["office"])

    def counted():
        with CaptureQueriesContext(connection) as page:
            assert client.get(PAGE).status_code == 200
        with CaptureQueriesContext(connection) as table:
            assert client.get(EXPORT).status_code == 200
        return len(page.captured_queries), len(table.captured_queries)

    add_districts(city, 0, 1)
    few = counted()
    add_districts(city, 1, 6)
    assert counted() == few
    assert len(assessment.district_assessment(region=city, year=2026).rows) == 10


def test_the_demo_scores_ningbos_districts_with_one_illustrative_addition(set_today):
    set_today(TODAY)
    region_demo.load()
    assessment_demo.load()
    assessment_demo.load()  # adds only what is missing
    rule = AssessmentRule.objects.get()
    assert (rule.region.name, rule.year, rule.lag_weight, rule.notices_weight) == ("宁波市", 2026, 40, 0)
    assert [(a.region.name, a.reason[:3]) for a in rule.adjustments.all()] == [("镇海区", "示意：")]
