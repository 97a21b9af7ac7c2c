"""The site as a browser sees it: login first, Chinese by default, English on request, nothing from outside."""

import re

import pytest
from django.urls import reverse

from accounts.choices import Role
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

EXTERNAL_ASSET = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.IGNORECASE)


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"


def test_login_page_is_in_chinese(client):
    response = client.get("/accounts/login/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in html
    for label in ("登录", "用户名", "密码", "智慧城市项目管理平台"):
        assert label in html
    assert not EXTERNAL_ASSET.search(html)


def test_login_with_username_and_password_then_logout(client):
    user = UserFactory(username="liaison1", role=Role.LIAISON)
    response = client.post("/accounts/login/", {"username": "liaison1", "password": "pass-2026-word"})
    assert response.status_code == 302 and response["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert user.organization.name in home.content.decode()
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_wrong_password_shows_an_error_in_chinese(client):
    UserFactory(username="liaison1")
    response = client.post("/accounts/login/", {"username": "liaison1", "password": "nope"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_chinese_even_for_a_browser_that_prefers_english(client):
    html = client.get("/accounts/login/", headers={"accept-language": "en-US,en;q=0.9"}).content.decode()
    assert '<html lang="zh-hans">' in html and "登录" in html


def test_language_switch_to_english_and_back(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Log in" in html and "Smart City Project Management Platform" in html
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/accounts/login/"}, follow=True)
    assert "登录" in response.content.decode()


@pytest.mark.parametrize("role", Role.values)
def test_home_for_every_role(client, role):
    ProjectFactory()
    client.force_login(UserFactory(role=role))
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "项目总体情况" in html
    assert str(Role(role).label) in html
    assert not EXTERNAL_ASSET.search(html)


def test_home_costs_a_constant_number_of_queries(client, django_assert_max_num_queries):
    ProjectFactory.create_batch(30)
    client.force_login(UserFactory(role=Role.LEADER))
    # The portfolio's figures, the to-do counts (one query), the rows of each of the leader's four to-do lists and the
    # notification bell's unread count.
    with django_assert_max_num_queries(13):
        client.get("/")


def test_admin_is_for_staff_only(client, office_user, liaison):
    office_user.is_staff = True
    office_user.save()
    client.force_login(liaison)
    assert client.get("/admin/").status_code == 302
    client.force_login(office_user)
    assert client.get("/admin/projects/project/").status_code == 200


def test_static_assets_are_served_by_the_app(client, settings):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    for path in ("/static/vendor/bootstrap/bootstrap.min.css", "/static/vendor/plotly/plotly.min.js"):
        response = client.get(path)
        assert response.status_code == 200, path
        b"".join(response.streaming_content)


def test_collectstatic_with_the_production_storage(tmp_path, settings):
    """The manifest storage refuses assets that point at missing files (such as stripped source maps)."""
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    # Compressing every file (Plotly's 4.6 MB in brotli most of all) took 30 s of CI and checks nothing here.
    settings.WHITENOISE_SKIP_COMPRESS_EXTENSIONS = ["css", "js", "map", "json", "svg", "txt", "html", "md", "woff2"]
    call_command("collectstatic", interactive=False, verbosity=0)
    assert (tmp_path / "vendor" / "plotly" / "plotly.min.js").is_file()
    assert (tmp_path / "staticfiles.json").is_file()


def test_api_schema_and_docs_need_a_login(client, api):
    assert api.get("/api/schema/").status_code == 401
    docs = client.get("/api/docs/")
    assert docs.status_code == 302 and docs["Location"].startswith(reverse("login"))
