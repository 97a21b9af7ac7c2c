"""The error pages: 400, 403, 404 and 500 in the site's layout, in Chinese (English on request), with a way back;
the 500 and 400 pages render with no context at all (no user, no request, no database); a refused form (CSRF) says
the form has expired; under /api/ every error stays JSON."""

import datetime

import pytest
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.template import loader
from django.urls import path

import config.urls
from accounts.choices import Role
from proposals import services
from tests.factories import OrganizationFactory, ProposalFactory, UserFactory


@login_not_required
def refused(request):
    raise PermissionDenied("只有承办单位可以答复。")


@login_not_required
def suspicious(request):
    raise SuspiciousOperation("a forged request")


@login_not_required
def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [
    path("test-errors/403/", refused),
    path("test-errors/400/", suspicious),
    path("test-errors/500/", broken),
    path("api/v1/test-errors/500/", broken),
    path("api/v1/test-errors/403/", refused),
    *config.urls.urlpatterns,
]
handler400 = config.urls.handler400
handler403 = config.urls.handler403
handler404 = config.urls.handler404
handler500 = config.urls.handler500

pytestmark = pytest.mark.urls(__name__)


def looks_like_the_site(html: str) -> None:
    assert '<html lang="zh-hans">' in html
    assert "bootstrap.min.css" in html and "智慧城市项目管理平台" in html
    assert 'href="/"' in html  # the way back to the workbench


@pytest.mark.parametrize(("template", "text"), [("500.html", "服务器出错了"), ("400.html", "无法处理此请求")])
def test_the_500_and_400_pages_render_without_a_database_or_a_user(template, text):
    # No django_db mark: a query here would fail the test.
    html = loader.get_template(template).render()
    looks_like_the_site(html)
    assert text in html and "返回工作台" in html and "登录" in html


@pytest.mark.django_db
def test_a_server_error_shows_the_sites_500_page(client, leader):
    client.raise_request_exception = False
    client.force_login(leader)
    response = client.get("/test-errors/500/")
    assert response.status_code == 500
    html = response.content.decode()
    looks_like_the_site(html)
    assert "服务器出错了" in html and "a bug" not in html and "Traceback" not in html


@pytest.mark.django_db
def test_a_bad_request_shows_the_sites_400_page(client):
    response = client.get("/test-errors/400/")
    assert response.status_code == 400
    assert "无法处理此请求" in response.content.decode()


@pytest.mark.django_db
def test_the_committee_refused_a_units_step_sees_why_in_chinese(client, committee_user):
    proposal = ProposalFactory()
    services.proposal_file(actor=committee_user, proposal=proposal)
    services.proposal_assign(
        actor=committee_user,
        proposal=proposal,
        lead_unit=OrganizationFactory(name="区经信局"),
        co_units=[],
        assigned_on=datetime.date(2026, 2, 1),
        due_date=datetime.date(2026, 5, 1),
    )
    client.force_login(committee_user)
    response = client.get(f"/proposals/{proposal.pk}/request-reassign/")
    assert response.status_code == 403
    html = response.content.decode()
    looks_like_the_site(html)
    assert "403 Forbidden" not in html
    assert "您无权打开此页面或执行此步骤" in html and "系统管理员" in html
    assert "返回上一页" in html and "返回工作台" in html
    assert f'href="/accounts/login/?next=/proposals/{proposal.pk}/request-reassign/"' in html
    assert "提案办理" in html  # the committee's own menu is there


@pytest.mark.django_db
def test_a_refusal_with_a_reason_shows_it(client, leader):
    client.force_login(leader)
    html = client.get("/test-errors/403/").content.decode()
    assert "只有承办单位可以答复。" in html


@pytest.mark.django_db
def test_the_error_pages_speak_english_on_request(client, leader):
    client.force_login(leader)
    client.cookies["django_language"] = "en"
    html = client.get("/test-errors/403/").content.decode()
    assert '<html lang="en">' in html and "You may not open this page or take this step" in html
    assert "Go to the workbench" in html
    html = client.get("/no-such-page/").content.decode()
    assert "This page does not exist" in html


@pytest.mark.django_db
def test_a_missing_page_says_so_with_a_way_back(client, leader):
    response = client.get("/public/proposals/999999/")
    assert response.status_code == 404
    html = response.content.decode()
    looks_like_the_site(html)
    assert "页面不存在" in html and "/public/proposals/999999/" in html and 'href="/accounts/login/"' in html
    client.force_login(leader)
    html = client.get("/projects/999999/").content.decode()
    assert "页面不存在" in html and 'href="/accounts/login/"' not in html


@pytest.mark.django_db
def test_an_expired_form_says_so(leader):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "leader", "password": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    looks_like_the_site(html)
    assert "表单已过期" in html and "CSRF" not in html


@pytest.mark.django_db
def test_errors_under_the_api_stay_json(client, api, leader):
    client.raise_request_exception = False
    errors = (("/api/v1/test-errors/500/", 500), ("/api/v1/test-errors/403/", 403), ("/api/v1/nowhere/", 404))
    for url, status in errors:
        response = client.get(url)
        assert response.status_code == status, url
        assert response["Content-Type"] == "application/json", url
        assert set(response.json()) == {"detail"}, url
    # The API's own answers are as before.
    assert api.as_user(UserFactory(role=Role.LEADER)).get("/api/v1/projects/999999/").status_code == 404
