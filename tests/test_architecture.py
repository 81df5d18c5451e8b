"""Apps import only downward (the README's code map): the helper library at the bottom, then partnerships, then
learning and resources, then search and the dashboard, and the project (root URLs, site-wide views) on top.
A higher app reaches a lower one by importing it; a lower app reaches a higher one only through a hook
(ea_portal.hooks), a template tag or an AppConfig method, never by an import."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["ea_portal", "partnerships", "learning", "resources"]
# ea_portal's shared helpers: they import no app, not even the project around them.
LIBRARY = {
    "ea_portal.charts",
    "ea_portal.client_address",
    "ea_portal.content_version",
    "ea_portal.feeds",
    "ea_portal.hooks",
    "ea_portal.keyset",
    "ea_portal.links",
    "ea_portal.mail",
    "ea_portal.mail_tasks",
    "ea_portal.markdown",
    "ea_portal.months",
    "ea_portal.spreadsheets",
    "ea_portal.text",
    "ea_portal.validators",
}
# Lowest first. A unit may import itself and anything in a lower layer; nothing beside or above it.
LAYERS = [{"library"}, {"partnerships"}, {"learning", "resources"}, {"search", "dashboard"}, {"project"}]
LEVEL = {unit: level for level, units in enumerate(LAYERS) for unit in units}


def unit_of(module):
    """The unit (an app, the library or the project) a module of ours belongs to; None for anything else."""
    if module in LIBRARY:
        return "library"
    for prefix, unit in (("ea_portal.search", "search"), ("ea_portal.dashboard", "dashboard")):
        if module == prefix or module.startswith(prefix + "."):
            return unit
    top = module.split(".")[0]
    if top == "ea_portal":
        return "project"
    return top if top in PACKAGES else None


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_module(name):
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def imported_modules(source, importer):
    """Every module an import statement anywhere in the source names (inside functions too)."""
    package = importer if is_module(importer + ".__init__") else importer.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                yield f"{base}.{alias.name}" if is_module(f"{base}.{alias.name}") else base


def upward_imports(source, importer):
    own = unit_of(importer)
    for module in imported_modules(source, importer):
        target = unit_of(module)
        if target is None or target == own:
            continue
        if LEVEL[target] >= LEVEL[own]:
            yield f"{importer} ({own}) imports {module} ({target})"


def our_modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            # Migrations name other apps by string only, as Django writes them.
            if "migrations" not in path.parts:
                yield path


def test_no_app_imports_upward_or_sideways():
    problems = [
        problem
        for path in our_modules()
        for problem in upward_imports(path.read_text(encoding="utf-8"), module_name(path))
    ]
    assert problems == []


def test_the_check_reads_every_app_and_the_imports_between_them():
    units = {unit_of(module_name(path)) for path in our_modules()}
    assert units == {unit for layer in LAYERS for unit in layer}
    downward = list(imported_modules("from learning.models import LearningExample", "ea_portal.search.query"))
    assert downward == ["learning.models"]


@pytest.mark.parametrize(
    ("importer", "source"),
    [
        ("partnerships.views", "from learning.coverage import theme_stage_chart"),
        ("learning.views", "from ea_portal.search.related import related_examples"),
        ("learning.views", "from resources import models"),
        ("ea_portal.feeds", "from resources.newsletter import absolute_url"),
        ("ea_portal.markdown", "from ea_portal import navigation"),
        ("ea_portal.dashboard.views", "import ea_portal.search.query"),
        ("resources.models", "def later():\n    from ea_portal.urls import urlpatterns"),
    ],
)
def test_an_upward_or_sideways_import_is_caught(importer, source):
    assert list(upward_imports(source, importer))
