"""The demo proposals: the documents' three proposals as they are, generated ones in every status laid out relative
to the day the demo loads, driven through the workflow services, idempotent."""

import datetime
import io
import re
from collections import Counter

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.choices import Role
from accounts.models import Organization, Region, User
from attachments.models import Attachment
from attachments.selectors import attachments_of
from common.exceptions import ActionForbidden
from projects.demo import loader as portfolio
from projects.models import Project
from proposals import services
from proposals.choices import AssignmentRole, ProposalMove, ProposalStatus, Satisfaction
from proposals.demo import loader as demo
from proposals.models import Assignment, Category, Event, Feedback, Proposal, Proposer, Reply, ResultClass, Session
from proposals.querysets import handling_units
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 5, 20)
LIAISON_UNIT = "镇海区经济和信息化局"


def load(today=TODAY, create_accounts=True):
    portfolio.load(today=today, create_accounts=create_accounts)
    return demo.load(today=today, create_accounts=create_accounts)


@pytest.fixture(scope="class")
def loaded(django_db_setup, django_db_blocker):
    """The demo, loaded once for the class in a transaction rolled back after its last test; each test runs in a
    savepoint inside it (pytest-django's own), so what a test writes is undone too."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield load()
        transaction.set_rollback(True)


def seed(number: str) -> Proposal:
    return Proposal.objects.prefetch_related("signatures__proposer", "replies__unit", "assignments__unit").get(
        number=number, session__year__lte=2015
    )


def snapshot():
    """Everything the loader writes, without ids and timestamps."""
    return {
        "proposals": sorted(
            Proposal.objects.values_list(
                "session__name", "number", "title", "status", "round", "submitted_on", "due_date", "is_key"
            )
        ),
        "assignments": sorted(
            Assignment.objects.values_list(
                "proposal__number", "unit__name", "role", "assigned_on", "due_date", "opinion_on"
            )
        ),
        "replies": sorted(
            Reply.objects.values_list("proposal__number", "unit__name", "round", "issued_on", "doc_number", "cc")
        ),
        "feedback": sorted(Feedback.objects.values_list("proposal__number", "proposer__name", "round", "given_on")),
        "events": sorted(Event.objects.values_list("proposal__number", "move", "from_status", "to_status", "at")),
    }


def test_loading_twice_gives_the_same_data():
    first_result = load()
    assert first_result.created["proposals"] == Proposal.objects.count() >= 40
    first = snapshot()
    again = demo.load(today=TODAY, create_accounts=True)
    assert again.created == {}
    assert snapshot() == first


COMMITTEES = {"镇海区": "committee", "东莞市": "dg-committee"}
CATEGORIES = {"经济建设", "城市建设与管理", "科教文卫", "社会事业与民生", "政治法律", "农业农村", "其他"}


def test_without_demo_accounts_no_account_is_left_behind():
    load(create_accounts=False)
    assert not User.objects.exists()
    assert set(Proposal.objects.values_list("status", flat=True)) == set(ProposalStatus.values)
    assert not Event.objects.filter(actor__isnull=False).exists()


@pytest.mark.parametrize(
    "day", [datetime.date(2026, 1, 20), datetime.date(2027, 2, 9), timezone.localdate()], ids=["jan", "feb", "today"]
)
def test_every_status_whatever_the_day(day):
    load(today=day, create_accounts=False)
    assert set(Proposal.objects.values_list("status", flat=True)) == set(ProposalStatus.values)
    assert Proposal.objects.with_figures(day).filter(overdue=True).count() >= 3
    sessions = set(Proposal.objects.filter(session__year__gt=2015).values_list("session__year", flat=True))
    assert len(sessions) == 2
    last = Event.objects.order_by("-at").first().at
    assert timezone.localtime(last).date() < day


def test_loading_again_after_archiving_demo_rows():
    """`make run` after a unit, a project and a proposal of the demo were archived: archived rows count as existing,
    so loading adds nothing and does not trip over their unique names (it did: a second 区经信局 was refused)."""
    from django.core.management import call_command

    from projects import services as portfolio_services
    from proposals import services

    load(create_accounts=False)
    unit = Organization.objects.get(name="东莞市发展和改革局")
    # Each region's own staff: Dongguan's office archives Dongguan's unit, Zhenhai's committee its proposal.
    office = UserFactory(organization=Organization.objects.get(short_name="东莞市智慧办"), role=Role.OFFICE)
    for project in Project.objects.filter(lead_org=unit):
        portfolio_services.archive(actor=office, obj=project)
    portfolio_services.archive(actor=office, obj=unit)
    submitted = Proposal.objects.filter(status=ProposalStatus.SUBMITTED).select_related("session__region").first()
    committee = UserFactory(organization=submitted.session.region.cppcc, role=Role.COMMITTEE)
    services.proposal_archive(actor=committee, proposal=submitted)
    before = snapshot()

    again = load(create_accounts=False)
    assert again.created == {}
    assert snapshot() == before
    call_command("load_demo", "--today", TODAY.isoformat(), stdout=io.StringIO())
    assert not Organization.objects.filter(name="东莞市发展和改革局").exists()
    assert Organization.all_objects.filter(name="东莞市发展和改革局").count() == 1


class TestTheLoadedDemo:
    """What the demo holds once loaded: loaded once for the class (``loaded``), each test in its own savepoint."""

    def test_every_status_with_its_details(self, loaded):
        statuses = Counter(Proposal.objects.values_list("status", flat=True))
        assert set(statuses) == set(ProposalStatus.values)
        assert all(
            reason for reason in Proposal.objects.filter(status="not_filed").values_list("not_filed_reason", flat=True)
        )
        merged = Proposal.objects.filter(status=ProposalStatus.MERGED)
        assert merged.count() == 2 and all(proposal.merged_into_id for proposal in merged)
        assert {p.merged_into.status for p in merged} == {ProposalStatus.CLOSED, ProposalStatus.ASSIGNED}
        assert set(Reply.objects.values_list("result_class__code", flat=True)) == {"A", "B", "C"}
        assert set(Feedback.objects.values_list("satisfaction", flat=True)) == set(Satisfaction.values)
        assert Reply.objects.filter(is_public=True).count() >= 5
        assert Assignment.objects.filter(role=AssignmentRole.SEPARATE).exists()
        assert Assignment.objects.exclude(extension_reason="").exists()
        # A second handling round: one still open, one closed after the second reply.
        assert Proposal.objects.filter(status=ProposalStatus.REHANDLING, round=2).count() == 2
        assert Reply.objects.filter(round=2, proposal__status=ProposalStatus.CLOSED).exists()
        generated = Reply.objects.issued().exclude(doc_number="")
        assert generated.exists() and all(re.fullmatch(r"\w+〔\d{4}〕\d+号", r.doc_number) for r in generated)
        assert all(
            r.signer and r.contact_person and r.contact_phone and r.cc.startswith("区政协提案委") for r in generated
        )
        # Proposals are linked to the portfolio projects their replies promise.
        assert Proposal.objects.filter(related_projects__isnull=False).distinct().count() >= 35
        assert Project.objects.get(code="ZH-PILOT-09").proposals.count() >= 2

    def test_two_current_sessions_and_the_documents_sessions(self, loaded):
        years = Counter(Proposal.objects.values_list("session__year", flat=True))
        assert years[TODAY.year] >= 10 and years[TODAY.year - 1] >= 5
        assert years[2014] == 1 and years[2015] == 2
        assert Session.objects.filter(name="镇海区政协十一届四次会议", year=2015).exists()
        numbers = Proposal.objects.filter(session__year=TODAY.year).values_list("number", flat=True)
        assert len(set(numbers)) == len(numbers)

    def test_the_documents_three_proposals_as_written(self, loaded):
        # Seed 000: 第27号, 储建华委员, answered by 镇海区经信局 on 2015-05-04.
        proposal = seed("27")
        assert proposal.title == "关于推动智慧城市建设的建议"
        assert proposal.session.name == "镇海区政协十一届四次会议"
        assert proposal.proposer_names == "储建华"
        assert proposal.status == ProposalStatus.CLOSED
        (reply,) = proposal.replies.all()
        assert reply.unit.name == LIAISON_UNIT and reply.unit.short_name == "区经信局"
        assert reply.issued_on == datetime.date(2015, 5, 4)
        assert reply.text.startswith("你“关于推动智慧城市建设的建议”的提案已收悉")
        assert "整个建设任务已完成80%" in reply.text
        assert reply.is_public
        assert proposal.related_projects.filter(code="ZH-PILOT-09", name="智慧水务").exists()
        assert proposal.related_projects.filter(code="ZH-PILOT-10").exists()  # 工业经济数据库
        (assignment,) = proposal.assignments.all()
        assert (assignment.role, assignment.unit.short_name) == (AssignmentRole.LEAD, "区经信局")

        # Seed 001: 吴建娣委员, answered by the district government office on 2014-04-25, with its copy and contact
        # lines.
        proposal = Proposal.objects.get(title="关于加快“智慧镇海”业务系统数字化建设的建议")
        assert proposal.session.year == 2014
        assert proposal.proposer_names == "吴建娣"
        (reply,) = proposal.replies.all()
        assert reply.unit.name == "宁波市镇海区人民政府办公室"
        assert reply.issued_on == datetime.date(2014, 4, 25)
        assert reply.cc == "区政协提案委、蛟川街道政协工作联络委、区经信局"
        assert (reply.contact_person, reply.contact_phone) == ("毛日旭", "86270098")
        assert "五大基础数据库" in reply.text
        codes = set(proposal.related_projects.values_list("code", flat=True))
        assert {"ZH-PILOT-11", "ZH-PILOT-12", "ZH-PILOT-13", "ZH-PILOT-14"} <= codes

        # Seed 003: 案号 20150133 of 民革市委会, answered by 东莞市发展和改革局 and published, 0 for and 0 against.
        proposal = seed("20150133")
        assert proposal.title == "加强智慧城市建设过程中顶层设计、投资运营管理及信息资源整合的建议"
        assert proposal.proposer_names == "民革市委会"
        assert proposal.lead_proposer.kind == "organization"
        (reply,) = proposal.replies.all()
        assert reply.unit.name == "东莞市发展和改革局"
        assert reply.is_public and (reply.support_count, reply.oppose_count) == (0, 0)
        assert "新建4G基站7400余座" in reply.text
        assert Reply.objects.published().filter(pk=reply.pk).exists()

    def test_the_liaisons_unit_has_work_waiting(self, loaded):
        unit = Organization.objects.get(name=LIAISON_UNIT)
        assert User.objects.get(username="liaison").organization == unit
        inbox = Assignment.objects.with_state(TODAY).filter(unit=unit, pending=True).select_related("proposal")
        lead_waiting = [
            a for a in inbox if a.role == AssignmentRole.LEAD and a.proposal.status == ProposalStatus.ASSIGNED
        ]
        assert any(not a.overdue for a in lead_waiting)
        assert any(a.overdue for a in lead_waiting)
        assert any(a.role == AssignmentRole.CO and a.opinion_on is None for a in inbox)
        rehandling = [a for a in inbox if a.proposal.status == ProposalStatus.REHANDLING]
        assert rehandling and rehandling[0].proposal.round == 2 and not rehandling[0].has_replied
        assert any(0 <= a.days_left <= 7 for a in inbox)
        # Its replies are drafted by the liaison and signed off by the unit's signer.
        issued = Reply.objects.issued().filter(unit=unit)
        assert issued.exists()
        assert all(r.created_by.username == "liaison" and r.signed_off_by.username == "signer" for r in issued)
        assert not issued.filter(on_behalf=True).exists()

    def test_the_signer_has_a_draft_to_sign_off(self, loaded):
        signer = User.objects.get(username="signer")
        assert (signer.organization.name, signer.display_name, set(signer.roles)) == (
            LIAISON_UNIT,
            "应国平",
            {"signer"},
        )
        (draft,) = Reply.objects.drafts()
        assert (draft.unit, draft.status, draft.created_by.username) == (signer.organization, "draft", "liaison")
        assert draft.proposal.status == ProposalStatus.ASSIGNED
        assert ProposalMove.REPLY in services.available_moves(signer, draft.proposal)
        # The co-handling unit's opinion has not come in: the signer is warned.
        assert services.sign_off_warnings(draft)

    def test_each_cppcc_keeps_its_own(self, loaded):
        """镇海区政协's sessions, categories, result classes and proposers are 镇海区's, 东莞市政协's 东莞市's; every
        proposal's category, proposers, units and result classes are its session's CPPCC's."""
        sessions = dict(Session.objects.values_list("name", "region__name"))
        assert sessions.pop("东莞市政协十二届四次会议") == "东莞市"
        assert set(sessions.values()) == {"镇海区"} and len(sessions) == 4
        for region in COMMITTEES:
            assert set(Category.objects.filter(region__name=region).values_list("name", flat=True)) == CATEGORIES
            assert set(ResultClass.objects.filter(region__name=region).values_list("code", flat=True)) == {
                "A",
                "B",
                "C",
            }
        proposers = dict(Proposer.objects.values_list("name", "region__name"))
        assert proposers.pop("民革市委会") == "东莞市" and set(proposers.values()) == {"镇海区"}
        proposals = Proposal.objects.select_related("session", "category").prefetch_related(
            "signatures__proposer", "assignments__unit", "replies__result_class"
        )
        for proposal in proposals:
            region = proposal.session.region_id
            assert proposal.category.region_id == region, proposal.number
            assert {signature.proposer.region_id for signature in proposal.signatures.all()} == {region}
            assert {assignment.unit.region_id for assignment in proposal.assignments.all()} <= {region}
            assert {reply.result_class.region_id for reply in proposal.replies.all()} <= {region}

    def test_each_account_reads_and_acts_on_its_own_cppccs_proposals(self, loaded, client):
        """committee acts on 镇海区政协's proposals, dg-committee on 东莞市政协's; office (宁波市, above 镇海区) reads
        镇海区's, dongguan reads 东莞市's; nobody sees the other CPPCC's."""
        zhenhai, dongguan = seed("27"), seed("20150133")
        for username, own, other in [
            ("committee", zhenhai, dongguan),
            ("dg-committee", dongguan, zhenhai),
            ("office", zhenhai, dongguan),
            ("dongguan", dongguan, zhenhai),
        ]:
            user = User.objects.get(username=username)
            numbers = set(user.scope(Proposal.objects.all()).values_list("number", flat=True))
            assert own.number in numbers and other.number not in numbers, username
            client.force_login(user)
            assert client.get(f"/proposals/{own.pk}/", HTTP_HOST="127.0.0.1").status_code == 200, username
            assert client.get(f"/proposals/{other.pk}/", HTTP_HOST="127.0.0.1").status_code == 404, username
        assert Proposal.objects.filter(session__region__name="镇海区").count() >= 40
        # The committee takes its own CPPCC's steps: 镇海区's open proposals offer it moves, 东莞市's reply it
        # withdraws.
        committee, dg_committee = User.objects.get(username="committee"), User.objects.get(username="dg-committee")
        filed = Proposal.objects.filter(status=ProposalStatus.FILED).first()
        assert ProposalMove.ASSIGN in services.available_moves(committee, filed)
        assert services.available_moves(dg_committee, filed) == []
        (reply,) = dongguan.replies.all()
        with pytest.raises(ActionForbidden):
            services.reply_withdraw(actor=committee, reply=reply)
        assert not services.reply_withdraw(actor=dg_committee, reply=reply).is_public

    def test_units_without_accounts_answered_on_paper(self, loaded):
        recorded = Reply.objects.issued().exclude(unit__name=LIAISON_UNIT).select_related("proposal__session__region")
        assert recorded.count() >= 15
        # Recorded by the committee of the proposal's own CPPCC.
        assert all(
            r.on_behalf and r.signed_off_by.username == COMMITTEES[r.proposal.session.region.name] for r in recorded
        )
        # Published by the committee, each with its step on the timeline.
        published = Reply.objects.filter(is_public=True).select_related("proposal__session__region")
        assert published.count() >= 5
        for reply in published:
            committee = COMMITTEES[reply.proposal.session.region.name]
            assert reply.proposal.events.filter(move=ProposalMove.PUBLISH_REPLY, actor__username=committee).exists()

    def test_overdue_nearly_due_and_key_proposals(self, loaded):
        figures = Proposal.objects.with_figures(TODAY)
        overdue = figures.filter(overdue=True)
        assert overdue.count() >= 3
        assert overdue.filter(status=ProposalStatus.REHANDLING).exists()
        assert figures.filter(days_left__gte=0, days_left__lte=7).count() >= 2
        key = Proposal.objects.filter(is_key=True)
        assert key.count() >= 4 and all(p.supervising_leader for p in key)
        assert key.filter(status__in=ProposalStatus.awaiting_reply()).exists()

    def test_timeline_is_consistent_and_never_in_the_future(self, loaded):
        end_of_day = timezone.make_aware(datetime.datetime.combine(TODAY, datetime.time.max))
        events = Counter(Event.objects.values_list("proposal_id", flat=True))
        for proposal in Proposal.objects.all():
            timeline = list(proposal.events.order_by("pk"))
            assert timeline, proposal.number
            assert [e.at for e in timeline] == sorted(e.at for e in timeline), proposal.number
            assert timeline[0].move == ProposalMove.SUBMIT
            status = ""
            for event in timeline:
                assert event.from_status == status, (proposal.number, event.move)
                status = event.to_status
            assert status == proposal.status
            assert timeline[-1].at <= end_of_day
            assert timezone.localtime(timeline[0].at).date() == proposal.submitted_on
            assert events[proposal.pk] == len(timeline)
        assert Event.objects.filter(at__gt=end_of_day).count() == 0
        assert not Proposal.objects.filter(submitted_on__gt=TODAY).exists()
        assert not Assignment.objects.filter(assigned_on__gt=TODAY).exists()
        assert not Assignment.objects.filter(opinion_on__gt=TODAY).exists()
        assert not Reply.objects.filter(issued_on__gt=TODAY).exists()
        assert not Reply.objects.filter(signed_off_on__gt=TODAY).exists()
        assert not Feedback.objects.filter(given_on__gt=TODAY).exists()
        # Each reply is issued the day its event happened, signed off in the system or recorded on the unit's behalf;
        # its letter is dated that day.
        issuing = [ProposalMove.REPLY, ProposalMove.RECORD_REPLY]
        for reply in Reply.objects.issued():
            assert reply.issued_on == reply.signed_off_on == timezone.localtime(reply.signed_off_at).date()
            assert Event.objects.filter(
                proposal=reply.proposal, move__in=issuing, at__date=reply.signed_off_on
            ).exists(), reply.proposal.number

    def test_each_committees_list_of_handling_units(self, loaded):
        zhenhai = set(handling_units(Region.objects.get(name="镇海区")).values_list("short_name", flat=True))
        assert {"区经信局", "区府办", "镇海供电公司", "电信镇海分公司"} <= zhenhai
        assert not {"区政协提案委", "宁波供电公司", "市经信委", "东莞发改局"} & zhenhai
        dongguan = set(handling_units(Region.objects.get(name="东莞市")).values_list("short_name", flat=True))
        assert {"东莞发改局", "东城街道", "中国电信东莞分公司"} <= dongguan
        assert not {"民革市委会", "东莞市政协提案委", "中国移动东莞分公司", "区经信局"} & dongguan
        assert Organization.objects.get(short_name="民革市委会").kind == "party"
        # A rehandling round is a new round, not an extension: the demo's second rounds show no "extended from".
        for proposal in Proposal.objects.filter(round=2):
            assert all(not a.is_extended for a in proposal.assignments.all()), proposal.number

    def test_the_letters_pdfs_are_left_to_their_first_reader(self, loaded):
        """Loading prints no letter (WeasyPrint would double the load's time): each issued reply's PDF is due, made
        by ``make_letter_pdfs`` or when its files are first listed."""
        issued = Reply.objects.issued()
        assert issued.count() >= 20 and all(reply.letter_pdf_pending for reply in issued)
        assert not Attachment.objects.exists()
        reply = seed("27").replies.get()
        [letter] = attachments_of(reply)
        assert letter.name == "27号提案答复函.pdf" and letter.uploaded_by == reply.signed_off_by
        assert Reply.objects.filter(letter_pdf_pending=True).count() == issued.count() - 1
