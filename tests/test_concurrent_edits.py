"""Two people edit the same project or report: the second save, made on the copy opened before the first, is refused
with a warning (409) instead of silently overwriting; saving again after the warning replaces the newer values
knowingly. In the API a client that sends the version it read (``version`` or ``If-Match``) gets 409 when it is
stale; a client that sends none works as before."""

import pytest

from projects.choices import ReportStatus
from projects.models import ProgressReport, Project

from .factories import ProgressReportFactory, ProjectFactory
from .projects.test_views import project_form_data

# Reports here are filed and approved for what else they test: the site-photo rule has its own tests.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("photo_rule_off")]


@pytest.fixture
def project(unit):
    return ProjectFactory(code="NB-2026-01", name="城市大脑二期", lead_org=unit)


def edit_data(project, unit, version, **values):
    fields = {
        "code": project.code,
        "name": project.name,
        "domain": project.domain_id,
        "version": str(version),
        # The confirmed plan as it stands: a liaison's change of it would go to the office instead.
        "total_investment": str(project.total_investment),
        "planned_start": project.planned_start.isoformat(),
        "planned_end": project.planned_end.isoformat(),
    }
    return project_form_data(unit, **{**fields, "milestones-TOTAL_FORMS": "0", **values})


def test_the_edit_form_carries_the_version_it_was_opened_with(client, office_user, project):
    client.force_login(office_user)
    page = client.get(f"/projects/{project.pk}/edit/").content.decode()
    assert 'type="hidden" name="version" value="1"' in page


def test_a_save_on_a_stale_form_warns_and_keeps_the_newer_values(client, office_user, liaison, unit, project):
    # The liaison and the office open the form at version 1; the liaison saves first.
    client.force_login(liaison)
    assert (
        client.post(f"/projects/{project.pk}/edit/", edit_data(project, unit, 1, name="城市大脑二期（甲）")).status_code
        == 302
    )
    project.refresh_from_db()
    assert project.version == 2

    client.force_login(office_user)
    response = client.post(f"/projects/{project.pk}/edit/", edit_data(project, unit, 1, name="城市大脑二期（乙）"))
    assert response.status_code == 409
    page = response.content.decode()
    assert "已被他人修改" in page and "城市大脑二期（乙）" in page  # the warning, and the office's input kept
    assert 'name="version" value="2"' in page
    project.refresh_from_db()
    assert (project.name, project.version) == ("城市大脑二期（甲）", 2)
    assert project.history.count() == 2  # created, the liaison's change: nothing from the refused save

    # Saving again from the warning page replaces the liaison's change, knowingly.
    response = client.post(f"/projects/{project.pk}/edit/", edit_data(project, unit, 2, name="城市大脑二期（乙）"))
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.name, project.version) == ("城市大脑二期（乙）", 3)


def test_a_form_without_a_version_is_not_checked(client, office_user, unit, project):
    client.force_login(office_user)
    data = edit_data(project, unit, 1, name="新名称")
    del data["version"]
    Project.objects.filter(pk=project.pk).update(version=5)
    assert client.post(f"/projects/{project.pk}/edit/", data).status_code == 302
    project.refresh_from_db()
    assert (project.name, project.version) == ("新名称", 6)


def test_a_report_revised_on_a_stale_page_warns(client, liaison, project):
    report = ProgressReportFactory(
        project=project, period="2026-05", status=ReportStatus.RETURNED, review_comment="补充"
    )
    client.force_login(liaison)
    url = "/progress/report/?period=2026-05"
    assert f'name="p{project.pk}-version" value="1"' in client.get(url).content.decode()
    fields = {"progress": "45", "investment_completed": "60", "summary": "完成部署。", "problems": "", "next_steps": ""}
    posted = {f"p{project.pk}-{name}": value for name, value in fields.items()}

    # Someone revises the report meanwhile (version 2).
    other = ProgressReport.objects.get(pk=report.pk)
    other.summary = "另一位联络员的修改。"
    other.save()

    response = client.post(url, {**posted, f"p{project.pk}-version": "1"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "已被他人修改" in page and "完成部署。" in page
    report.refresh_from_db()
    assert (report.summary, report.version) == ("另一位联络员的修改。", 2)

    assert client.post(url, {**posted, f"p{project.pk}-version": "2"}).status_code == 302
    report.refresh_from_db()
    assert (report.summary, report.status, report.version) == ("完成部署。", ReportStatus.SUBMITTED, 3)


class TestApi:
    def test_reads_give_the_version_and_its_etag(self, api, office_user, project):
        response = api.as_user(office_user).get(f"/api/v1/projects/{project.pk}/")
        assert response.json()["version"] == 1 and response["ETag"] == '"1"'

    @pytest.mark.parametrize("how", ["body", "if-match"])
    def test_a_stale_version_answers_409_and_changes_nothing(self, api, office_user, project, how):
        client = api.as_user(office_user)
        url = f"/api/v1/projects/{project.pk}/"
        assert client.patch(url, {"name": "第一次修改", "version": 1}, format="json").json()["version"] == 2
        if how == "body":
            response = client.patch(url, {"name": "过时的修改", "version": 1}, format="json")
        else:
            response = client.patch(url, {"name": "过时的修改"}, format="json", HTTP_IF_MATCH='"1"')
        assert response.status_code == 409
        assert "已被他人修改" in response.json()["detail"]
        project.refresh_from_db()
        assert (project.name, project.version) == ("第一次修改", 2)

    def test_the_current_version_and_no_version_both_save(self, api, office_user, project):
        client = api.as_user(office_user)
        url = f"/api/v1/projects/{project.pk}/"
        response = client.patch(url, {"name": "带版本"}, format="json", HTTP_IF_MATCH='W/"1"')
        assert response.status_code == 200 and response["ETag"] == '"2"'
        assert client.patch(url, {"name": "不带版本"}, format="json").status_code == 200
        project.refresh_from_db()
        assert (project.name, project.version) == ("不带版本", 3)

    def test_a_malformed_version_is_a_bad_request(self, api, office_user, project):
        client = api.as_user(office_user)
        response = client.patch(f"/api/v1/projects/{project.pk}/", {"name": "x"}, format="json", HTTP_IF_MATCH="abc")
        assert response.status_code == 400

    def test_a_report_revised_on_a_stale_version_answers_409(self, api, liaison, project):
        report = ProgressReportFactory(project=project, status=ReportStatus.RETURNED, review_comment="补充")
        client = api.as_user(liaison)
        url = f"/api/v1/progress-reports/{report.pk}/"
        assert client.patch(url, {"summary": "第一次", "version": 1}, format="json").status_code == 200
        response = client.patch(url, {"summary": "过时", "version": 1}, format="json")
        assert response.status_code == 409
        report.refresh_from_db()
        assert (report.summary, report.version) == ("第一次", 2)
