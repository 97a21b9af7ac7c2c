"""What tells a synthetic row from real data, and the names the synthetic portfolio draws from.

Rows of the synthetic portfolio (``bench/seed.py``) are marked, which is how ``--clear`` finds exactly what an
earlier run made and how the benchmarks find their projects and accounts:

- project codes start with ``SC-``, plan titles with ``SC 合成行动计划``;
- unit names end with ``(合成)``; session and proposer names start with ``合成``;
- domains and funding sources, made only when the database lacks them, have codes starting with ``sc-``;
- with ``--regions``, the regions have division codes starting with ``99`` (no real code does: the province is
  示意省, 990000), and their accounts (``bench-office-<code>``, ``bench-leader-<code>``, ``bench-admin``) are made
  again with them.

Two accounts that cannot log in with a password are kept between runs: ``bench-leader`` (a leader, for benchmarks
that ``force_login``) and ``sc-reviewer`` (office staff, the reviewer of the synthetic reports).
"""

import random

from django.db.models import Q

from accounts.models import Organization, Region, User
from projects.models import (
    Domain,
    Funding,
    FundingSource,
    Indicator,
    IndicatorValue,
    Milestone,
    Plan,
    ProgressReport,
    Project,
    ProjectBaseline,
    ProjectFigures,
)
from proposals.models import (
    Assignment,
    Category,
    Event,
    Feedback,
    Proposal,
    Proposer,
    Reply,
    ResultClass,
    Session,
    Signature,
)
from reports.models import RegionVersion

PROJECT_CODE_PREFIX = "SC-"
PLAN_TITLE_PREFIX = "SC 合成行动计划"
NAME_PREFIX = "合成"
UNIT_SUFFIX = "(合成)"
REFERENCE_CODE_PREFIX = "sc-"
BENCH_USERNAME = "bench-leader"
REVIEWER_USERNAME = "sc-reviewer"
REGION_CODE_PREFIX = "99"
OFFICE_USERNAME_PREFIX = "bench-office-"
LEADER_USERNAME_PREFIX = "bench-leader-"
SUPERUSER_USERNAME = "bench-admin"

CITY_DEPARTMENTS = [
    "市公安局",
    "市交通运输局",
    "市卫生健康委员会",
    "市教育局",
    "市自然资源和规划局",
    "市生态环境局",
    "市综合行政执法局",
    "市市场监督管理局",
    "市大数据发展管理局",
    "市应急管理局",
    "市水利局",
    "市民政局",
    "市人力资源和社会保障局",
    "市文化广电旅游局",
    "市农业农村局",
    "市商务局",
]
DISTRICTS = ["东湖区", "西山区", "南港区", "北岭区", "中河区", "新城区"]
PLACES = [*DISTRICTS, "全市"]
PROJECT_SUBJECTS = ["数据共享", "综合管理", "监测预警", "指挥调度", "公共服务", "感知网络", "运营中心"]


def weighted(rng: random.Random, weights: dict, k: int = 1) -> list:
    return rng.choices(list(weights), weights=list(weights.values()), k=k)


def synthetic_data_exists() -> bool:
    return any(
        queryset.exists()
        for queryset in (
            Project.objects.filter(code__startswith=PROJECT_CODE_PREFIX),
            Plan.objects.filter(title__startswith=PLAN_TITLE_PREFIX),
            Organization.objects.filter(name__endswith=UNIT_SUFFIX),
            Session.objects.filter(name__startswith=NAME_PREFIX),
            Proposer.objects.filter(name__startswith=NAME_PREFIX),
            Region.objects.filter(code__startswith=REGION_CODE_PREFIX),
        )
    )


def clear_synthetic_data() -> int:
    """Delete every synthetic row, children before parents; returns the number of rows deleted.

    ``QuerySet.delete()`` would load every row and, because the models keep history, write a history row for each
    one: minutes for a large portfolio. Synthetic rows never had history (bulk_create writes none), so plain SQL
    deletes in dependency order do the same job in seconds.
    """
    project = Q(project__code__startswith=PROJECT_CODE_PREFIX)
    plan = Q(plan__title__startswith=PLAN_TITLE_PREFIX)
    unit = Q(organization__name__endswith=UNIT_SUFFIX)
    session = Q(session__name__startswith=NAME_PREFIX)
    proposal = Q(proposal__session__name__startswith=NAME_PREFIX)
    indicator = Q(indicator__plan__title__startswith=PLAN_TITLE_PREFIX)
    region = Q(region__code__startswith=REGION_CODE_PREFIX)
    # Few, and referred to from many tables (tokens, logs): deleted the ORM's way, with what refers to them.
    User.objects.filter(
        Q(username__startswith=OFFICE_USERNAME_PREFIX)
        | Q(username__startswith=LEADER_USERNAME_PREFIX)
        | Q(username=SUPERUSER_USERNAME)
    ).delete()
    regions = Region.objects.filter(code__startswith=REGION_CODE_PREFIX)
    regions.update(office=None, cppcc=None)
    querysets = [
        Event.objects.filter(proposal),
        Feedback.objects.filter(proposal),
        Reply.objects.filter(proposal),
        Assignment.objects.filter(proposal),
        Signature.objects.filter(proposal),
        Proposal.related_projects.through.objects.filter(proposal | project),
        Proposal.objects.filter(session),
        Session.objects.filter(name__startswith=NAME_PREFIX),
        Proposer.objects.filter(name__startswith=NAME_PREFIX),
        ResultClass.objects.filter(region),
        Category.objects.filter(region),
        IndicatorValue.objects.filter(indicator),
        Indicator.projects.through.objects.filter(indicator | project),
        Indicator.cooperating_orgs.through.objects.filter(indicator | unit),
        Indicator.objects.filter(plan),
        Milestone.objects.filter(project),
        ProgressReport.objects.filter(project),
        Funding.objects.filter(project),
        ProjectBaseline.objects.filter(project),
        ProjectFigures.objects.filter(project),
        Project.plans.through.objects.filter(project | plan),
        Project.participating_orgs.through.objects.filter(project | unit),
        Project.objects.filter(code__startswith=PROJECT_CODE_PREFIX),
        Plan.objects.filter(title__startswith=PLAN_TITLE_PREFIX),
        Organization.objects.filter(name__endswith=UNIT_SUFFIX),
        RegionVersion.objects.filter(region),
        regions,
        Domain.objects.filter(code__startswith=REFERENCE_CODE_PREFIX),
        FundingSource.objects.filter(code__startswith=REFERENCE_CODE_PREFIX),
    ]
    return sum(queryset._raw_delete(queryset.db) for queryset in querysets)
