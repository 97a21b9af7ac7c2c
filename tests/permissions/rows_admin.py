"""The permission table's rows for Django's admin."""

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType

from projects.models import Project
from tests.permissions.table import ADMIN, LOGIN, MISSING, PUBLIC, URL_KEYS, Row, statuses

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
    "accounts.user": "",
    "notifications.sentreminder": "",
    "notifications.delivery": "",
    "jobs.job": "",  # the users' own jobs, on their pages (我的导出); the admin is the superuser's
    "accounts.region": "v",  # the deployment's frame, kept by its superuser
    "accounts.organization": "vac",
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
    "reports.assessmentrule": "vacd",
    "workdays.specialday": "vacd",
}

# Models whose row in the data set belongs to a region, always (a city's assessment rules): the office here, of no
# region, does not read it, so the admin answers its change and delete pages as for a row that does not exist, and
# its history pages 404.
OUTSIDE_THE_OFFICES_REGIONS = {"reports.assessmentrule"}

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
                outside = opts.label_lower in OUTSIDE_THE_OFFICES_REGIONS
                if page_name == "object" or (outside and page_name in ("change", "delete")):
                    office = 302
                elif outside and page_name in ("history", "simple_history"):
                    office = 404
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
        path=lambda w: f"/admin/accounts/user/{w.users['leader'].pk}/password/",
    ),
    admin_page(
        "admin/(?P<url>.*)$",
        GET=admin_spec(404, ADMIN),
        POST=admin_spec(404, ADMIN),
        path=lambda w: "/admin/no-such-page/",
    ),
    *admin_model_rows(),
]
