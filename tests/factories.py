import datetime
from decimal import Decimal

import factory
from django.contrib.auth.models import Group

from accounts.choices import OrganizationKind
from accounts.models import Organization, User
from projects.choices import PlanKind, ProjectStatus, ProjectTier, ReportStatus
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
)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"测试单位{n}")
    short_name = factory.Sequence(lambda n: f"单位{n}")
    kind = OrganizationKind.DEPARTMENT


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    organization = factory.SubFactory(OrganizationFactory)
    password = factory.PostGenerationMethodCall("set_password", "pass-2026-word")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))
        if create:
            self.save()


class DomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Domain
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"domain-{n}")
    name = factory.Sequence(lambda n: f"智慧领域{n}")
    group = "city_services"


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    title = factory.Sequence(lambda n: f"{2020 + n % 5}年智慧城市建设行动计划（{n}）")
    kind = PlanKind.ACTION_PLAN
    first_year = 2026
    last_year = 2027


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    code = factory.Sequence(lambda n: f"P{n:04d}")
    name = factory.Sequence(lambda n: f"智慧项目{n}")
    domain = factory.SubFactory(DomainFactory)
    tier = ProjectTier.KEY
    lead_org = factory.SubFactory(OrganizationFactory)
    total_investment = Decimal("1000.00")
    planned_start = datetime.date(2026, 1, 1)
    planned_end = datetime.date(2026, 12, 31)
    status = ProjectStatus.IN_PROGRESS


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"节点{n}")
    weight = 10
    planned_date = datetime.date(2026, 6, 30)


class ProgressReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressReport

    project = factory.SubFactory(ProjectFactory)
    period = "2026-05"
    progress = Decimal("40.0")
    investment_completed = Decimal("50.00")
    summary = "完成招投标。"
    status = ReportStatus.SUBMITTED


class FundingSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingSource
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"source-{n}")
    name = factory.Sequence(lambda n: f"资金来源{n}")
    is_government = True


class FundingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Funding

    project = factory.SubFactory(ProjectFactory)
    source = factory.SubFactory(FundingSourceFactory)
    year = 2026
    planned = Decimal("500.00")
    allocated = Decimal("400.00")
    disbursed = Decimal("300.00")


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    plan = factory.SubFactory(PlanFactory)
    name = factory.Sequence(lambda n: f"指标{n}")
    unit = "个"
    target = Decimal("100")
    responsible_org = factory.SubFactory(OrganizationFactory)


class IndicatorValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorValue

    indicator = factory.SubFactory(IndicatorFactory)
    period = "2026-06"
    value = Decimal("50")


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "proposals.Session"
        django_get_or_create = ["name", "region"]

    name = "十五届四次"
    region = None
    year = 2026
    opening_date = datetime.date(2026, 1, 10)


class ProposerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "proposals.Proposer"
        django_get_or_create = ["name", "region"]

    name = factory.Sequence(lambda n: f"委员{n}")
    region = None
    sector = "经济界"


class ProposalFactory(factory.django.DjangoModelFactory):
    """A submitted proposal with one proposer (``proposers=[...]`` to name them, lead first)."""

    class Meta:
        model = "proposals.Proposal"
        skip_postgeneration_save = True

    session = factory.SubFactory(SessionFactory)
    number = factory.Sequence(lambda n: f"{n + 1:03d}")
    title = factory.Sequence(lambda n: f"关于推进智慧城市建设的建议（{n}）")
    content = "部门间缺乏数据共享。"
    suggestions = "建立数据共享交换平台。"
    submitted_on = datetime.date(2026, 1, 12)

    @factory.post_generation
    def proposers(self, create, extracted, **kwargs):
        if not create:
            return
        from proposals.services import proposers_from_names, set_proposers

        names = extracted or [f"提案人{self.number}"]
        set_proposers(self, proposers_from_names(names, region=self.session.region))


def unit_user(unit: Organization, role: str) -> User:
    """The unit's account in ``role`` (liaison or signer), made once per unit."""
    user = User.objects.filter(username=f"{role}-of-{unit.pk}").first()
    return user or UserFactory(username=f"{role}-of-{unit.pk}", organization=unit, role=role)


def issue_reply(proposal, unit: Organization, *, liaison: User | None = None, signer: User | None = None, **fields):
    """The unit's reply, as a unit issues one: its liaison drafts, its signer signs off (accounts made if not given).
    ``fields`` are the letter's (``text``, ``result_class``, ``issued_on``, ``doc_number``…)."""
    from accounts.choices import Role
    from proposals import services
    from proposals.models import ResultClass

    if "result_class" not in fields:
        fields["result_class"] = ResultClass.objects.get_or_create(
            code="B", region=proposal.session.region, defaults={"name": "列入计划拟解决", "order": 2}
        )[0]
    fields.setdefault("text", f"{unit.name}的答复")
    services.reply_save_draft(actor=liaison or unit_user(unit, Role.LIAISON), proposal=proposal, **fields)
    return services.reply_sign_off(actor=signer or unit_user(unit, Role.SIGNER), proposal=proposal)
