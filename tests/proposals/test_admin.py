"""The proposals in the admin: an issued reply and the workflow's fields are read-only there, even for a superuser;
publishing and withdrawing are actions that go through the same services as the pages, for the committee's rights."""

import pytest
from django.contrib import admin

from proposals import services
from proposals.choices import ProposalMove
from proposals.models import Assignment, Reply

from ..factories import UserFactory, issue_reply
from .course import standard

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def issued(ctx):
    proposal = standard(ctx, "assigned")
    return issue_reply(proposal, ctx.unit, liaison=ctx.liaison, signer=ctx.signer, text="已列入计划。")


def test_an_issued_reply_cannot_be_changed_in_the_admin(client, superuser, issued):
    client.force_login(superuser)
    url = f"/admin/proposals/reply/{issued.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["adminform"].form.fields == {}  # every field shown read-only
    response = client.post(url, {"text": "改写", "issued_on": "1990-01-01", "is_public": "on"})
    assert response.status_code == 403
    issued.refresh_from_db()
    assert (issued.text, issued.is_public, str(issued.issued_on)) != ("改写", True, "1990-01-01")
    assert client.get(f"/admin/proposals/reply/{issued.pk}/delete/").status_code == 403
    assert client.get("/admin/proposals/reply/add/").status_code == 403


def test_publication_in_the_admin_goes_through_the_service(client, superuser, issued):
    client.force_login(superuser)
    response = client.post(
        "/admin/proposals/reply/",
        {"action": "reply_publish", admin.helpers.ACTION_CHECKBOX_NAME: [issued.pk]},
        follow=True,
    )
    assert response.status_code == 200
    issued.refresh_from_db()
    assert issued.is_public
    event = issued.proposal.events.latest("pk")
    assert (event.move, event.actor) == (ProposalMove.PUBLISH_REPLY, superuser)
    # The same rules as everywhere: publishing twice is refused, with the reason shown.
    response = client.post(
        "/admin/proposals/reply/",
        {"action": "reply_publish", admin.helpers.ACTION_CHECKBOX_NAME: [issued.pk]},
        follow=True,
    )
    assert any("已公开" in str(message) for message in response.context["messages"])
    assert issued.proposal.events.filter(move=ProposalMove.PUBLISH_REPLY).count() == 1


def test_a_draft_cannot_be_published_from_the_admin(client, superuser, ctx):
    proposal = standard(ctx, "assigned")
    draft = services.reply_save_draft(
        actor=ctx.liaison, proposal=proposal, text="稿", result_class=ctx.course.result_class
    )
    client.force_login(superuser)
    client.post("/admin/proposals/reply/", {"action": "reply_publish", admin.helpers.ACTION_CHECKBOX_NAME: [draft.pk]})
    assert not Reply.objects.get(pk=draft.pk).is_public


def test_office_staff_see_replies_without_the_publication_actions(client, office_user, issued):
    office_user.is_staff = True
    office_user.save()
    client.force_login(office_user)
    response = client.get("/admin/proposals/reply/")
    assert response.status_code == 200
    action_form = response.context["action_form"]
    actions = [name for name, _label in action_form.fields["action"].choices] if action_form else []
    assert "reply_publish" not in actions and "reply_withdraw" not in actions
    assert client.post(f"/admin/proposals/reply/{issued.pk}/change/", {"is_public": "on"}).status_code == 403


def test_workflow_fields_of_a_proposal_are_read_only(client, superuser, ctx):
    proposal = standard(ctx, "assigned")
    client.force_login(superuser)
    page = client.get(f"/admin/proposals/proposal/{proposal.pk}/change/")
    form = page.context["adminform"].form
    assert not {"status", "round", "due_date", "merged_into", "not_filed_reason"} & set(form.fields)
    inline = next(formset for formset in page.context["inline_admin_formsets"] if formset.opts.model is Assignment)
    assert not inline.has_change_permission and not inline.has_add_permission
