"""The proposals import (提案办理台账 read back): it registers and corrects proposals, and never takes a step that is
someone else's. A ledger exported after handling carries 承办单位, 状态, 办理结果, 满意度 and 答复日期: imported back,
they assign no unit (not even one off the committee's list), issue, publish or date no reply, move no status."""

import csv
import io

import pytest
from django.urls import reverse

from proposals import services
from proposals.choices import ProposalStatus
from proposals.models import Assignment, Event, Proposal, Reply

from ..factories import OrganizationFactory, ProposalFactory, SessionFactory

pytestmark = pytest.mark.django_db

HEADERS = ["届次", "编号", "标题", "提案人", "提交日期", "承办单位", "状态", "办理结果", "满意度", "答复日期", "公开"]


def csv_file(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    file = io.BytesIO(buffer.getvalue().encode("utf-8-sig"))
    file.name = "提案台账.csv"
    return file


def import_rows(client, rows):
    response = client.post(reverse("import", args=["proposals"]), {"file": csv_file(rows)})
    assert response.status_code == 200
    assert not response.context["outcome"].errors, response.context["outcome"].errors
    token = response.context["token"]
    return client.post(reverse("import", args=["proposals"]), {"token": token, "confirm": "1"})


def test_the_handling_columns_are_never_imported(client, committee_user, unit):
    session = SessionFactory()
    party = OrganizationFactory(name="中国国民党革命委员会东莞市委员会", short_name="民革市委会", kind="party")
    assigned = ProposalFactory(session=session, number="001", title="关于智慧停车的建议")
    services.proposal_file(actor=committee_user, proposal=assigned)
    services.proposal_assign(actor=committee_user, proposal=assigned, lead_unit=unit)
    handling = ["民革市委会（主办）", "已办结", "A类 解决或采纳", "满意", "1990-01-01", "是"]
    rows = [
        [session.name, "001", "关于智慧停车的建议（修订）", "储建华", "2026-01-12", *handling],
        [session.name, "002", "关于智慧养老的建议", "吴建娣", "2026-01-13", *handling],
    ]
    client.force_login(committee_user)
    events = Event.objects.count()

    assert import_rows(client, rows).status_code == 302

    assigned.refresh_from_db()
    new = Proposal.objects.get(session=session, number="002")
    assert assigned.title == "关于智慧停车的建议（修订）"  # the proposal's own data is corrected
    assert (assigned.status, new.status) == (ProposalStatus.ASSIGNED, ProposalStatus.SUBMITTED)
    assert list(Assignment.objects.values_list("proposal", "unit")) == [(assigned.pk, unit.pk)]
    assert not Assignment.objects.filter(unit=party).exists()
    assert not Reply.objects.exists()
    # One step only: the new proposal's submission.
    assert list(Event.objects.order_by("pk").values_list("move", flat=True)[events:]) == ["submit"]
