"""A reply letter printed from chromium (Playwright's ``page.pdf``, which follows the page's CSS page size): one A4
portrait page with the GB/T 9704 margins, the salutation once although the unit typed it into the text, the page
number at the foot; printed from the proposal's page, the letter keeps its portrait page and its width.

Skipped where chromium is missing, unless REQUIRE_BROWSER is set (CI sets it, so a missing browser fails there).
"""

import datetime
import re
import shutil
import subprocess

import pytest
from django.utils import timezone

from accounts.choices import Role
from proposals.choices import ReplyStatus
from proposals.models import Reply, ResultClass
from tests.factories import OrganizationFactory, ProposalFactory, SessionFactory, UserFactory

from .support import assert_no_problems, requires_browser

pytestmark = requires_browser

A4_PORTRAIT = (595.3, 841.9)  # points
LEFT_MARGIN = 28 / 25.4 * 72  # 28 mm
TEXT_WIDTH = 156 / 25.4 * 72  # 156 mm: 28 characters of 16 pt


def media_boxes(pdf: bytes) -> list[tuple[float, float]]:
    return [(float(width), float(height)) for width, height in re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)]


def pdf_words(path) -> list[tuple[float, float, str]]:
    """The words of the PDF's first page with their left and right edges (poppler's pdftotext)."""
    bbox = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-bbox", str(path), "-"], capture_output=True, text=True)
    return [
        (float(left), float(right), word)
        for left, right, word in re.findall(
            r'xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">(.*?)</word>', bbox.stdout
        )
    ]


@pytest.mark.django_db(transaction=True)
def test_a_reply_letter_prints_on_a4_portrait_with_its_salutation_once(browser_page, live_server, tmp_path):
    committee = UserFactory(username="committee-printer", role=Role.COMMITTEE)
    proposal = ProposalFactory(
        session=SessionFactory(name="镇海区政协十一届四次会议", year=2015), number="27", proposers=["储建华"]
    )
    reply = Reply.objects.create(
        proposal=proposal,
        unit=OrganizationFactory(name="镇海区经济和信息化局", short_name="区经信局"),
        text="储建华委员：\n　　你“关于推动智慧城市建设的建议”的提案已收悉，经我局研究，现答复如下：\n"
        + "　　2012年5月，区委区政府启动国家智慧城市试点创建工作，我区正式列入住建部首批国家智慧城市试点名单。\n" * 2
        + "　　感谢你对我区智慧城区建设工作的支持和关心。",
        # A transactional test may find the table emptied by the one before it: the class is made where missing.
        result_class=ResultClass.objects.get_or_create(code="A", defaults={"name": "解决或采纳"})[0],
        doc_number="镇经信[2015]12号",
        issued_on=datetime.date(2015, 5, 4),
        signer="应国平",
        cc="区政协提案委",
        contact_person="周晓燕",
        contact_phone="86278316",
        # Issued: a draft's letter is for its own unit only.
        status=ReplyStatus.ISSUED,
        signed_off_on=datetime.date(2015, 5, 4),
        signed_off_at=timezone.make_aware(datetime.datetime(2015, 5, 4, 10, 0)),
    )
    page, base = browser_page, live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", committee.username)
    page.fill("#id_password", "pass-2026-word")
    page.press("#id_password", "Enter")
    page.wait_for_url(f"{base}/")

    assert page.goto(f"{base}/proposals/replies/{reply.pk}/").ok
    assert page.locator(".reply-letter .letter-salutation").inner_text() == "储建华委员："
    letter = tmp_path / "letter.pdf"
    page.pdf(path=letter, prefer_css_page_size=True)
    boxes = media_boxes(letter.read_bytes())
    assert len(boxes) == 1, boxes  # the letter alone, on one page
    assert boxes[0] == pytest.approx(A4_PORTRAIT, abs=1)

    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(letter), "-"], capture_output=True, text=True).stdout
        assert len(re.findall("委员[：:]", text)) == 1, text
        assert "镇经信〔2015〕12号" in text and "签发人：应国平" in text and "2015年5月4日" in text
        assert re.search(r"—\s*1\s*—", text)  # the page number
        words = pdf_words(letter)
        # The text block of GB/T 9704: 28 mm from the left edge, 156 mm wide.
        assert min(left for left, _right, _word in words) == pytest.approx(LEFT_MARGIN, abs=3)
        assert max(right for _left, right, _word in words) == pytest.approx(LEFT_MARGIN + TEXT_WIDTH, abs=6)

    # On the proposal's page the letter keeps its portrait page and its width: nothing is laid out at a landscape
    # page's width and shrunk.
    assert page.goto(f"{base}/proposals/{proposal.pk}/").ok
    dossier = tmp_path / "proposal.pdf"
    page.pdf(path=dossier, prefer_css_page_size=True)
    boxes = media_boxes(dossier.read_bytes())
    assert len(boxes) >= 2 and all(box == pytest.approx(A4_PORTRAIT, abs=1) for box in boxes), boxes
    assert_no_problems(page)
