"""The Content Security Policy holds in a real browser: the main pages of each kind (lists, a project with its chart,
the dashboard, the forms, the API docs, the admin, the public pages) load under the policy with no violation, no
console error and nothing fetched from outside the server. A page that broke the policy (an inline script or style)
would be reported here, since the browser refuses it and says so.
"""

import pytest
from django.core.management import call_command

from accounts.models import User
from projects.models import Project
from proposals.models import Proposal

from .support import RECORD_VIOLATIONS, assert_no_problems, log_in, log_out, requires_browser

pytestmark = requires_browser


def visit(page, url, problems):
    response = page.goto(url)
    assert response.ok, f"{url} answered {response.status}"
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    problems.extend(f"{url}: {violation}" for violation in page.evaluate("window.__violations"))


@pytest.mark.django_db(transaction=True)
def test_pages_load_under_the_content_security_policy(browser_page, live_server, settings):
    settings.DEBUG = True  # demo accounts are created only in debug mode
    call_command("load_demo", verbosity=0)
    settings.DEBUG = False
    page, base = browser_page, live_server.url
    page.add_init_script(RECORD_VIOLATIONS)
    problems = []

    # A project office (宁波市) keeps, and a proposal it reads (镇海区's, below it).
    office = User.objects.get(username="office")
    project = office.scope(Project.objects.filter(milestones__isnull=False), "change").order_by("code").first()
    proposal = office.scope(Proposal.objects.order_by("pk")).first()

    visit(page, f"{base}/public/proposals/", problems)
    log_in(page, base, "office")
    for path in (
        "/",
        "/projects/",
        f"/projects/{project.pk}/",
        f"/projects/{project.pk}/edit/",
        "/reports/dashboard/",
        "/reports/exports/",
        "/imports/",
        "/proposals/",
        f"/proposals/{proposal.pk}/",
        "/api/docs/",
    ):
        visit(page, f"{base}{path}", problems)
    page.wait_for_selector(".swagger-ui .info", timeout=15_000)  # the API docs render, their script a file of ours
    page.goto(f"{base}/")
    log_out(page)

    log_in(page, base, "admin")
    for path in ("/admin/", "/admin/projects/project/", f"/admin/projects/project/{project.pk}/change/"):
        visit(page, f"{base}{path}", problems)

    assert problems == [], "the browser refused something:\n" + "\n".join(problems)
    assert_no_problems(page)
