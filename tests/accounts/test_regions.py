"""Regions (行政区划): the tree of province → city → district or county, zones under their city, each with its GB/T
2260 code where it has one; units belong to a region, and a region's filter takes in every region under it."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.choices import OrganizationKind, RegionLevel, Role
from accounts.demo import loader as region_demo
from accounts.models import Organization, Region
from projects.demo import loader as portfolio_demo
from proposals.demo import loader as proposals_demo
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    zhejiang = Region.objects.create(name="浙江省", level=RegionLevel.PROVINCE, code="330000")
    ningbo = Region.objects.create(name="宁波市", level=RegionLevel.CITY, code="330200", parent=zhejiang)
    zhenhai = Region.objects.create(name="镇海区", level=RegionLevel.COUNTY, code="330211", parent=ningbo)
    zone = Region.objects.create(name="杭州湾新区", level=RegionLevel.ZONE, parent=ningbo)
    guangdong = Region.objects.create(name="广东省", level=RegionLevel.PROVINCE, code="440000")
    dongguan = Region.objects.create(name="东莞市", level=RegionLevel.CITY, code="441900", parent=guangdong)
    return {"zhejiang": zhejiang, "ningbo": ningbo, "zhenhai": zhenhai, "zone": zone, "dongguan": dongguan}


def test_a_region_takes_in_every_region_under_it(tree):
    assert set(Region.objects.within(tree["zhejiang"])) == {
        tree[key] for key in ("zhejiang", "ningbo", "zhenhai", "zone")
    }
    assert set(Region.objects.within(tree["ningbo"])) == {tree["ningbo"], tree["zhenhai"], tree["zone"]}
    assert set(Region.objects.within(tree["zhenhai"])) == {tree["zhenhai"]}


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"name": "海曙区", "level": RegionLevel.COUNTY, "code": "33020", "parent": "ningbo"}, "6位数字"),
        ({"name": "海曙区", "level": RegionLevel.COUNTY, "code": "330211", "parent": "ningbo"}, "使用此区划代码"),
        ({"name": "新区", "level": RegionLevel.ZONE, "code": "330299", "parent": "ningbo"}, "开发区、新区没有区划代码"),
        ({"name": "宁波市", "level": RegionLevel.CITY, "code": "330201", "parent": "zhejiang"}, "已有同名区划"),
        ({"name": "无上级市", "level": RegionLevel.CITY, "code": "339900"}, "其他区划都须有上级区划"),
        ({"name": "江苏省", "level": RegionLevel.PROVINCE, "code": "320000", "parent": "zhejiang"}, "不能隶属于"),
    ],
)
def test_the_database_refuses_a_malformed_region(tree, fields, message):
    fields = {**fields, "parent": tree.get(fields.get("parent"))}
    with pytest.raises(ValidationError, match=message):
        Region(**fields).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Region.objects.create(**fields)


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"name": "北仑区", "level": RegionLevel.COUNTY, "code": "330206", "parent": "zhejiang"}, "parent"),
        ({"name": "某市", "level": RegionLevel.CITY, "code": "330300", "parent": "zhenhai"}, "parent"),
        ({"name": "南城街道", "level": RegionLevel.COUNTY, "code": "441901", "parent": "ningbo"}, "code"),
    ],
)
def test_a_region_sits_under_the_right_level_and_within_its_parents_code(tree, fields, field):
    with pytest.raises(ValidationError) as refused:
        Region(**{**fields, "parent": tree[fields["parent"]]}).full_clean()
    assert field in refused.value.message_dict


def test_a_region_cannot_be_moved_under_itself(tree):
    ningbo = tree["ningbo"]
    ningbo.parent = tree["zhenhai"]
    with pytest.raises(ValidationError):
        ningbo.full_clean()


def test_the_api_lists_regions_and_a_subtree_to_every_role(api, tree):
    liaison = UserFactory(role=Role.LIAISON, organization=OrganizationFactory())
    client = api.as_user(liaison)
    answer = client.get("/api/v1/regions/", {"within": tree["ningbo"].pk, "ordering": "code"})
    assert answer.status_code == 200
    rows = answer.json()["results"]
    assert [row["name"] for row in rows] == ["杭州湾新区", "宁波市", "镇海区"]
    assert {row["level"] for row in rows} == {"city", "county", "zone"}
    assert client.get("/api/v1/regions/", {"code": "441900"}).json()["results"][0]["name"] == "东莞市"
    assert client.post("/api/v1/regions/", {"name": "x"}).status_code == 403  # the superuser keeps them
    assert api.as_user(None).get("/api/v1/regions/").status_code == 401


def test_a_units_region_filter_takes_in_the_districts(api, tree):
    city_unit = OrganizationFactory(name="宁波市经信局", region=tree["ningbo"])
    district_unit = OrganizationFactory(name="镇海区经信局", region=tree["zhenhai"])
    OrganizationFactory(name="东莞市发改局", region=tree["dongguan"])
    office = UserFactory(role=Role.OFFICE, organization=city_unit)
    rows = api.as_user(office).get("/api/v1/organizations/", {"region": tree["ningbo"].pk}).json()["results"]
    assert {row["name"] for row in rows} == {city_unit.name, district_unit.name}
    assert {row["region"] for row in rows} == {tree["ningbo"].pk, tree["zhenhai"].pk}


def test_the_demo_places_every_unit_in_the_region_of_its_documents():
    portfolio_demo.load()
    assert region_demo.load().created == {}  # loaded with the portfolio, and only once
    assert not Organization.objects.filter(region__isnull=True).exists()
    zhenhai = Organization.objects.get(name="镇海区经济和信息化局").region
    assert (zhenhai.name, zhenhai.code, zhenhai.parent.name, zhenhai.parent.parent.name) == (
        "镇海区",
        "330211",
        "宁波市",
        "浙江省",
    )
    dongguan = Organization.objects.get(name="东莞市发展和改革局").region
    assert (dongguan.name, dongguan.code, dongguan.parent.name) == ("东莞市", "441900", "广东省")
    ningbo = Region.objects.get(name="宁波市")
    in_ningbo = Organization.objects.filter(region__in=Region.objects.within(ningbo))
    assert in_ningbo.filter(name__startswith="镇海区").exists()
    assert not in_ningbo.filter(name__startswith="东莞").exists()


def test_a_regions_office_and_cppcc_are_units_of_the_region_of_the_right_kind(tree):
    zhenhai, ningbo = tree["zhenhai"], tree["ningbo"]
    office = OrganizationFactory(name="镇海区智慧办", region=zhenhai, kind=OrganizationKind.DEPARTMENT)
    cppcc = OrganizationFactory(name="镇海区政协", region=zhenhai, kind=OrganizationKind.CPPCC)
    zhenhai.office, zhenhai.cppcc = office, cppcc
    zhenhai.full_clean()
    zhenhai.save()

    ningbo.office = office  # another region's unit
    with pytest.raises(ValidationError) as refused:
        ningbo.full_clean()
    assert "office" in refused.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Region.objects.filter(pk=ningbo.pk).update(office=office)  # one office, one region

    company = OrganizationFactory(name="宁波电信", region=ningbo, kind=OrganizationKind.COMPANY)
    department = OrganizationFactory(name="宁波市经信局", region=ningbo, kind=OrganizationKind.DEPARTMENT)
    ningbo.office, ningbo.cppcc = company, department
    with pytest.raises(ValidationError) as refused:
        ningbo.full_clean()
    assert set(refused.value.message_dict) == {"office", "cppcc"}


def test_the_demo_names_each_regions_office_and_cppcc(api):
    portfolio_demo.load()
    proposals_demo.load()
    proposals_demo.load()  # again: nothing changes
    offices = dict(Region.objects.filter(office__isnull=False).values_list("name", "office__name"))
    assert offices == {
        "宁波市": "宁波市智慧城市建设工作领导小组办公室",
        "镇海区": "镇海区智慧城区建设工作领导小组办公室",
        "东莞市": "东莞市智慧城市建设工作领导小组办公室",
        "象山县": "象山县智慧城市建设工作领导小组办公室",
        "慈溪市": "慈溪市智慧城市建设工作领导小组办公室",
    }
    assert dict(Region.objects.filter(cppcc__isnull=False).values_list("name", "cppcc__name")) == {
        "镇海区": "政协宁波市镇海区委员会",
        "东莞市": "中国人民政治协商会议广东省东莞市委员会",
    }
    for region in Region.objects.all():
        region.full_clean()
    liaison = UserFactory(role=Role.LIAISON, organization=Organization.objects.get(name="镇海区经济和信息化局"))
    row = api.as_user(liaison).get("/api/v1/regions/", {"code": "330211"}).json()["results"][0]
    assert (row["office"], row["cppcc"]) == (
        Organization.objects.get(name="镇海区智慧城区建设工作领导小组办公室").pk,
        Organization.objects.get(name="政协宁波市镇海区委员会").pk,
    )
