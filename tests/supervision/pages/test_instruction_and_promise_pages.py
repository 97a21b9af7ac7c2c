"""领导批示 and 办理承诺 through the pages: a leader's own instruction and one recorded on his behalf (代录), the unit's
report with evidence, carried out; a class-B reply's promise recorded from the proposal's page, reported, sent back
and confirmed, with the 落实率 of the list; the proposers' mobile numbers the committee keeps."""

import pytest

from attachments.models import Attachment
from supervision.choices import CommitmentStatus, InstructionStatus, Step
from supervision.models import Commitment, Instruction, ProposerContact
from tests.attachments import pictures

from .conftest import later

pytestmark = pytest.mark.django_db


def as_user(client, user):
    client.force_login(user)
    return client


def instruction_data(sv, **extra):
    return {
        "units": [sv.unit.pk],
        "text": "要倒排工期，确保年底前上线。",
        "given_on": later(0).isoformat(),
        "due_date": later(30).isoformat(),
        **extra,
    }


def test_a_leader_writes_his_own_instruction_from_the_project_page(client, sv):
    as_user(client, sv.leader)
    page = client.get(f"/projects/{sv.project.pk}/").content.decode()
    assert f"/supervision/instructions/add/?project={sv.project.pk}" in page
    form = client.get(f"/supervision/instructions/add/?project={sv.project.pk}").context["form"]
    assert "leader" not in form.fields  # his own
    response = client.post(f"/supervision/instructions/add/?project={sv.project.pk}", instruction_data(sv))
    instruction = Instruction.objects.get()
    assert response.status_code == 302 and response["Location"] == instruction.get_absolute_url()
    assert (instruction.leader, instruction.recorded_by, instruction.project) == (sv.leader, sv.leader, sv.project)
    assert "代录" not in client.get(instruction.get_absolute_url()).content.decode()


def test_staff_record_an_instruction_on_a_leaders_behalf_and_the_course_runs_to_the_end(client, sv):
    as_user(client, sv.office)
    form = client.get(f"/supervision/instructions/add/?project={sv.project.pk}").context["form"]
    assert list(form.fields["leader"].queryset) == [sv.leader]
    assert client.post(f"/supervision/instructions/add/?project={sv.project.pk}", instruction_data(sv)).status_code == (
        400
    )  # the leader must be named
    response = client.post(
        f"/supervision/instructions/add/?project={sv.project.pk}", instruction_data(sv, leader=sv.leader.pk)
    )
    instruction = Instruction.objects.get()
    assert response.status_code == 302
    page = client.get(instruction.get_absolute_url())
    # 代录: the leader's name, and who recorded it for him.
    assert f"{sv.leader.display_name} （代录：{sv.office.display_name}）" in page.content.decode()
    assert [s.slug for s, _form in page.context["step_forms"]] == ["carry-out"]

    as_user(client, sv.liaison)
    page = client.get(instruction.get_absolute_url())
    assert [s.slug for s, _form in page.context["step_forms"]] == ["report"]
    response = client.post(
        f"/supervision/instructions/{instruction.pk}/report/",
        {"report-text": "已倒排工期，每周调度。", "report-files": [pictures.photo(2)]},
    )
    assert response.status_code == 302
    assert Attachment.objects.filter(instruction=instruction).count() == 1
    refused = client.post(f"/supervision/instructions/{instruction.pk}/carry-out/")
    assert refused.status_code == 403

    as_user(client, sv.office)
    assert (
        client.post(
            f"/supervision/instructions/{instruction.pk}/carry-out/", {"carry-out-note": "已落实。"}
        ).status_code
        == 302
    )
    instruction.refresh_from_db()
    assert instruction.status == InstructionStatus.DONE
    assert list(instruction.events.values_list("step", flat=True)) == [Step.INSTRUCT, Step.REPORT, Step.CARRY_OUT]
    again = client.post(f"/supervision/instructions/{instruction.pk}/carry-out/")
    assert again.status_code == 409

    as_user(client, sv.other_liaison)
    assert client.get(instruction.get_absolute_url()).status_code == 404
    assert list(client.get("/supervision/instructions/").context["object_list"]) == []


def test_an_instruction_on_a_notice(client, sv, notice):
    as_user(client, sv.leader)
    assert (
        f"/supervision/instructions/add/?notice={notice.pk}" in client.get(notice.get_absolute_url()).content.decode()
    )
    response = client.post(f"/supervision/instructions/add/?notice={notice.pk}", instruction_data(sv))
    assert response.status_code == 302
    assert Instruction.objects.get().notice == notice
    assert "instruction-leader" not in client.get(notice.get_absolute_url()).content.decode()
    assert Instruction.objects.get().get_absolute_url() in client.get(notice.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    "extra",
    [{"units": ["abc"]}, {"units": [999999]}, {"text": "x" * 2001}, {"due_date": "2999-01-01"}, {"given_on": ""}],
    ids=["unit-not-a-number", "unit-missing", "huge", "far", "no-date"],
)
def test_hostile_input_to_the_instruction_form(client, sv, extra):
    as_user(client, sv.leader)
    response = client.post(f"/supervision/instructions/add/?project={sv.project.pk}", instruction_data(sv, **extra))
    assert response.status_code == 400
    assert not Instruction.objects.exists()


def test_a_promise_from_the_proposal_page_to_its_confirmation(client, sv, set_today):
    as_user(client, sv.liaison)
    page = client.get(f"/proposals/{sv.proposal.pk}/").content.decode()
    assert f"/supervision/promises/add/?reply={sv.reply.pk}" in page
    form = client.get(f"/supervision/promises/add/?reply={sv.reply.pk}").context["form"]
    assert sv.project in form.fields["projects"].queryset
    response = client.post(
        f"/supervision/promises/add/?reply={sv.reply.pk}",
        {"text": "明年6月前建成数据共享平台。", "due_date": later(120).isoformat(), "projects": [sv.project.pk]},
    )
    commitment = Commitment.objects.get()
    assert response.status_code == 302 and response["Location"] == commitment.get_absolute_url()
    assert list(commitment.projects.all()) == [sv.project]

    page = client.get(commitment.get_absolute_url())
    assert [s.slug for s, _form in page.context["step_forms"]] == ["report"]
    assert (
        client.post(f"/supervision/promises/{commitment.pk}/report/", {"report-text": "平台已建成。"}).status_code
        == 302
    )

    as_user(client, sv.committee)
    page = client.get(commitment.get_absolute_url())
    assert [s.slug for s, _form in page.context["step_forms"]] == ["confirm", "return"]
    assert client.post(f"/supervision/promises/{commitment.pk}/return/").status_code == 400  # no reason
    assert (
        client.post(f"/supervision/promises/{commitment.pk}/return/", {"return-reason": "请附验收报告。"}).status_code
        == 302
    )
    assert Commitment.objects.get().status == CommitmentStatus.OPEN
    as_user(client, sv.liaison)
    client.post(f"/supervision/promises/{commitment.pk}/report/", {"report-text": "已附验收报告。"})
    as_user(client, sv.committee)
    assert client.post(f"/supervision/promises/{commitment.pk}/confirm/").status_code == 302
    assert Commitment.objects.get().status == CommitmentStatus.FULFILLED
    assert client.post(f"/supervision/promises/{commitment.pk}/confirm/").status_code == 409

    # 落实率: of the promises whose date has come, the share confirmed fulfilled.
    set_today(later(200))
    as_user(client, sv.committee)
    figures = client.get("/supervision/promises/").context["figures"]
    assert (figures["due"], figures["fulfilled_due"], figures["rate"]) == (1, 1, 100.0)


def test_the_figures_count_the_rows_the_filters_choose(client, sv, commitment, set_today):
    set_today(later(100))
    as_user(client, sv.committee)
    response = client.get("/supervision/promises/")
    assert list(response.context["object_list"]) == [commitment]
    assert (response.context["figures"]["overdue"], response.context["figures"]["rate"]) == (1, 0.0)
    response = client.get("/supervision/promises/?status=fulfilled")
    assert list(response.context["object_list"]) == [] and response.context["figures"]["recorded"] == 0


def test_who_may_record_a_promise(client, sv, commitment):
    for user, status in ((sv.office, 403), (sv.leader, 403), (sv.other_liaison, 403), (sv.committee, 200)):
        as_user(client, user)
        assert client.get(f"/supervision/promises/add/?reply={sv.reply.pk}").status_code == status, user
    for query in ("reply=abc", "reply=999999", ""):
        assert client.get(f"/supervision/promises/add/?{query}").status_code == 404
    as_user(client, sv.other_liaison)
    assert client.get(commitment.get_absolute_url()).status_code == 404


def test_the_committee_keeps_the_proposers_mobile_numbers(client, sv, commitment):
    as_user(client, sv.committee)
    commitment_page = client.get(commitment.get_absolute_url()).content.decode()
    contacts_url = f"/supervision/promises/{commitment.pk}/contacts/"
    assert contacts_url in commitment_page
    page = client.get(contacts_url)
    proposers = list(page.context["form"].fields["proposer"].queryset)
    assert [p.name for p in proposers] == sorted(["储建华", "吴建娣"])
    response = client.post(
        contacts_url, {"proposer": proposers[0].pk, "mobile": "13812341234", "consent_on": later(0).isoformat()}
    )
    assert response.status_code == 302
    assert ProposerContact.objects.get().mobile == "13812341234"
    page = client.get(contacts_url).content.decode()
    assert "138****1234" in page and "13812341234" not in page
    for mobile in ("12812341234", "1381234123", "1381234123x", "138123412345"):
        assert client.post(contacts_url, {"proposer": proposers[0].pk, "mobile": mobile}).status_code == 400
    assert (
        client.post(
            contacts_url, {"proposer": proposers[0].pk, "mobile": "13812341234", "consent_on": later(5)}
        ).status_code
        == 400
    )
    for user in (sv.liaison, sv.office, sv.leader):
        as_user(client, user)
        assert client.get(contacts_url).status_code == 403
