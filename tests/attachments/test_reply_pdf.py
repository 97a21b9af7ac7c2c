"""The reply letter as issued (issue 20): the signer attaches the letter as signed and stamped (PDF or OFD) when
signing off, and every issued reply keeps the server's own PDF of its letter, in the 公文 layout of the print page,
made after the issuing step (by ``make_letter_pdfs``, or when its files are first listed); a refused letter refuses
the step and leaves nothing behind."""

import io
import re
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from attachments.models import Attachment
from proposals import letter_pdf, services
from proposals.choices import ReplyStatus
from proposals.models import Reply
from proposals.services.letter_files import make_pending_letter_pdfs

from . import pictures
from .test_proposal_files import build_world, draft, move, ofd, page

pytestmark = pytest.mark.django_db

A4_PORTRAIT = (595.3, 841.9)  # points
LEFT_MARGIN = 28 / 25.4 * 72  # 28 mm, GB/T 9704
TEXT_WIDTH = 156 / 25.4 * 72  # 156 mm: 28 characters of 16 pt
PARAGRAPH = "　　2026年，区委区政府启动城市大脑二期建设，我局牵头推进数据共享交换平台与区级视频资源接入工作。"


@pytest.fixture
def w(db):
    return build_world()


def pdf_text(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def server_letter(reply: Reply) -> Attachment:
    """The server's PDF of the reply, made as the scheduled command makes it."""
    assert make_pending_letter_pdfs() == 1
    return reply.attachments.get(name__endswith="号提案答复函.pdf")


def test_the_signed_off_reply_keeps_the_servers_pdf_of_its_letter(w):
    draft(w)
    response = move(w.lead.signer, w.proposal, "sign-off", {})
    assert response.status_code == 302
    reply = Reply.objects.get(proposal=w.proposal, unit=w.lead)
    assert reply.status == ReplyStatus.ISSUED
    # The sign-off does not wait for the PDF: the scheduled command makes it, once.
    assert reply.letter_pdf_pending and not reply.attachments.exists()
    out = io.StringIO()
    call_command("make_letter_pdfs", stdout=out)
    assert out.getvalue().strip() == "Reply letter PDFs made: 1."
    call_command("make_letter_pdfs", stdout=out)
    assert out.getvalue().strip().endswith("made: 0.")
    reply.refresh_from_db()
    assert not reply.letter_pdf_pending
    letter = reply.attachments.get()
    assert (letter.name, letter.kind, letter.media_type) == ("27号提案答复函.pdf", "reply_letter", "application/pdf")
    assert letter.uploaded_by == w.lead.signer
    reader, text = pdf_text(letter.file.read())
    assert len(reader.pages) >= 1
    assert [float(value) for value in reader.pages[0].mediabox[2:]] == pytest.approx(A4_PORTRAIT, abs=1)
    flat = re.sub(r"\s+", "", text)
    assert "第27号提案的答复" in flat and "镇经信〔2026〕9号" in flat and "已列入明年计划" in flat
    assert "镇海区经济和信息化局" in flat and "储建华委员" in flat
    assert timezone.localdate().strftime("%Y年") in flat
    # The Chinese comes from an embedded CJK font, not from boxes of a missing one.
    fonts = {font["/BaseFont"] for page in reader.pages for font in page["/Resources"]["/Font"].values()}
    assert any("CJK" in str(name) for name in fonts), fonts
    # The page answers it to those who read the reply, under its name.
    download = page(w.other.liaison).get(reverse("attachment-download", args=[letter.pk]))
    assert download.status_code == 200 and "filename*=utf-8''27%E5%8F%B7" in download["Content-Disposition"]


def test_the_signer_attaches_the_stamped_letter_when_signing_off(w):
    draft(w)
    stamped = pictures.pdf("镇经信〔2026〕9号（盖章）.pdf")
    response = move(w.lead.signer, w.proposal, "sign-off", {"letter": stamped})
    assert response.status_code == 302
    reply = Reply.objects.get(proposal=w.proposal, unit=w.lead)
    assert reply.status == ReplyStatus.ISSUED
    # Whoever lists the reply's files first finds the server's PDF made for them, before the scheduled command runs.
    html = page(w.other.liaison).get(w.proposal.get_absolute_url()).content.decode()
    assert "27号提案答复函.pdf" in html and "镇经信〔2026〕9号（盖章）.pdf" in html
    assert sorted(reply.attachments.values_list("name", "kind", "uploaded_by")) == [
        ("27号提案答复函.pdf", "reply_letter", w.lead.signer.pk),
        ("镇经信〔2026〕9号（盖章）.pdf", "reply_letter", w.lead.signer.pk),
    ]


def test_the_sign_off_page_takes_the_letter_as_a_file(w):
    draft(w)
    html = page(w.lead.signer).get(reverse("proposal-move", args=[w.proposal.pk, "sign-off"])).content.decode()
    assert 'enctype="multipart/form-data"' in html and 'data-upload-progress="page"' in html
    assert 'type="file" name="letter"' in html and 'accept=".pdf,.ofd' in html
    assert "签发盖章的答复函" in html


def test_the_signer_signs_off_with_an_ofd_letter_through_the_api(w, api):
    reply = draft(w)
    response = api.as_user(w.lead.signer).post(
        reverse("api:proposal-sign-off", args=[w.proposal.pk]), {"letter": ofd("答复函.ofd")}, format="multipart"
    )
    assert response.status_code == 200, response.content
    listed = api.get(reverse("api:reply-attachments", args=[reply.pk])).json()
    assert sorted((item["name"], item["content_type"]) for item in listed) == [
        ("27号提案答复函.pdf", "application/pdf"),
        ("答复函.ofd", "application/ofd"),
    ]


@pytest.mark.parametrize(
    ("letter", "reason"),
    [
        (pictures.photo(4, name="答复函.jpg"), "函件须为 PDF 或 OFD 文件"),
        (SimpleUploadedFile("答复函.pdf", b"%PDF-1.7\n" + b"\x00garbage" * 40, "application/pdf"), "PDF"),
        (SimpleUploadedFile("答复函.pdf", b"MZ\x90\x00" + b"\x00" * 300, "application/pdf"), "答复函.pdf"),
        (SimpleUploadedFile("答复函.ofd", b"PK\x03\x04 not a zip" * 10, "application/ofd"), "答复函.ofd"),
    ],
    ids=["photo", "damaged pdf", "executable", "damaged ofd"],
)
def test_a_refused_letter_refuses_the_sign_off_and_leaves_nothing(w, settings, letter, reason):
    reply = draft(w)
    letter.seek(0)
    response = move(w.lead.signer, w.proposal, "sign-off", {"letter": letter})
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["letter"])
    assert reason in errors, errors
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.DRAFT and reply.signed_off_on is None
    assert not Attachment.objects.exists()
    media = settings.MEDIA_ROOT
    assert not media.exists() or not [path for path in media.rglob("*") if path.is_file()]


def test_a_refused_letter_refuses_the_api_sign_off_with_the_reason(w, api):
    reply = draft(w)
    exe = SimpleUploadedFile("答复函.pdf", b"MZ\x90\x00" + b"\x00" * 300, "application/pdf")
    response = api.as_user(w.lead.signer).post(
        reverse("api:proposal-sign-off", args=[w.proposal.pk]), {"letter": exe}, format="multipart"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["letter"] and "答复函.pdf" in response.json()["letter"][0]
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.DRAFT and not reply.attachments.exists()


def test_a_letter_too_large_to_arrive_refuses_the_sign_off(w, settings):
    settings.FILE_UPLOAD_MAX_BYTES = 1000
    reply = draft(w)
    response = move(w.lead.signer, w.proposal, "sign-off", {"letter": pictures.photo(5)})
    assert response.status_code == 200
    assert "现场照片.jpg" in " ".join(response.context["form"].non_field_errors())
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.DRAFT and not Attachment.objects.exists()


def test_a_reply_without_room_for_the_servers_pdf_is_not_issued(w, settings):
    """The PDF comes after the step: the step keeps its place among the reply's files, or refuses."""
    settings.ATTACHMENTS = {**settings.ATTACHMENTS, "MAX_OBJECT_FILES": 1}
    reply = draft(w)
    response = move(w.lead.signer, w.proposal, "sign-off", {"letter": pictures.pdf("答复函（盖章）.pdf")})
    assert response.status_code == 200
    assert "最多可保存 1 个" in " ".join(response.context["form"].errors["letter"])
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.DRAFT and not reply.letter_pdf_pending and not Attachment.objects.exists()
    services.reply_sign_off(actor=w.lead.signer, proposal=w.proposal)
    assert server_letter(reply).uploaded_by == w.lead.signer


def test_the_committee_records_a_paper_reply_with_its_scan(w):
    response = move(
        w.zh.committee,
        w.proposal,
        "record-reply",
        {
            "unit": w.lead.pk,
            "signed_off_on": timezone.localdate().isoformat(),
            "result_class": w.zh.result_class.pk,
            "doc_number": "镇经信[2026]11号",
            "text": "储建华委员：\n经研究，现答复如下：已纳入城市大脑二期。",
            "letter": pictures.pdf("纸质答复扫描件.pdf"),
        },
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    reply = Reply.objects.get(proposal=w.proposal, unit=w.lead)
    assert reply.on_behalf and reply.is_issued
    letter = server_letter(reply)
    assert sorted(reply.attachments.values_list("name", "uploaded_by")) == [
        ("27号提案答复函.pdf", w.zh.committee.pk),
        ("纸质答复扫描件.pdf", w.zh.committee.pk),
    ]
    _reader, text = pdf_text(letter.file.read())
    flat = re.sub(r"\s+", "", text)
    assert "镇经信〔2026〕11号" in flat and "已纳入城市大脑二期" in flat and flat.count("储建华委员") == 1


def test_a_long_letter_runs_over_pages_numbered_at_the_foot(w):
    services.reply_save_draft(
        actor=w.lead.liaison,
        proposal=w.proposal,
        text="\n".join([PARAGRAPH] * 30),
        result_class=w.zh.result_class,
        contact_person="周晓燕",
        contact_phone="86278316",
    )
    reply = services.reply_sign_off(actor=w.lead.signer, proposal=w.proposal)
    reader, text = pdf_text(server_letter(reply).file.read())
    assert len(reader.pages) >= 2
    assert all(
        [float(value) for value in page.mediabox[2:]] == pytest.approx(A4_PORTRAIT, abs=1) for page in reader.pages
    )
    assert re.search(r"—\s*2\s*—", text)
    # The letter as it went out, contact lines included (the public pages leave them out).
    assert "周晓燕" in text and "86278316" in text


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler's pdftotext is not installed")
def test_the_text_block_is_the_standards(w, tmp_path):
    services.reply_save_draft(
        actor=w.lead.liaison, proposal=w.proposal, text="\n".join([PARAGRAPH] * 4), result_class=w.zh.result_class
    )
    reply = services.reply_sign_off(actor=w.lead.signer, proposal=w.proposal)
    path = tmp_path / "letter.pdf"
    path.write_bytes(server_letter(reply).file.read())
    bbox = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-bbox", str(path), "-"], capture_output=True, text=True)
    edges = [
        (float(left), float(right))
        for left, right in re.findall(r'xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"', bbox.stdout)
    ]
    # The text block of GB/T 9704, as the print page has it: 28 mm from the left edge, 156 mm wide. WeasyPrint
    # justifies at spaces only, and Chinese has none: a line ends within a character of the block's right edge.
    assert min(left for left, _right in edges) == pytest.approx(LEFT_MARGIN, abs=3)
    right = max(right for _left, right in edges)
    assert LEFT_MARGIN + TEXT_WIDTH - 16 <= right <= LEFT_MARGIN + TEXT_WIDTH + 1


def test_the_letter_reads_its_stylesheets_from_disk_and_nothing_else():
    assets = letter_pdf.LetterAssets()
    fonts = assets.fetch(f"{letter_pdf.BASE_URL}css/letter-fonts.css").read().decode()
    assert "--letter-font-body" in fonts and "Noto Serif CJK SC" in fonts
    layout = assets.fetch(f"{letter_pdf.BASE_URL}static/css/letter.css").read().decode()
    assert "@page letter" in layout
    for address in (
        "https://example.com/letter.css",
        "http://letter.invalid/static/css/letter.css",
        "file:///etc/passwd",
        f"{letter_pdf.BASE_URL}static/../../config/settings.py",
        f"{letter_pdf.BASE_URL}static/%2e%2e/manage.py",
        f"{letter_pdf.BASE_URL}media/attachments/x.pdf",
    ):
        with pytest.raises(ValueError):
            assets.fetch(address)


def test_a_letter_of_more_lines_than_a_letter_has_is_refused_before_it_is_printed(w):
    """Every issued letter is printed to PDF: 10,000 one-character lines would take a minute."""
    page_of_lines = "\n".join(["段"] * 201)
    response = move(w.lead.liaison, w.proposal, "reply", {"result_class": w.zh.result_class.pk, "text": page_of_lines})
    assert response.status_code == 200
    assert response.context["form"].errors["text"] == ["答复函正文不得超过 200 段（行），本件共 201 段。"]
    assert not Reply.objects.exists()
    draft(w, text="\n".join(["段"] * 200))
    reply = services.reply_sign_off(actor=w.lead.signer, proposal=w.proposal)
    reader, _text = pdf_text(server_letter(reply).file.read())
    assert 5 <= len(reader.pages) <= 12
