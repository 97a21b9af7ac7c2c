"""督办单 through the pages: issued from a project's page, acknowledged, answered with evidence, sent back, answered
again and closed; hung red by a leader or on a leader's behalf; every refusal answered on the page (403, 409, 400)
and other units' notices not found."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from attachments.models import Attachment
from notifications.models import Notification
from supervision import services
from supervision.choices import NoticeLevel, NoticeStatus, Step
from supervision.models import Event, Notice
from tests.attachments import pictures
from tests.factories import ProjectFactory

from .conftest import later

pytestmark = pytest.mark.django_db


def as_user(client, user):
    client.force_login(user)
    return client


def step(client, notice, slug, **fields):
    return client.post(f"/supervision/notices/{notice.pk}/{slug}/", {f"{slug}-{k}": v for k, v in fields.items()})


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_the_whole_course_through_the_pages(client, sv):
    office = as_user(client, sv.office)
    page = office.get(f"/projects/{sv.project.pk}/")
    assert f"/supervision/notices/add/?project={sv.project.pk}" in page.content.decode()
    form = office.get(f"/supervision/notices/add/?project={sv.project.pk}")
    # Five working days from today, by the office's calendar, unless the office chooses another day.
    assert form.context["form"]["deadline"].value() > timezone.localdate()
    assert list(form.context["form"].fields["unit"].queryset) == [sv.unit]
    deadline = later(7).isoformat()
    response = office.post(
        f"/supervision/notices/add/?project={sv.project.pk}",
        {"unit": sv.unit.pk, "text": "请说明设备采购滞后原因并提出整改措施。", "deadline": deadline},
    )
    notice = Notice.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/supervision/notices/{notice.pk}/"
    assert (notice.project, notice.unit, notice.status, notice.level) == (
        sv.project,
        sv.unit,
        NoticeStatus.ISSUED,
        NoticeLevel.BLUE,
    )
    assert Notification.objects.filter(recipient=sv.liaison, url=notice.get_absolute_url()).exists()

    liaison = as_user(client, sv.liaison)
    page = liaison.get(notice.get_absolute_url())
    assert [s.slug for s, _form in page.context["step_forms"]] == ["acknowledge", "answer"]
    response = liaison.post(f"/supervision/notices/{notice.pk}/acknowledge/")
    assert response.status_code == 302
    page = liaison.post(
        f"/supervision/notices/{notice.pk}/answer/",
        {"answer-text": "已完成设备采购合同签订。", "answer-files": [pictures.pdf()]},
        follow=True,
    )
    assert "已完成设备采购合同签订。" in page.content.decode()
    assert any("sent" in m or "已" in m for m in messages_of(page))
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.ANSWERED
    assert Attachment.objects.filter(notice=notice).count() == 1

    office = as_user(client, sv.office)
    assert [s.slug for s, _form in office.get(notice.get_absolute_url()).context["step_forms"]] == [
        "accept",
        "return",
        "hang-red",
    ]
    assert step(office, notice, "return", reason="请补充合同扫描件。").status_code == 302
    assert Notice.objects.get(pk=notice.pk).status == NoticeStatus.RETURNED
    as_user(client, sv.liaison)
    assert step(client, notice, "answer", text="已补充合同扫描件。").status_code == 302
    as_user(client, sv.office)
    assert step(client, notice, "accept", note="整改到位。").status_code == 302
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.CLOSED
    assert list(notice.events.values_list("step", flat=True)) == [
        Step.ISSUE,
        Step.ACKNOWLEDGE,
        Step.ANSWER,
        Step.RETURN,
        Step.ANSWER,
        Step.ACCEPT,
    ]
    page = client.get(notice.get_absolute_url())
    assert page.context["step_forms"] == []
    assert "请补充合同扫描件。" in page.content.decode()  # the timeline keeps the reason


def test_a_leader_hangs_it_red_with_one_click_and_staff_name_the_leader(client, sv, notice):
    as_user(client, sv.leader)
    response = client.post(f"/supervision/notices/{notice.pk}/hang-red/", follow=True)
    assert response.redirect_chain[-1][0] == notice.get_absolute_url()
    notice.refresh_from_db()
    assert (notice.level, notice.red_leader) == (NoticeLevel.RED, sv.leader)
    assert "text-bg-danger notice-level" in response.content.decode()
    # Once red, nobody is offered it again, and a second click is refused with the reason.
    assert all(s.slug != "hang-red" for s, _form in response.context["step_forms"])
    again = client.post(f"/supervision/notices/{notice.pk}/hang-red/")
    assert again.status_code == 409
    assert messages_of(again)


def test_staff_record_the_red_listing_on_a_leaders_behalf(client, sv, notice):
    as_user(client, sv.office)
    page = client.get(notice.get_absolute_url())
    leaders = list(next(f for s, f in page.context["step_forms"] if s.slug == "hang-red").fields["leader"].queryset)
    assert leaders == [sv.leader]
    assert step(client, notice, "hang-red").status_code == 400  # the leader must be named
    assert step(client, notice, "hang-red", leader=sv.leader.pk, note="领导同意挂牌。").status_code == 302
    event = Event.objects.get(notice=notice, step=Step.HANG_RED)
    assert (event.actor, event.on_behalf_of) == (sv.office, sv.leader)
    page = client.get(notice.get_absolute_url())
    assert "on behalf of" in page.content.decode() or "代" in page.content.decode()


def test_refusals_are_answered_on_the_page(client, sv, notice):
    as_user(client, sv.liaison)
    assert client.post(f"/supervision/notices/{notice.pk}/acknowledge/").status_code == 302
    again = client.post(f"/supervision/notices/{notice.pk}/acknowledge/")
    assert again.status_code == 409 and messages_of(again)
    assert step(client, notice, "accept").status_code == 403  # the unit does not close its own notice
    as_user(client, sv.office)
    assert step(client, notice, "answer", text="代为反馈").status_code == 403  # not a unit's step
    as_user(client, sv.committee)
    refused = step(client, notice, "accept")  # the committee closes notices, but not on a project
    assert refused.status_code == 403
    assert messages_of(refused) == ["只有项目所属地区的智慧办可以办理此事项。"]
    as_user(client, sv.office)
    assert Notice.objects.get(pk=notice.pk).status == NoticeStatus.ACKNOWLEDGED
    assert client.post(f"/supervision/notices/{notice.pk}/no-such-step/").status_code == 404
    assert client.get(f"/supervision/notices/{notice.pk}/accept/").status_code == 405
    as_user(client, sv.other_liaison)
    assert client.get(notice.get_absolute_url()).status_code == 404
    assert step(client, notice, "answer", text="越权反馈").status_code == 404
    assert notice.events.count() == 2


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"text": "长" * 2001}, "text"),
        ({"text": "含\x00空字符"}, "text"),
        ({"deadline": "2099-01-01"}, "deadline"),
        ({"deadline": "2026-13-45"}, "deadline"),
        ({"deadline": (datetime.date.today() - datetime.timedelta(days=3)).isoformat()}, "deadline"),
        ({"unit": "abc"}, "unit"),
        ({"unit": "99999999999999999999"}, "unit"),
    ],
    ids=["huge", "nul", "far", "no-date", "past", "not-a-number", "too-big"],
)
def test_hostile_input_to_the_issue_form_is_a_form_error(client, sv, fields, field):
    as_user(client, sv.office)
    data = {"unit": sv.unit.pk, "text": "请整改。", "deadline": later().isoformat(), **fields}
    response = client.post(f"/supervision/notices/add/?project={sv.project.pk}", data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not Notice.objects.exists()


@pytest.mark.parametrize("query", ["project=abc", "project=999999", "proposal=-1", "", "project=1e3"])
def test_the_issue_form_needs_a_readable_subject(client, sv, query):
    as_user(client, sv.office)
    assert client.get(f"/supervision/notices/add/?{query}").status_code == 404


def test_a_second_open_notice_on_the_same_project_is_refused_with_the_reason(client, sv, notice):
    as_user(client, sv.office)
    data = {"unit": sv.unit.pk, "text": "再次督办。", "deadline": later().isoformat()}
    response = client.post(f"/supervision/notices/add/?project={sv.project.pk}", data)
    assert response.status_code == 409
    assert notice.number in " ".join(messages_of(response))


def test_the_committee_issues_on_a_proposal_and_the_proposal_page_lists_it(client, sv):
    as_user(client, sv.committee)
    page = client.get(f"/proposals/{sv.proposal.pk}/")
    assert f"/supervision/notices/add/?proposal={sv.proposal.pk}" in page.content.decode()
    response = client.post(
        f"/supervision/notices/add/?proposal={sv.proposal.pk}",
        {"unit": sv.unit.pk, "text": "请加快办理。", "deadline": later().isoformat()},
    )
    notice = Notice.objects.get()
    assert response.status_code == 302 and notice.proposal == sv.proposal
    as_user(client, sv.liaison)
    page = client.get(f"/proposals/{sv.proposal.pk}/").content.decode()
    assert notice.number in page and "notice-level" in page
    # The office does not issue on a proposal, nor the committee on a project.
    as_user(client, sv.office)
    assert client.get(f"/supervision/notices/add/?proposal={sv.proposal.pk}").status_code == 403
    as_user(client, sv.committee)
    assert client.get(f"/supervision/notices/add/?project={sv.project.pk}").status_code == 403


def test_each_role_reads_the_list_and_a_unit_only_its_own(client, sv, notice):
    for user in (sv.office, sv.leader, sv.committee, sv.liaison, sv.signer):
        as_user(client, user)
        listed = client.get("/supervision/notices/")
        assert list(listed.context["object_list"]) == [notice], user
        assert client.get(notice.get_absolute_url()).status_code == 200, user
    as_user(client, sv.other_liaison)
    assert list(client.get("/supervision/notices/").context["object_list"]) == []


def test_the_lists_filters(client, sv, notice, set_today):
    as_user(client, sv.office)
    assert list(client.get(f"/supervision/notices/?unit={sv.unit.pk}&status=issued").context["object_list"]) == [notice]
    assert list(client.get("/supervision/notices/?level=red").context["object_list"]) == []
    assert list(client.get(f"/supervision/notices/?project={sv.project.pk}").context["object_list"]) == [notice]
    assert list(client.get("/supervision/notices/?overdue=true").context["object_list"]) == []
    set_today(notice.deadline + datetime.timedelta(days=1))
    as_user(client, sv.office)  # the session of the day before has expired
    assert list(client.get("/supervision/notices/?overdue=true").context["object_list"]) == [notice]
    bad = client.get("/supervision/notices/?unit=abc&status=nonsense")
    assert bad.status_code == 200 and list(bad.context["object_list"]) == []


def test_a_list_of_thirty_notices_costs_as_many_queries_as_one(client, sv, notice, django_assert_max_num_queries):
    as_user(client, sv.office)
    client.get("/supervision/notices/")
    cache.clear()  # both requests compute their counts (cached under the data version otherwise)
    with CaptureQueriesContext(connection) as one:
        client.get("/supervision/notices/")
    for _number in range(29):
        project = ProjectFactory(lead_org=sv.unit)
        services.notice_issue(actor=sv.office, project=project, unit=sv.unit, text="请整改。", deadline=later())
    cache.clear()
    with django_assert_max_num_queries(len(one)):
        response = client.get("/supervision/notices/")
    assert len(response.context["object_list"]) == 30


@pytest.mark.parametrize("text", ["长" * 2001, "含\x00空字符", "   "], ids=["huge", "nul", "blank"])
def test_hostile_input_to_a_step_is_a_form_error(client, sv, notice, text):
    as_user(client, sv.liaison)
    response = step(client, notice, "answer", text=text)
    assert response.status_code == 400
    assert response.context["step_forms"][1][1].errors["text"]
    assert Notice.objects.get(pk=notice.pk).status == NoticeStatus.ISSUED
