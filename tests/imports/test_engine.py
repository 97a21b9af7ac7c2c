"""The spreadsheet engine (common.spreadsheets) stands apart from the apps that build on it: it imports none of them,
and what a resource may ask of it is public."""

import ast
from pathlib import Path

import pytest

import common.spreadsheets
from common.spreadsheets.resources import prefetched
from projects.models import Project
from tests.factories import PlanFactory, ProjectFactory

DOMAIN_APPS = {"projects", "proposals", "reports"}


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_the_engine_imports_no_domain_app():
    package = Path(common.spreadsheets.__file__).parent
    found = {
        f"{path.name}: {name}"
        for path in package.glob("*.py")
        for name in imported_modules(path)
        if name.split(".")[0] in DOMAIN_APPS
    }
    assert not found


@pytest.mark.django_db
def test_prefetched_gives_the_prefetched_rows_or_none():
    plan = PlanFactory()
    project = ProjectFactory()
    project.plans.add(plan)
    assert prefetched(Project.objects.get(pk=project.pk), "plans") is None
    assert prefetched(Project.objects.prefetch_related("plans").get(pk=project.pk), "plans") == [plan]
    assert prefetched(Project.objects.prefetch_related("plans").get(pk=ProjectFactory().pk), "plans") == []
