"""A deployment of one city and its districts for the key-project lists' tests: 浙江省 (no office) → 宁波市 (the city's
智慧办) → 镇海区 and 象山县 (each with its 智慧办) and 杭州湾新区 (no office); 东莞市 elsewhere with its own office.
Each district leads projects of its own; the city leads one too."""

import datetime
from types import SimpleNamespace

from accounts.choices import OrganizationKind, RegionLevel, Role
from accounts.models import Region
from projects.choices import ProjectStatus
from tests.factories import OrganizationFactory, ProjectFactory, UserFactory

YEAR = 2026


def region(name, level, code="", parent=None, office=None) -> Region:
    place = Region.objects.create(name=name, level=level, code=code, parent=parent)
    if office:
        place.office = OrganizationFactory(name=office, kind=OrganizationKind.DEPARTMENT, region=place)
        place.save(update_fields=["office"])
    return place


def build() -> SimpleNamespace:
    w = SimpleNamespace()
    zhejiang = region("浙江省", RegionLevel.PROVINCE, "330000")
    w.ningbo = region("宁波市", RegionLevel.CITY, "330200", zhejiang, office="宁波市智慧办")
    w.zhenhai = region("镇海区", RegionLevel.COUNTY, "330211", w.ningbo, office="镇海区智慧办")
    w.xiangshan = region("象山县", RegionLevel.COUNTY, "330225", w.ningbo, office="象山县智慧办")
    w.zone = region("杭州湾新区", RegionLevel.ZONE, "", w.ningbo)
    guangdong = region("广东省", RegionLevel.PROVINCE, "440000")
    w.dongguan = region("东莞市", RegionLevel.CITY, "441900", guangdong, office="东莞市智慧办")

    def office(place, username):
        return UserFactory(username=username, organization=place.office, role=Role.OFFICE, last_name=username)

    w.city_office = office(w.ningbo, "ningbo-office")
    w.zhenhai_office = office(w.zhenhai, "zhenhai-office")
    w.xiangshan_office = office(w.xiangshan, "xiangshan-office")
    w.dongguan_office = office(w.dongguan, "dongguan-office")
    w.province_office = UserFactory(
        username="zhejiang-office", organization=OrganizationFactory(region=zhejiang), role=Role.OFFICE
    )
    w.zhenhai_unit = OrganizationFactory(name="镇海区经济和信息化局", region=w.zhenhai)
    w.liaison = UserFactory(username="zhenhai-liaison", organization=w.zhenhai_unit, role=Role.LIAISON)
    w.leader = UserFactory(
        username="ningbo-leader", organization=OrganizationFactory(region=w.ningbo), role=Role.LEADER
    )

    w.zhenhai_project = ProjectFactory(code="ZH-01", lead_org=w.zhenhai_unit)
    w.zhenhai_cancelled = ProjectFactory(code="ZH-02", lead_org=w.zhenhai_unit, status=ProjectStatus.CANCELLED)
    w.zhenhai_later = ProjectFactory(
        code="ZH-03",
        lead_org=w.zhenhai_unit,
        planned_start=datetime.date(YEAR + 3, 1, 1),
        planned_end=datetime.date(YEAR + 3, 12, 31),
    )
    w.city_project = ProjectFactory(code="NB-01", lead_org=OrganizationFactory(name="宁波市经信局", region=w.ningbo))
    w.xiangshan_project = ProjectFactory(
        code="XS-01", lead_org=OrganizationFactory(name="象山县经信局", region=w.xiangshan)
    )
    return w
