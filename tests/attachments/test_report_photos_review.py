"""The reviewer sees a report's photos beside its figures (the review queue) and the project page shows them by month:
each with its date taken (or unknown), flagged when taken long before the period or reused from an earlier report,
which is named. Both pages read the photos in a number of queries that does not grow with the reports."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attachments import services as attachments
from projects import selectors
from projects.choices import ReportStatus
from tests.factories import ProgressReportFactory, ProjectFactory

from . import pictures

pytestmark = pytest.mark.django_db

QUEUE = "/progress/review/"


def with_photos(report, actor, *files):
    return attachments.attach(actor=actor, obj=report, files=files, check_permission=False)


@pytest.fixture
def earlier(unit, liaison):
    """An approved report of another project of the region, two months back, whose photo will be reused."""
    project = ProjectFactory(lead_org=unit, code="ZH-OLD", name="城市大脑一期")
    report = ProgressReportFactory(project=project, period="2026-01", status=ReportStatus.APPROVED)
    with_photos(report, liaison, pictures.photo(7, taken=datetime.datetime(2026, 1, 20, 10, 0)))
    return report


def queue_report(unit, liaison, code, *files, period="2026-03"):
    report = ProgressReportFactory(project=ProjectFactory(lead_org=unit, code=code), period=period)
    with_photos(report, liaison, *files)
    return report


def test_the_queue_shows_each_reports_photos_with_date_and_flags(client, office_user, liaison, unit, earlier):
    report = queue_report(
        unit,
        liaison,
        "ZH-NEW",
        pictures.photo(1, taken=datetime.datetime(2026, 3, 12, 9, 0)),  # of the period
        pictures.photo(2, name="旧照片.jpg", taken=datetime.datetime(2025, 11, 2, 9, 0)),  # months before it
        pictures.resaved(7),  # the earlier report's picture, forwarded through a messenger (no date)
    )
    fresh, old, reused = report.attachments.order_by("pk")
    assert reused.reused_from == earlier.attachments.get()
    client.force_login(office_user)

    page = client.get(QUEUE).content.decode()
    row = page[page.index(f'id="report-{report.pk}"') :]
    row = row[: row.index("</tr>")]
    for photo in (fresh, old, reused):
        assert f'href="{reverse("attachment-download", args=[photo.pk])}?inline=1"' in row
        assert f'src="{reverse("attachment-thumbnail", args=[photo.pk])}"' in row
    assert "拍摄时间：2026-03-12" in row and "拍摄时间：2025-11-02" in row and "拍摄时间：未知" in row
    assert row.count("attachment-stale") == 1 and "拍摄时间远早于报告期（2026-03-01）" in row
    assert row.count("attachment-reused") == 1
    assert "与ZH-OLD 城市大脑一期 2026-01 月报中的照片相同" in row
    assert row.count("attachment-flagged") == 2

    # The photo opens from the thumbnail, for the reviewer of the region.
    opened = client.get(reverse("attachment-download", args=[fresh.pk]), {"inline": "1"})
    assert opened.status_code == 200 and opened["Content-Disposition"].startswith("inline")


def test_a_report_without_photos_shows_a_dash_and_a_general_one_no_warning(client, office_user, unit):
    from projects.choices import ProjectTier

    plain = ProgressReportFactory(project=ProjectFactory(lead_org=unit, tier=ProjectTier.GENERAL), period="2026-03")
    client.force_login(office_user)
    page = client.get(QUEUE).content.decode()
    row = page[page.index(f'id="report-{plain.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "attachment-photo" not in row and "photo-missing" not in row


def queue_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(QUEUE).status_code == 200
    return len(queries)


def test_the_queues_queries_do_not_grow_with_the_reports(client, office_user, liaison, unit, earlier):
    queue_report(unit, liaison, "ZH-Q0", pictures.photo(10), pictures.resaved(7))
    client.force_login(office_user)
    queue_queries(client)  # the session, the content types: read once
    cache.clear()  # both requests count (the counts are cached under the data version otherwise)
    one = queue_queries(client)

    other = ProjectFactory(lead_org=unit, code="ZH-MS")
    another_report = ProgressReportFactory(project=other, period="2026-02", status=ReportStatus.APPROVED)
    with_photos(another_report, liaison, pictures.photo(30))
    for n in range(1, 5):
        queue_report(unit, liaison, f"ZH-Q{n}", pictures.photo(10 + n), pictures.resaved(7 if n % 2 else 30))
    cache.clear()
    many = queue_queries(client)

    page = client.get(QUEUE).content.decode()
    assert page.count("attachment-reused") == 5
    assert many == one


def test_the_project_page_shows_its_photos_by_month_newest_first(client, office_user, liaison, unit, earlier):
    project = ProjectFactory(lead_org=unit, code="ZH-TL")
    january = ProgressReportFactory(project=project, period="2026-01", status=ReportStatus.APPROVED)
    with_photos(january, liaison, pictures.photo(20, taken=datetime.datetime(2026, 1, 8, 9, 0)), pictures.png(21))
    ProgressReportFactory(project=project, period="2026-02", status=ReportStatus.APPROVED)  # no photo that month
    march = ProgressReportFactory(project=project, period="2026-03")
    with_photos(march, liaison, pictures.resaved(7), pictures.photo(22, taken=datetime.datetime(2025, 10, 1, 8, 0)))

    timeline = selectors.photo_timeline(project)
    assert [(report.period, [photo.name for photo in report.photos]) for report in timeline] == [
        ("2026-03", ["转发.jpg", "现场照片.jpg"]),
        ("2026-01", ["现场照片.jpg", "截图.png"]),
    ]
    reused, stale = timeline[0].photos
    assert reused.reuse_source == "ZH-OLD 城市大脑一期 2026-01 月报" and not reused.stale
    assert stale.stale and not stale.reuse_source

    client.force_login(office_user)
    page = client.get(f"/projects/{project.pk}/").content.decode()
    section = page[page.index('id="photos"') :]
    section = section[: section.index("</section>")]
    assert "现场照片（按月）" in section
    assert section.index('data-period="2026-03"') < section.index('data-period="2026-01"')
    assert 'data-period="2026-02"' not in section
    assert "与ZH-OLD 城市大脑一期 2026-01 月报中的照片相同" in section
    assert "拍摄时间远早于报告期（2026-03-01）" in section and "拍摄时间：2026-01-08" in section and "未知" in section


def test_a_project_without_photos_shows_no_timeline(client, office_user, unit):
    project = ProjectFactory(lead_org=unit)
    ProgressReportFactory(project=project, period="2026-01", status=ReportStatus.APPROVED)
    client.force_login(office_user)
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert 'id="photos"' not in page and "现场照片（按月）" not in page


def test_the_timeline_reads_a_fixed_number_of_queries(liaison, unit, earlier, django_assert_num_queries):
    project = ProjectFactory(lead_org=unit, code="ZH-TQ")
    first = ProgressReportFactory(project=project, period="2026-01", status=ReportStatus.APPROVED)
    with_photos(first, liaison, pictures.photo(40), pictures.resaved(7))
    selectors.photo_timeline(project)  # the content types, read once
    # The reports, their photos, and the reports the reused photos came from.
    with django_assert_num_queries(3):
        assert len(selectors.photo_timeline(project)) == 1
    for month in range(2, 7):
        report = ProgressReportFactory(project=project, period=f"2026-{month:02d}", status=ReportStatus.APPROVED)
        with_photos(report, liaison, pictures.photo(40 + month), pictures.resaved(7, name=f"转发{month}.jpg"))
    with django_assert_num_queries(3):
        timeline = selectors.photo_timeline(project)
    assert [report.period for report in timeline] == [f"2026-{month:02d}" for month in range(6, 0, -1)]
    assert all(photo.reuse_source for report in timeline for photo in report.photos if photo.reused_from_id)
