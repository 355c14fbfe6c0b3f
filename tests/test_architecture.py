"""The house's one-way graph: an app imports only apps below it.

    core ← accounts ← organisations ← compact ← principles, dialogues ← backoffice ← demo

core imports no app; principles and dialogues do not import each other; nothing imports
demo; config is wiring (settings, urls, wsgi, celery) and holds no code of its own.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LEVEL = {
    "core": 0,
    "accounts": 1,
    "organisations": 2,
    "compact": 3,
    "principles": 4,
    "dialogues": 4,
    "backoffice": 5,
    "demo": 6,
}


def imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names & set(LEVEL)


def sources(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


@pytest.mark.parametrize("app", sorted(LEVEL))
def test_no_app_imports_one_above_it_or_beside_it(app):
    wrong = [
        f"{path.relative_to(ROOT)} imports {other}"
        for path in sources(app)
        for other in imported_apps(path)
        if other != app and LEVEL[other] >= LEVEL[app]
    ]
    assert wrong == []


def test_config_is_wiring_only():
    modules = {p.relative_to(ROOT / "config").as_posix() for p in (ROOT / "config").rglob("*.py")}
    assert modules == {
        "__init__.py",
        "celery_app.py",
        "urls.py",
        "wsgi.py",
        "settings/__init__.py",
        "settings/base.py",
        "settings/local.py",
        "settings/production.py",
        "settings/test.py",
    }


def test_the_graph_is_checked_against_every_app_of_ours():
    ours = {
        path.parent.name
        for path in ROOT.glob("*/apps.py")
        if (path.parent / "__init__.py").exists()
    }
    assert ours == set(LEVEL)
