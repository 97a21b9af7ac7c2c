"""Every URL of the site × every role × GET and the write methods → the answer each role gets, and never a 500.

The URL conf is walked (``get_resolver()``): ``test_every_url_is_classified`` fails when a URL name (or an unnamed
pattern) has no row, so a new page must be classified here before it ships. Each row names a URL, the objects that
fill its converters and, per method, the status of each role in this order:

    anonymous · office staff · liaison of the owning unit · liaison of another unit · leader · committee

and a seventh role, the signer (单位签发人) of the owning unit, asked on every row too: it gets what the leader gets
(it reads everything and writes nothing of the portfolio), except on the rows that name its answers (``signer=``,
per method): the owning unit's proposal steps, drafting and signing off its replies.

``LOGIN`` is a redirect to the login page with ``?next=`` the address asked for, ``ADMIN`` one to the admin's login
page; anything else is the status code. The rules behind the answers: office staff do everything in the portfolio;
a liaison reads everything and writes only what belongs to their own unit; leaders read only; the committee keeps the
proposals and their reference data, records paper replies (代录) and publishes replies; a unit's signer signs off its
replies; the public pages and the language switch need no login; the API answers an anonymous caller 401. A page
refuses a role first (403) and a method second (405), except where noted.

Writes post empty or minimal bodies: what matters is the permission answer, a 403 for a role that may not and a
redirect, a re-rendered form or a 400 for one that may. Each request runs in a savepoint rolled back after it, over
one data set built once for the module, so a delete by one role leaves the object for the next.
"""

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from knox.models import AuthToken

from projects import services as portfolio
from projects.choices import ReportStatus, Role
from projects.forms import IndicatorForm, IndicatorValueFormSet, OrganizationForm, PlanForm
from projects.models import (
    Baseline,
    Funding,
    Indicator,
    IndicatorValue,
    Organization,
    Plan,
    ProgressReport,
    Project,
    ProjectChangeRequest,
    SentReminder,
)
from proposals import services as handling
from proposals.choices import ProposalStatus
from proposals.models import Assignment, Category, Proposal, Reply, ResultClass, Session
from tests.factories import (
    FundingFactory,
    FundingSourceFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MilestoneFactory,
    OrganizationFactory,
    PlanFactory,
    ProgressReportFactory,
    ProjectFactory,
    ProposalFactory,
    SessionFactory,
    UserFactory,
    issue_reply,
)
from tests.formdata import form_data, formset_data, funding_data, new_project_data, project_post

ROLES = ("anonymous", "office", "liaison", "other_liaison", "leader", "committee")
# Asked on every row as well; its answers are the leader's unless the row names them (``signer=``).
SIGNER = "signer"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
LOGIN = "LOGIN"
ADMIN = "ADMIN"
MISSING = 999999

# The answers that recur. A page's row gives GET and POST; PUT, PATCH and DELETE share ``other``.
READ = "LOGIN 200 200 200 200 200"
NO_METHOD = "LOGIN 405 405 405 405 405"
API_READ = "401 200 200 200 200 200"
API_NO_METHOD = "401 405 405 405 405 405"
PUBLIC = "200 200 200 200 200 200"
# The API checks the role's permission before the method: a method a route does not take answers 405 to a role that
# holds the model permission the method stands for (add for POST, change for PUT and PATCH, delete for DELETE), 403
# to the others.
OFFICE_405 = "401 405 403 403 403 403"
UNITS_405 = "401 405 405 405 403 403"
COMMITTEE_405 = "401 403 403 403 403 405"
NOBODY_405 = "401 403 403 403 403 403"


# --------------------------------------------------------------------------------------------------------------
# The URL conf, walked
# --------------------------------------------------------------------------------------------------------------


def walk(patterns=None, prefix="", namespace=""):
    """(key, route) of every pattern: the URL name with its namespace, or the route for an unnamed pattern."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from walk(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern):
            key = ":".join(filter(None, [namespace, pattern.name])) if pattern.name else route
            yield key, route


URL_KEYS = {key for key, _route in walk()}


# --------------------------------------------------------------------------------------------------------------
# The table's rows
# --------------------------------------------------------------------------------------------------------------


def statuses(spec: str) -> tuple:
    tokens = spec.split()
    assert len(tokens) == len(ROLES), spec
    return tuple(token if token in (LOGIN, ADMIN) else int(token) for token in tokens)


@dataclass(frozen=True)
class Row:
    """One address and what each role gets from it by each method.

    ``obj`` names the world's object whose pk fills ``<pk>``; ``kwargs`` fill other converters literally; ``path``
    replaces both for the admin's regex routes; ``query`` may name {unit}, {plan}, {period} or {session} of the data
    set. ``data`` builds the body of POST (and PUT/PATCH on the API, where
    ``change`` builds PATCH's and PUT's). ``done`` tells whether a POST's write happened: it must be true exactly when
    the answer is a success (a redirect for a page; 200, 201 or 204 for the API).
    """

    name: str
    variant: str
    expect: dict[str, tuple]
    obj: str | None = None
    kwargs: dict = field(default_factory=dict)
    query: str = ""
    path: Callable | None = None
    data: Callable | None = None
    change: Callable | None = None
    done: Callable | None = None
    api: bool = False
    multipart: bool = False
    signer: dict = field(default_factory=dict)

    def signer_expects(self, method: str):
        """The signer's answer: the row's own, else the leader's."""
        if method in self.signer:
            token = self.signer[method]
            return token if token in (LOGIN, ADMIN) else int(token)
        return self.expect[method][ROLES.index("leader")]

    @property
    def id(self) -> str:
        return f"{self.name}[{self.variant}]" if self.variant else self.name

    def url(self, w) -> str:
        if self.path is not None:
            path = self.path(w)
        else:
            kwargs = dict(self.kwargs)
            if self.obj:
                kwargs["pk"] = getattr(w, self.obj).pk
            path = reverse(self.name, kwargs=kwargs)
        return f"{path}?{self.query}" if self.query else path


def page(name, variant="", *, GET, POST=NO_METHOD, other=NO_METHOD, **fields) -> Row:
    """A page: PUT, PATCH and DELETE share ``other`` unless given one by one."""
    expect = {"GET": GET, "POST": POST, **{method: fields.pop(method, other) for method in ("PUT", "PATCH", "DELETE")}}
    return Row(name, variant, {method: statuses(spec) for method, spec in expect.items()}, **fields)


def signer(GET=None, POST=None, other=None) -> dict:
    """The signer's answers on a page, where they are not the leader's (``other``: PUT, PATCH and DELETE)."""
    answers = {"GET": GET, "POST": POST, **dict.fromkeys(("PUT", "PATCH", "DELETE"), other)}
    return {method: token for method, token in answers.items() if token is not None}


def api(name, variant="", *, GET, POST, PUT, PATCH, DELETE, **fields) -> Row:
    expect = {"GET": GET, "POST": POST, "PUT": PUT, "PATCH": PATCH, "DELETE": DELETE}
    return Row(f"api:{name}", variant, {method: statuses(spec) for method, spec in expect.items()}, api=True, **fields)


def api_list(name, variant="", *, POST, PUT, DELETE, GET=API_READ, **fields) -> Row:
    """A collection: PUT, PATCH and DELETE are not its methods (PATCH answers as PUT)."""
    return api(name, variant, GET=GET, POST=POST, PUT=PUT, PATCH=PUT, DELETE=DELETE, **fields)


def api_action(name, variant="", *, POST, change, delete, GET=API_NO_METHOD, **fields) -> Row:
    """A POST-only action on one object: PUT and PATCH answer as ``change``, DELETE as ``delete``."""
    return api(name, variant, GET=GET, POST=POST, PUT=change, PATCH=change, DELETE=delete, **fields)


# Bodies, and how to tell that a write happened.


def period_of(day: datetime.date, months_back: int = 0) -> str:
    month = day.year * 12 + day.month - 1 - months_back
    return f"{month // 12:04d}-{month % 12 + 1:02d}"


def exists(model, **lookups):
    return lambda w: model._default_manager.filter(**lookups).exists()


def gone(model, attr):
    return lambda w: not model._default_manager.filter(pk=getattr(w, attr).pk).exists()


def archived(model, attr):
    return lambda w: model._default_manager.get(pk=getattr(w, attr).pk).archived_at is not None


DESCRIPTION = "补充建设内容：接入区级视频资源。"


def project_described(w):
    return Project._default_manager.get(pk=w.own_project.pk).description == DESCRIPTION


def reporting_data(w):
    prefix = f"p{w.own_project.pk}"
    return {
        f"{prefix}-progress": "45.0",
        f"{prefix}-investment_completed": "60",
        f"{prefix}-summary": "完成平台部署，开始联调。",
        f"{prefix}-next_steps": "组织试运行。",
    }


def request_status_is(status):
    return lambda w: ProjectChangeRequest._default_manager.get(pk=w.change_request.pk).status == status


def report_status_is(status):
    return lambda w: ProgressReport._default_manager.get(pk=w.report.pk).status == status


def new_indicator_data(w):
    return {
        **form_data(IndicatorForm()),
        "plan": str(w.plan.pk),
        "name": "5G基站数量",
        "unit": "个",
        "target": "1200",
        "direction": "higher",
        "responsible_org": str(w.unit.pk),
        "values-TOTAL_FORMS": "0",
        "values-INITIAL_FORMS": "0",
    }


def edit_indicator_data(w):
    return {
        **form_data(IndicatorForm(instance=w.own_indicator)),
        **formset_data(IndicatorValueFormSet(instance=w.own_indicator, prefix="values")),
        "goal": "政务服务便利化",
    }


def new_plan_data(w):
    return {
        **form_data(PlanForm()),
        "title": "镇海区数据要素市场化配置行动方案",
        "kind": "action_plan",
        "first_year": "2027",
        "last_year": "2028",
    }


def new_proposal_data(w):
    return {
        "session": str(w.session.pk),
        "number": "099",
        "title": "关于建设城市运行一网统管平台的建议",
        "proposer_names": "储建华",
        "category": str(w.category.pk),
        "submitted_on": "2026-01-12",
        "content": "部门间数据壁垒。",
        "suggestions": "统一平台。",
    }


def reply_data(w, **extra):
    return {
        "result_class": str(w.result_class.pk),
        "text": "你的提案已收悉，现答复如下：……",
        "issued_on": w.today.isoformat(),
        **extra,
    }


def drafted_by_unit(w):
    return Reply._default_manager.filter(proposal=w.assigned, unit=w.unit).exists()


def reply_status_is(attr, status):
    return lambda w: Reply._default_manager.get(pk=getattr(w, attr).pk).status == status


def status_of(attr, status):
    return lambda w: Proposal._default_manager.get(pk=getattr(w, attr).pk).status == status


def later(w, days=20):
    return (w.today + datetime.timedelta(days=days)).isoformat()


# --------------------------------------------------------------------------------------------------------------
# The pages
# --------------------------------------------------------------------------------------------------------------

# Each status string: anonymous · office · own unit's liaison · other unit's liaison · leader · committee.
PORTFOLIO_PAGES = [
    page("home", GET=READ),
    page("project-list", GET=READ),
    page("project-list", "xlsx", query="export=xlsx", GET=READ),
    page("project-list", "csv", query="export=csv", GET=READ),
    page("project-detail", obj="own_project", GET=READ),
    page("project-detail", "missing", kwargs={"pk": MISSING}, GET="LOGIN 404 404 404 404 404"),
    page(
        "project-add",
        GET="LOGIN 200 403 403 403 403",
        POST="LOGIN 302 403 403 403 403",
        other="LOGIN 405 403 403 403 403",
        data=new_project_data,
        done=exists(Project, code="ZH-2026-099"),
    ),
    page(
        "project-edit",
        obj="own_project",
        GET="LOGIN 200 200 403 403 403",
        POST="LOGIN 302 302 403 403 403",
        other="LOGIN 405 405 405 403 403",
        data=lambda w: project_post(w.own_project, description=DESCRIPTION),
        done=project_described,
    ),
    page(
        "project-edit",
        "to another unit",  # a liaison may not hand their project to another unit: the form says so
        obj="own_project",
        GET="LOGIN 200 200 403 403 403",
        POST="LOGIN 302 200 403 403 403",
        other="LOGIN 405 405 405 403 403",
        data=lambda w: project_post(w.own_project, lead_org=str(w.other_unit.pk), description=DESCRIPTION),
        done=project_described,
    ),
    page(
        "project-edit",
        "missing",
        kwargs={"pk": MISSING},
        GET="LOGIN 404 404 404 403 403",
        POST="LOGIN 404 404 404 403 403",
        other="LOGIN 405 405 405 403 403",
    ),
    page(
        "project-funding",
        obj="own_project",
        GET="LOGIN 200 403 403 403 403",
        POST="LOGIN 302 403 403 403 403",
        other="LOGIN 405 403 403 403 403",
        data=funding_data,
        done=lambda w: Funding.objects.get(pk=w.own_funding.pk).planned == Decimal("888.00"),
    ),
    page(
        "project-archive",
        obj="own_project",
        GET="LOGIN 200 403 403 403 403",
        POST="LOGIN 302 403 403 403 403",
        other="LOGIN 405 403 403 403 403",
        done=archived(Project, "own_project"),
    ),
    # What a unit asks the office to confirm: the unit asks (the office's own are confirmed at once), the office
    # confirms or returns, the unit may withdraw while it waits.
    page("change-request-list", GET=READ),
    page(
        "change-request-add",
        obj="own_project",
        GET=NO_METHOD,
        POST="LOGIN 302 302 403 403 403",
        data=lambda w: {
            "kind": "completion",
            "effective_on": w.today.isoformat(),
            "actual_start": "2026-01-05",
            "reason": "已竣工。",
        },
        done=exists(ProjectChangeRequest, project__code="ZH-2026-001", kind="completion"),
    ),
    page(
        "change-request-decide",
        "confirm",
        obj="change_request",
        kwargs={"decision": "confirm"},
        GET=NO_METHOD,
        POST="LOGIN 302 403 403 403 403",
        done=request_status_is("confirmed"),
    ),
    page(
        "change-request-decide",
        "return",
        obj="change_request",
        kwargs={"decision": "return"},
        GET=NO_METHOD,
        POST="LOGIN 302 403 403 403 403",
        data=lambda w: {"note": "请补充依据。"},
        done=request_status_is("returned"),
    ),
    page(
        "change-request-decide",
        "withdraw",
        obj="change_request",
        kwargs={"decision": "withdraw"},
        GET=NO_METHOD,
        POST="LOGIN 302 302 403 403 403",
        done=request_status_is("withdrawn"),
    ),
    page("milestone-list", GET=READ),
    page("milestone-list", "xlsx", query="export=xlsx", GET=READ),
    page("milestone-list", "csv", query="export=csv", GET=READ),
    page("report-list", GET=READ),
    page("report-list", "xlsx", query="export=xlsx", GET=READ),
    page("report-list", "csv", query="export=csv", GET=READ),
    page(
        "progress-reporting",
        query="unit={unit}",
        GET="LOGIN 200 200 200 403 403",
        # The other unit's liaison files for their own unit whatever ?unit= says: the own project's rows are not
        # theirs, so nothing is saved and the page comes back.
        POST="LOGIN 302 302 200 403 403",
        other="LOGIN 405 405 405 403 403",
        data=reporting_data,
        done=lambda w: ProgressReport._default_manager.filter(project=w.own_project, period=w.period).exists(),
    ),
    page(
        "review-queue",
        GET="LOGIN 200 403 403 403 403",
        POST="LOGIN 302 403 403 403 403",
        other="LOGIN 405 403 403 403 403",
        data=lambda w: {"approve": str(w.report.pk)},
        done=report_status_is(ReportStatus.APPROVED),
    ),
    page(
        "report-return",
        obj="report",
        GET=NO_METHOD,
        POST="LOGIN 302 403 403 403 403",
        data=lambda w: {"comment": "投资完成额与上月不符，请核实后重报。"},
        done=report_status_is(ReportStatus.RETURNED),
    ),
    page("indicator-list", GET=READ),
    page("indicator-list", "xlsx", query="export=xlsx", GET=READ),
    page("indicator-list", "csv", query="export=csv", GET=READ),
    page("indicator-detail", obj="own_indicator", GET=READ),
    page(
        "indicator-add",
        GET="LOGIN 200 403 403 403 403",
        POST="LOGIN 302 403 403 403 403",
        other="LOGIN 405 403 403 403 403",
        data=new_indicator_data,
        done=exists(Indicator, name="5G基站数量"),
    ),
    page(
        "indicator-edit",
        obj="own_indicator",
        GET="LOGIN 200 403 403 403 403",
        POST="LOGIN 302 403 403 403 403",
        other="LOGIN 405 403 403 403 403",
        data=edit_indicator_data,
        done=lambda w: Indicator.objects.get(pk=w.own_indicator.pk).goal == "政务服务便利化",
    ),
    page(
        "indicator-value-add",
        obj="own_indicator",
        GET="LOGIN 405 405 405 403 403",
        POST="LOGIN 302 302 403 403 403",
        other="LOGIN 405 405 405 403 403",
        data=lambda w: {"period": w.period, "value": "88.5", "note": "区大数据中心统计"},
        done=lambda w: IndicatorValue.objects.filter(indicator=w.own_indicator, period=w.period).exists(),
    ),
    page(
        "indicator-value-edit",
        obj="own_value",
        GET="LOGIN 200 200 403 403 403",
        POST="LOGIN 302 302 403 403 403",
        other="LOGIN 405 405 405 403 403",
        data=lambda w: {"period": "2026-06", "value": "85", "note": "更正"},
        done=lambda w: IndicatorValue.objects.get(pk=w.own_value.pk).value == Decimal("85"),
    ),
    page(
        "indicator-delete",
        obj="spare_indicator",
        GET="LOGIN 200 403 403 403 403",
        POST="LOGIN 302 403 403 403 403",
        other="LOGIN 405 403 403 403 403",
        done=gone(Indicator, "spare_indicator"),
    ),
    page("plan-list", GET=READ),
    page("plan-detail", obj="plan", GET=READ),
    page(
        "plan-add",
        GET="LOGIN 200 403 403 403 403",
        POST="LOGIN 302 403 403 403 403",
        other="LOGIN 405 403 403 403 403",
        data=new_plan_data,
        done=exists(Plan, title="镇海区数据要素市场化配置行动方案"),
    ),
    page(
        "plan-edit",
        obj="plan",
        GET="LOGIN 200 403 403 403 403",
        POST="LOGIN 302 403 403 403 403",
        other="LOGIN 405 403 403 403 403",
        data=lambda w: {**form_data(PlanForm(instance=w.plan)), "issuer": "镇海区人民政府办公室"},
        done=lambda w: Plan.objects.get(pk=w.plan.pk).issuer == "镇海区人民政府办公室",
    ),
    page(
        "plan-delete",
        obj="spare_plan",
        GET="LOGIN 200 403 403 403 403",
        POST="LOGIN 302 403 403 403 403",
        other="LOGIN 405 403 403 403 403",
        done=gone(Plan, "spare_plan"),
    ),
    page(
        "plan-delete",
        "in use",  # its targets keep it: the page says so and sends the office back
        obj="plan",
        GET="LOGIN 200 403 403 403 403",
        POST="LOGIN 302 403 403 403 403",
        other="LOGIN 405 403 403 403 403",
    ),
    page("organization-list", GET=READ),
    page("organization-detail", obj="unit", GET=READ),
    page(
        "organization-add",
        GET="LOGIN 200 403 403 403 403",
        POST="LOGIN 302 403 403 403 403",
        other="LOGIN 405 403 403 403 403",
        data=lambda w: {
            **form_data(OrganizationForm()),
            "name": "镇海区数据局",
            "short_name": "区数据局",
            "kind": "department",
        },
        done=exists(Organization, name="镇海区数据局"),
    ),
    page(
        "organization-edit",
        obj="unit",
        GET="LOGIN 200 403 403 403 403",
        POST="LOGIN 302 403 403 403 403",
        other="LOGIN 405 403 403 403 403",
        data=lambda w: {**form_data(OrganizationForm(instance=w.unit)), "short_name": "经信局"},
        done=lambda w: Organization._default_manager.get(pk=w.unit.pk).short_name == "经信局",
    ),
    page(
        "organization-archive",
        obj="spare_org",
        GET="LOGIN 200 403 403 403 403",
        POST="LOGIN 302 403 403 403 403",
        other="LOGIN 405 403 403 403 403",
        done=archived(Organization, "spare_org"),
    ),
    page(
        "baseline-list",
        GET=READ,
        POST="LOGIN 302 403 403 403 403",
        data=lambda w: {"year": "2027", "note": "区政府常务会议审定"},
        done=exists(Baseline, year=2027),
    ),
    page("baseline-detail", kwargs={"year": 2026}, GET=READ),
    page("baseline-detail", "missing", kwargs={"year": 1999}, GET="LOGIN 404 404 404 404 404"),
]

# Each status string: anonymous · office · own unit's liaison · other unit's liaison · leader · committee.
PROPOSAL_PAGES = [
    page("proposal-list", GET=READ),
    page("proposal-list", "xlsx", query="export=xlsx", GET=READ),
    page("proposal-list", "csv", query="export=csv", GET=READ),
    page("proposal-detail", obj="assigned", GET=READ),
    page(
        "proposal-add",
        GET="LOGIN 403 403 403 403 200",
        POST="LOGIN 403 403 403 403 302",
        other="LOGIN 403 403 403 403 405",
        data=new_proposal_data,
        done=exists(Proposal, number="099"),
    ),
    page(
        "proposal-edit",
        obj="submitted",
        GET="LOGIN 403 403 403 403 200",
        POST="LOGIN 403 403 403 403 200",  # an empty form comes back with its errors
        other="LOGIN 403 403 403 403 405",
    ),
    page(
        "proposal-archive",
        obj="submitted",
        GET="LOGIN 403 403 403 403 200",
        POST="LOGIN 403 403 403 403 302",
        other="LOGIN 403 403 403 403 405",
        done=archived(Proposal, "submitted"),
    ),
    page("proposal-inbox", GET=READ),
    page("proposal-reference", GET=READ),
    page(
        "session-add",
        GET="LOGIN 403 403 403 403 200",
        POST="LOGIN 403 403 403 403 302",
        other="LOGIN 403 403 403 403 405",
        data=lambda w: {"name": "十五届五次", "year": "2027", "opening_date": "2027-01-10"},
        done=exists(Session, name="十五届五次"),
    ),
    page(
        "session-edit",
        obj="session",
        GET="LOGIN 403 403 403 403 200",
        POST="LOGIN 403 403 403 403 200",
        other="LOGIN 403 403 403 403 405",
    ),
    page(
        "category-add",
        GET="LOGIN 403 403 403 403 200",
        POST="LOGIN 403 403 403 403 302",
        other="LOGIN 403 403 403 403 405",
        data=lambda w: {"name": "数字经济", "order": "9"},
        done=exists(Category, name="数字经济"),
    ),
    page(
        "category-edit",
        obj="category",
        GET="LOGIN 403 403 403 403 200",
        POST="LOGIN 403 403 403 403 200",
        other="LOGIN 403 403 403 403 405",
    ),
    page(
        "resultclass-add",
        GET="LOGIN 403 403 403 403 200",
        POST="LOGIN 403 403 403 403 302",
        other="LOGIN 403 403 403 403 405",
        data=lambda w: {"code": "Z", "name": "其他", "order": "9"},
        done=exists(ResultClass, code="Z"),
    ),
    page(
        "resultclass-edit",
        obj="result_class",
        GET="LOGIN 403 403 403 403 200",
        POST="LOGIN 403 403 403 403 200",
        other="LOGIN 403 403 403 403 405",
    ),
    page("reply-letter", obj="reply", GET=READ),
    page("reply-letter", "unpublished", obj="hidden_reply", GET=READ),
    # A draft is its own unit's: nobody else learns it exists.
    page("reply-letter", "draft", obj="draft", GET="LOGIN 404 200 404 404 404", signer=signer(GET="200")),
    page(
        "reply-publication",
        "publish",
        obj="hidden_reply",
        kwargs={"action": "publish"},
        GET="LOGIN 403 403 403 403 302",
        POST="LOGIN 403 403 403 403 302",
        other="LOGIN 403 403 403 403 405",
        done=lambda w: Reply._default_manager.get(pk=w.hidden_reply.pk).is_public,
    ),
    page(
        "reply-publication",
        "withdraw",
        obj="reply",
        kwargs={"action": "withdraw"},
        GET="LOGIN 403 403 403 403 302",
        POST="LOGIN 403 403 403 403 302",
        other="LOGIN 403 403 403 403 405",
        done=lambda w: not Reply._default_manager.get(pk=w.reply.pk).is_public,
    ),
    page(
        "reply-publication",
        "not an action",
        obj="reply",
        kwargs={"action": "delete"},
        GET="LOGIN 404 404 404 404 404",
        POST="LOGIN 404 404 404 404 404",
        other="LOGIN 404 404 404 404 404",
    ),
    # The committee keeps the list of handling units; everyone reads it.
    page(
        "handling-units",
        GET=READ,
        POST="LOGIN 403 403 403 403 302",
        other="LOGIN 405 405 405 405 405",
        data=lambda w: {"units": [str(w.unit.pk), str(w.other_unit.pk), str(w.co_unit.pk), str(w.spare_org.pk)]},
    ),
    # The moves: GET shows the form to every role that may ever make the move; the service decides on POST.
    page(
        "proposal-move",
        "file",
        obj="submitted",
        kwargs={"move": "file"},
        GET="LOGIN 403 403 403 403 200",
        POST="LOGIN 403 403 403 403 302",
        other="LOGIN 403 403 403 403 405",
        done=status_of("submitted", ProposalStatus.FILED),
    ),
    page(
        "proposal-move",
        "not-file",
        obj="submitted",
        kwargs={"move": "not-file"},
        GET="LOGIN 403 403 403 403 200",
        POST="LOGIN 403 403 403 403 302",
        other="LOGIN 403 403 403 403 405",
        data=lambda w: {"reason": "不属于政协提案范围。"},
        done=status_of("submitted", ProposalStatus.NOT_FILED),
    ),
    page(
        "proposal-move",
        "merge",
        obj="submitted",
        kwargs={"move": "merge"},
        GET="LOGIN 403 403 403 403 200",
        POST="LOGIN 403 403 403 403 302",
        other="LOGIN 403 403 403 403 405",
        data=lambda w: {"into": str(w.filed.pk)},
        done=status_of("submitted", ProposalStatus.MERGED),
    ),
    page(
        "proposal-move",
        "assign",
        obj="filed",
        kwargs={"move": "assign"},
        GET="LOGIN 403 403 403 403 200",
        POST="LOGIN 403 403 403 403 302",
        other="LOGIN 403 403 403 403 405",
        data=lambda w: {"lead_unit": str(w.unit.pk), "due_date": later(w, 60)},
        done=status_of("filed", ProposalStatus.ASSIGNED),
    ),
    # The unit's steps: its own liaison and signer only; office staff no longer act for units (403).
    page(
        "proposal-move",
        "request-reassign",
        obj="assigned",
        kwargs={"move": "request-reassign"},
        GET="LOGIN 403 200 200 403 403",
        POST="LOGIN 403 302 403 403 403",
        other="LOGIN 403 405 405 403 403",
        signer=signer(GET="200", POST="302", other="405"),
        data=lambda w: {"reason": "不属于本单位职责。", "unit": str(w.unit.pk)},
        done=status_of("assigned", ProposalStatus.REASSIGN_REQUESTED),
    ),
    page(
        "proposal-move",
        "opinion",
        obj="assigned",
        kwargs={"move": "opinion"},
        GET="LOGIN 403 200 200 403 403",
        # The lead unit replies rather than sending an opinion: its liaison's form comes back with the reason.
        POST="LOGIN 403 200 403 403 403",
        other="LOGIN 403 405 405 403 403",
        signer=signer(GET="200", POST="200", other="405"),
        data=lambda w: {"opinion": "建议纳入城市大脑二期。", "unit": str(w.co_unit.pk)},
    ),
    page(
        "proposal-move",
        "reply",
        obj="assigned",
        kwargs={"move": "reply"},
        GET="LOGIN 403 200 200 403 403",
        POST="LOGIN 403 302 403 403 403",
        other="LOGIN 403 405 405 403 403",
        signer=signer(GET="200", POST="302", other="405"),
        data=lambda w: reply_data(w, unit=str(w.unit.pk)),
        done=drafted_by_unit,
    ),
    page(
        "proposal-move",
        "sign-off",
        obj="drafted",
        kwargs={"move": "sign-off"},
        GET="LOGIN 403 403 403 403 403",
        POST="LOGIN 403 403 403 403 403",
        other="LOGIN 403 403 403 403 403",
        signer=signer(GET="200", POST="302", other="405"),
        done=reply_status_is("draft", "issued"),
    ),
    page(
        "proposal-move",
        "return-reply",
        obj="drafted",
        kwargs={"move": "return-reply"},
        GET="LOGIN 403 403 403 403 403",
        POST="LOGIN 403 403 403 403 403",
        other="LOGIN 403 403 403 403 403",
        signer=signer(GET="200", POST="302", other="405"),
        data=lambda w: {"note": "请补充资金来源。"},
        done=reply_status_is("draft", "returned"),
    ),
    page(
        "proposal-move",
        "record-reply",
        obj="assigned",
        kwargs={"move": "record-reply"},
        GET="LOGIN 403 403 403 403 200",
        POST="LOGIN 403 403 403 403 302",
        other="LOGIN 403 403 403 403 405",
        data=lambda w: reply_data(w, unit=str(w.unit.pk), signed_off_on=w.today.isoformat()),
        done=status_of("assigned", ProposalStatus.REPLIED),
    ),
    page(
        "proposal-move",
        "extend",
        obj="assigned",
        kwargs={"move": "extend"},
        GET="LOGIN 403 403 403 403 200",
        POST="LOGIN 403 403 403 403 302",
        other="LOGIN 403 403 403 403 405",
        data=lambda w: {"assignment": str(w.assignment.pk), "due_date": later(w, 120), "reason": "需调研。"},
    ),
    page(
        "proposal-move",
        "feedback",
        obj="replied",
        kwargs={"move": "feedback"},
        GET="LOGIN 403 403 403 403 200",
        POST="LOGIN 403 403 403 403 302",
        other="LOGIN 403 403 403 403 405",
        data=lambda w: {
            "proposer": str(w.replied.lead_proposer.pk),
            "satisfaction": "satisfied",
            "given_on": w.today.isoformat(),
        },
        done=status_of("replied", ProposalStatus.CLOSED),
    ),
    page(
        "proposal-move",
        "close",
        obj="replied",
        kwargs={"move": "close"},
        GET="LOGIN 403 403 403 403 200",
        POST="LOGIN 403 403 403 403 302",
        other="LOGIN 403 403 403 403 405",
        done=status_of("replied", ProposalStatus.CLOSED),
    ),
    page(
        "proposal-move",
        "not a move",
        obj="assigned",
        kwargs={"move": "approve"},
        GET="LOGIN 404 404 404 404 404",
        POST="LOGIN 404 404 404 404 404",
        other="LOGIN 404 404 404 404 404",
    ),
    page("public-reply-list", GET=PUBLIC, POST="405 405 405 405 405 405", other="405 405 405 405 405 405"),
    page(
        "public-reply-detail", obj="reply", GET=PUBLIC, POST="405 405 405 405 405 405", other="405 405 405 405 405 405"
    ),
    page(
        "public-reply-detail",
        "unpublished",
        obj="hidden_reply",
        GET="404 404 404 404 404 404",
        POST="405 405 405 405 405 405",
        other="405 405 405 405 405 405",
    ),
    page(
        "public-reply-vote",
        obj="reply",
        GET="405 405 405 405 405 405",
        POST="302 302 302 302 302 302",
        other="405 405 405 405 405 405",
        data=lambda w: {"choice": "support"},
    ),
    page(
        "public-reply-vote",
        "unpublished",
        obj="hidden_reply",
        GET="405 405 405 405 405 405",
        POST="404 404 404 404 404 404",
        other="405 405 405 405 405 405",
        data=lambda w: {"choice": "support"},
    ),
]

# Each status string: anonymous · office · own unit's liaison · other unit's liaison · leader · committee.
REPORT_PAGES = [
    page("dashboard", GET=READ),
    page("dashboard-summary", GET=READ),
    page("public-progress", GET=PUBLIC, POST="405 405 405 405 405 405", other="405 405 405 405 405 405"),
    page("export-index", GET=READ),
    page("export-project-plan", query="year=2026", GET=READ),
    page("export-project-plan", "no year", GET="LOGIN 400 400 400 400 400"),
    page("export-targets", query="plan={plan}", GET=READ),
    page("export-progress", query="period={period}", GET=READ),
    page("export-proposals", query="session={session}", GET=READ),
    page("export-proposal-stats", query="session={session}", GET=READ),
    page("export-proposal-stats", "missing session", query=f"session={MISSING}", GET="LOGIN 400 400 400 400 400"),
    page(
        "import-index",
        GET="LOGIN 200 200 200 403 200",
        POST="LOGIN 405 405 405 403 405",
        other="LOGIN 405 405 405 403 405",
    ),
    page(
        "import",
        "projects",
        kwargs={"resource": "projects"},
        GET="LOGIN 200 403 403 403 403",
        POST="LOGIN 200 403 403 403 403",
        other="LOGIN 405 403 403 403 403",
    ),
    page(
        "import",
        "reports",
        kwargs={"resource": "reports"},
        GET="LOGIN 200 200 200 403 403",
        POST="LOGIN 200 200 200 403 403",
        other="LOGIN 405 405 405 403 403",
    ),
    page(
        "import",
        "proposals",
        kwargs={"resource": "proposals"},
        GET="LOGIN 403 403 403 403 200",
        POST="LOGIN 403 403 403 403 200",
        other="LOGIN 403 403 403 403 405",
    ),
    page(
        "import",
        "unknown",
        kwargs={"resource": "budgets"},
        GET="LOGIN 404 404 404 404 404",
        POST="LOGIN 404 404 404 404 404",
        other="LOGIN 404 404 404 404 404",
    ),
    page(
        "import-template",
        kwargs={"resource": "reports"},
        GET="LOGIN 200 200 200 403 403",
        other="LOGIN 405 405 405 403 403",
        POST="LOGIN 405 405 405 403 403",
    ),
]

# Each status string: anonymous · office · own unit's liaison · other unit's liaison · leader · committee.
SITE_PAGES = [
    # Django's own forms take a PUT as an (empty) POST.
    page("login", GET=PUBLIC, POST=PUBLIC, PUT=PUBLIC, other="405 405 405 405 405 405"),
    page(
        "logout", GET="LOGIN 405 405 405 405 405", POST="LOGIN 302 302 302 302 302", other="LOGIN 405 405 405 405 405"
    ),
    page("password_change", GET=READ, POST=READ, PUT=READ),
    page("password_change_done", GET=READ),
    # The user's own API tokens: a POST revokes one (none named here) or all, then shows the page again.
    page("api-tokens", GET=READ, POST="LOGIN 302 302 302 302 302"),
    # Whatever the method, the switch sends the browser on; only a POST changes the language.
    page(
        "set_language",
        GET="302 302 302 302 302 302",
        POST="302 302 302 302 302 302",
        other="302 302 302 302 302 302",
        data=lambda w: {"language": "en", "next": "/"},
    ),
    page("favicon", GET="301 301 301 301 301 301", POST="301 301 301 301 301 301", other="301 301 301 301 301 301"),
    # The reply letters' fonts, a stylesheet: the public pages show letters too.
    page("letter-fonts", GET=PUBLIC, POST="405 405 405 405 405 405", other="405 405 405 405 405 405"),
    page("api-docs", GET=READ),
]

# --------------------------------------------------------------------------------------------------------------
# The API
# --------------------------------------------------------------------------------------------------------------


def body(**values):
    return lambda w: {name: value(w) if callable(value) else value for name, value in values.items()}


def pk_of(attr):
    return lambda w: getattr(w, attr).pk


# Each status string: anonymous · office · own unit's liaison · other unit's liaison · leader · committee.
API = [
    api("api-root", GET=API_READ, POST=API_NO_METHOD, PUT=API_NO_METHOD, PATCH=API_NO_METHOD, DELETE=API_NO_METHOD),
    api(
        "api-root",
        "json",
        path=lambda w: "/api/v1/.json",
        GET=API_READ,
        POST=API_NO_METHOD,
        PUT=API_NO_METHOD,
        PATCH=API_NO_METHOD,
        DELETE=API_NO_METHOD,
    ),
    api(
        "token",
        GET="405 405 405 405 405 405",
        POST="400 400 400 400 400 400",
        PUT="405 405 405 405 405 405",
        PATCH="405 405 405 405 405 405",
        DELETE="405 405 405 405 405 405",
    ),
    api("me", GET=API_READ, POST=API_NO_METHOD, PUT=API_NO_METHOD, PATCH=API_NO_METHOD, DELETE=API_NO_METHOD),
    # Logging out revokes the request's token (a browser session has none), or every token of the user.
    api(
        "logout",
        GET=API_NO_METHOD,
        POST="401 204 204 204 204 204",
        PUT=API_NO_METHOD,
        PATCH=API_NO_METHOD,
        DELETE=API_NO_METHOD,
    ),
    api(
        "logout-all",
        GET=API_NO_METHOD,
        POST="401 204 204 204 204 204",
        PUT=API_NO_METHOD,
        PATCH=API_NO_METHOD,
        DELETE=API_NO_METHOD,
    ),
    # Units: the office keeps them; DELETE archives one that leads no listed project.
    api_list("organization-list", POST="401 400 403 403 403 403", PUT=OFFICE_405, DELETE=OFFICE_405),
    api(
        "organization-detail",
        obj="spare_org",
        GET=API_READ,
        POST=OFFICE_405,
        PUT="401 400 403 403 403 403",
        PATCH="401 200 403 403 403 403",
        DELETE="401 204 403 403 403 403",
    ),
    api(
        "organization-detail",
        "leading a project",
        obj="unit",
        GET=API_READ,
        POST=OFFICE_405,
        PUT="401 400 403 403 403 403",
        PATCH="401 200 403 403 403 403",
        DELETE="401 409 403 403 403 403",
    ),
    api_action(
        "organization-restore", obj="spare_org", POST="401 200 403 403 403 403", change=OFFICE_405, delete=OFFICE_405
    ),
    # Reference data and plans: the office's.
    api_list("domain-list", POST="401 400 403 403 403 403", PUT=OFFICE_405, DELETE=OFFICE_405),
    api(
        "domain-detail",
        obj="domain",
        GET=API_READ,
        POST=OFFICE_405,
        PUT="401 400 403 403 403 403",
        PATCH="401 200 403 403 403 403",
        DELETE="401 409 403 403 403 403",
    ),
    api_list("plan-list", POST="401 400 403 403 403 403", PUT=OFFICE_405, DELETE=OFFICE_405),
    api_list(
        "plan-list",
        "json",
        kwargs={"format": "json"},
        POST="401 400 403 403 403 403",
        PUT=OFFICE_405,
        DELETE=OFFICE_405,
    ),
    api(
        "plan-detail",
        obj="spare_plan",
        GET=API_READ,
        POST=OFFICE_405,
        PUT="401 400 403 403 403 403",
        PATCH="401 200 403 403 403 403",
        DELETE="401 204 403 403 403 403",
    ),
    api_list("fundingsource-list", POST="401 400 403 403 403 403", PUT=OFFICE_405, DELETE=OFFICE_405),
    api(
        "fundingsource-detail",
        obj="source",
        GET=API_READ,
        POST=OFFICE_405,
        PUT="401 400 403 403 403 403",
        PATCH="401 200 403 403 403 403",
        DELETE="401 409 403 403 403 403",
    ),
    api_list("indicator-list", POST="401 400 403 403 403 403", PUT=OFFICE_405, DELETE=OFFICE_405),
    api(
        "indicator-detail",
        obj="own_indicator",
        GET=API_READ,
        POST=OFFICE_405,
        PUT="401 400 403 403 403 403",
        PATCH="401 200 403 403 403 403",
        DELETE="401 204 403 403 403 403",
    ),
    api_list("funding-list", POST="401 400 403 403 403 403", PUT=OFFICE_405, DELETE=OFFICE_405),
    api(
        "funding-detail",
        obj="own_funding",
        GET=API_READ,
        POST=OFFICE_405,
        PUT="401 400 403 403 403 403",
        PATCH="401 200 403 403 403 403",
        DELETE="401 204 403 403 403 403",
    ),
    # Projects: liaisons change their own unit's; the office archives (DELETE) and restores.
    api_list("project-list", POST="401 400 403 403 403 403", PUT=UNITS_405, DELETE=OFFICE_405),
    api_list(
        "project-list",
        "json",
        kwargs={"format": "json"},
        POST="401 400 403 403 403 403",
        PUT=UNITS_405,
        DELETE=OFFICE_405,
    ),
    api(
        "project-detail",
        obj="own_project",
        GET=API_READ,
        POST=OFFICE_405,
        PUT="401 400 400 403 403 403",
        PATCH="401 200 200 403 403 403",
        DELETE="401 204 403 403 403 403",
    ),
    api(
        "project-detail",
        "to another unit",  # a liaison may not hand their project over
        obj="own_project",
        change=body(lead_org=pk_of("other_unit")),
        GET=API_READ,
        POST=OFFICE_405,
        PUT="401 400 400 403 403 403",
        PATCH="401 200 403 403 403 403",
        DELETE="401 204 403 403 403 403",
    ),
    api(
        "project-detail",
        "missing",
        kwargs={"pk": MISSING},
        GET="401 404 404 404 404 404",
        POST=OFFICE_405,
        PUT="401 404 404 404 403 403",
        PATCH="401 404 404 404 403 403",
        DELETE="401 404 403 403 403 403",
    ),
    api_action(
        "project-restore", obj="own_project", POST="401 200 403 403 403 403", change=UNITS_405, delete=OFFICE_405
    ),
    # Requests to the office: the project's unit asks; office staff's own are confirmed at once.
    api_action(
        "project-plan-change",
        obj="own_project",
        data=body(reason="征地延误。", fields={"planned_end": "2027-06-30"}),
        POST="401 201 201 403 403 403",
        change=UNITS_405,
        delete=OFFICE_405,
        done=exists(ProjectChangeRequest, project__code="ZH-2026-001", kind="plan_change"),
    ),
    api_action(
        "project-completion",
        obj="own_project",
        data=lambda w: {"effective_on": w.today.isoformat(), "actual_start": "2026-01-05", "reason": "已竣工。"},
        POST="401 201 201 403 403 403",
        change=UNITS_405,
        delete=OFFICE_405,
        done=exists(ProjectChangeRequest, project__code="ZH-2026-001", kind="completion"),
    ),
    api_action(
        "project-acceptance",  # the project is not completed yet: nothing to accept
        obj="own_project",
        data=lambda w: {"effective_on": w.today.isoformat()},
        POST="401 409 409 403 403 403",
        change=UNITS_405,
        delete=OFFICE_405,
        done=exists(ProjectChangeRequest, project__code="ZH-2026-001", kind="acceptance"),
    ),
    api_list("projectchangerequest-list", POST=NOBODY_405, PUT=NOBODY_405, DELETE=NOBODY_405),
    api(
        "projectchangerequest-detail",
        obj="change_request",
        GET=API_READ,
        POST=NOBODY_405,
        PUT=NOBODY_405,
        PATCH=NOBODY_405,
        DELETE=NOBODY_405,
    ),
    api_action(
        "projectchangerequest-confirm",
        obj="change_request",
        POST="401 200 403 403 403 403",
        change=NOBODY_405,
        delete=NOBODY_405,
        done=request_status_is("confirmed"),
    ),
    api_action(
        "projectchangerequest-return-request",
        obj="change_request",
        data=body(note="请补充依据。"),
        POST="401 200 403 403 403 403",
        change=NOBODY_405,
        delete=NOBODY_405,
        done=request_status_is("returned"),
    ),
    api_action(
        "projectchangerequest-withdraw",
        obj="change_request",
        POST="401 200 200 403 403 403",
        change=NOBODY_405,
        delete=NOBODY_405,
        done=request_status_is("withdrawn"),
    ),
    # Milestones: liaisons keep the names and notes of their own unit's; which milestones, when and how heavy is a
    # plan change the office confirms.
    api_list(
        "milestone-list",
        POST="401 201 403 403 403 403",
        PUT=UNITS_405,
        DELETE=UNITS_405,
        data=body(project=pk_of("own_project"), name="系统上线", weight=10, planned_date="2026-12-31"),
    ),
    api(
        "milestone-detail",
        obj="own_milestone",
        GET=API_READ,
        POST=UNITS_405,
        PUT="401 400 400 403 403 403",
        PATCH="401 200 200 403 403 403",
        DELETE="401 204 403 403 403 403",
    ),
    api(
        "milestone-detail",
        "to another unit's project",
        obj="own_milestone",
        change=body(project=pk_of("others_project")),
        GET=API_READ,
        POST=UNITS_405,
        PUT="401 400 400 403 403 403",
        PATCH="401 200 403 403 403 403",
        DELETE="401 204 403 403 403 403",
    ),
    # Progress reports: units file and revise their own; the office approves or returns them.
    api_list(
        "progressreport-list",
        POST="401 201 201 403 403 403",
        PUT=UNITS_405,
        DELETE=OFFICE_405,
        data=body(
            project=pk_of("own_project"),
            period=lambda w: w.period,
            progress="45.0",
            investment_completed="60",
            summary="完成平台部署。",
        ),
    ),
    api(
        "progressreport-detail",
        obj="report",
        GET=API_READ,
        POST=UNITS_405,
        PUT="401 400 400 403 403 403",
        PATCH="401 200 200 403 403 403",
        DELETE="401 204 403 403 403 403",
    ),
    api(
        "progressreport-detail",
        "to another unit's project",
        obj="report",
        change=body(project=pk_of("others_project")),
        GET=API_READ,
        POST=UNITS_405,
        PUT="401 400 400 403 403 403",
        PATCH="401 200 403 403 403 403",
        DELETE="401 204 403 403 403 403",
    ),
    api_action(
        "progressreport-approve", obj="report", POST="401 200 403 403 403 403", change=UNITS_405, delete=OFFICE_405
    ),
    api_action(
        "progressreport-approve-many",
        data=lambda w: {"ids": [w.report.pk]},
        POST="401 200 403 403 403 403",
        change=UNITS_405,
        delete=OFFICE_405,
    ),
    api_action(
        "progressreport-return-report",
        obj="report",
        data=body(comment="请补充附件。"),
        POST="401 200 403 403 403 403",
        change=UNITS_405,
        delete=OFFICE_405,
    ),
    # Target values: the responsible unit records and corrects them.
    api_list(
        "indicatorvalue-list",
        POST="401 201 201 403 403 403",
        PUT=UNITS_405,
        DELETE=OFFICE_405,
        data=body(indicator=pk_of("own_indicator"), period=lambda w: w.period, value="88.5"),
    ),
    api(
        "indicatorvalue-detail",
        obj="own_value",
        GET=API_READ,
        POST=UNITS_405,
        PUT="401 400 400 403 403 403",
        PATCH="401 200 200 403 403 403",
        DELETE="401 204 403 403 403 403",
    ),
    api(
        "indicatorvalue-detail",
        "to another unit's target",
        obj="own_value",
        change=body(indicator=pk_of("others_indicator")),
        GET=API_READ,
        POST=UNITS_405,
        PUT="401 400 400 403 403 403",
        PATCH="401 200 403 403 403 403",
        DELETE="401 204 403 403 403 403",
    ),
    # The committee's reference data.
    api_list("session-list", POST="401 403 403 403 403 400", PUT=COMMITTEE_405, DELETE=COMMITTEE_405),
    api(
        "session-detail",
        obj="session",
        GET=API_READ,
        POST=COMMITTEE_405,
        PUT="401 403 403 403 403 400",
        PATCH="401 403 403 403 403 200",
        DELETE="401 403 403 403 403 409",
    ),
    api_list("category-list", POST="401 403 403 403 403 400", PUT=COMMITTEE_405, DELETE=COMMITTEE_405),
    api(
        "category-detail",
        obj="category",
        GET=API_READ,
        POST=COMMITTEE_405,
        PUT="401 403 403 403 403 400",
        PATCH="401 403 403 403 403 200",
        DELETE="401 403 403 403 403 409",
    ),
    api_list("resultclass-list", POST="401 403 403 403 403 400", PUT=COMMITTEE_405, DELETE=COMMITTEE_405),
    api(
        "resultclass-detail",
        obj="result_class",
        GET=API_READ,
        POST=COMMITTEE_405,
        PUT="401 403 403 403 403 400",
        PATCH="401 403 403 403 403 200",
        DELETE="401 403 403 403 403 409",
    ),
    api_list("proposer-list", POST="401 403 403 403 403 400", PUT=COMMITTEE_405, DELETE=COMMITTEE_405),
    api(
        "proposer-detail",
        obj="proposer",
        GET=API_READ,
        POST=COMMITTEE_405,
        PUT="401 403 403 403 403 400",
        PATCH="401 403 403 403 403 200",
        DELETE="401 403 403 403 403 409",
    ),
    # Proposals: the committee registers, edits and archives them; every move is a POST the services check.
    api_list("proposal-list", POST="401 403 403 403 403 400", PUT=COMMITTEE_405, DELETE=COMMITTEE_405),
    api(
        "proposal-detail",
        obj="submitted",
        GET=API_READ,
        POST=COMMITTEE_405,
        PUT="401 403 403 403 403 400",
        PATCH="401 403 403 403 403 200",
        DELETE="401 403 403 403 403 204",
    ),
    api(
        "proposal-detail",
        "assigned",  # only a proposal registered by mistake (still submitted) is archived
        obj="assigned",
        GET=API_READ,
        POST=COMMITTEE_405,
        PUT="401 403 403 403 403 400",
        PATCH="401 403 403 403 403 200",
        DELETE="401 403 403 403 403 409",
    ),
    api_action(
        "proposal-restore", obj="submitted", POST="401 403 403 403 403 200", change=COMMITTEE_405, delete=COMMITTEE_405
    ),
    api(
        "proposal-events",
        obj="assigned",
        GET=API_READ,
        POST=COMMITTEE_405,
        PUT=COMMITTEE_405,
        PATCH=COMMITTEE_405,
        DELETE=COMMITTEE_405,
    ),
    api_action(
        "proposal-file", obj="submitted", POST="401 403 403 403 403 200", change=COMMITTEE_405, delete=COMMITTEE_405
    ),
    api_action(
        "proposal-not-file",
        obj="submitted",
        data=body(reason="不属于政协提案范围。"),
        POST="401 403 403 403 403 200",
        change=COMMITTEE_405,
        delete=COMMITTEE_405,
    ),
    api_action(
        "proposal-merge",
        obj="submitted",
        data=body(into=pk_of("filed")),
        POST="401 403 403 403 403 200",
        change=COMMITTEE_405,
        delete=COMMITTEE_405,
    ),
    api_action(
        "proposal-assign",
        obj="filed",
        data=body(lead_unit=pk_of("unit")),
        POST="401 403 403 403 403 200",
        change=COMMITTEE_405,
        delete=COMMITTEE_405,
    ),
    api_action(
        "proposal-request-reassign",
        obj="assigned",
        data=body(reason="不属于本单位职责。", unit=pk_of("unit")),
        POST="401 403 200 403 403 403",
        signer={"POST": "200"},
        change=COMMITTEE_405,
        delete=COMMITTEE_405,
    ),
    api_action(
        "proposal-opinion",
        obj="assigned",
        data=body(opinion="建议纳入城市大脑二期。", unit=pk_of("co_unit")),
        # The lead unit's people name the co-handling unit, not theirs: refused.
        POST="401 403 403 403 403 403",
        change=COMMITTEE_405,
        delete=COMMITTEE_405,
    ),
    api_action(
        "proposal-reply",
        obj="assigned",
        data=body(text="现答复如下：……", result_class="B", unit=pk_of("unit")),
        POST="401 403 200 403 403 403",
        signer={"POST": "200"},
        change=COMMITTEE_405,
        delete=COMMITTEE_405,
    ),
    api_action(
        "proposal-sign-off",
        obj="drafted",
        POST="401 403 403 403 403 403",
        signer={"POST": "200"},
        change=COMMITTEE_405,
        delete=COMMITTEE_405,
    ),
    api_action(
        "proposal-return-reply",
        obj="drafted",
        data=body(note="请补充资金来源。"),
        POST="401 403 403 403 403 403",
        signer={"POST": "200"},
        change=COMMITTEE_405,
        delete=COMMITTEE_405,
    ),
    api_action(
        "proposal-record-reply",
        obj="assigned",
        data=body(unit=pk_of("unit"), text="书面答复。", result_class="B", signed_off_on=lambda w: w.today.isoformat()),
        POST="401 403 403 403 403 200",
        change=COMMITTEE_405,
        delete=COMMITTEE_405,
    ),
    api_action(
        "proposal-extend",
        obj="assigned",
        data=body(assignment=pk_of("assignment"), due_date=lambda w: later(w, 120), reason="需调研。"),
        POST="401 403 403 403 403 200",
        change=COMMITTEE_405,
        delete=COMMITTEE_405,
    ),
    api_action(
        "proposal-feedback",
        obj="replied",
        data=body(satisfaction="satisfied"),
        POST="401 403 403 403 403 200",
        change=COMMITTEE_405,
        delete=COMMITTEE_405,
    ),
    api_action(
        "proposal-close", obj="replied", POST="401 403 403 403 403 200", change=COMMITTEE_405, delete=COMMITTEE_405
    ),
    api_action(
        "proposal-close",
        "not replied yet",
        obj="assigned",
        POST="401 403 403 403 403 409",
        change=COMMITTEE_405,
        delete=COMMITTEE_405,
    ),
    # Replies are drafted, signed off and recorded by the proposal's moves; here the committee only publishes them
    # or takes them down. A draft is its own unit's alone.
    api_list("reply-list", POST=NOBODY_405, PUT=COMMITTEE_405, DELETE=NOBODY_405),
    api(
        "reply-detail",
        obj="reply",
        GET=API_READ,
        POST=NOBODY_405,
        PUT=COMMITTEE_405,
        PATCH="401 403 403 403 403 200",
        DELETE=NOBODY_405,
    ),
    api(
        "reply-detail",
        "draft",
        obj="draft",
        GET="401 404 200 404 404 404",
        signer={"GET": "200"},
        POST=NOBODY_405,
        PUT=COMMITTEE_405,
        PATCH="401 403 403 403 403 404",
        DELETE=NOBODY_405,
    ),
    api_action(
        "reply-publish",
        obj="hidden_reply",
        POST="401 403 403 403 403 200",
        change=COMMITTEE_405,
        delete=NOBODY_405,
    ),
    api_action(
        "reply-withdraw",
        obj="reply",
        POST="401 403 403 403 403 200",
        change=COMMITTEE_405,
        delete=NOBODY_405,
    ),
    # The committee's list of handling units, by organisation id.
    api_list("handlingunit-list", POST="401 403 403 403 403 400", PUT=COMMITTEE_405, DELETE=COMMITTEE_405),
    api(
        "handlingunit-detail",
        obj="unit",
        GET=API_READ,
        POST=COMMITTEE_405,
        PUT=COMMITTEE_405,
        PATCH=COMMITTEE_405,
        DELETE="401 403 403 403 403 204",
    ),
    # The bulk import, for machines (a multipart upload; an empty one is refused with the missing file).
    api(
        "import",
        "projects",
        kwargs={"resource": "projects"},
        multipart=True,
        GET=API_NO_METHOD,
        POST="401 400 403 403 403 403",
        PUT=API_NO_METHOD,
        PATCH=API_NO_METHOD,
        DELETE=API_NO_METHOD,
    ),
    api(
        "import",
        "reports",
        kwargs={"resource": "reports"},
        multipart=True,
        GET=API_NO_METHOD,
        POST="401 400 400 400 403 403",
        PUT=API_NO_METHOD,
        PATCH=API_NO_METHOD,
        DELETE=API_NO_METHOD,
    ),
    api(
        "import",
        "unknown",
        kwargs={"resource": "budgets"},
        multipart=True,
        GET=API_NO_METHOD,
        POST="401 404 404 404 404 404",
        PUT=API_NO_METHOD,
        PATCH=API_NO_METHOD,
        DELETE=API_NO_METHOD,
    ),
]
# The schema is an API view outside /api/v1/.
API.append(
    Row(
        "schema",
        "",
        {method: statuses(API_READ if method == "GET" else API_NO_METHOD) for method in METHODS},
        api=True,
    )
)

# --------------------------------------------------------------------------------------------------------------
# The admin: Django's, for staff. Office staff are staff (``load_demo`` makes them so) and the admin shows them what
# their role's model permissions allow; everyone else is sent to a login page. Its pages are asked GET and POST, the
# only methods its forms use; every registered model's pages get their rows from ADMIN_OFFICE.
# --------------------------------------------------------------------------------------------------------------

# What office staff may do in the admin per registered model: v(iew) a(dd) c(hange) d(elete) — their role's model
# permissions, less what an admin class withholds (purging an archived project or unit is for superusers; a baseline
# is approved on its page). A model newly registered in the admin must be added here (``test_every_url_is_classified``).
ADMIN_OFFICE = {
    "auth.group": "",
    "knox.authtoken": "",
    "axes.accessattempt": "",
    "axes.accesslog": "",
    "axes.accessfailurelog": "",
    "projects.user": "",
    "projects.sentreminder": "",
    "projects.organization": "vac",
    "projects.domain": "vacd",
    "projects.plan": "vacd",
    "projects.project": "vac",
    "projects.milestone": "vacd",
    "projects.progressreport": "v",  # filed and reviewed through the services only
    "projects.projectchangerequest": "v",
    "projects.fundingsource": "vacd",
    "projects.funding": "vacd",
    "projects.indicator": "vacd",
    "projects.indicatorvalue": "vacd",
    "projects.baseline": "v",
    "projects.projectbaseline": "v",
    "proposals.session": "v",
    "proposals.category": "v",
    "proposals.resultclass": "v",
    "proposals.proposer": "v",
    "proposals.proposal": "v",
    "proposals.reply": "v",
    "proposals.feedback": "v",
}

# What each page of a model's admin needs, by method: one of the letters above ("vc": either).
ADMIN_PAGE_NEEDS = {
    "changelist": {"GET": "vc", "POST": "vc"},
    "add": {"GET": "a", "POST": "a"},
    "change": {"GET": "vc", "POST": "c"},
    "delete": {"GET": "d", "POST": "d"},  # an empty POST shows the confirmation again
    "history": {"GET": "vc", "POST": "vc"},
    "simple_history": {"GET": "vc", "POST": "c"},
}
ADMIN_PAGE_PATHS = {
    "changelist": "{base}",
    "add": "{base}add/",
    "change": "{base}{pk}/change/",
    "delete": "{base}{pk}/delete/",
    "history": "{base}{pk}/history/",
    "simple_history": "{base}{pk}/history/{history_id}/",
    "object": "{base}{pk}/",  # redirects to the change page
}


def admin_spec(office, anonymous=LOGIN) -> str:
    """Signed-in users who are not staff go to the admin's login page. Anonymous visitors go to the site's, except
    on the admin site's own pages (index, app lists, password, ...), which send them to the admin's."""
    return f"{anonymous} {office} ADMIN ADMIN ADMIN ADMIN"


def admin_path(template, model):
    opts = model._meta

    def build(w):
        obj = w.admin_objects.get(opts.label_lower)
        pk = obj.pk if obj is not None else MISSING
        history_id = MISSING
        if obj is not None and hasattr(obj, "history"):
            history_id = obj.history.order_by("history_id").first().history_id
        return template.format(base=f"/admin/{opts.app_label}/{opts.model_name}/", pk=pk, history_id=history_id)

    return build


def admin_model_rows():
    rows = []
    for model in admin.site._registry:
        opts = model._meta
        grants = ADMIN_OFFICE.get(opts.label_lower)
        if grants is None:
            continue  # unclassified: test_every_url_is_classified names it
        for page_name, template in ADMIN_PAGE_PATHS.items():
            key = (
                f"admin/{opts.app_label}/{opts.model_name}/<path:object_id>/"
                if page_name == "object"
                else f"admin:{opts.app_label}_{opts.model_name}_{page_name}"
            )
            if key not in URL_KEYS:
                continue
            expect = {}
            for method in ("GET", "POST"):
                if page_name == "object":
                    office = 302
                else:
                    office = 200 if set(ADMIN_PAGE_NEEDS[page_name][method]) & set(grants) else 403
                expect[method] = statuses(admin_spec(office))
            rows.append(Row(key, "", expect, path=admin_path(template, model)))
    return rows


def admin_page(name, variant="", *, GET, POST, path) -> Row:
    return Row(name, variant, {"GET": statuses(GET), "POST": statuses(POST)}, path=path)


# Each status string: anonymous · office · own unit's liaison · other unit's liaison · leader · committee.
ADMIN_PAGES = [
    admin_page("admin:index", GET=admin_spec(200, ADMIN), POST=admin_spec(200, ADMIN), path=lambda w: "/admin/"),
    # A signed-in non-staff user sees the login form with a note; staff are sent on to the index.
    admin_page("admin:login", GET="200 302 200 200 200 200", POST=PUBLIC, path=lambda w: "/admin/login/"),
    # Non-staff are sent to the admin's index (which sends them to its login page); staff are logged out.
    admin_page(
        "admin:logout",
        GET="ADMIN 405 302 302 302 302",
        POST="ADMIN 302 302 302 302 302",
        path=lambda w: "/admin/logout/",
    ),
    admin_page(
        "admin:password_change",
        GET=admin_spec(200, ADMIN),
        POST=admin_spec(200, ADMIN),
        path=lambda w: "/admin/password_change/",
    ),
    admin_page(
        "admin:password_change_done",
        GET=admin_spec(200, ADMIN),
        POST=admin_spec(405, ADMIN),
        path=lambda w: "/admin/password_change/done/",
    ),
    # Without its parameters the autocomplete refuses (403).
    admin_page(
        "admin:autocomplete",
        GET=admin_spec(403, ADMIN),
        POST=admin_spec(405, ADMIN),
        path=lambda w: "/admin/autocomplete/",
    ),
    admin_page(
        "admin:jsi18n", GET=admin_spec(200, ADMIN), POST=admin_spec(405, ADMIN), path=lambda w: "/admin/jsi18n/"
    ),
    admin_page(
        "admin:view_on_site",
        GET=admin_spec(302, ADMIN),
        POST=admin_spec(302, ADMIN),
        path=lambda w: f"/admin/r/{ContentType.objects.get_for_model(Project).pk}/{w.own_project.pk}/",
    ),
    admin_page(
        "admin:app_list", GET=admin_spec(200, ADMIN), POST=admin_spec(200, ADMIN), path=lambda w: "/admin/projects/"
    ),
    admin_page(
        "admin:app_list",
        "no model of the role",
        GET=admin_spec(404, ADMIN),
        POST=admin_spec(404, ADMIN),
        path=lambda w: "/admin/auth/",
    ),
    admin_page(
        "admin:auth_user_password_change",
        GET=admin_spec(403),
        POST=admin_spec(403),
        path=lambda w: f"/admin/projects/user/{w.users['leader'].pk}/password/",
    ),
    admin_page(
        "admin/(?P<url>.*)$",
        GET=admin_spec(404, ADMIN),
        POST=admin_spec(404, ADMIN),
        path=lambda w: "/admin/no-such-page/",
    ),
    *admin_model_rows(),
]

ROWS = [*PORTFOLIO_PAGES, *PROPOSAL_PAGES, *REPORT_PAGES, *SITE_PAGES, *API, *ADMIN_PAGES]


# --------------------------------------------------------------------------------------------------------------
# The data: built once for the module, in a transaction rolled back at its end
# --------------------------------------------------------------------------------------------------------------


def build_world() -> SimpleNamespace:
    today = timezone.localdate()
    w = SimpleNamespace(today=today, period=period_of(today))
    w.unit = OrganizationFactory(name="镇海区经济和信息化局", short_name="区经信局")
    w.other_unit = OrganizationFactory(name="镇海区水利局", short_name="区水利局")
    w.co_unit = OrganizationFactory(name="镇海区大数据发展中心", short_name="区大数据中心")
    w.spare_org = OrganizationFactory(name="镇海区临时工作专班", short_name="专班")
    w.users = {
        "office": UserFactory(
            username="office-staff",
            organization=OrganizationFactory(name="市智慧办"),
            role=Role.OFFICE,
            is_staff=True,
        ),
        "liaison": UserFactory(username="liaison-own", organization=w.unit, role=Role.LIAISON),
        "other_liaison": UserFactory(username="liaison-other", organization=w.other_unit, role=Role.LIAISON),
        "leader": UserFactory(username="leader", organization=OrganizationFactory(name="市领导小组"), role=Role.LEADER),
        "committee": UserFactory(
            username="committee", organization=OrganizationFactory(name="区政协提案委"), role=Role.COMMITTEE
        ),
        SIGNER: UserFactory(username="signer-own", organization=w.unit, role=Role.SIGNER),
    }
    office, liaison, committee = w.users["office"], w.users["liaison"], w.users["committee"]

    # The portfolio: one project of each liaison's unit, with what hangs off a project.
    w.source = FundingSourceFactory(code="city-budget", name="市级财政资金")
    w.plan = PlanFactory(title="镇海区新型智慧城市建设三年行动计划（2026—2028年）", first_year=2026, last_year=2028)
    w.own_project = ProjectFactory(code="ZH-2026-001", name="城市大脑一期", lead_org=w.unit)
    w.own_project.plans.add(w.plan)
    w.domain = w.own_project.domain
    w.own_milestone = MilestoneFactory(
        project=w.own_project, name="完成招投标", weight=100, planned_date=datetime.date(2026, 3, 31)
    )
    w.own_funding = FundingFactory(project=w.own_project, source=w.source)
    w.others_project = ProjectFactory(code="ZH-2026-002", name="智慧水务监测平台", lead_org=w.other_unit)
    MilestoneFactory(project=w.others_project, name="完成设备安装", planned_date=datetime.date(2026, 9, 30))
    w.own_indicator = IndicatorFactory(plan=w.plan, name="政务服务事项网上可办率", responsible_org=w.unit, unit="%")
    w.own_value = IndicatorValueFactory(indicator=w.own_indicator, period="2026-06", value=Decimal("82"))
    w.others_indicator = IndicatorFactory(plan=w.plan, name="重点河道监测覆盖率", responsible_org=w.other_unit)
    IndicatorValueFactory(indicator=w.others_indicator, period="2026-05")
    w.report = ProgressReportFactory(
        project=w.own_project,
        period=period_of(today, 1),  # last month's, waiting for review; this month's is still to file
        status=ReportStatus.SUBMITTED,
        submitted_by=liaison,
        submitted_at=timezone.now(),
    )
    requested = ProjectFactory(code="ZH-2026-003", name="城市大脑二期", lead_org=w.unit)
    w.change_request = portfolio.plan_change_request(
        actor=liaison, project=requested, fields={"tier": "pilot"}, reason="调整为试点项目。"
    )
    w.spare_plan = PlanFactory(title="镇海区数字乡村试点任务书", first_year=2026, last_year=2026)
    w.spare_indicator = IndicatorFactory(plan=w.plan, name="待撤销指标", responsible_org=w.unit)
    w.baseline, _ = portfolio.baseline_approve(actor=office, year=2026)

    # Proposals at each stage of their course.
    w.session = SessionFactory()
    w.category = Category.objects.order_by("pk").first()
    w.result_class = ResultClass.objects.get_or_create(code="B", defaults={"name": "列入计划拟解决", "order": 2})[0]

    def proposal(title, *, lead=None, co=()):
        item = ProposalFactory(session=w.session, title=title, category=w.category)
        if lead is not None:
            handling.proposal_file(actor=committee, proposal=item)
            handling.proposal_assign(actor=committee, proposal=item, lead_unit=lead, co_units=list(co))
        return Proposal.objects.get(pk=item.pk)

    w.submitted = ProposalFactory(session=w.session, title="关于推进城市大脑建设的建议", category=w.category)
    w.filed = ProposalFactory(session=w.session, title="关于建设智慧停车系统的建议", category=w.category)
    handling.proposal_file(actor=committee, proposal=w.filed)
    w.assigned = proposal("关于推动政务数据共享的建议", lead=w.unit, co=[w.co_unit])
    w.assignment = Assignment.objects.get(proposal=w.assigned, unit=w.unit)
    w.drafted = proposal("关于推进数据要素流通的建议", lead=w.unit)
    w.draft = handling.reply_save_draft(
        actor=liaison, proposal=w.drafted, text="拟答复：已列入计划。", result_class=w.result_class
    )
    w.replied = proposal("关于完善一网通办的建议", lead=w.unit)
    w.reply = issue_reply(
        w.replied, w.unit, liaison=liaison, signer=w.users[SIGNER], text="已列入明年计划。", result_class=w.result_class
    )
    handling.reply_publish(actor=committee, reply=w.reply)
    w.replied = Proposal.objects.get(pk=w.replied.pk)
    closed = proposal("关于加强河道监测的建议", lead=w.other_unit)
    w.hidden_reply = issue_reply(
        closed, w.other_unit, liaison=w.users["other_liaison"], text="正在研究。", result_class=w.result_class
    )
    handling.proposal_feedback(actor=committee, proposal=closed, satisfaction="satisfied")
    w.proposer = w.replied.lead_proposer

    # Each role's browser session, signed in once.
    w.sessions = {}
    for role, user in w.users.items():
        client = Client()
        client.force_login(user)
        w.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value

    # A row of every model in the admin, so that its pages answer for the row rather than "not found".
    AuthToken.objects.create(w.users["leader"])
    SentReminder.objects.create(recipient=liaison, key="report:overdue", sent_on=today)
    attempt = {"username": "intruder", "ip_address": "10.0.0.9", "user_agent": "curl", "http_accept": "*/*"}
    AccessAttempt.objects.create(**attempt, path_info="/", get_data="", post_data="", failures_since_start=1)
    AccessFailureLog.objects.create(**attempt, path_info="/")
    AccessLog.objects.create(**attempt, path_info="/")
    w.admin_objects = {
        model._meta.label_lower: model._default_manager.order_by("pk").first() for model in admin.site._registry
    }
    w.client = Client()
    w.fill = {"unit": w.unit.pk, "plan": w.plan.pk, "period": period_of(today, 1), "session": w.session.pk}
    return w


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        yield build_world()
        transaction.set_rollback(True)


# --------------------------------------------------------------------------------------------------------------
# Asking
# --------------------------------------------------------------------------------------------------------------

LOGIN_URL = "/accounts/login/"
ADMIN_LOGIN_URL = "/admin/login/"


def ask(w, row: Row, role: str, method: str):
    """(status, Location, whether the write happened) for one request, made in a savepoint rolled back after it."""
    client = w.client  # one for the module: a new one would load the middleware (and scan the static files) again
    client.cookies.clear()
    if role != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = w.sessions[role]
    target = row.url(w).format(**w.fill)
    payload = None
    if method != "GET":
        maker = row.data if method == "POST" else (row.change if row.api else None)
        payload = maker(w) if maker else {}
    with transaction.atomic():
        cache.clear()
        try:
            if method == "GET":
                response = client.get(target)
            elif row.api and not row.multipart:
                response = client.generic(method, target, json.dumps(payload), content_type="application/json")
            elif method == "POST":
                response = client.post(target, payload)  # multipart, as a browser's form or an upload
            else:
                response = client.generic(method, target)
        except Exception as error:  # a 500: an answer of the table's, reported with its cause
            transaction.set_rollback(True)
            return 500, repr(error), None
        done = row.done(w) if row.done is not None and method == "POST" else None
        transaction.set_rollback(True)
    return response.status_code, response.get("Location", ""), done


def mismatch(w, row: Row, role: str, method: str, expected) -> str | None:
    status, location, done = ask(w, row, role, method)
    target = row.url(w).format(**w.fill)
    if expected == LOGIN:
        ok = status == 302 and location == f"{LOGIN_URL}?next={quote(target, safe='/')}"
    elif expected == ADMIN:
        ok = status == 302 and location.startswith(f"{ADMIN_LOGIN_URL}?next=")
    else:
        ok = status == expected
        if status == 302:  # a redirect to a login page asking to come back is a refusal, not a success
            ok = ok and not location.startswith((f"{LOGIN_URL}?next=", f"{ADMIN_LOGIN_URL}?next="))
    if ok and done is not None:
        succeeded = expected not in (LOGIN, ADMIN) and status in ((200, 201, 204) if row.api else (302,))
        if done is not succeeded:
            return f"{method} {role}: answered {status} but the write {'did not happen' if succeeded else 'happened'}"
    if ok:
        return None
    return f"{method} {role}: expected {expected}, got {status} {location}".rstrip()


@pytest.mark.django_db
@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_each_role_gets_its_answer(world, row):
    found = [
        problem
        for method, expected in row.expect.items()
        for role, status in [*zip(ROLES, expected, strict=True), (SIGNER, row.signer_expects(method))]
        if (problem := mismatch(world, row, role, method, status))
    ]
    assert found == [], f"{row.id} {row.url(world).format(**world.fill)}\n" + "\n".join(found)


def test_every_url_is_classified():
    """A URL of the conf (named, or by its route when unnamed) without a row fails here, as does a model newly
    registered in the admin without its office permissions in ADMIN_OFFICE."""
    unclassified_models = {
        model._meta.label_lower for model in admin.site._registry if model._meta.label_lower not in ADMIN_OFFICE
    }
    assert unclassified_models == set()
    covered = {row.name for row in ROWS}
    assert sorted(URL_KEYS - covered) == []
    assert sorted(covered - URL_KEYS) == []  # a row whose URL left the conf


@pytest.mark.django_db
def test_each_row_asks_for_its_own_url(world):
    """The address a row builds resolves to the row's URL name (a query or a slug cannot lead elsewhere)."""
    elsewhere = {
        row.id: view_name
        for row in ROWS
        if row.path is None and (view_name := resolve(row.url(world).partition("?")[0]).view_name) != row.name
    }
    assert elsewhere == {}


def test_the_table_is_well_formed():
    for row in ROWS:
        assert set(row.expect) <= set(METHODS), row.id
        for method, expected in row.expect.items():
            assert len(expected) == len(ROLES), (row.id, method)
        assert set(row.signer) <= set(row.expect), row.id
    ids = [row.id for row in ROWS]
    assert len(ids) == len(set(ids)), sorted({row_id for row_id in ids if ids.count(row_id) > 1})
