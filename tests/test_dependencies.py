"""The apps depend on each other one way: accounts ← threat_levels ← bulletins ← alerts ← calls.

An app may import from an app below it, never from one above it (nor from demo/ or bench/, which
sit above them all); portal/ serves them all and uses no app's private (`_`) names. Read from
each module's syntax tree, so an import inside a function counts as much as one at the top.
"""

import ast
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
ORDER = ["accounts", "threat_levels", "bulletins", "alerts", "calls", "cascades"]
ABOVE_ALL = ["demo", "bench"]


def imported_modules(tree: ast.AST, package: str) -> list[tuple[str, list[str], int]]:
    """(module, names imported from it, line) for each import; relative ones made absolute."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, [], node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*parent, module] if module else parent)
            found.append((module, [alias.name for alias in node.names], node.lineno))
    return found


def private_attributes(tree: ast.AST, app_aliases: set[str]) -> list[tuple[str, int]]:
    """`alias._name` where alias is bound to an app's module by an import."""
    return [
        (f"{node.value.id}.{node.attr}", node.lineno)
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in app_aliases
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
    ]


def problems_in(source: str, path: str) -> list[str]:
    """What is wrong with the imports of one module, given its path from the project root."""
    parts = Path(path).with_suffix("").parts
    app = parts[0]
    package = ".".join(parts[:-1]) if parts[-1] != "__init__" else ".".join(parts[:-1])
    tree = ast.parse(source, filename=path)
    problems = []
    for module, names, line in imported_modules(tree, package):
        top = module.split(".")[0]
        if top == app:
            continue
        if app in ORDER:
            if top in ABOVE_ALL or (top in ORDER and ORDER.index(top) > ORDER.index(app)):
                problems.append(f"{path}:{line} {app} imports {module}, an app above it")
        elif app == "portal" and top in ORDER:
            private = [name for name in names if name.startswith("_")]
            private += [part for part in module.split(".") if part.startswith("_")]
            if private:
                problems.append(f"{path}:{line} portal imports {module}: {', '.join(private)}")
    if app == "portal":
        aliases = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                aliases |= {
                    alias.asname or alias.name.split(".")[0]
                    for alias in node.names
                    if alias.name.split(".")[0] in ORDER
                }
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in ORDER:
                aliases |= {alias.asname or alias.name for alias in node.names}
        problems += [
            f"{path}:{line} portal uses {name}, an app's private name"
            for name, line in private_attributes(tree, aliases)
        ]
    return problems


def modules() -> list[Path]:
    return sorted(
        path.relative_to(BASE_DIR)
        for app in [*ORDER, "portal"]
        for path in (BASE_DIR / app).rglob("*.py")
    )


def test_every_app_is_checked():
    checked = {path.parts[0] for path in modules()}
    assert checked == {*ORDER, "portal"}


@pytest.mark.parametrize("path", modules(), ids=str)
def test_no_app_imports_an_app_above_it_and_portal_uses_no_private_name(path):
    assert problems_in((BASE_DIR / path).read_text(), str(path)) == []


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("accounts/management/commands/seed_demo.py", "from bulletins.demo import seed_bulletins"),
        ("threat_levels/services.py", "from alerts.models import Alert"),
        ("threat_levels/services.py", "def f():\n    import bulletins.models\n"),
        ("bulletins/services.py", "from alerts.services import queue_alert"),
        ("bulletins/views.py", "from demo.content import seed_bulletins"),
        ("alerts/views.py", "from bench.views import trivial"),
        ("portal/views.py", "from bulletins.views import _linked"),
        ("portal/views.py", "from threat_levels import selectors\nselectors._build_entry(1)"),
        ("portal/views.py", "import threat_levels.selectors as s\ns._timeout({}, 1)"),
    ],
)
def test_the_check_finds_an_import_against_the_order(path, source):
    assert problems_in(source, path)


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("alerts/models.py", "from bulletins.models import Bulletin"),
        ("bulletins/models.py", "from threat_levels.models import ThreatLevelChange"),
        ("threat_levels/services.py", "from accounts.audit import record_audit\nfrom .x import y"),
        (
            "bulletins/services.py",
            "from . import kept\nfrom .signals import bulletin_to_announce",
        ),
        ("portal/views.py", "from threat_levels import selectors\nselectors.entry_for(1)"),
    ],
)
def test_the_check_lets_an_import_down_the_order_through(path, source):
    assert problems_in(source, path) == []
