"""The synthetic portfolio of a province (``bench.seed --regions``): 示意省 (990000), its 11 cities (990100 …
991100) and their 90 districts and counties (990101 …), each city and district with its smart-city office (the
region's ``office``) and its departments, each city with its CPPCC (the region's ``cppcc``) and its sessions. Projects
are led by any unit but the CPPCCs, so they spread over every region as their units do (about four in five in a
district); each city's proposals, in the city's own categories, are handled by the units of the city and of its
districts.

Accounts, none of which can log in with a password (the benchmarks ``force_login``): ``bench-office-<code>`` for
the office of the province, of every city and of every district, ``bench-leader-<code>`` for the province and every
city, and the superuser ``bench-admin`` (the province's office is its unit).
"""

from django.contrib.auth.models import Group

from accounts.choices import OrganizationKind, RegionLevel, Role
from accounts.models import Organization, Region, User
from bench.seed_portfolio import COMPANIES, DISTRICT_DEPARTMENTS, ScalePortfolio
from bench.synthetic import (
    CITY_DEPARTMENTS,
    LEADER_USERNAME_PREFIX,
    NAME_PREFIX,
    OFFICE_USERNAME_PREFIX,
    REGION_CODE_PREFIX,
    SUPERUSER_USERNAME,
    UNIT_SUFFIX,
)
from proposals.models import Category

PROVINCE = "示意省"
CITIES = ["江城市", "海州市", "山阳市", "云川市", "临湖市", "青石市", "白沙市", "丰泽市", "长宁市", "金水市", "石门市"]
COUNTIES = ["东湖区", "西山区", "南港区", "北岭区", "中河区", "新城区", "高桥县", "临江县", "石塘县"]
# 9 districts or counties in the first two cities, 8 in the others: 90 in all.
COUNTIES_OF_BIG_CITIES, BIG_CITIES, COUNTIES_OF_CITIES = 9, 2, 8
PROVINCE_DEPARTMENTS = ["大数据发展管理局", "发展和改革委员会", "交通运输厅"]
# The departments every city has (of the 16 the portfolio without regions has).
CITY_DEPARTMENT_COUNT = 8
CATEGORIES = ["经济建设", "城市建设与管理", "社会事业", "数字政府"]


class RegionalPortfolio(ScalePortfolio):
    """``ScalePortfolio`` in a region tree: the units, plans and proposals belong to regions, and so do the projects
    (their lead unit's region)."""

    def build_units(self) -> list[Organization]:
        province = self.create(
            "regions", Region, [Region(name=PROVINCE, level=RegionLevel.PROVINCE, code=f"{REGION_CODE_PREFIX}0000")]
        )[0]
        cities = self.create(
            "regions",
            Region,
            [
                Region(name=name, level=RegionLevel.CITY, code=f"{REGION_CODE_PREFIX}{number:02d}00", parent=province)
                for number, name in enumerate(CITIES, start=1)
            ],
        )
        counties = self.create(
            "regions",
            Region,
            [
                Region(name=name, level=RegionLevel.COUNTY, code=f"{city.code[:4]}{number:02d}", parent=city)
                for index, city in enumerate(cities)
                for number, name in enumerate(
                    COUNTIES[: COUNTIES_OF_BIG_CITIES if index < BIG_CITIES else COUNTIES_OF_CITIES], start=1
                )
            ],
        )
        self.plan_region = province
        self.cities = cities

        def unit(region: Region, place: str, name: str, kind: str = OrganizationKind.DEPARTMENT) -> Organization:
            return Organization(
                name=f"{place}{name}{UNIT_SUFFIX}", short_name=f"{place}{name}", kind=kind, region=region
            )

        offices = {
            region.pk: unit(region, self.place(region), "智慧城市建设领导小组办公室")
            for region in [province, *cities, *counties]
        }
        cppccs = {city.pk: unit(city, city.name, "政协提案委员会", OrganizationKind.CPPCC) for city in cities}
        units = [unit(province, province.name, name) for name in PROVINCE_DEPARTMENTS]
        for city in cities:
            units += [unit(city, city.name, name[1:]) for name in CITY_DEPARTMENTS[:CITY_DEPARTMENT_COUNT]]
            units.append(unit(city, city.name, COMPANIES[0], OrganizationKind.COMPANY))
        for county in counties:
            place = self.place(county)
            units.append(unit(county, place, "人民政府", OrganizationKind.DISTRICT))
            units += [unit(county, place, name) for name in DISTRICT_DEPARTMENTS]
        self.create("units", Organization, [*offices.values(), *cppccs.values()])
        units = self.create("units", Organization, units)
        for region in [province, *cities, *counties]:
            region.office = offices[region.pk]
            region.cppcc = cppccs.get(region.pk)
        Region.objects.bulk_update([province, *cities, *counties], ["office", "cppcc"], batch_size=500)
        self.build_regional_accounts(province, cities, counties)
        self.progress(f"{1 + len(cities) + len(counties)} regions, {len(offices) + len(cppccs) + len(units)} units")
        return [*offices.values(), *units]

    def place(self, region: Region) -> str:
        """How a unit's name starts: its city's name before a district's, as district names repeat across cities."""
        return f"{region.parent.name}{region.name}" if region.level == RegionLevel.COUNTY else region.name

    def build_regional_accounts(self, province: Region, cities: list[Region], counties: list[Region]):
        groups = {group.name: group for group in Group.objects.filter(name__in=[Role.LEADER, Role.OFFICE])}
        accounts = [
            (f"{OFFICE_USERNAME_PREFIX}{region.code}", region, Role.OFFICE) for region in [province, *cities, *counties]
        ]
        accounts += [(f"{LEADER_USERNAME_PREFIX}{region.code}", region, Role.LEADER) for region in [province, *cities]]
        users = []
        for username, region, _ in accounts:
            user = User(username=username, last_name=NAME_PREFIX, first_name=username, organization=region.office)
            user.set_unusable_password()
            users.append(user)
        superuser = User(
            username=SUPERUSER_USERNAME,
            last_name=NAME_PREFIX,
            first_name=SUPERUSER_USERNAME,
            organization=province.office,
            is_superuser=True,
            is_staff=True,
        )
        superuser.set_unusable_password()
        users = self.create("users", User, [*users, superuser])
        self.create(
            "role links",
            User.groups.through,
            [
                User.groups.through(user_id=user.pk, group_id=groups[role].pk)
                # The superuser, made last, needs no role.
                for user, (_, _, role) in zip(users, accounts, strict=False)
            ],
        )

    def build_proposals(self, count: int):
        """Each city's CPPCC gets its share of the proposals, handled by the units of the city and its districts."""
        units_by_city = {city.pk: [] for city in self.cities}
        for unit in self.units:
            if unit.kind == OrganizationKind.COMPANY or unit.region.level == RegionLevel.PROVINCE:
                continue
            city = unit.region if unit.region.level == RegionLevel.CITY else unit.region.parent
            units_by_city[city.pk].append(unit)
        categories = self.create(
            "categories",
            Category,
            [
                Category(name=name, order=order, region=city)
                for city in self.cities
                for order, name in enumerate(CATEGORIES, start=1)
            ],
        )
        for index, city in enumerate(self.cities):
            share = count // len(self.cities) + (index < count % len(self.cities))
            self.build_cppcc_proposals(
                share,
                region=city,
                handling_units=units_by_city[city.pk],
                categories=[category for category in categories if category.region == city],
            )
