"""The filters in use, shown above a list as chips: each reads 标签：值 as the form shows it, each links to the same
list without that one value, and the panel of filters stays folded unless a value needs correcting. Yes/no filters
read 全部/是/否."""

import re
from urllib.parse import parse_qsl, urlsplit

import django_filters
import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from common.filtersets import MAX_CHIPS, FilterSet, YesNoSelect
from projects.choices import Health
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(office_user):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(office_user)
    return client


def chips_of(response):
    return [(chip.label, chip.value, chip.remove_url) for chip in response.context["filter_chips"]]


def query_of(url: str) -> list[tuple[str, str]]:
    return sorted(parse_qsl(urlsplit(url).query))


def test_each_chip_removes_its_own_value_and_keeps_the_rest(office, unit, other_unit):
    red = ProjectFactory(code="ZH-1", name="城市大脑平台", lead_org=unit, is_published=True)
    ProjectFactory(code="ZH-2", name="智慧水务平台", lead_org=other_unit, is_published=True)
    query = f"search=平台&lead_org={unit.pk}&is_published=true&ordering=-code&page=1"
    response = office.get(f"/projects/?{query}")
    chips = chips_of(response)
    assert [(label, value) for label, value, _ in chips] == [
        ("搜索", "平台"),
        ("牵头单位", str(unit)),
        ("已公开", "是"),
    ]
    assert [project.pk for project in response.context["object_list"]] == [red.pk]
    for *_, remove_url in chips:
        rest = query_of(remove_url)
        # The order stays, the page goes back to the first, and only the chip's own value is gone.
        assert ("ordering", "-code") in rest and "page" not in dict(rest)
        assert len(rest) == 3
        assert office.get(remove_url).status_code == 200
    assert ("is_published", "true") not in query_of(chips[2][2])
    # The panel is folded: the chips say what is in use; the button counts the filters in it.
    html = response.content.decode()
    assert 'class="collapse" id="more-filters"' in html
    assert response.context["filters_in_use"] == 2


def test_several_values_of_one_filter_are_a_chip_each(office, unit):
    response = office.get(f"/projects/?health={Health.RED}&health={Health.YELLOW}")
    chips = chips_of(response)
    assert [value for _, value, _ in chips] == [Health.RED.label, Health.YELLOW.label]
    assert query_of(chips[0][2]) == [("health", Health.YELLOW)]
    assert query_of(chips[1][2]) == [("health", Health.RED)]


def test_a_refused_value_reads_as_typed_and_opens_the_panel(office):
    response = office.get("/projects/?health=purple")
    assert chips_of(response)[0][:2] == ("健康状况", "purple")
    assert response.context["filter_errors"]
    assert 'class="collapse show" id="more-filters"' in response.content.decode()


def test_all_filters_nothing_and_shows_no_chip(office, unit):
    ProjectFactory(lead_org=unit, is_published=True)
    ProjectFactory(lead_org=unit, is_published=False)
    for value in ("", "unknown"):
        response = office.get(f"/projects/?is_published={value}")
        assert chips_of(response) == []
        assert len(response.context["object_list"]) == 2


def test_hundreds_of_values_show_a_bounded_number_of_chips(office):
    query = "&".join(f"health=x{number}" for number in range(200))
    response = office.get(f"/projects/?{query}")
    assert len(response.context["filter_chips"]) == MAX_CHIPS
    assert response.context["filter_chips_hidden"] == 200 - MAX_CHIPS
    assert "另有 170 个值" in response.content.decode()


def all_filtersets():
    found, pending = [], [FilterSet]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] != "common" and cls._meta.model is not None:  # not an abstract base
            found.append(cls)
    return found


@pytest.mark.parametrize("filterset_class", all_filtersets(), ids=lambda cls: cls.__name__)
def test_yes_no_filters_read_all_yes_no(filterset_class):
    with translation.override("zh-hans"):
        form = filterset_class(data={}, queryset=filterset_class._meta.model.objects.none()).form
        for name, declared in filterset_class.base_filters.items():
            if isinstance(declared, django_filters.BooleanFilter):
                widget = form.fields[name].widget
                assert isinstance(widget, YesNoSelect)
                assert [(value, str(label)) for value, label in widget.choices] == [
                    ("", "全部"),
                    ("true", "是"),
                    ("false", "否"),
                ]


def test_no_list_page_offers_unknown(office):
    for url in ("/projects/", "/milestones/", "/indicators/", "/proposals/", "/supervision/notices/"):
        html = office.get(url).content.decode()
        assert not re.search(r"<option[^>]*>未知</option>", html), url


@pytest.mark.parametrize(
    "query",
    [
        "health=%00red",
        "lead_org=1" + "0" * 30,
        "lead_org=1e30",
        "search=" + "字" * 400,
        "health=" + "x" * 5000,
        "is_published=%00",
        "ordering=%00&page=999999999999",
    ],
    ids=["nul", "huge-id", "float-id", "long-search", "long-value", "nul-yes-no", "odd-paging"],
)
def test_hostile_queries_answer_with_bounded_chips(office, query):
    response = office.get(f"/projects/?{query}")
    assert response.status_code in (200, 404)
    if response.status_code == 200:
        assert all(len(chip.value) <= 40 for chip in response.context["filter_chips"])


def test_a_chip_reads_in_the_pages_language(office_user, unit):
    for language, expected in (("zh-hans", "状态：在建"), ("en", "Status: In progress")):
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language  # the language switch's choice
        client.force_login(office_user)
        html = client.get("/projects/?status=in_progress").content.decode()
        assert expected in html, language
