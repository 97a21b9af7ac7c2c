"""The supervision lists and pages cost the same number of queries however many rows they show; what a unit wrote is
shown as text, never as markup."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from supervision import services
from tests.factories import ProjectFactory

from .conftest import later

pytestmark = pytest.mark.django_db


def assert_constant(client, path, grow, rows, django_assert_max_num_queries):
    client.get(path)  # what fills once per process (content types, translations) is not the page's cost
    cache.clear()  # both requests compute their counts (cached under the data version otherwise)
    with CaptureQueriesContext(connection) as small:
        response = client.get(path)
    before = rows(response)
    grow()
    cache.clear()
    with django_assert_max_num_queries(len(small)):
        response = client.get(path)
    assert response.status_code == 200
    assert rows(response) > before


def listed(response):
    return len(response.context["object_list"])


def test_the_instruction_list(client, sv, instruction, django_assert_max_num_queries):
    def grow():
        for _number in range(10):
            services.instruction_give(
                actor=sv.leader,
                subject=ProjectFactory(lead_org=sv.unit),
                text="加快推进。",
                units=[sv.unit, sv.other_unit],
                due_date=later(20),
            )

    client.force_login(sv.office)
    assert_constant(client, "/supervision/instructions/", grow, listed, django_assert_max_num_queries)


def test_the_promise_list_with_its_figures(client, sv, commitment, django_assert_max_num_queries):
    def grow():
        for _number in range(10):
            services.commitment_record(
                actor=sv.committee, reply=sv.reply, text="年内完成。", due_date=later(60), projects=[sv.project]
            )

    client.force_login(sv.committee)
    assert_constant(client, "/supervision/promises/", grow, listed, django_assert_max_num_queries)


def test_a_notices_page_and_its_timeline(client, sv, notice, django_assert_max_num_queries):
    def grow():
        for _number in range(5):
            services.notice_answer(actor=sv.liaison, notice=notice, text="已整改。")
            services.notice_return(actor=sv.office, notice=notice, reason="请补充材料。")

    client.force_login(sv.office)
    assert_constant(
        client, notice.get_absolute_url(), grow, lambda r: len(r.context["events"]), django_assert_max_num_queries
    )


def test_markup_in_a_notice_is_shown_as_text(client, sv):
    text = '<script>alert("督办")</script>{{ request }}'
    notice = services.notice_issue(actor=sv.office, project=sv.project, unit=sv.unit, text=text, deadline=later())
    client.force_login(sv.liaison)
    for path in (notice.get_absolute_url(), "/supervision/notices/"):
        page = client.get(path).content.decode()
        assert "<script>alert" not in page
    assert escape(text) in client.get(notice.get_absolute_url()).content.decode()
