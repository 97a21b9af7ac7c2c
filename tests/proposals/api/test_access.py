"""The proposal API: who reads and writes proposals and their reference data, and a proposal's fields, create,
edit and delete."""

import pytest

from common.dates import add_months
from proposals.choices import ProposalMove, ProposerKind
from proposals.models import Category, Event, Proposal, Proposer
from tests.factories import ProjectFactory, ProposalFactory, ProposerFactory, SessionFactory
from tests.proposals.api.support import PROPOSALS, S, detail_url, move_url, post, results, status_of, today

pytestmark = pytest.mark.django_db


class TestAccess:
    @pytest.mark.parametrize(
        "endpoint", ["sessions", "categories", "result-classes", "proposers", "proposals", "replies"]
    )
    def test_anonymous_is_refused(self, api, endpoint):
        response = api.get(f"/api/v1/{endpoint}/")
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"

    def test_anonymous_cannot_move(self, api, proposal):
        assert api.post(move_url(proposal, "file"), {}, format="json").status_code == 401
        assert status_of(proposal) == S.SUBMITTED

    @pytest.mark.parametrize("role", ["leader", "liaison", "office_user", "committee_user"])
    @pytest.mark.parametrize(
        "endpoint", ["sessions", "categories", "result-classes", "proposers", "proposals", "replies"]
    )
    def test_every_role_reads(self, api, request, role, endpoint, proposal):
        assert api.as_user(request.getfixturevalue(role)).get(f"/api/v1/{endpoint}/").status_code == 200


class TestReferenceData:
    def test_reference_data_is_listed(self, api, leader, proposal):
        assert [row["code"] for row in results(api.as_user(leader).get("/api/v1/result-classes/"))] == ["A", "B", "C"]
        assert len(results(api.get("/api/v1/categories/"))) == Category.objects.count()
        assert results(api.get("/api/v1/sessions/"))[0]["name"] == proposal.session.name
        names = [row["name"] for row in results(api.get("/api/v1/proposers/", {"search": "储"}))]
        assert names == ["储建华"]

    @pytest.mark.parametrize(
        ("endpoint", "data"),
        [
            ("sessions", {"name": "十五届五次", "year": 2027}),
            ("categories", {"name": "数字政府", "order": 8}),
            ("result-classes", {"code": "D", "name": "不予采纳", "order": 4}),
            ("proposers", {"name": "王立平", "kind": "member", "sector": "科技界"}),
        ],
    )
    def test_committee_writes_reference_data_others_do_not(self, api, committee_user, liaison, endpoint, data):
        assert post(api, liaison, f"/api/v1/{endpoint}/", data).status_code == 403
        response = post(api, committee_user, f"/api/v1/{endpoint}/", data)
        assert response.status_code == 201, response.content
        row = response.json()
        changed = api.patch(f"/api/v1/{endpoint}/{row['id']}/", {"name": f"{data['name']}（改）"}, format="json")
        assert changed.status_code == 200, changed.content
        assert api.delete(f"/api/v1/{endpoint}/{row['id']}/").status_code == 204

    def test_reference_row_in_use_is_not_deleted(self, api, committee_user):
        category = Category.objects.first()
        ProposalFactory(category=category)
        response = api.as_user(committee_user).delete(f"/api/v1/categories/{category.pk}/")
        assert response.status_code == 409
        assert response.json()["detail"]
        assert Category.objects.filter(pk=category.pk).exists()

    def test_duplicate_session_name_is_400(self, api, committee_user, proposal):
        response = post(api, committee_user, "/api/v1/sessions/", {"name": proposal.session.name, "year": 2026})
        assert response.status_code == 400
        assert "name" in response.json()


class TestProposalContract:
    def test_fields(self, api, leader, proposal, advance, unit, other_unit):
        project = ProjectFactory()
        proposal.related_projects.add(project)
        advance(proposal, S.ASSIGNED)
        data = api.as_user(leader).get(detail_url(proposal)).json()
        assert set(data) >= {
            "id",
            "url",
            "session",
            "number",
            "title",
            "proposers",
            "category",
            "content",
            "suggestions",
            "submitted_on",
            "status",
            "is_key",
            "supervising_leader",
            "due_date",
            "overdue",
            "days_left",
            "round",
            "lead_unit",
            "co_units",
            "separate_units",
            "merged_into",
            "related_projects",
            "not_filed_reason",
        }
        assert data["url"].endswith(detail_url(proposal))
        assert data["session"] == proposal.session_id
        assert data["proposers"] == ["储建华", "吴建娣"]
        assert data["status"] == "assigned"
        assert data["lead_unit"] == unit.name
        assert data["co_units"] == [other_unit.name]
        assert data["separate_units"] == []
        assert data["due_date"] == add_months(today(), 3).isoformat()
        assert data["days_left"] == (add_months(today(), 3) - today()).days
        assert data["overdue"] is False
        assert data["round"] == 1
        assert data["related_projects"] == [project.pk]
        roles = {row["unit"]: row["role"] for row in data["assignments"]}
        assert roles == {unit.pk: "lead", other_unit.pk: "co"}

    def test_no_reply_owed_means_no_days_left(self, api, leader, proposal):
        data = api.as_user(leader).get(detail_url(proposal)).json()
        assert data["days_left"] is None
        assert data["overdue"] is False
        assert data["lead_unit"] is None

    def test_create_goes_through_submission_and_creates_unknown_proposers(self, api, committee_user):
        session = SessionFactory()
        ProposerFactory(name="储建华")
        project = ProjectFactory()
        response = post(
            api,
            committee_user,
            PROPOSALS,
            {
                "session": session.pk,
                "number": "101",
                "title": "关于建设城市大脑的建议",
                "proposers": ["储建华", "吴建娣", "民革区委会"],
                "category": Category.objects.get(name="城市建设与管理").pk,
                "content": "数据分散。",
                "suggestions": "统一平台。",
                "submitted_on": "2026-01-12",
                "is_key": True,
                "supervising_leader": "张副区长",
                "related_projects": [project.pk],
                "status": "closed",
            },
        )
        assert response.status_code == 201, response.content
        data = response.json()
        assert response["Location"] == data["url"]
        assert data["status"] == "submitted"
        assert data["proposers"] == ["储建华", "吴建娣", "民革区委会"]
        assert data["related_projects"] == [project.pk]
        assert Proposer.objects.get(name="吴建娣").kind == ProposerKind.MEMBER
        assert Proposer.objects.get(name="民革区委会").kind == ProposerKind.ORGANIZATION
        event = Event.objects.get(proposal_id=data["id"])
        assert (event.move, event.from_status, event.to_status, event.actor) == (
            ProposalMove.SUBMIT,
            "",
            S.SUBMITTED,
            committee_user,
        )

    def test_number_is_unique_in_its_session(self, api, committee_user, proposal):
        body = {
            "session": proposal.session_id,
            "number": proposal.number,
            "title": "重复案号",
            "proposers": ["王立平"],
            "submitted_on": "2026-01-12",
        }
        response = post(api, committee_user, PROPOSALS, body)
        assert response.status_code == 400
        assert response.json()["non_field_errors"]
        assert not Proposer.objects.filter(name="王立平").exists()
        other_session = SessionFactory(name="十五届五次", year=2027)
        assert post(api, committee_user, PROPOSALS, {**body, "session": other_session.pk}).status_code == 201

    @pytest.mark.parametrize("proposers", [[], [""], None])
    def test_a_proposal_needs_a_proposer(self, api, committee_user, proposers):
        body = {"session": SessionFactory().pk, "number": "9", "title": "无提案人", "submitted_on": "2026-01-12"}
        if proposers is not None:
            body["proposers"] = proposers
        response = post(api, committee_user, PROPOSALS, body)
        assert response.status_code == 400
        assert "proposers" in response.json()

    @pytest.mark.parametrize("role", ["leader", "liaison", "office_user"])
    def test_only_the_committee_registers_edits_and_deletes(self, api, request, role, proposal):
        user = request.getfixturevalue(role)
        body = {
            "session": proposal.session_id,
            "number": "77",
            "title": "x",
            "proposers": ["甲"],
            "submitted_on": "2026-01-12",
        }
        assert post(api, user, PROPOSALS, body).status_code == 403
        assert api.patch(detail_url(proposal), {"title": "改"}, format="json").status_code == 403
        assert api.delete(detail_url(proposal)).status_code == 403
        assert Proposal.objects.filter(pk=proposal.pk, title=proposal.title).exists()

    def test_committee_edits_data_and_proposers_never_the_status(self, api, committee_user, proposal, advance):
        advance(proposal, S.FILED)
        response = api.as_user(committee_user).patch(
            detail_url(proposal),
            {"title": "关于加快城市大脑建设的建议", "proposers": ["吴建娣", "新委员"], "status": "closed", "round": 3},
            format="json",
        )
        assert response.status_code == 200, response.content
        data = response.json()
        assert data["title"] == "关于加快城市大脑建设的建议"
        assert data["proposers"] == ["吴建娣", "新委员"]
        assert data["status"] == "filed"
        assert data["round"] == 1
        proposal.refresh_from_db()
        assert proposal.status == S.FILED
        assert proposal.lead_proposer.name == "吴建娣"
        assert proposal.history.latest().history_user == committee_user

    def test_edit_cannot_take_another_proposals_number(self, api, committee_user, proposal):
        other = ProposalFactory(session=proposal.session)
        response = api.as_user(committee_user).patch(detail_url(proposal), {"number": other.number}, format="json")
        assert response.status_code == 400

    def test_delete_archives_only_while_submitted(self, api, committee_user, proposal, advance):
        filed = advance(ProposalFactory(), S.FILED)
        response = api.as_user(committee_user).delete(detail_url(filed))
        assert response.status_code == 409
        assert response.json()["detail"]
        assert Proposal.objects.filter(pk=filed.pk).exists()
        assert api.delete(detail_url(proposal)).status_code == 204
        # Archived, not deleted: out of the list, still there with its history.
        assert not Proposal.objects.filter(pk=proposal.pk).exists()
        assert Proposal.all_objects.get(pk=proposal.pk).is_archived
