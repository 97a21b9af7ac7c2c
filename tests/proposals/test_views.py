"""The proposal pages: the whole course through the pages as the committee and a liaison do it, the role rules on
every page, and the public pages with their support / oppose count."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.urls import resolve
from django.utils import timezone

from proposals import services
from proposals.choices import ProposalStatus
from proposals.models import Category, Proposal, Reply, ResultClass, Session
from tests.factories import ProjectFactory, ProposalFactory

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def assigned(proposal, committee_user, unit, **kwargs):
    services.proposal_file(actor=committee_user, proposal=proposal)
    services.proposal_assign(actor=committee_user, proposal=proposal, lead_unit=unit, **kwargs)
    proposal.refresh_from_db()
    return proposal


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
        "is_public": "on",
    }
    data.update(overrides)
    return data


def test_the_whole_course_through_the_pages(client, committee_user, liaison, unit, class_b):
    """Done when: the committee files, assigns and closes; the liaison replies with class B from its inbox; an
    unsatisfied proposer sends it back; a second reply; the public page shows the reply and counts a support."""
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
    assert form.status_code == 200 and "unit" not in form.context["form"].fields
    assert liaison_client.post(f"/proposals/{proposal.pk}/reply/", reply_data()).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REPLIED
    reply = proposal.replies.get()
    assert (reply.result_class.code, reply.unit, reply.contact_phone) == ("B", unit, "86270098")

    client.logout()
    committee = login(client, committee_user)
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

    client.logout()
    liaison_client = login(client, liaison)
    response = liaison_client.post(f"/proposals/{proposal.pk}/reply/", reply_data(text="再次答复：已列入计划。"))
    assert response.status_code == 302
    client.logout()
    committee = login(client, committee_user)
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
        "reply",
        "feedback",
        "reply",
        "feedback",
    ]

    client.logout()
    cache.clear()
    public = client.get("/public/proposals/").content.decode()
    assert "关于推动智慧城市建设的建议" in public
    second = proposal.replies.get(round=2)
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


def test_office_staff_reply_for_a_unit_they_choose(client, office_user, committee_user, unit, other_unit, proposal):
    services.proposal_file(actor=committee_user, proposal=proposal)
    services.proposal_assign(actor=committee_user, proposal=proposal, separate_units=[unit, other_unit])
    response = login(client, office_user).post(f"/proposals/{proposal.pk}/reply/", reply_data(unit=other_unit.pk))
    assert response.status_code == 302
    assert list(Reply.objects.values_list("unit__name", flat=True)) == [other_unit.name]
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ASSIGNED  # the other separate unit has not replied yet


def test_a_co_handling_unit_sends_its_opinion_and_the_lead_unit_sees_it(
    client, committee_user, liaison, other_liaison, unit, other_unit, proposal
):
    assigned(proposal, committee_user, unit, co_units=[other_unit])
    co = login(client, other_liaison)
    inbox = co.get("/proposals/inbox/").content.decode()
    assert f"/proposals/{proposal.pk}/opinion/" in inbox
    assert co.post(f"/proposals/{proposal.pk}/reply/", reply_data()).status_code == 200
    assert co.post(f"/proposals/{proposal.pk}/opinion/", {"opinion": "建议纳入数据共享平台建设。"}).status_code == 302
    client.logout()
    form = login(client, liaison).get(f"/proposals/{proposal.pk}/reply/").content.decode()
    assert "建议纳入数据共享平台建设。" in form


def test_a_unit_asks_for_reassignment_and_the_committee_decides(
    client, committee_user, liaison, unit, other_unit, proposal
):
    assigned(proposal, committee_user, unit)
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


def test_the_ledger_filters_and_marks_overdue_proposals(client, leader, committee_user, unit, proposal):
    assigned(proposal, committee_user, unit)
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
    client, leader, committee_user, unit, other_unit, django_assert_max_num_queries
):
    for _index in range(3):
        assigned(ProposalFactory(), committee_user, unit, co_units=[other_unit])
    login(client, leader)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/proposals/")
    for _index in range(12):
        assigned(ProposalFactory(proposers=["甲", "乙", "丙"]), committee_user, unit, co_units=[other_unit])
    with CaptureQueriesContext(connection) as many:
        client.get("/proposals/")
    assert len(many) == len(few)


def test_the_reply_letter_page_prints_the_class_and_contact_lines(client, committee_user, liaison, unit, proposal):
    assigned(proposal, committee_user, unit)
    reply = services.proposal_reply(
        actor=liaison,
        proposal=proposal,
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


def test_public_pages_show_only_published_replies_and_throttle_votes(client, settings, committee_user, liaison, unit):
    settings.PROPOSALS = {**settings.PROPOSALS, "VOTES_PER_HOUR": 2}
    cache.clear()
    replies = []
    for number, public in (("1", True), ("2", True), ("3", True), ("4", False)):
        proposal = assigned(ProposalFactory(number=number), committee_user, unit)
        replies.append(
            services.proposal_reply(
                actor=liaison,
                proposal=proposal,
                text=f"答复{number}",
                result_class=ResultClass.objects.first(),
                is_public=public,
            )
        )
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
        {"office": 200, "liaison": 200, "leader": 403, "committee": 403},
    ),
    "public-reply-list": (
        "/public/proposals/",
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
def world(committee_user, liaison, unit, other_unit):
    proposal = assigned(ProposalFactory(), committee_user, unit, separate_units=[other_unit])
    reply = services.proposal_reply(
        actor=liaison, proposal=proposal, text="答复", result_class=ResultClass.objects.first(), is_public=True
    )
    return {
        "proposal": proposal.pk,
        "reply": reply.pk,
        "session": proposal.session_id,
        "category": Category.objects.first().pk,
        "result": ResultClass.objects.first().pk,
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

    ids = dict.fromkeys(("proposal", "reply", "session", "category", "result"), 1)
    covered = {resolve(path.format(**ids)).url_name for path, _expected in PAGES.values()}
    assert {pattern.name for pattern in urlpatterns} - covered == set()


def test_a_liaison_of_another_unit_cannot_reply(client, committee_user, other_liaison, unit, proposal):
    assigned(proposal, committee_user, unit)
    assert login(client, other_liaison).post(f"/proposals/{proposal.pk}/reply/", reply_data()).status_code == 403
    assert not Reply.objects.exists()


def test_an_unknown_move_is_404(client, committee_user, proposal):
    assert login(client, committee_user).get(f"/proposals/{proposal.pk}/withdraw/").status_code == 404
