"""The proposal API's replies: what each role sees of them, publication, the reply rules, and the committee's list
of handling units."""

import datetime

import pytest

from proposals import services
from proposals.models import Reply
from tests.factories import OrganizationFactory, ProposerFactory, issue_reply
from tests.proposals.api.support import PROPOSALS, S, move_url, post, results, status_of

pytestmark = pytest.mark.django_db


class TestReplies:
    @pytest.fixture
    def reply(self, proposal, advance):
        advance(proposal, S.REPLIED)
        return proposal.replies.get()

    def test_representation(self, api, leader, reply, unit):
        rows = results(api.as_user(leader).get("/api/v1/replies/"))
        assert len(rows) == 1
        row = rows[0]
        assert row["proposal"] == reply.proposal_id
        assert row["unit"] == unit.name
        assert row["result_class"] == "A"
        assert (row["round"], row["text"], row["is_public"], row["support_count"], row["oppose_count"]) == (
            1,
            "已采纳。",
            False,
            0,
            0,
        )
        assert set(row) >= {"doc_number", "issued_on", "signer", "contact_person", "contact_phone", "cc", "url"}

    def test_filters(self, api, leader, reply, unit, other_unit):
        api.as_user(leader)
        assert len(results(api.get("/api/v1/replies/", {"unit": unit.pk}))) == 1
        assert results(api.get("/api/v1/replies/", {"unit": other_unit.pk})) == []
        assert len(results(api.get("/api/v1/replies/", {"proposal": reply.proposal_id, "is_public": "false"}))) == 1

    def test_filter_by_result_class_code(self, api, leader, reply):
        api.as_user(leader)
        assert len(results(api.get("/api/v1/replies/", {"result_class": "A"}))) == 1
        assert results(api.get("/api/v1/replies/", {"result_class": "B"})) == []

    def test_committee_publishes_only_is_public_changes(self, api, committee_user, reply):
        url = f"/api/v1/replies/{reply.pk}/"
        response = api.as_user(committee_user).patch(
            url, {"is_public": True, "text": "改写", "round": 5}, format="json"
        )
        assert response.status_code == 200, response.content
        assert response.json()["is_public"] is True
        reply.refresh_from_db()
        assert (reply.is_public, reply.text, reply.round) == (True, "已采纳。", 1)
        assert api.patch(url, {"is_public": False}, format="json").json()["is_public"] is False

    @pytest.mark.parametrize("role", ["liaison", "office_user", "leader"])
    def test_others_may_not_publish(self, api, request, role, reply):
        response = api.as_user(request.getfixturevalue(role)).patch(
            f"/api/v1/replies/{reply.pk}/", {"is_public": True}, format="json"
        )
        assert response.status_code == 403
        reply.refresh_from_db()
        assert reply.is_public is False

    def test_replies_are_written_by_the_move_only(self, api, committee_user, reply):
        api.as_user(committee_user)
        url = f"/api/v1/replies/{reply.pk}/"
        # No role may add or delete replies (403 from the permission check, which answers before the method check);
        # a full update is not offered (405).
        assert api.post("/api/v1/replies/", {"proposal": reply.proposal_id}, format="json").status_code in (403, 405)
        assert api.put(url, {"is_public": True}, format="json").status_code == 405
        assert api.delete(url).status_code in (403, 405)
        assert Reply.objects.filter(pk=reply.pk, is_public=False).exists()


class TestReplyRules:
    def test_a_draft_is_listed_to_its_own_unit_only(
        self, api, liaison, signer, other_liaison, leader, committee_user, proposal, advance
    ):
        advance(proposal, S.ASSIGNED)
        post(api, liaison, move_url(proposal, "reply"), {"text": "答复稿", "result_class": "B"})
        draft = proposal.replies.get()
        for user in (liaison, signer):
            rows = results(api.as_user(user).get("/api/v1/replies/"))
            assert [(row["id"], row["status"]) for row in rows] == [(draft.pk, "draft")]
        for user in (other_liaison, leader, committee_user):
            assert results(api.as_user(user).get("/api/v1/replies/")) == []
            assert api.get(f"/api/v1/replies/{draft.pk}/").status_code == 404

    def test_the_representation_says_when_it_counted(self, api, leader, committee_user, unit, proposal, set_today):
        set_today(datetime.date(2026, 6, 1))
        services.proposal_file(actor=committee_user, proposal=proposal)
        services.proposal_assign(
            actor=committee_user, proposal=proposal, lead_unit=unit, assigned_on=datetime.date(2026, 1, 10)
        )
        reply = issue_reply(proposal, unit, issued_on=datetime.date(2026, 2, 1))
        row = api.as_user(leader).get(f"/api/v1/replies/{reply.pk}/").json()
        assert (row["status"], row["issued_on"], row["signed_off_on"], row["due_date"], row["is_late"]) == (
            "issued",
            "2026-02-01",
            "2026-06-01",
            "2026-04-10",
            True,
        )
        assert (row["on_behalf"], row["is_superseded"], row["signed_off_by_name"]) == (
            False,
            False,
            "signer-of-" + str(unit.pk),
        )
        # The ledger's filter judges the same way: replied late, whatever the letter's date.
        numbers = [row["number"] for row in results(api.get(PROPOSALS, {"reply": "late"}))]
        assert numbers == [proposal.number]
        assert results(api.get(PROPOSALS, {"reply": "on_time"})) == []

    def test_publish_and_withdraw(self, api, committee_user, liaison, proposal, advance):
        advance(proposal, S.REPLIED)
        reply = proposal.replies.get()
        url = f"/api/v1/replies/{reply.pk}/"
        assert post(api, liaison, f"{url}publish/").status_code == 403
        response = post(api, committee_user, f"{url}publish/")
        assert response.status_code == 200 and response.json()["is_public"] is True
        assert post(api, committee_user, f"{url}publish/").status_code == 409
        response = post(api, committee_user, f"{url}withdraw/", {"note": "含个人信息"})
        assert response.status_code == 200 and response.json()["is_public"] is False
        moves = list(
            proposal.events.filter(move__in=["publish_reply", "withdraw_reply"]).values_list("move", flat=True)
        )
        assert moves == ["publish_reply", "withdraw_reply"]

    def test_a_superseded_reply_is_not_published(self, api, committee_user, proposal, advance):
        advance(proposal, S.REHANDLING)
        reply = proposal.replies.get()
        assert api.as_user(committee_user).get(f"/api/v1/replies/{reply.pk}/").json()["is_superseded"] is True
        assert post(api, committee_user, f"/api/v1/replies/{reply.pk}/publish/").status_code == 409
        response = api.patch(f"/api/v1/replies/{reply.pk}/", {"is_public": True}, format="json")
        assert response.status_code == 409


class TestHandlingUnits:
    URL = "/api/v1/handling-units/"

    def test_the_list_holds_the_government_and_what_the_committee_adds(self, api, committee_user, liaison, unit):
        power = OrganizationFactory(name="国网宁波供电公司", kind="company")
        party = OrganizationFactory(name="民革市委会", kind="party")
        cppcc = OrganizationFactory(name="区政协", kind="cppcc")
        proposer_org = OrganizationFactory(name="区工商联", kind="other")
        ProposerFactory(name="区工商联")
        rows = api.as_user(liaison).get(self.URL).json()
        ids = {row["organization"] for row in rows}
        assert unit.pk in ids and not {power.pk, party.pk, cppcc.pk, proposer_org.pk} & ids
        assert next(row for row in rows if row["organization"] == unit.pk)["listed_by_default"] is True
        assert post(api, liaison, self.URL, {"organization": power.pk}).status_code == 403

        response = post(api, committee_user, self.URL, {"organization": power.pk, "note": "供电"})
        assert response.status_code == 201, response.content
        assert (response.json()["listed_by_default"], response.json()["note"]) == (False, "供电")
        for refused in (party, cppcc, proposer_org):
            response = post(api, committee_user, self.URL, {"organization": refused.pk})
            assert response.status_code == 400 and "organization" in response.json()
        assert api.delete(f"{self.URL}{unit.pk}/").status_code == 204
        ids = {row["organization"] for row in api.get(self.URL).json()}
        assert power.pk in ids and unit.pk not in ids
        assert api.delete(f"{self.URL}{unit.pk}/").status_code == 404

    def test_assignment_takes_only_units_on_the_list(self, api, committee_user, proposal, advance, unit):
        party = OrganizationFactory(name="民革市委会", kind="party")
        company = OrganizationFactory(name="宁波水务集团", kind="company")
        advance(proposal, S.FILED)
        for body, field in (
            ({"lead_unit": party.pk}, "lead_unit"),
            ({"lead_unit": unit.pk, "co_units": [company.pk]}, "co_units"),
            ({"separate_units": [party.pk]}, "separate_units"),
        ):
            response = post(api, committee_user, move_url(proposal, "assign"), body)
            assert response.status_code == 400 and field in response.json(), response.content
        assert status_of(proposal) == S.FILED
        post(api, committee_user, self.URL, {"organization": company.pk})
        body = {"lead_unit": unit.pk, "co_units": [company.pk]}
        assert post(api, committee_user, move_url(proposal, "assign"), body).status_code == 200
