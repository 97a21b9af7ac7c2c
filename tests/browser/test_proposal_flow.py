"""A CPPCC proposal from submission to closing, end to end in a real browser, as the demo accounts would do it.

The committee registers it through the ledger's form, files it and assigns it; the liaison finds it in the unit's
inbox and drafts the reply with class B; the unit's signer finds the draft in the inbox, reads it and signs it off;
the committee publishes it, then records an unsatisfied feedback, which sends it back (the first reply leaves the
public pages); a second reply, drafted, signed off and published; the committee records a satisfied feedback and the
proposal is closed; a visitor without an account reads the published reply and supports it. No page fetches anything
from outside the server, logs a console error or gets a 4xx/5xx answer for itself or a resource.
"""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from projects.models import Project
from proposals.models import Proposal, Reply, Session

from .support import assert_no_problems, log_in, log_out, requires_browser, screenshot

pytestmark = requires_browser


@pytest.mark.django_db(transaction=True)
def test_committee_and_liaison_handle_a_proposal(browser_page, live_server, settings):
    settings.DEBUG = True  # demo accounts are created only in debug mode
    call_command("load_demo", verbosity=0)
    page, base = browser_page, live_server.url
    liaison = User.objects.get(username="liaison")
    # A session of the committee's own CPPCC's (镇海区政协's): the form offers no other.
    session = Session.objects.create(
        name="浏览器测试届次", year=timezone.localdate().year, region=liaison.organization.region
    )
    project = Project.objects.filter(name__contains="智慧水务").order_by("code").first()

    # The committee registers the proposal from the ledger, files it and assigns it to the liaison's unit.
    log_in(page, base, "committee")
    page.goto(f"{base}/proposals/")
    screenshot(page, "proposal-list")
    page.click("a.btn:has-text('登记提案')")
    page.select_option("#id_session", str(session.pk))
    page.fill("#id_number", "0027")
    page.fill("#id_title", "关于推动智慧城市建设的建议（浏览器测试）")
    page.fill("#id_proposer_names", "储建华")
    page.fill("#id_submitted_on", (timezone.localdate() - datetime.timedelta(days=10)).isoformat())
    page.fill("#id_content", "智慧城市建设往往依赖于政府投资。")
    page.fill("#id_suggestions", "做好顶层设计，制定智慧城市发展总体规划和标准体系。")
    page.select_option("#id_related_projects", str(project.pk))
    screenshot(page, "proposal-form")
    page.click("button:has-text('保存')")
    page.wait_for_selector(".alert-success")
    proposal = Proposal.objects.get(session=session, number="0027")
    assert page.url == f"{base}/proposals/{proposal.pk}/"
    assert (proposal.status, list(proposal.related_projects.all())) == ("submitted", [project])
    assert [signature.proposer.name for signature in proposal.ordered_signatures] == ["储建华"]
    page.click("a.btn:has-text('立案')")
    page.click("button:has-text('立案')")
    page.wait_for_selector(".alert-success")
    page.click("a.btn:has-text('交办')")
    page.select_option("#id_lead_unit", str(liaison.organization_id))
    page.click("button:has-text('交办')")
    page.wait_for_selector(".alert-success")
    proposal.refresh_from_db()
    assert proposal.status == "assigned"
    log_out(page)

    # The liaison finds it in the unit's inbox and drafts the reply with class B: a draft, not yet a reply.
    log_in(page, base, "liaison")
    page.goto(f"{base}/proposals/inbox/")
    screenshot(page, "proposal-inbox")
    row = page.locator("tr", has_text="浏览器测试")
    assert "剩" in row.inner_text()
    row.locator("a:has-text('起草答复')").click()
    assert page.locator("#id_is_public").count() == 0  # publication is not the unit's to decide
    page.select_option("#id_result_class", label="B 列入计划拟解决")
    page.fill("#id_doc_number", "镇经信〔2026〕27号")
    page.fill("#id_text", "你“关于推动智慧城市建设的建议”的提案已收悉。智慧水务已列入今年建设计划。")
    page.fill("#id_contact_person", "毛日旭")
    page.fill("#id_contact_phone", "86270098")
    page.click("button:has-text('起草答复')")
    page.wait_for_selector(".alert-success")
    assert "未签发" in page.locator(".reply-draft-banner").inner_text()
    assert Proposal.objects.get(pk=proposal.pk).status == "assigned"
    log_out(page)

    # The unit's signer finds the draft in the inbox, reads it and signs it off.
    log_in(page, base, "signer")
    page.goto(f"{base}/proposals/inbox/")
    page.locator("tr", has_text="浏览器测试").locator("a:has-text('签发答复')").click()
    assert "智慧水务已列入今年建设计划" in page.locator(".reply-letter").inner_text()
    screenshot(page, "reply-sign-off")
    page.click("button:has-text('签发答复')")
    page.wait_for_selector(".alert-success")
    assert page.locator(".reply-letter .letter-class").first.inner_text().endswith("B")  # the class, top right
    assert "储建华委员" in page.locator(".reply-letter").first.inner_text()
    assert Proposal.objects.get(pk=proposal.pk).status == "replied"
    log_out(page)

    # The committee publishes it.
    first = Reply.objects.get(proposal=proposal, round=1)
    log_in(page, base, "committee")
    page.goto(f"{base}/proposals/{proposal.pk}/")
    page.click("button:has-text('公开')")
    page.wait_for_selector(".alert-success")
    assert Reply.objects.get(pk=first.pk).is_public
    log_out(page)

    # The committee records 不满意: the units must answer again by a new date.
    log_in(page, base, "committee")
    page.goto(f"{base}/proposals/{proposal.pk}/")
    page.click("a.btn:has-text('登记反馈')")
    page.check("input[name=satisfaction][value=unsatisfied]")
    page.fill("#id_comment", "未说明资金安排。")
    page.click("button:has-text('登记反馈')")
    page.wait_for_selector(".alert-success")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.round) == ("rehandling", 2)
    assert "已被重新办理的答复替代" in page.locator(f"#reply-state-{first.pk}").inner_text()
    log_out(page)

    log_in(page, base, "liaison")
    page.goto(f"{base}/proposals/{proposal.pk}/reply/")
    page.select_option("#id_result_class", label="B 列入计划拟解决")
    page.fill("#id_text", "再次答复：智慧水务二期资金已列入明年财政预算。")
    page.click("button:has-text('起草答复')")
    page.wait_for_selector(".alert-success")
    log_out(page)
    log_in(page, base, "signer")
    page.goto(f"{base}/proposals/{proposal.pk}/sign-off/")
    page.click("button:has-text('签发答复')")
    page.wait_for_selector(".alert-success")
    log_out(page)

    log_in(page, base, "committee")
    second = Reply.objects.get(proposal=proposal, round=2)
    page.goto(f"{base}/proposals/replies/{second.pk}/")
    page.click("button:has-text('公开')")
    page.wait_for_selector(".alert-success")
    page.goto(f"{base}/proposals/{proposal.pk}/feedback/")
    page.check("input[name=satisfaction][value=satisfied]")
    page.click("button:has-text('登记反馈')")
    page.wait_for_selector(".alert-success")
    assert "已办结" in page.locator("main").inner_text()
    screenshot(page, "proposal-page", full_page=True)
    assert Proposal.objects.get(pk=proposal.pk).status == "closed"
    log_out(page)

    # A visitor without an account reads the published reply, without the contact line, and supports it once; the
    # first round's reply, superseded, is no longer public.
    page.goto(f"{base}/public/proposals/?session={session.pk}")
    assert page.locator(f"a[href='/public/proposals/{first.pk}/']").count() == 0
    assert page.locator(f"a[href='/public/proposals/{second.pk}/']").count() == 1
    assert page.locator("#per-page:not(:has(option))").count() == 0  # no page size choice without choices
    screenshot(page, "public-proposals")
    page.click("text=关于推动智慧城市建设的建议（浏览器测试） >> nth=0")
    page.goto(f"{base}/public/proposals/{second.pk}/")
    letter = page.locator(".reply-letter").inner_text()
    assert "再次答复" in letter and "86270098" not in letter
    assert "第 2 轮办理" in letter and "· 第 2 轮办理" not in letter  # no document number: no stray separator
    page.click("button:has-text('支持')")
    page.wait_for_selector(".alert-success")
    assert page.locator("#support-count").inner_text() == "1"
    assert page.locator("button:has-text('支持')").count() == 0
    screenshot(page, "public-reply")

    assert_no_problems(page)
