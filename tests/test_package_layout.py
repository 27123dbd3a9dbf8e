"""The package's shape: small modules, short examples, no import cycle, no private import.

The graph is read from the sources with ``ast`` (every ``import`` statement, at module
level or inside a function), so it needs no import of hw1 and sees lazy imports too.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "hw1"
GALLERY = ROOT / "gallery"
MAX_MODULE_LINES = 800
MAX_EXAMPLE_LINES = 400


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def resolve(node: ast.ImportFrom, here: str, is_package: bool) -> str:
    """The absolute module an ``from ... import`` statement reads from."""
    if not node.level:
        return node.module or ""
    base = here.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def imports(name: str) -> list[tuple[str, list[str]]]:
    """(module, names) for each hw1 import in module ``name``."""
    path = MODULES[name]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            source = resolve(node, name, path.name == "__init__.py")
            if source == "hw1" or source.startswith("hw1."):
                found.append((source, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found += [(a.name, []) for a in node.names if a.name.split(".")[0] == "hw1"]
    return found


def graph() -> dict[str, set[str]]:
    """Module -> the hw1 modules it imports (a name that is a submodule counts as one)."""
    edges = {}
    for name in MODULES:
        targets = set()
        for source, names in imports(name):
            submodules = {f"{source}.{n}" for n in names if f"{source}.{n}" in MODULES}
            targets |= submodules or {source}
            if submodules and len(submodules) < len(names):
                targets.add(source)
        edges[name] = targets - {name}
    return edges


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1 on the current path, 2 finished

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for target in sorted(edges.get(node, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target] if target in path else [node, target]
            if target not in state and (cycle := visit(target, [*path, target])):
                return cycle
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (cycle := visit(node, [node])):
            return cycle
    return None


def test_the_graph_reader_finds_a_cycle_and_accepts_a_tree():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_hw1_imports_without_a_cycle():
    edges = graph()
    assert len(edges) > 20, "expected every module of hw1"
    assert edges["hw1.init_training"] >= {"hw1.init_study"}
    assert find_cycle(edges) is None, " -> ".join(find_cycle(edges))


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_private_name_is_imported_from_another_module(name):
    private = [
        f"{source}.{n}"
        for source, names in imports(name)
        for n in names
        if n.startswith("_") and source != name
    ]
    dotted_private = [s for s, _ in imports(name) if any(p.startswith("_") for p in s.split("."))]
    # hw1._validation is the one shared module whose name starts with "_": a module of
    # argument checks, whose functions are public (check_*).
    dotted_private = [s for s in dotted_private if s != "hw1._validation"]
    assert not private and not dotted_private, f"{name} imports {private + dotted_private}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_module_is_at_most_800_lines(name):
    lines = len(MODULES[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{name}: {lines} lines"


@pytest.mark.parametrize("path", sorted(GALLERY.rglob("plot_*.py")), ids=lambda p: p.name)
def test_every_gallery_script_is_at_most_400_lines(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_EXAMPLE_LINES, f"{path.name}: {lines} lines"


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n.startswith("hw1.bench")))
def test_every_bench_module_is_at_most_500_lines(name):
    lines = len(MODULES[name].read_text(encoding="utf-8").splitlines())
    assert lines <= 500, f"{name}: {lines} lines"
