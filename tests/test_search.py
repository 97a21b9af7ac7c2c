"""Free-text search (common.filtersets.search_condition): every word in some searched column, at most
SEARCH_MAX_WORDS words (more answer 400 on the API and a form error on the page, in Chinese), one condition per word
and never a join per word."""

import pytest
from django.urls import reverse

from projects.filtersets import MilestoneFilterSet, ProjectFilterSet
from projects.models import Milestone, Project
from proposals.filtersets import ProposalFilterSet
from proposals.models import Proposal
from tests.factories import MilestoneFactory, ProjectFactory, ProposalFactory

pytestmark = pytest.mark.django_db

ELEVEN_WORDS = " ".join(f"词{n}" for n in range(11))


def test_every_word_must_appear_in_some_column_or_proposer(api, committee_user):
    wanted = ProposalFactory(title="关于推进智慧水务建设的建议", content="管网漏损", proposers=["储建华", "吴建娣"])
    ProposalFactory(title="关于推进智慧水务建设的建议（二）", proposers=["王静"])
    client = api.as_user(committee_user)
    found = client.get("/api/v1/proposals/", {"search": "智慧水务 吴建娣 漏损"}).json()
    assert [row["id"] for row in found["results"]] == [wanted.pk]
    # Each proposal once, however many of its proposers match.
    assert client.get("/api/v1/proposals/", {"search": "建"}).json()["count"] == 2


def test_search_ignores_letter_case_and_takes_wildcards_literally(api, office_user):
    project = ProjectFactory(code="ZH-2026-001", name="智慧停车")
    ProjectFactory(code="ZH-2026-002", name="100%覆盖")
    client = api.as_user(office_user)
    assert [row["id"] for row in client.get("/api/v1/projects/", {"search": "zh-2026-001"}).json()["results"]] == [
        project.pk
    ]
    assert client.get("/api/v1/projects/", {"search": "%"}).json()["count"] == 1
    assert client.get("/api/v1/projects/", {"search": "_"}).json()["count"] == 0


def test_related_columns_are_searched(api, office_user):
    milestone = MilestoneFactory(name="专家评审", project=ProjectFactory(name="智慧城管"))
    MilestoneFactory(name="专家评审")
    found = api.as_user(office_user).get("/api/v1/milestones/", {"search": "城管 评审"}).json()
    assert [row["id"] for row in found["results"]] == [milestone.pk]


def test_more_words_than_allowed_answer_400_in_chinese(api, office_user):
    response = api.as_user(office_user).get("/api/v1/proposals/", {"search": ELEVEN_WORDS})
    assert response.status_code == 400
    assert response.json()["search"] == ["最多可搜索 10 个词；本次搜索有 11 个词。"]


def test_more_words_than_allowed_are_a_form_error_on_the_page(client, office_user):
    ProjectFactory(name="词0")
    client.force_login(office_user)
    response = client.get(reverse("project-list"), {"search": ELEVEN_WORDS})
    assert response.status_code == 200
    assert "最多可搜索 10 个词" in response.content.decode()
    assert list(response.context["object_list"]) == []


def test_the_number_of_words_is_a_setting(api, office_user, settings):
    settings.SEARCH_MAX_WORDS = 2
    client = api.as_user(office_user)
    assert client.get("/api/v1/projects/", {"search": "一 二"}).status_code == 200
    assert client.get("/api/v1/projects/", {"search": "一 二 三"}).status_code == 400


def test_a_search_longer_than_any_column_is_refused(api, office_user):
    assert api.as_user(office_user).get("/api/v1/projects/", {"search": "长" * 501}).status_code == 400


@pytest.mark.parametrize(
    ("filterset", "model"),
    [(ProposalFilterSet, Proposal), (ProjectFilterSet, Project), (MilestoneFilterSet, Milestone)],
)
def test_no_join_per_word(filterset, model):
    def joins(words):
        queryset = model._base_manager.all()
        if model is Project:
            queryset = Project.objects.with_figures()
        if model is Proposal:
            queryset = Proposal.objects.with_figures()
        found = filterset({"search": " ".join(words)}, queryset=queryset)
        assert found.is_valid(), found.errors
        # The tables of the query itself; a word's EXISTS over a relation of many rows is a subquery of its own.
        return len(found.qs.query.alias_map), str(found.qs.query).count("LIKE")

    one_join, one_like = joins(["智慧"])
    ten_joins, ten_likes = joins([f"词{n}" for n in range(10)])
    assert ten_joins == one_join
    assert ten_likes == 10 * one_like
