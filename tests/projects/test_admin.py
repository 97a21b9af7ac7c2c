"""Office staff manage reference data in the admin from day one: every model has a working list with search."""

import pytest
from django.contrib import admin

from tests.factories import MilestoneFactory, ProgressReportFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model", [model for model in admin.site._registry if model._meta.app_label == "projects"], ids=str
)
def test_changelist_with_search_and_change_form(client, model):
    MilestoneFactory()
    ProgressReportFactory()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    opts = model._meta
    base = f"/admin/{opts.app_label}/{opts.model_name}/"
    assert client.get(base).status_code == 200
    assert client.get(base, {"q": "智慧"}).status_code == 200
    obj = model.objects.first()
    if obj is not None:
        assert client.get(f"{base}{obj.pk}/change/").status_code == 200
    assert admin.site._registry[model].search_fields


def test_project_list_shows_derived_health(client):
    MilestoneFactory(project__name="智慧水务", planned_date="2020-01-01")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    html = client.get("/admin/projects/project/").content.decode()
    assert "智慧水务" in html and "严重滞后（红灯）" in html
