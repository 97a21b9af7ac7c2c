"""The tree a newcomer reads: each app imports only the apps below it (common ← accounts ← workdays ← notifications ←
jobs ← projects ← proposals ← reports), the proposals app takes nothing from the portfolio but ``Project``, and no
module outside migrations is over 800 lines. ``docs/architecture.md`` explains the layers."""

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
LAYERS = ["common", "accounts", "workdays", "notifications", "jobs", "projects", "proposals", "reports"]
MAX_LINES = 800


def modules(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def imports(path: pathlib.Path) -> list[tuple[str, list[str]]]:
    """(module, names) for every import in the file, relative ones made absolute."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = path.relative_to(ROOT).parent.parts
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name, []) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module
            found.append((module, [alias.name for alias in node.names]))
    return found


@pytest.mark.parametrize("app", LAYERS)
def test_an_app_imports_only_the_apps_below_it(app):
    above = set(LAYERS[LAYERS.index(app) + 1 :])
    wrong = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in modules(app)
        for module, _names in imports(path)
        if module.split(".")[0] in above
    ]
    assert wrong == []


def test_proposals_take_only_the_project_from_the_portfolio():
    taken = {
        f"{module}.{name}"
        for path in modules("proposals")
        for module, names in imports(path)
        if module.split(".")[0] == "projects"
        for name in names or ["*"]
    }
    assert taken <= {"projects.models.Project"}


def test_no_module_is_over_800_lines():
    long = {
        str(path.relative_to(ROOT)): lines
        for app in [*LAYERS, "config", "bench", "tests"]
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}
