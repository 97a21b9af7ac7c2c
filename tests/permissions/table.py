"""The permission table's shape: the roles and the answers they get, the URL conf walked, a ``Row`` per address,
and the bodies that POST sends and the checks that tell whether its write happened.

Every URL of the site × every role × GET and the write methods → the answer each role gets, and never a 500.

The URL conf is walked (``get_resolver()``): ``test_table.test_every_url_is_classified`` fails when a URL name (or an
unnamed pattern) has no row, so a new page must be classified before it ships. Each row names a URL, the objects
that fill its converters and, per method, the status of each role in this order:

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
one data set built once for the package (``world.py``), so a delete by one role leaves the object for the next.

The rows are in ``rows_portfolio``, ``rows_proposals``, ``rows_site`` (reports and the site's own pages),
``rows_supervision`` and ``rows_supervision_api``, ``rows_api`` and ``rows_admin`` (and a few more); each has its test
module.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from projects.forms import IndicatorForm, IndicatorValueFormSet, PlanForm
from projects.models import ProgressReport, Project, ProjectChangeRequest
from proposals.models import Proposal, Reply
from tests.formdata import form_data, formset_data

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


def body(**values):
    return lambda w: {name: value(w) if callable(value) else value for name, value in values.items()}


def pk_of(attr):
    return lambda w: getattr(w, attr).pk
