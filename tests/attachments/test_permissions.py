"""Who may read, add and remove a report's files: reading follows ``User.can("view", report)`` (the region and those
below), adding and removing the report's own unit (or its region's office) while the report is open. Out of reach a
file answers 404 like its object, on pages and on the API; without a login the pages send to the login page and the
API answers 401."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from attachments import services
from attachments.models import Attachment
from projects.choices import ReportStatus
from projects.models import ProgressReport

from . import pictures, world

pytestmark = pytest.mark.django_db

ADD_REFUSED = "您现在不能向 {} 添加文件。"
REMOVE_REFUSED = "您现在不能删除 {} 的文件。"


@pytest.fixture
def w():
    w = world.build()
    (w.photo,) = services.attach(actor=w.liaison, obj=w.report, files=[pictures.photo(1)])
    (w.letter,) = services.attach(actor=w.liaison, obj=w.report, files=[pictures.pdf()])
    return w


def page_client(user) -> Client:
    client = Client()
    if not isinstance(user, AnonymousUser):
        client.force_login(user)
    return client


def api_client(user) -> APIClient:
    client = APIClient()
    if not isinstance(user, AnonymousUser):
        client.force_authenticate(user)
    return client


def page_answers(user: User, w) -> dict[str, int]:
    """The status of every page address of the report's files, as ``user`` asks it."""
    client = page_client(user)
    return {
        "download": client.get(reverse("attachment-download", args=[w.photo.pk])).status_code,
        "thumbnail": client.get(reverse("attachment-thumbnail", args=[w.photo.pk])).status_code,
        "document": client.get(reverse("attachment-download", args=[w.letter.pk])).status_code,
        "upload": world.page_upload(client, w.report, pictures.photo(5)).status_code,
        "remove": client.post(reverse("attachment-remove", args=[w.letter.pk])).status_code,
    }


def api_answers(user: User, w) -> dict[str, int]:
    client = api_client(user)
    one = f"/api/v1/attachments/{w.photo.pk}/"
    return {
        "list": client.get(world.api_url(w.report)).status_code,
        "post": world.api_upload(client, w.report, pictures.photo(6)).status_code,
        "retrieve": client.get(one).status_code,
        "download": client.get(one + "download/").status_code,
        "thumbnail": client.get(one + "thumbnail/").status_code,
        "delete": client.delete(f"/api/v1/attachments/{w.letter.pk}/").status_code,
    }


def test_another_units_liaison_reads_the_reports_files_but_adds_and_removes_none(w):
    reader = w.water_liaison
    assert reader.can("view", w.report) and not reader.can("change", w.report)
    assert page_answers(reader, w) == {
        "download": 200,
        "thumbnail": 200,
        "document": 200,
        "upload": 403,
        "remove": 403,
    }
    assert api_answers(reader, w) == {
        "list": 200,
        "post": 403,
        "retrieve": 200,
        "download": 200,
        "thumbnail": 200,
        "delete": 403,
    }
    assert Attachment.objects.count() == 2 and len(world.stored_files()) == 3


def test_the_refusals_say_why_in_chinese(w):
    client = page_client(w.water_liaison)
    upload = world.page_upload(client, w.report, pictures.photo(5))
    assert upload.json() == {"error": ADD_REFUSED.format(w.report)}
    remove = client.post(reverse("attachment-remove", args=[w.letter.pk]))
    assert REMOVE_REFUSED.format(w.report) in remove.content.decode()
    api = api_client(w.water_liaison)
    assert world.api_upload(api, w.report, pictures.photo(6)).json() == {"detail": ADD_REFUSED.format(w.report)}
    assert api.delete(f"/api/v1/attachments/{w.letter.pk}/").json() == {"detail": REMOVE_REFUSED.format(w.report)}


def test_the_city_office_reads_a_districts_files_and_writes_none(w):
    # 一级管一级: 宁波市 reads 镇海区's reports and writes only its own region's.
    assert page_answers(w.city_office, w)["download"] == 200
    assert api_answers(w.city_office, w) == {
        "list": 200,
        "post": 403,
        "retrieve": 200,
        "download": 200,
        "thumbnail": 200,
        "delete": 403,
    }


@pytest.mark.parametrize("who", ["xiangshan_liaison", "xiangshan_office", "dongguan_liaison", "dongguan_office"])
def test_a_user_of_another_region_finds_nothing(w, who):
    user = getattr(w, who)
    assert not user.can("view", w.report)
    assert set(page_answers(user, w).values()) == {404}
    assert set(api_answers(user, w).values()) == {404}
    assert Attachment.objects.count() == 2 and len(world.stored_files()) == 3


def test_a_file_out_of_reach_answers_as_one_that_does_not_exist(w):
    client, api = page_client(w.dongguan_office), api_client(w.dongguan_office)
    missing = Attachment.objects.order_by("pk").last().pk + 100
    for pk in (w.photo.pk, missing, 2**63, 10**30):
        assert client.get(f"/attachments/{pk}/").status_code == 404
        assert client.get(f"/attachments/{pk}/thumbnail/").status_code == 404
        assert api.get(f"/api/v1/attachments/{pk}/").status_code == 404
        assert api.get(f"/api/v1/attachments/{pk}/download/").status_code == 404
    assert api.get("/api/v1/attachments/abc/").status_code == 404
    report_type = ContentType.objects.get_for_model(ProgressReport).pk
    user_type = ContentType.objects.get_for_model(User).pk
    for content_type, object_id in (
        (report_type, w.report.pk),
        (report_type, 10**30),
        (user_type, w.dongguan_office.pk),
    ):
        url = reverse("attachment-upload", args=[content_type, object_id])
        response = client.post(url, {"file": [pictures.photo(7)]}, HTTP_ACCEPT="application/json")
        assert response.status_code == 404


def test_anonymous_is_sent_to_log_in_on_pages_and_told_401_by_the_api(w):
    client = Client()
    for url in (
        reverse("attachment-download", args=[w.photo.pk]),
        reverse("attachment-thumbnail", args=[w.photo.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    for response in (
        world.page_upload(client, w.report, pictures.photo(5)),
        client.post(reverse("attachment-remove", args=[w.letter.pk])),
    ):
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert set(api_answers(AnonymousUser(), w).values()) == {401}
    assert Attachment.objects.count() == 2


def test_an_approved_report_takes_no_more_files_and_keeps_its_own(w):
    ProgressReport.objects.filter(pk=w.report.pk).update(status=ReportStatus.APPROVED)
    w.report.refresh_from_db()
    for owner in (w.liaison, w.zhenhai_office):
        client, api = page_client(owner), api_client(owner)
        upload = world.page_upload(client, w.report, pictures.photo(5))
        assert upload.status_code == 403 and upload.json() == {"error": ADD_REFUSED.format(w.report)}
        remove = client.post(reverse("attachment-remove", args=[w.photo.pk]))
        assert remove.status_code == 403 and REMOVE_REFUSED.format(w.report) in remove.content.decode()
        posted = world.api_upload(api, w.report, pictures.photo(6))
        assert posted.status_code == 403 and posted.json() == {"detail": ADD_REFUSED.format(w.report)}
        deleted = api.delete(f"/api/v1/attachments/{w.photo.pk}/")
        assert deleted.status_code == 403 and deleted.json() == {"detail": REMOVE_REFUSED.format(w.report)}
        # Still readable, as the approved report is.
        assert client.get(reverse("attachment-download", args=[w.photo.pk])).status_code == 200
    assert Attachment.objects.count() == 2 and len(world.stored_files()) == 3


def test_the_reporting_unit_and_its_office_add_and_remove_while_the_report_is_open(w):
    for owner, seed in ((w.liaison, 20), (w.zhenhai_office, 21)):
        client = page_client(owner)
        added = world.page_upload(client, w.report, pictures.photo(seed))
        assert added.status_code == 201, added.content
        (pk,) = added.json()["added"]
        removed = client.post(reverse("attachment-remove", args=[pk]), {"next": "https://evil.example/"})
        # Back to the report's page, never to another site.
        assert removed.status_code == 302 and removed["Location"] == w.report.get_absolute_url()
        assert not Attachment.objects.filter(pk=pk).exists()
    api = api_client(w.liaison)
    assert world.api_upload(api, w.report, pictures.photo(22)).status_code == 201
    assert api.delete(f"/api/v1/attachments/{w.letter.pk}/").status_code == 204
    assert Attachment.objects.count() == 2


def test_another_units_liaison_adds_no_document_to_a_project_not_theirs(w):
    client = page_client(w.water_liaison)
    response = world.page_upload(client, w.zhenhai_project, pictures.pdf())
    assert response.status_code == 403
    assert world.api_upload(api_client(w.water_liaison), w.zhenhai_project, pictures.pdf()).status_code == 403
    own = world.api_upload(
        api_client(w.water_liaison),
        w.water_project,
        pictures.pdf(),
        kind="approval",
        number="镇发改〔2026〕5号",
        issued_on="2026-03-02",
    )
    assert own.status_code == 201 and own.json()[0]["kind"] == "approval"
