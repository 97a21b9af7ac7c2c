"""Where the attachments' attack tests put their files: the regions of ``tests/projects/regional.py`` (宁波市 with
镇海区 and 象山县, 东莞市 elsewhere) with two units of 镇海区 that report on a project each, one unit of 象山县 and
one of 东莞市, every report of March 2026 and still open; and the ways in: the page's upload (as its script sends it,
asking for JSON) and the API's."""

from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from accounts.choices import Role
from projects.choices import ReportStatus
from projects.models import ProgressReport
from tests.factories import OrganizationFactory, ProgressReportFactory, ProjectFactory, UserFactory
from tests.projects import regional

PERIOD = "2026-03"


def build() -> SimpleNamespace:
    w = regional.build()
    w.water_unit = OrganizationFactory(name="镇海区水利局", region=w.zhenhai)
    w.water_liaison = UserFactory(username="zhenhai-water-liaison", organization=w.water_unit, role=Role.LIAISON)
    w.water_project = ProjectFactory(code="ZH-SL-01", name="智慧水务", lead_org=w.water_unit)
    w.xiangshan_unit = w.xiangshan_project.lead_org
    w.xiangshan_liaison = UserFactory(username="xiangshan-liaison", organization=w.xiangshan_unit, role=Role.LIAISON)
    w.dongguan_unit = OrganizationFactory(name="东莞市工业和信息化局", region=w.dongguan)
    w.dongguan_liaison = UserFactory(username="dongguan-liaison", organization=w.dongguan_unit, role=Role.LIAISON)
    w.dongguan_project = ProjectFactory(code="DG-01", name="东莞城市大脑", lead_org=w.dongguan_unit)
    w.report = report(w.zhenhai_project)
    w.water_report = report(w.water_project)
    w.xiangshan_report = report(w.xiangshan_project)
    w.dongguan_report = report(w.dongguan_project)
    return w


def report(project, period=PERIOD, status=ReportStatus.SUBMITTED) -> ProgressReport:
    return ProgressReportFactory(project=project, period=period, status=status)


def page_url(obj) -> str:
    return reverse("attachment-upload", args=[ContentType.objects.get_for_model(type(obj)).pk, obj.pk])


def api_url(obj) -> str:
    name = "api:progressreport-attachments" if isinstance(obj, ProgressReport) else "api:project-attachments"
    return reverse(name, args=[obj.pk])


def page_upload(client, obj, *files, **fields):
    """The page's drop zone as ``static/js/uploads.js`` posts it: JSON asked for."""
    return client.post(page_url(obj), {"file": list(files), **fields}, HTTP_ACCEPT="application/json")


def api_upload(api, obj, *files, **fields):
    return api.post(api_url(obj), {"file": list(files), **fields}, format="multipart")


def stored_files() -> list[Path]:
    """Every file under the test's media folder (tests/conftest.py gives each test its own)."""
    root = Path(settings.MEDIA_ROOT)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []
