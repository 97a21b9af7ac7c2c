"""A write that loses a race past its validation meets the database's constraint, and answers like any other refusal
(common.db.constraint_violation): 400 with the constraint's Chinese message on the API, the form's own error on a
page, never 500 and never the database's text.

The lost race is made in two ways: on both databases, by running the same INSERT once more just before the request's
own (the row another request saved between this one's validation and its insert); on PostgreSQL, by two real
requests at once, each in its own thread and connection, as the demo server saw (14 rounds of 15 answered 500).
"""

import contextlib
import datetime
import threading
import time
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from common import bounds
from common.db import constraint_violation
from projects.models import Milestone, Plan, Project, ProjectFigures
from projects.querysets import FIGURE_NAMES
from tests.factories import MilestoneFactory, PlanFactory, ProjectFactory

# Django's own words for a unique field, as the validation of a duplicate (no race) says them too.
PLAN_TAKEN = "已有同名规划。"  # per_region_unique's message: plan titles are unique within a region
MILESTONE_TAKEN = "该项目已有同名节点。"


@contextlib.contextmanager
def saved_meanwhile(table: str):
    """The next INSERT into ``table`` finds the same row already there: it runs once more just before."""
    done = []

    def wrapper(execute, sql, params, many, context):
        if not done and sql.startswith(f'INSERT INTO "{table}"'):
            done.append(True)
            execute(sql, params, many, context)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield
    assert done, f"no INSERT into {table}"


def plan_body(title="2026年智慧城市建设行动计划"):
    return {"title": title, "kind": "action_plan", "first_year": 2026, "last_year": 2026}


@pytest.mark.django_db
def test_a_plan_saved_meanwhile_is_a_400_with_the_constraints_message(api, office_user):
    with saved_meanwhile("projects_plan"):
        response = api.as_user(office_user).post("/api/v1/plans/", plan_body(), format="json")
    assert response.status_code == 400, response.content
    assert response.json() == {"title": [PLAN_TAKEN]}
    assert not Plan.objects.exists()
    # The same answer as a duplicate that lost no race.
    PlanFactory(title=plan_body()["title"])
    assert api.post("/api/v1/plans/", plan_body(), format="json").json() == response.json()


@pytest.mark.django_db
def test_a_milestone_saved_meanwhile_is_a_400_with_the_constraints_message(api, office_user):
    project = ProjectFactory()
    body = {"project": project.pk, "name": "专家评审", "weight": 10, "planned_date": "2026-06-30"}
    with saved_meanwhile("projects_milestone"):
        response = api.as_user(office_user).post("/api/v1/milestones/", body, format="json")
    assert response.status_code == 400, response.content
    assert response.json() == {"non_field_errors": [MILESTONE_TAKEN]}


@pytest.mark.django_db
def test_a_plan_form_saved_meanwhile_shows_the_error_on_the_form(client, office_user):
    client.force_login(office_user)
    with saved_meanwhile("projects_plan"):
        response = client.post(reverse("plan-add"), plan_body())
    assert response.status_code == 200
    assert response.context["form"].errors == {"title": [PLAN_TAKEN]}
    assert not Plan.objects.exists()


@pytest.mark.django_db
def test_a_milestone_saved_meanwhile_on_the_project_form(client, office_user):
    from tests.formdata import project_post

    project = ProjectFactory()
    client.force_login(office_user)
    data = project_post(
        project,
        **{
            "milestones-TOTAL_FORMS": "1",
            "milestones-0-name": "专家评审",
            "milestones-0-weight": "100",  # the whole set weighs 100
            "milestones-0-planned_date": "2026-06-30",
        },
    )
    with saved_meanwhile("projects_milestone"):
        response = client.post(reverse("project-edit", args=[project.pk]), data)
    assert response.status_code == 200
    assert MILESTONE_TAKEN in response.content.decode()
    assert not Milestone.objects.exists()


@pytest.mark.django_db
def test_constraint_violations_name_their_message():
    plan = PlanFactory()
    with pytest.raises(IntegrityError) as unique, transaction.atomic():
        Plan.objects.create(title=plan.title, kind=plan.kind, first_year=2026, last_year=2026)
    assert constraint_violation(unique.value).message == PLAN_TAKEN
    milestone = MilestoneFactory()
    with pytest.raises(IntegrityError) as together, transaction.atomic():
        Milestone.objects.create(project=milestone.project, name=milestone.name, planned_date=datetime.date.today())
    assert constraint_violation(together.value).field is None
    assert constraint_violation(together.value).message == MILESTONE_TAKEN
    project = ProjectFactory()
    with pytest.raises(IntegrityError) as check, transaction.atomic():
        Project.objects.filter(pk=project.pk).update(total_investment=bounds.MONEY_MAX + Decimal(1))
    assert constraint_violation(check.value).message == "金额须在 0 到 99,999,999.99 万元之间。"


# Two real requests at once (PostgreSQL: SQLite lets one writer in at a time, and its reads inside the API's
# transaction wait for the other's).


def race(*requests):
    """Run the requests at the same moment, each in its own thread and so its own connection; their responses."""
    barrier = threading.Barrier(len(requests))
    outcomes = [None] * len(requests)

    def run(index, request):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = request()
        except Exception as error:  # the outcome is what the test looks at
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def slowly(request, table):
    """``request`` with its INSERT into ``table`` held back a moment, so both requests validate before either
    inserts (the window the demo server's requests met by chance)."""

    def wrapper(execute, sql, params, many, context):
        if sql.startswith(f'INSERT INTO "{table}"'):
            time.sleep(0.3)
        return execute(sql, params, many, context)

    def run():
        with connection.execute_wrapper(wrapper):
            return request()

    return run


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two writers at once")
@pytest.mark.django_db(transaction=True)
def test_two_identical_plans_posted_at_once(office_user):
    for round_ in range(5):
        body = plan_body(f"第{round_}轮行动计划")

        def post(body=body):
            client = APIClient()
            client.force_authenticate(office_user)
            return client.post("/api/v1/plans/", body, format="json")

        first, second = race(slowly(post, "projects_plan"), slowly(post, "projects_plan"))
        statuses = sorted([first.status_code, second.status_code])
        assert statuses == [201, 400], (first, second)
        refused = first if first.status_code == 400 else second
        assert refused.json() == {"title": [PLAN_TAKEN]}
        assert Plan.objects.filter(title=body["title"]).count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two writers at once")
@pytest.mark.django_db(transaction=True)
def test_two_identical_milestones_posted_at_once(office_user):
    project = ProjectFactory()
    for round_ in range(5):
        body = {"project": project.pk, "name": f"第{round_}个节点", "weight": 10, "planned_date": "2026-06-30"}

        def post(body=body):
            client = APIClient()
            client.force_authenticate(office_user)
            return client.post("/api/v1/milestones/", body, format="json")

        first, second = race(slowly(post, "projects_milestone"), slowly(post, "projects_milestone"))
        assert sorted([first.status_code, second.status_code]) == [201, 400], (first, second)
        refused = first if first.status_code == 400 else second
        assert refused.json() == {"non_field_errors": [MILESTONE_TAKEN]}
        assert Milestone.objects.filter(name=body["name"]).count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two writers at once")
@pytest.mark.django_db(transaction=True)
def test_two_identical_plan_forms_posted_at_once(office_user):
    def post():
        client = Client()
        client.force_login(office_user)
        return client.post(reverse("plan-add"), plan_body())

    first, second = race(slowly(post, "projects_plan"), slowly(post, "projects_plan"))
    assert sorted([first.status_code, second.status_code]) == [200, 302]
    refused = first if first.status_code == 200 else second
    assert PLAN_TAKEN in refused.content.decode()
    assert Plan.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two writers at once")
@pytest.mark.django_db(transaction=True)
def test_two_writers_of_one_projects_milestones_at_once():
    """The second writer's refresh waits for the first to commit, then reads its milestone too: computed from before
    it, and stored last, the figures would miss it."""
    project = ProjectFactory(planned_start=datetime.date(2020, 1, 1), planned_end=datetime.date(2030, 12, 31))
    first_refreshed = threading.Event()

    def first():
        try:
            with transaction.atomic():
                MilestoneFactory(project=project, name="先", weight=50, planned_date=datetime.date(2021, 1, 1))
                first_refreshed.set()
                time.sleep(0.5)  # the second writer's refresh starts meanwhile
        finally:
            connection.close()

    def second():
        try:
            first_refreshed.wait(5)
            with transaction.atomic():
                MilestoneFactory(project=project, name="后", weight=50, planned_date=datetime.date(2029, 1, 1))
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert project.milestones.count() == 2
    stored = ProjectFigures.objects.filter(project=project).values_list(*FIGURE_NAMES).get()
    assert stored == Project.objects.with_figures().filter(pk=project.pk).values_list(*FIGURE_NAMES).get()
