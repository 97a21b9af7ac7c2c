"""A small world for supervision's tests: a project and a proposal of one unit, the office, the committee, a leader,
the unit's liaison and signer, and another unit with its liaison."""

import datetime
from types import SimpleNamespace

from django.utils import timezone

from accounts.choices import Role
from proposals.choices import ProposalStatus
from proposals.models import ResultClass

from ..factories import OrganizationFactory, ProjectFactory, ProposalFactory, UserFactory, unit_user
from ..proposals.course import Course


def build_world() -> SimpleNamespace:
    unit = OrganizationFactory(name="镇海区经济和信息化局", short_name="区经信局")
    other_unit = OrganizationFactory(name="镇海区水利局", short_name="区水利局")
    office = UserFactory(username="office-staff", organization=OrganizationFactory(name="区智慧办"), role=Role.OFFICE)
    committee = UserFactory(
        username="committee", organization=OrganizationFactory(name="区政协提案委"), role=Role.COMMITTEE
    )
    leader = UserFactory(
        username="leader", organization=OrganizationFactory(name="区领导"), role=Role.LEADER, last_name="王"
    )
    liaison = unit_user(unit, Role.LIAISON)
    signer = unit_user(unit, Role.SIGNER)
    other_liaison = unit_user(other_unit, Role.LIAISON)
    project = ProjectFactory(lead_org=unit, code="ZH-01", name="城市大脑")
    class_b = ResultClass.objects.get_or_create(code="B", defaults={"name": "列入计划拟解决", "order": 2})[0]
    course = Course(committee=committee, result_class=class_b, liaison=liaison, signer=signer)
    proposal = course.bring(ProposalFactory(proposers=["储建华"]), ProposalStatus.ASSIGNED, lead=unit)
    return SimpleNamespace(
        unit=unit,
        other_unit=other_unit,
        office=office,
        committee=committee,
        leader=leader,
        liaison=liaison,
        signer=signer,
        other_liaison=other_liaison,
        project=project,
        proposal=proposal,
        course=course,
        class_b=class_b,
        today=timezone.localdate(),
        in_days=lambda days: timezone.localdate() + datetime.timedelta(days=days),
    )
