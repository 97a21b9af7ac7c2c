"""The cast of the supervision pages' tests: a project of ``unit`` and a proposal assigned to it with an issued
class-B reply; the office, the committee, a leader, the unit's liaison and another unit's liaison."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from accounts.choices import RegionLevel
from accounts.models import Organization, Region, User
from proposals.choices import ProposalStatus
from proposals.models import ResultClass
from supervision import services
from tests.factories import ProjectFactory, ProposalFactory, SessionFactory, issue_reply
from tests.proposals.course import Course


def later(days=10) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def sv(db, unit, other_unit, liaison, signer, other_liaison, office_user, leader, committee_user):
    """Everyone in 镇海区 (supervision belongs to a region); users reloaded so that they read their unit's region."""
    province = Region.objects.create(name="浙江省", level=RegionLevel.PROVINCE, code="330000")
    city = Region.objects.create(name="宁波市", level=RegionLevel.CITY, code="330200", parent=province)
    region = Region.objects.create(name="镇海区", level=RegionLevel.COUNTY, code="330211", parent=city)
    people = [liaison, signer, other_liaison, office_user, leader, committee_user]
    Organization.all_objects.filter(pk__in={user.organization_id for user in people}).update(region=region)
    users = {user.username: User.objects.get(pk=user.pk) for user in people}
    unit.refresh_from_db()
    other_unit.refresh_from_db()
    class_b = ResultClass.objects.get_or_create(
        code="B", region=region, defaults={"name": "列入计划拟解决", "order": 2}
    )[0]
    project = ProjectFactory(code="ZH-2026-001", name="城市大脑一期", lead_org=unit)
    committee = users[committee_user.username]
    course = Course(committee=committee, result_class=class_b)
    proposal = course.bring(
        ProposalFactory(
            session=SessionFactory(region=region), title="关于推动政务数据共享的建议", proposers=["储建华", "吴建娣"]
        ),
        ProposalStatus.ASSIGNED,
        lead=unit,
    )
    reply = issue_reply(
        proposal,
        unit,
        liaison=users[liaison.username],
        signer=users[signer.username],
        result_class=class_b,
        text="已列入明年计划。",
    )
    return SimpleNamespace(
        region=region,
        unit=unit,
        other_unit=other_unit,
        liaison=users[liaison.username],
        signer=users[signer.username],
        other_liaison=users[other_liaison.username],
        office=users[office_user.username],
        leader=users[leader.username],
        committee=committee,
        project=project,
        proposal=proposal,
        reply=reply,
    )


@pytest.fixture
def notice(sv):
    return services.notice_issue(
        actor=sv.office, project=sv.project, unit=sv.unit, text="请于期限内完成设备采购并报送进展。", deadline=later()
    )


@pytest.fixture
def instruction(sv):
    return services.instruction_give(
        actor=sv.office,
        subject=sv.project,
        leader=sv.leader,
        text="要加快进度，确保年底前上线。",
        units=[sv.unit],
        due_date=later(30),
    )


@pytest.fixture
def commitment(sv):
    return services.commitment_record(
        actor=sv.committee,
        reply=sv.reply,
        text="明年6月前建成数据共享平台。",
        due_date=later(90),
        projects=[sv.project],
    )
