"""Every file the attachments refuse answers 400 with a Chinese message that names it, on the page's upload (as its
script asks, JSON) and on the API, never 500; and nothing of it is kept: no row, no file in the media folder."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from attachments import services
from attachments.models import Attachment
from projects.choices import ReportStatus
from tests.factories import ProgressReportFactory, ProjectFactory

from . import hostile, pictures
from .world import api_upload, api_url, page_upload, page_url, stored_files

pytestmark = pytest.mark.django_db

NOT_ACCEPTED = "不接受此类文件"
PROGRAM = "可执行程序"
DAMAGED_PICTURE = "图片已损坏"
DAMAGED_PDF = "该 PDF 已损坏"
UNPACKS = "解压后"


@pytest.fixture
def report(unit):
    return ProgressReportFactory(project=ProjectFactory(lead_org=unit), period="2026-03", status=ReportStatus.SUBMITTED)


@pytest.fixture
def uploader(client, api, liaison):
    client.force_login(liaison)
    api.as_user(liaison)
    return client, api


def refused(uploader, report, name: str, content: bytes, **fields) -> tuple[str, str]:
    """Post the file on the page and on the API; both refuse it, keeping nothing. The two messages."""
    client, api = uploader
    page = page_upload(client, report, SimpleUploadedFile(name, content), **fields)
    assert page.status_code == 400, page.content
    through_api = api_upload(api, report, SimpleUploadedFile(name, content), **fields)
    assert through_api.status_code == 400, through_api.content
    assert not Attachment.objects.exists()
    assert stored_files() == []
    return page.json()["error"], " ".join(through_api.json()["file"])


CASES = {
    "ELF program named .jpg": ("现场照片.jpg", lambda: hostile.ELF, PROGRAM),
    "Windows program named .jpg": ("现场照片.jpg", lambda: hostile.PE, PROGRAM),
    # A PDF within a program's first kilobyte makes the file pass for a PDF to readers (and did to the sniffer).
    "Windows program with a PDF in it": ("批复.pdf", lambda: hostile.PE[:200] + hostile.pdf_bytes(), PROGRAM),
    "ELF program with a PDF in it": ("批复.pdf", lambda: hostile.ELF[:200] + hostile.pdf_bytes(), PROGRAM),
    "script named .jpg": ("现场照片.jpg", lambda: b"#!/bin/sh\nrm -rf /\n", PROGRAM),
    "PDF named .jpg": ("现场照片.jpg", hostile.pdf_bytes, "文件内容为 PDF，与扩展名 .jpg 不符"),
    "JPEG named .pdf": ("批复.pdf", hostile.jpeg_bytes, "文件内容为 JPEG，与扩展名 .pdf 不符"),
    "HEIC named .jpg": ("IMG_0001.jpg", hostile.heic_bytes, "文件内容为 HEIC，与扩展名 .jpg 不符"),
    "text": ("说明.txt", lambda: "这是一段说明文字。".encode(), NOT_ACCEPTED),
    "unknown bytes named .docx": ("方案.docx", lambda: bytes(range(256)) * 20, NOT_ACCEPTED),
    "a picture of script named .png": (
        "截图.png",
        lambda: b"<svg onload=alert(1) xmlns='http://www.w3.org/2000/svg'/>",
        NOT_ACCEPTED,
    ),
    "a zip that is no document": ("方案.docx", lambda: hostile.zipped({"setup.exe": hostile.PE}), NOT_ACCEPTED),
    "empty": ("现场照片.jpg", lambda: b"", "文件为空"),
    "PNG bomb of 30000 × 30000": ("截图.png", hostile.png_bomb, "图片解压后超过 60 百万像素"),
    "PNG of 9000 × 9000": ("截图.png", lambda: hostile.png_bomb(9000, 9000), "图片为 9000 × 9000 像素"),
    "JPEG claiming 60000 × 60000": ("现场照片.jpg", lambda: hostile.jpeg_claiming(60000, 60000), "百万像素"),
    "zip bomb as .ofd": ("复函.ofd", hostile.ofd_bomb, UNPACKS),
    "zip bomb as .docx": ("复函.docx", hostile.docx_bomb, UNPACKS),
    "zip of 5,001 entries as .ofd": (
        "复函.ofd",
        lambda: hostile.zipped({"OFD.xml": b"<ofd:OFD/>", **{f"Doc_0/{n}.xml": b"<a/>" for n in range(5000)}}),
        "5001 个条目",
    ),
    "damaged zip as .docx": ("方案.docx", lambda: b"PK\x03\x04" + bytes(range(256)) * 10, "损坏的压缩包"),
    "PDF cut in half": ("批复.pdf", lambda: (pdf := hostile.pdf_bytes())[: len(pdf) // 2], DAMAGED_PDF),
    "PDF of garbage after the header": ("批复.pdf", lambda: b"%PDF-1.7\n" + bytes(range(256)) * 40, DAMAGED_PDF),
    "PDF with a password": ("批复.pdf", hostile.encrypted_pdf, "该 PDF 设有密码保护"),
    "PDF encrypted with AES-256": ("批复.pdf", lambda: hostile.handmade_pdf(hostile.AES_256), "该 PDF 已加密"),
    "PDF encrypted for certificates": ("批复.pdf", lambda: hostile.handmade_pdf(hostile.CERTIFICATE), "该 PDF 已加密"),
    "JPEG cut in half": ("现场照片.jpg", lambda: (jpeg := hostile.jpeg_bytes())[: len(jpeg) // 2], DAMAGED_PICTURE),
    "JPEG cut after its header": ("现场照片.jpg", lambda: hostile.jpeg_bytes()[:600], DAMAGED_PICTURE),
    "PNG cut in half": ("截图.png", lambda: (png := pictures.png().read())[: len(png) // 2], DAMAGED_PICTURE),
}


@pytest.mark.parametrize("case", CASES)
def test_a_hostile_file_is_refused_by_name_and_nothing_is_kept(uploader, report, case):
    name, content, reason = CASES[case]
    for message in refused(uploader, report, name, content()):
        assert message.startswith(f"{name}："), message
        assert reason in message, message


def test_an_owner_password_alone_does_not_stop_a_pdf_that_opens_without_one(uploader, report):
    # Stamped letters are often locked against editing only; the office opens them as any other.
    client, _api = uploader
    response = page_upload(client, report, SimpleUploadedFile("复函.pdf", hostile.encrypted_pdf("", "owner-only")))
    assert response.status_code == 201, response.content


def test_a_file_over_the_limit_is_named_page_and_api(uploader, report, settings):
    settings.ATTACHMENTS = {**settings.ATTACHMENTS, "MAX_FILE_BYTES": 50_000}
    for message in refused(uploader, report, "现场照片.jpg", hostile.jpeg_bytes()):
        assert message == "现场照片.jpg：文件超过单个文件上限 48.8\xa0KB。"


def test_a_file_over_the_limit_is_skipped_while_it_streams_and_named(uploader, report, settings):
    settings.ATTACHMENTS = {**settings.ATTACHMENTS, "MAX_FILE_BYTES": 50_000}
    settings.FILE_UPLOAD_MAX_BYTES = 50_000
    small = pictures.photo(2, name="小图.jpg", size=(160, 120))
    client, api = uploader
    page = page_upload(client, report, small, SimpleUploadedFile("大图.jpg", hostile.jpeg_bytes()))
    assert page.status_code == 400
    assert page.json()["error"] == "大图.jpg：超过单个文件上限 48.8\xa0KB，未保存任何文件。"
    small.seek(0)
    through_api = api_upload(api, report, small, SimpleUploadedFile("大图.jpg", hostile.jpeg_bytes()))
    assert through_api.status_code == 400
    assert through_api.json() == {"file": ["大图.jpg：超过单个文件上限 48.8\xa0KB，未保存任何文件。"]}
    assert not Attachment.objects.exists() and stored_files() == []


def test_one_refused_file_of_several_keeps_all_out_and_names_each(uploader, report):
    client, _api = uploader
    files = [
        pictures.photo(1),
        SimpleUploadedFile("坏图.jpg", hostile.jpeg_bytes(2)[:500]),
        SimpleUploadedFile("程序.pdf", hostile.PE),
    ]
    response = page_upload(client, report, *files)
    assert response.status_code == 400
    message = response.json()["error"]
    assert "坏图.jpg：图片已损坏" in message and "程序.pdf：该文件是可执行程序" in message
    assert not Attachment.objects.exists() and stored_files() == []


def test_more_files_than_a_request_may_carry_is_a_clear_400(uploader, report, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    client, api = uploader
    files = [pictures.photo(seed, name=f"{seed}.jpg", size=(160, 120)) for seed in range(4)]
    page = page_upload(client, report, *files)
    assert page.status_code == 400
    assert page.json() == {"error": "一次最多上传 3 个文件，请分批上传。"}
    for upload in files:
        upload.seek(0)
    through_api = api_upload(api, report, *files)
    assert through_api.status_code == 400
    assert through_api.json() == {"detail": "一次最多上传 3 个文件，请分批上传。"}
    assert not Attachment.objects.exists() and stored_files() == []


def test_more_files_than_a_request_may_carry_from_a_plain_form_is_a_page_that_says_so(uploader, report, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    client, _api = uploader
    files = [pictures.photo(seed, name=f"{seed}.jpg", size=(160, 120)) for seed in range(4)]
    response = client.post(page_url(report), {"file": files})
    assert response.status_code == 400
    assert "一次最多上传 3 个文件，请分批上传。" in response.content.decode()
    # The drop zone says it before sending (static/js/uploads.js reads the limit from the form).
    panel = client.get(report.project.get_absolute_url()).content.decode()
    assert 'data-max-files="3"' in panel and 'data-too-many-files="一次最多上传 3 个文件，请分批上传。"' in panel


@pytest.mark.parametrize(
    "given, stored",
    [
        ("../../etc/passwd.jpg", "passwd.jpg"),
        ("..\\..\\windows\\现场.jpg", "现场.jpg"),
        ("现场\x00照片.jpg", "现场照片.jpg"),
        ("现场\t照片\x07.jpg", "现场照片.jpg"),
        ("\u202egpj.exe.jpg", "gpj.exe.jpg"),
        ('现场"照片"<1>.jpg', "现场_照片_1_.jpg"),
        ("..jpg", "附件.jpg"),
        ("照" * 300 + ".jpg", "照" * 96 + ".jpg"),
    ],
)
def test_a_hostile_name_is_kept_as_a_safe_label(uploader, report, given, stored):
    client, api = uploader
    response = page_upload(client, report, SimpleUploadedFile(given, hostile.jpeg_bytes()))
    assert response.status_code == 201, response.content
    attachment = Attachment.objects.get()
    assert attachment.name == stored
    # Stored under a random name of its own, whatever the label says.
    assert attachment.file.name.startswith("attachments/") and attachment.file.name.endswith(".jpg")
    download = client.get(attachment.get_absolute_url())
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment; filename")
    assert not any(char in disposition for char in "\r\n\x00/\\")
    # Whatever the file holds, the browser neither guesses another type nor runs it as a page of the site.
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Security-Policy"] == "default-src 'none'; sandbox"
    listed = api.get(f"/api/v1/attachments/{attachment.pk}/").json()
    assert listed["name"] == stored


def test_a_hostile_name_through_the_service_is_kept_as_a_safe_label(report, liaison):
    # The service takes names the multipart parser never saw (a workflow's own files): the same label results.
    uploads = [
        SimpleUploadedFile("a/../..\x00\x1b[31m现场.jpg", hostile.jpeg_bytes(1)),
        SimpleUploadedFile("现场\r\n照片\t.jpg", hostile.jpeg_bytes(2)),
        SimpleUploadedFile(".. .jpg", hostile.jpeg_bytes(3)),
    ]
    names = [attachment.name for attachment in services.attach(actor=liaison, obj=report, files=uploads)]
    assert names == ["[31m现场.jpg", "现场 照片.jpg", "附件.jpg"]


def test_the_object_keeps_at_most_so_many_files(uploader, report, settings):
    settings.ATTACHMENTS = {**settings.ATTACHMENTS, "MAX_OBJECT_FILES": 2}
    client, api = uploader
    two = [pictures.photo(1, name="1.jpg"), pictures.photo(2, name="2.jpg")]
    assert page_upload(client, report, *two).status_code == 201
    kept = stored_files()
    assert len(kept) == 4  # two photos and their thumbnails
    response = api_upload(api, report, pictures.photo(3, name="3.jpg"))
    assert response.status_code == 400
    assert response.json()["file"] == [f"{report} 已有 2 个文件，最多可保存 2 个。"]
    assert Attachment.objects.count() == 2 and stored_files() == kept


def test_the_object_keeps_at_most_so_many_bytes(uploader, report, settings):
    first, second = hostile.jpeg_bytes(1), hostile.jpeg_bytes(2)
    settings.ATTACHMENTS = {**settings.ATTACHMENTS, "MAX_OBJECT_BYTES": len(first) + len(second) - 1}
    client, api = uploader
    assert api_upload(api, report, SimpleUploadedFile("1.jpg", first)).status_code == 201
    kept = stored_files()
    response = page_upload(client, report, SimpleUploadedFile("2.jpg", second))
    assert response.status_code == 400
    assert "的文件合计将达" in response.json()["error"]
    assert Attachment.objects.count() == 1 and stored_files() == kept


def test_the_same_file_twice_on_one_object_is_refused(uploader, report):
    client, api = uploader
    content = hostile.jpeg_bytes(5)
    assert page_upload(client, report, SimpleUploadedFile("现场.jpg", content)).status_code == 201
    kept = stored_files()
    again = api_upload(api, report, SimpleUploadedFile("再传一次.jpg", content))
    assert again.status_code == 400
    assert again.json() == {"file": ["再传一次.jpg 已上传过。"]}
    pair = [SimpleUploadedFile("甲.pdf", hostile.pdf_bytes()), SimpleUploadedFile("乙.pdf", hostile.pdf_bytes())]
    twice_at_once = page_upload(client, report, *pair)
    assert twice_at_once.status_code == 400
    assert twice_at_once.json() == {"error": "乙.pdf 已上传过。"}
    assert Attachment.objects.count() == 1 and stored_files() == kept


def test_a_phones_heic_is_accepted_thumbnailed_and_hashed(uploader, report):
    client, api = uploader
    taken = datetime.datetime(2026, 3, 5, 10, 0)
    response = api_upload(api, report, SimpleUploadedFile("IMG_0001.HEIC", hostile.heic_bytes(taken=taken)))
    assert response.status_code == 201, response.content
    (listed,) = response.json()
    assert listed["name"] == "IMG_0001.heic" and listed["content_type"] == "image/heic" and listed["kind"] == "photo"
    assert listed["taken_at"].startswith("2026-03-05T10:00:00")
    attachment = Attachment.objects.get()
    assert attachment.image_hash is not None and (attachment.width, attachment.height) == (800, 600)
    thumbnail = client.get(attachment.thumbnail_url)
    assert thumbnail.status_code == 200 and thumbnail["Content-Type"] == "image/jpeg"
    picture = Image.open(io.BytesIO(b"".join(thumbnail.streaming_content)))
    assert picture.format == "JPEG" and max(picture.size) == 480
    # The same scene sent as a JPEG hashes alike: the HEIC and its exported JPEG are one photo.
    from attachments import images

    same_as_jpeg = images.analyse(pictures.photo(3, size=(800, 600)))
    assert images.distance(same_as_jpeg.image_hash, attachment.image_hash) <= 4


def test_a_kind_or_fields_the_object_does_not_take_are_a_400(uploader, report):
    client, api = uploader
    approval = api_upload(api, report, pictures.pdf(), kind="approval")
    assert approval.status_code == 400 and approval.json() == {"file": ["此处不能添加该类文件。"]}
    nonsense = api_upload(api, report, pictures.pdf(), kind="<script>")
    assert nonsense.status_code == 400 and "kind" in nonsense.json()
    page = page_upload(client, report, pictures.pdf(), kind="approval", number="号" * 61, issued_on="2026-13-45")
    assert page.status_code == 400 and page.json()["error"]
    no_file = api.post(api_url(report), {"file": "not a file"}, format="multipart")
    assert no_file.status_code == 400
    assert api.post(api_url(report), {"kind": "photo"}, format="multipart").status_code == 400
    nothing = page_upload(client, report)
    assert nothing.status_code == 400 and nothing.json() == {"error": "请至少选择一个文件。"}
    assert not Attachment.objects.exists() and stored_files() == []


# Two uploads at once (PostgreSQL: SQLite lets one writer in at a time). Each waits a moment before its INSERT, so
# that both have checked their files before either stores one (tests/test_races.py does the same for forms).


def test_a_photo_cut_in_half_is_refused_after_a_letter_was_printed(uploader, report):
    # WeasyPrint, imported to print the reply letters, makes Pillow accept truncated images unless told otherwise.
    import proposals.letter_pdf  # noqa: F401

    jpeg = hostile.jpeg_bytes()
    page_message, api_message = refused(uploader, report, "现场照片.jpg", jpeg[: len(jpeg) // 2])
    assert DAMAGED_PICTURE in page_message and DAMAGED_PICTURE in api_message
