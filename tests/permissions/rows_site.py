"""The permission table's rows for the reports' pages and the site's own (login, language, errors…)."""

from tests.permissions.table import MISSING, PUBLIC, READ, page, signer

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
    # The district assessment: the office and leaders read it, the office keeps its rules (of its own region: the
    # office here has none, so a city's rules do not exist for it). Nobody here has a region below, hence 400.
    page(
        "assessment",
        GET="LOGIN 200 403 403 200 403",
        POST="LOGIN 405 403 403 405 403",
        other="LOGIN 405 403 403 405 403",
        signer=signer(GET="403", POST="403", other="403"),
    ),
    page("export-assessment", GET="LOGIN 400 403 403 400 403", signer=signer(GET="403")),
    page(
        "assessment-rule",
        path=lambda w: f"/reports/assessment/{w.region.parent_id}/2026/rules/",
        GET="LOGIN 404 403 403 403 403",
        POST="LOGIN 404 403 403 403 403",
        other="LOGIN 405 403 403 403 403",
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
    # The notification centre: everyone's own. Opening one marks it read and follows its link; only its recipient
    # (the liaison here) may, anyone else is told it does not exist.
    page("notification-list", GET=READ),
    page(
        "notification-open",
        obj="notification",
        GET="LOGIN 404 302 404 404 404",
        signer=signer(GET="404"),
    ),
    page(
        "notification-read-all",
        GET="LOGIN 405 405 405 405 405",
        POST="LOGIN 302 302 302 302 302",
    ),
    page("notification-settings", GET=READ, POST="LOGIN 302 302 302 302 302"),
    # 我的导出: everyone's own jobs; another person's job (the liaison's here) answers as if it did not exist. Its
    # download is not found for its owner either: the job failed and has no file (tests/jobs downloads one).
    page("job-list", GET=READ),
    page("job", obj="job", GET="LOGIN 404 200 404 404 404", signer=signer(GET="404")),
    page("job-status", obj="job", GET="LOGIN 404 200 404 404 404", signer=signer(GET="404")),
    page("job-download", obj="job", GET="LOGIN 404 404 404 404 404"),
]
