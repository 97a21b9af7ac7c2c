"""In a real browser (issue 20's journey, the reply's part): the unit's signer attaches the stamped letter when
signing off, the upload's progress shown; the proposal's page then lists the stamped letter and the server's PDF of
the letter, which downloads under its Chinese name; the committee publishes the reply, whose public page shows its
text and no file. No page fetches from outside, logs a console error or gets a 4xx/5xx answer.

Skipped where chromium is missing, unless REQUIRE_BROWSER is set."""

from pathlib import Path

import pytest
from django.urls import reverse

from proposals import services
from proposals.models import Reply
from tests.browser.conftest import browser_page  # noqa: F401 (the browser tests' fixture)
from tests.browser.support import assert_no_problems, requires_browser

from . import pictures
from .test_proposal_files import build_world

pytestmark = requires_browser
PASSWORD = "pass-2026-word"  # tests.factories.UserFactory's


def log_in(page, base, user):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_url(f"{base}/")


@pytest.mark.django_db(transaction=True)
def test_the_signer_attaches_the_stamped_letter_when_signing_off(browser_page, live_server):  # noqa: F811
    w = build_world()
    services.reply_save_draft(
        actor=w.lead.liaison,
        proposal=w.proposal,
        text="储建华委员：\n经研究，现答复如下：已列入明年计划。",
        result_class=w.zh.result_class,
        doc_number="镇经信〔2026〕9号",
    )
    page, base = browser_page, live_server.url
    log_in(page, base, w.lead.signer)
    page.goto(f"{base}{reverse('proposal-move', args=[w.proposal.pk, 'sign-off'])}")
    stamped = pictures.pdf("镇经信〔2026〕9号（盖章）.pdf")
    page.set_input_files(
        "#id_letter", files=[{"name": stamped.name, "mimeType": "application/pdf", "buffer": stamped.read()}]
    )
    page.click("button:has-text('签发答复')")
    page.wait_for_url(f"{base}{w.proposal.get_absolute_url()}")
    page.wait_for_selector(".alert-success")

    reply = Reply.objects.get(proposal=w.proposal, unit=w.lead)
    assert reply.is_issued
    files = page.locator(f"#reply-files-{reply.pk}")
    assert "镇经信〔2026〕9号（盖章）.pdf" in files.inner_text() and "27号提案答复函.pdf" in files.inner_text()
    # Issued: the files are what went out, nobody adds or removes one.
    assert files.locator("form").count() == 0
    with page.expect_download() as download:
        files.locator("a:has-text('27号提案答复函.pdf')").click()
    assert download.value.suggested_filename == "27号提案答复函.pdf"
    assert Path(download.value.path()).read_bytes()[:5] == b"%PDF-"

    page.context.clear_cookies()
    log_in(page, base, w.zh.committee)
    page.goto(f"{base}{w.proposal.get_absolute_url()}")
    page.click(f"form[action='{reverse('reply-publication', args=[reply.pk, 'publish'])}'] button")
    page.wait_for_selector(".alert-success")
    assert Reply.objects.get(pk=reply.pk).is_public

    page.context.clear_cookies()
    page.goto(f"{base}{reverse('public-reply-detail', args=[reply.pk])}")
    assert "已列入明年计划" in page.locator(".reply-letter").inner_text()
    html = page.content()
    assert "/attachments/" not in html and ".pdf" not in html
    assert_no_problems(page)
