"""The proposal pages: the whole course through the pages as the committee, a liaison and its unit's signer do it,
the role rules on every page, and the public pages with their support / oppose count."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.urls import resolve
from django.utils import timezone

from accounts.choices import RegionLevel
from accounts.models import Region
from proposals import services
from proposals.choices import ProposalMove, ProposalStatus, ReplyStatus
from proposals.models import Category, Proposal, Reply, ResultClass, Session
from tests.factories import ProjectFactory, ProposalFactory, issue_reply

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def reply_data(**overrides):
    data = {
        "result_class": ResultClass.objects.get(code="B").pk,
        "doc_number": "镇经信〔2026〕12号",
        "text": "你“关于推动智慧城市建设的建议”的提案已收悉，现答复如下：……",
        "issued_on": timezone.localdate().isoformat(),
        "signer": "李明",
        "cc": "区政协提案委",
        "contact_person": "毛日旭",
        "contact_phone": "86270098",
        "is_public": "on",  # not a field of the draft: publication is the committee's
    }
    data.update(overrides)
    return data


def test_the_whole_course_through_the_pages(client, committee_user, liaison, signer, unit, class_b):
    """Done when: the committee files, assigns and closes; the liaison drafts the reply with class B from its inbox
    and the unit's signer signs it off from theirs; the committee publishes it; an unsatisfied proposer sends it back
    and the first reply leaves the public page; a second reply; the public page shows it and counts a support."""
    project = ProjectFactory(name="智慧水务")
    committee = login(client, committee_user)
    response = committee.post(
        "/proposals/add/",
        {
            "session": Session.objects.create(name="十一届五次", year=2026).pk,
            "number": "27",
            "title": "关于推动智慧城市建设的建议",
            "proposer_names": "储建华\n吴建娣",
            "category": Category.objects.first().pk,
            "submitted_on": "2026-01-12",
            "content": "智慧城市建设往往依赖于政府投资。",
            "suggestions": "做好顶层设计。",
            "related_projects": [project.pk],
        },
    )
    proposal = Proposal.objects.get(number="27")
    assert response.status_code == 302 and response["Location"] == f"/proposals/{proposal.pk}/"
    assert proposal.proposer_names == "储建华、吴建娣" and proposal.status == ProposalStatus.SUBMITTED

    page = committee.get(f"/proposals/{proposal.pk}/").content.decode()
    assert f'href="/proposals/{proposal.pk}/file/"' in page and "/reply/" not in page
    assert committee.post(f"/proposals/{proposal.pk}/file/", {"note": ""}).status_code == 302
    due = (timezone.localdate() + datetime.timedelta(days=60)).isoformat()
    response = committee.post(f"/proposals/{proposal.pk}/assign/", {"lead_unit": unit.pk, "due_date": due})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ASSIGNED and proposal.due_date.isoformat() == due

    client.logout()
    liaison_client = login(client, liaison)
    inbox = liaison_client.get("/proposals/inbox/").content.decode()
    assert "关于推动智慧城市建设的建议" in inbox and f"/proposals/{proposal.pk}/reply/" in inbox
    form = liaison_client.get(f"/proposals/{proposal.pk}/reply/")
    assert form.status_code == 200 and not {"unit", "is_public"} & set(form.context["form"].fields)
    assert liaison_client.post(f"/proposals/{proposal.pk}/reply/", reply_data()).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ASSIGNED  # a draft: not a reply yet
    reply = proposal.replies.get()
    assert (reply.status, reply.is_public, reply.result_class.code, reply.contact_phone) == (
        ReplyStatus.DRAFT,
        False,
        "B",
        "86270098",
    )
    page = liaison_client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert f"/proposals/{proposal.pk}/sign-off/" not in page and "reply-draft-banner" in page  # seen, not issued

    client.logout()
    signer_client = login(client, signer)
    inbox = signer_client.get("/proposals/inbox/").content.decode()
    assert f"/proposals/{proposal.pk}/sign-off/" in inbox
    page = signer_client.get(f"/proposals/{proposal.pk}/sign-off/").content.decode()
    assert "你“关于推动智慧城市建设的建议”的提案已收悉" in page  # the draft, shown before it is signed off
    assert signer_client.post(f"/proposals/{proposal.pk}/sign-off/", {}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REPLIED
    reply.refresh_from_db()
    assert (reply.status, reply.signed_off_by, reply.is_public) == (ReplyStatus.ISSUED, signer, False)

    client.logout()
    committee = login(client, committee_user)
    assert committee.post(f"/proposals/replies/{reply.pk}/publish/").status_code == 302
    reply.refresh_from_db()
    assert reply.is_public
    assert client.get(f"/public/proposals/{reply.pk}/").status_code == 200
    lead = proposal.lead_proposer
    response = committee.post(
        f"/proposals/{proposal.pk}/feedback/",
        {
            "proposer": lead.pk,
            "satisfaction": "unsatisfied",
            "comment": "未回应资金问题。",
            "given_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REHANDLING and proposal.round == 2
    assert proposal.due_date > timezone.localdate()
    # The rejected reply stays in the record but leaves the public pages.
    assert client.get(f"/public/proposals/{reply.pk}/").status_code == 404
    assert "reply-superseded-banner" in client.get(f"/proposals/{proposal.pk}/").content.decode()

    client.logout()
    liaison_client = login(client, liaison)
    response = liaison_client.post(f"/proposals/{proposal.pk}/reply/", reply_data(text="再次答复：已列入计划。"))
    assert response.status_code == 302
    client.logout()
    assert login(client, signer).post(f"/proposals/{proposal.pk}/sign-off/", {}).status_code == 302
    client.logout()
    committee = login(client, committee_user)
    second = proposal.replies.get(round=2)
    assert committee.post(f"/proposals/replies/{second.pk}/publish/").status_code == 302
    response = committee.post(
        f"/proposals/{proposal.pk}/feedback/",
        {"proposer": lead.pk, "satisfaction": "basically_satisfied", "given_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.CLOSED
    page = committee.get(f"/proposals/{proposal.pk}/").content.decode()
    assert "再次答复：已列入计划。" in page and "智慧水务" in page
    assert [event.move for event in proposal.events.all()] == [
        "submit",
        "file",
        "assign",
        "draft_reply",
        "reply",
        "publish_reply",
        "feedback",
        "draft_reply",
        "reply",
        "publish_reply",
        "feedback",
    ]

    client.logout()
    cache.clear()
    public = client.get("/public/proposals/")
    assert [row.pk for row in public.context["object_list"]] == [second.pk]
    detail = client.get(f"/public/proposals/{second.pk}/").content.decode()
    assert "再次答复：已列入计划。" in detail
    assert "86270098" not in detail and "毛日旭" not in detail
    assert client.post(f"/public/proposals/{second.pk}/vote/", {"choice": "support"}).status_code == 302
    assert client.post(f"/public/proposals/{second.pk}/vote/", {"choice": "support"}).status_code == 302
    second.refresh_from_db()
    assert (second.support_count, second.oppose_count) == (1, 0)


def test_a_move_refused_by_its_status_answers_409_and_changes_nothing(client, committee_user, proposal):
    response = login(client, committee_user).post(f"/proposals/{proposal.pk}/close/", {"note": ""})
    assert response.status_code == 409
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED


def test_bad_data_is_shown_beside_the_field(client, committee_user, proposal):
    response = login(client, committee_user).post(f"/proposals/{proposal.pk}/not-file/", {"reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    services.proposal_file(actor=committee_user, proposal=proposal)
    late = (timezone.localdate() + datetime.timedelta(days=400)).isoformat()
    response = client.post(f"/proposals/{proposal.pk}/assign/", {"separate_units": [], "due_date": late})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_office_staff_no_longer_reply_for_units(client, office_user, committee_user, unit, other_unit, proposal):
    services.proposal_file(actor=committee_user, proposal=proposal)
    services.proposal_assign(actor=committee_user, proposal=proposal, separate_units=[unit, other_unit])
    office = login(client, office_user)
    for move in ("reply", "sign-off", "opinion", "request-reassign"):
        assert office.get(f"/proposals/{proposal.pk}/{move}/").status_code == 403
        assert office.post(f"/proposals/{proposal.pk}/{move}/", reply_data(unit=other_unit.pk)).status_code == 403
    assert not Reply.objects.exists()
    page = office.get(f"/proposals/{proposal.pk}/").content.decode()
    assert f"/proposals/{proposal.pk}/reply/" not in page


def test_a_co_handling_unit_sends_its_opinion_and_the_lead_unit_sees_it(
    course, client, liaison, other_liaison, unit, other_unit, proposal
):
    course.bring(proposal, ProposalStatus.ASSIGNED, lead=unit, co=[other_unit])
    co = login(client, other_liaison)
    inbox = co.get("/proposals/inbox/").content.decode()
    assert f"/proposals/{proposal.pk}/opinion/" in inbox
    assert co.post(f"/proposals/{proposal.pk}/reply/", reply_data()).status_code == 200
    assert co.post(f"/proposals/{proposal.pk}/opinion/", {"opinion": "建议纳入数据共享平台建设。"}).status_code == 302
    client.logout()
    form = login(client, liaison).get(f"/proposals/{proposal.pk}/reply/").content.decode()
    assert "建议纳入数据共享平台建设。" in form


def test_a_unit_asks_for_reassignment_and_the_committee_decides(
    course, client, committee_user, liaison, unit, other_unit, proposal
):
    course.bring(proposal, ProposalStatus.ASSIGNED, lead=unit)
    response = login(client, liaison).post(f"/proposals/{proposal.pk}/request-reassign/", {"reason": "属水利局职责。"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REASSIGN_REQUESTED
    client.logout()
    response = login(client, committee_user).post(f"/proposals/{proposal.pk}/assign/", {"lead_unit": other_unit.pk})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ASSIGNED
    assert list(proposal.assignments.values_list("unit", flat=True)) == [other_unit.pk]


def test_the_ledger_filters_and_marks_overdue_proposals(course, client, leader, unit, proposal):
    course.bring(proposal, ProposalStatus.ASSIGNED, lead=unit)
    Proposal.objects.filter(pk=proposal.pk).update(due_date=timezone.localdate() - datetime.timedelta(days=5))
    ProposalFactory(title="关于发展智慧养老的建议")
    response = login(client, leader).get("/proposals/", {"overdue": "true"})
    assert [row.pk for row in response.context["object_list"]] == [proposal.pk]
    html = response.content.decode()
    assert "table-danger" in html
    response = client.get("/proposals/", {"search": "智慧养老"})
    assert [row.title for row in response.context["object_list"]] == ["关于发展智慧养老的建议"]
    assert client.get("/proposals/", {"status": "nonsense"}).context["object_list"].count() == 0


def test_the_ledger_and_the_proposal_page_take_the_same_number_of_queries(
    course, client, leader, unit, other_unit, django_assert_max_num_queries
):
    for _index in range(3):
        course.bring(ProposalFactory(), ProposalStatus.ASSIGNED, lead=unit, co=[other_unit])
    login(client, leader)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/proposals/")
    for _index in range(12):
        course.bring(ProposalFactory(proposers=["甲", "乙", "丙"]), ProposalStatus.ASSIGNED, lead=unit, co=[other_unit])
    with CaptureQueriesContext(connection) as many:
        client.get("/proposals/")
    assert len(many) == len(few)


def test_the_reply_letter_page_prints_the_class_and_contact_lines(course, client, liaison, unit, proposal):
    course.bring(proposal, ProposalStatus.ASSIGNED, lead=unit)
    reply = issue_reply(
        proposal,
        unit,
        liaison=liaison,
        text="现答复如下。",
        result_class=ResultClass.objects.get(code="A"),
        cc="区政协提案委、蛟川街道政协工作联络委",
        contact_person="毛日旭",
        contact_phone="86270098",
    )
    html = login(client, liaison).get(f"/proposals/replies/{reply.pk}/").content.decode()
    for text in ("A", "现答复如下。", "蛟川街道政协工作联络委", "毛日旭", "86270098", "储建华"):
        assert text in html
    assert re.search(r"储建华\s*委员", html)


def test_public_pages_show_only_published_replies_and_throttle_votes(
    course, client, settings, committee_user, liaison, unit
):
    settings.PROPOSALS = {**settings.PROPOSALS, "VOTES_PER_HOUR": 2}
    cache.clear()
    replies = []
    for number, public in (("1", True), ("2", True), ("3", True), ("4", False)):
        proposal = course.bring(ProposalFactory(number=number), ProposalStatus.ASSIGNED, lead=unit)
        reply = issue_reply(proposal, unit, liaison=liaison, text=f"答复{number}")
        if public:
            services.reply_publish(actor=committee_user, reply=reply)
        replies.append(reply)
    assert len(client.get("/public/proposals/").context["object_list"]) == 3
    assert client.get(f"/public/proposals/{replies[3].pk}/").status_code == 404
    assert client.post(f"/public/proposals/{replies[0].pk}/vote/", {"choice": "oppose"}).status_code == 302
    assert client.post(f"/public/proposals/{replies[1].pk}/vote/", {"choice": "support"}).status_code == 302
    assert client.post(f"/public/proposals/{replies[2].pk}/vote/", {"choice": "support"}).status_code == 429
    assert client.post(f"/public/proposals/{replies[3].pk}/vote/", {"choice": "support"}).status_code == 404
    assert client.post(f"/public/proposals/{replies[0].pk}/vote/", {"choice": "maybe"}).status_code == 400
    counts = dict(Reply.objects.values_list("pk", "oppose_count"))
    assert counts[replies[0].pk] == 1


# Every page × every role: 200 where the role may be, 403 where it may not, login for anonymous visitors.

PAGES = {
    "proposal-list": ("/proposals/", {"office": 200, "liaison": 200, "leader": 200, "committee": 200}),
    "proposal-add": ("/proposals/add/", {"office": 403, "liaison": 403, "leader": 403, "committee": 200}),
    "proposal-inbox": ("/proposals/inbox/", {"office": 200, "liaison": 200, "leader": 200, "committee": 200}),
    "proposal-reference": ("/proposals/reference/", {"office": 200, "liaison": 200, "leader": 200, "committee": 200}),
    "session-add": ("/proposals/sessions/add/", {"office": 403, "liaison": 403, "leader": 403, "committee": 200}),
    "session-edit": (
        "/proposals/sessions/{session}/edit/",
        {"office": 403, "liaison": 403, "leader": 403, "committee": 200},
    ),
    "category-add": ("/proposals/categories/add/", {"office": 403, "liaison": 403, "leader": 403, "committee": 200}),
    "category-edit": (
        "/proposals/categories/{category}/edit/",
        {"office": 403, "liaison": 403, "leader": 403, "committee": 200},
    ),
    "resultclass-add": (
        "/proposals/result-classes/add/",
        {"office": 403, "liaison": 403, "leader": 403, "committee": 200},
    ),
    "resultclass-edit": (
        "/proposals/result-classes/{result}/edit/",
        {"office": 403, "liaison": 403, "leader": 403, "committee": 200},
    ),
    "reply-letter": ("/proposals/replies/{reply}/", {"office": 200, "liaison": 200, "leader": 200, "committee": 200}),
    # A draft: its own unit's people only (the liaison); nobody else learns it exists.
    "reply-letter-draft": (
        "/proposals/replies/{draft}/",
        {"office": 404, "liaison": 200, "leader": 404, "committee": 404},
    ),
    # Publishing is a POST; a GET goes back to the letter (for the committee) and is refused to the others.
    "reply-publication": (
        "/proposals/replies/{reply}/withdraw/",
        {"office": 403, "liaison": 403, "leader": 403, "committee": 302},
    ),
    "handling-units": ("/proposals/handling-units/", {"office": 200, "liaison": 200, "leader": 200, "committee": 200}),
    "proposal-detail": ("/proposals/{proposal}/", {"office": 200, "liaison": 200, "leader": 200, "committee": 200}),
    "proposal-edit": ("/proposals/{proposal}/edit/", {"office": 403, "liaison": 403, "leader": 403, "committee": 200}),
    "proposal-archive": (
        "/proposals/{proposal}/archive/",
        {"office": 403, "liaison": 403, "leader": 403, "committee": 200},
    ),
    "proposal-move": (
        "/proposals/{proposal}/extend/",
        {"office": 403, "liaison": 403, "leader": 403, "committee": 200},
    ),
    "proposal-move-reply": (
        "/proposals/{proposal}/reply/",
        {"office": 403, "liaison": 200, "leader": 403, "committee": 403},
    ),
    "proposal-move-sign-off": (
        "/proposals/{proposal}/sign-off/",
        {"office": 403, "liaison": 403, "leader": 403, "committee": 403},
    ),
    "proposal-move-record-reply": (
        "/proposals/{proposal}/record-reply/",
        {"office": 403, "liaison": 403, "leader": 403, "committee": 200},
    ),
    "public-reply-list": (
        "/public/proposals/",
        {"office": 200, "liaison": 200, "leader": 200, "committee": 200, "anonymous": 200},
    ),
    "public-cppcc-replies": (
        "/public/proposals/cppcc/{region}/",
        {"office": 200, "liaison": 200, "leader": 200, "committee": 200, "anonymous": 200},
    ),
    "public-reply-detail": (
        "/public/proposals/{reply}/",
        {"office": 200, "liaison": 200, "leader": 200, "committee": 200, "anonymous": 200},
    ),
    # Votes are posted; a GET is refused for everyone.
    "public-reply-vote": (
        "/public/proposals/{reply}/vote/",
        {"office": 405, "liaison": 405, "leader": 405, "committee": 405, "anonymous": 405},
    ),
}


@pytest.fixture
def world(course, committee_user, liaison, unit, other_unit):
    proposal = course.bring(ProposalFactory(), ProposalStatus.ASSIGNED, lead=unit, separate=[other_unit])
    reply = issue_reply(proposal, unit, liaison=liaison, text="答复")
    services.reply_publish(actor=committee_user, reply=reply)
    drafted = course.bring(ProposalFactory(), ProposalStatus.ASSIGNED, lead=unit)
    draft = services.reply_save_draft(
        actor=liaison, proposal=drafted, text="稿", result_class=ResultClass.objects.first()
    )
    return {
        "proposal": proposal.pk,
        "reply": reply.pk,
        "draft": draft.pk,
        "session": proposal.session_id,
        "category": Category.objects.first().pk,
        "result": ResultClass.objects.first().pk,
        "region": Region.objects.create(name="浙江省", level=RegionLevel.PROVINCE, code="330000").pk,
    }


@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("role", ["office", "liaison", "leader", "committee", "anonymous"])
def test_every_page_answers_each_role(request, client, world, name, role):
    path, expected = PAGES[name]
    path = path.format(**world)
    if role != "anonymous":
        fixture = {"office": "office_user", "committee": "committee_user"}.get(role, role)
        client.force_login(request.getfixturevalue(fixture))
    response = client.get(path)
    if role == "anonymous" and role not in expected:
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == expected[role], (role, path)


def test_every_proposal_page_is_in_the_table():
    from proposals.urls import urlpatterns

    ids = dict.fromkeys(("proposal", "reply", "draft", "session", "category", "result", "region"), 1)
    covered = {resolve(path.format(**ids)).url_name for path, _expected in PAGES.values()}
    assert {pattern.name for pattern in urlpatterns} - covered == set()


def test_a_liaison_of_another_unit_cannot_reply(course, client, other_liaison, unit, proposal):
    course.bring(proposal, ProposalStatus.ASSIGNED, lead=unit)
    assert login(client, other_liaison).post(f"/proposals/{proposal.pk}/reply/", reply_data()).status_code == 403
    assert not Reply.objects.exists()


def test_an_unknown_move_is_404(client, committee_user, proposal):
    assert login(client, committee_user).get(f"/proposals/{proposal.pk}/withdraw/").status_code == 404


def test_the_signer_returns_the_draft_and_the_liaison_sees_the_note(course, client, liaison, signer, unit):
    proposal = course.bring(ProposalFactory(), ProposalStatus.ASSIGNED, lead=unit)
    login(client, liaison).post(f"/proposals/{proposal.pk}/reply/", reply_data())
    client.logout()
    signer_client = login(client, signer)
    assert signer_client.post(f"/proposals/{proposal.pk}/return-reply/", {"note": ""}).status_code == 200
    response = signer_client.post(f"/proposals/{proposal.pk}/return-reply/", {"note": "请补充资金来源。"})
    assert response.status_code == 302
    assert Reply.objects.get().status == ReplyStatus.RETURNED
    client.logout()
    liaison_client = login(client, liaison)
    inbox = liaison_client.get("/proposals/inbox/").content.decode()
    assert "btn-danger" in inbox and f"/proposals/{proposal.pk}/reply/" in inbox
    form = liaison_client.get(f"/proposals/{proposal.pk}/reply/")
    assert "请补充资金来源。" in form.content.decode()
    assert form.context["form"].initial["text"] == reply_data()["text"]  # the draft, to be revised


def test_the_sign_off_page_warns_of_missing_co_handling_opinions(course, client, liaison, signer, unit, other_unit):
    proposal = course.bring(ProposalFactory(), ProposalStatus.ASSIGNED, lead=unit, co=[other_unit])
    login(client, liaison).post(f"/proposals/{proposal.pk}/reply/", reply_data())
    client.logout()
    signer_client = login(client, signer)
    page = signer_client.get(f"/proposals/{proposal.pk}/sign-off/").content.decode()
    assert "区水利局" in page and "alert-warning" in page
    response = signer_client.post(f"/proposals/{proposal.pk}/sign-off/", {}, follow=True)
    assert [str(message) for message in response.context["messages"] if message.level_tag == "warning"] == [
        services.sign_off_warnings(Reply.objects.get())[0]
    ]
    assert Reply.objects.get().status == ReplyStatus.ISSUED


def test_the_committee_records_a_paper_reply_through_its_page(course, client, committee_user, unit, class_b):
    proposal = course.bring(
        ProposalFactory(),
        ProposalStatus.ASSIGNED,
        lead=unit,
        assigned_on=timezone.localdate() - datetime.timedelta(days=30),
    )
    committee = login(client, committee_user)
    form = committee.get(f"/proposals/{proposal.pk}/record-reply/")
    assert list(form.context["form"].fields["unit"].queryset) == [unit]
    signed = timezone.localdate() - datetime.timedelta(days=2)
    data = {
        "unit": unit.pk,
        "signed_off_on": signed.isoformat(),
        "result_class": class_b.pk,
        "text": "书面答复全文。",
        "issued_on": (signed - datetime.timedelta(days=1)).isoformat(),
    }
    assert committee.post(f"/proposals/{proposal.pk}/record-reply/", data).status_code == 302
    reply = Reply.objects.get()
    assert (reply.on_behalf, reply.signed_off_on, reply.signed_off_by) == (True, signed, committee_user)
    page = committee.get(f"/proposals/{proposal.pk}/").content.decode()
    assert "reply-on-behalf" in page and signed.isoformat() in page and data["issued_on"] in page
    assert proposal.events.latest("pk").move == ProposalMove.RECORD_REPLY


def test_publication_through_the_letter_page(course, client, committee_user, liaison, unit):
    proposal = course.bring(ProposalFactory(), ProposalStatus.ASSIGNED, lead=unit)
    reply = issue_reply(proposal, unit, liaison=liaison)
    letter = login(client, committee_user).get(f"/proposals/replies/{reply.pk}/").content.decode()
    assert f"/proposals/replies/{reply.pk}/publish/" in letter
    assert client.post(f"/proposals/replies/{reply.pk}/publish/").status_code == 302
    assert client.post(f"/proposals/replies/{reply.pk}/publish/").status_code == 302  # refused, with a message
    assert Reply.objects.get().is_public
    assert proposal.events.filter(move=ProposalMove.PUBLISH_REPLY).count() == 1
    assert client.post(f"/proposals/replies/{reply.pk}/withdraw/").status_code == 302
    assert not Reply.objects.get().is_public
    assert client.post(f"/proposals/replies/{reply.pk}/delete/").status_code == 404
    client.logout()
    assert login(client, liaison).post(f"/proposals/replies/{reply.pk}/publish/").status_code == 403
    assert not Reply.objects.get().is_public


def test_the_committee_keeps_the_list_of_handling_units(client, committee_user, liaison, unit, proposal):
    from accounts.choices import OrganizationKind
    from tests.factories import OrganizationFactory

    power = OrganizationFactory(name="国网宁波供电公司", short_name="供电公司", kind=OrganizationKind.COMPANY)
    party = OrganizationFactory(name="民革市委会", kind=OrganizationKind.PARTY)
    cppcc = OrganizationFactory(name="区政协提案委员会", kind=OrganizationKind.CPPCC)
    committee = login(client, committee_user)
    services.proposal_file(actor=committee_user, proposal=proposal)
    offered = set(committee.get(f"/proposals/{proposal.pk}/assign/").context["form"].fields["lead_unit"].queryset)
    assert unit in offered and not {power, party, cppcc} & offered

    page = committee.get("/proposals/handling-units/")
    rows = {org for org, _listed, _entry in page.context["rows"]}
    assert power in rows and not {party, cppcc} & rows  # never offered for the list
    listed = [org.pk for org, on_list, _entry in page.context["rows"] if on_list]
    response = committee.post("/proposals/handling-units/", {"units": [*listed, power.pk], "note": "供电、电信、水务"})
    assert response.status_code == 302
    offered = set(committee.get(f"/proposals/{proposal.pk}/assign/").context["form"].fields["lead_unit"].queryset)
    assert power in offered
    # A unit posted that may never be on the list is refused, and nothing changes.
    response = committee.post("/proposals/handling-units/", {"units": [*listed, power.pk, party.pk]})
    assert response.status_code == 200 and response.context["form"].errors
    response = committee.post("/proposals/handling-units/", {"units": [power.pk]})  # every department taken off
    assert response.status_code == 302
    assert committee.post(f"/proposals/{proposal.pk}/assign/", {"lead_unit": unit.pk}).status_code == 200
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.FILED
    client.logout()
    assert login(client, liaison).post("/proposals/handling-units/", {"units": [unit.pk]}).status_code == 403
