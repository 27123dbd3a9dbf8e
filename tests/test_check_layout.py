"""hw1.check's layout: small modules, no import cycle, no private name across modules."""

import ast
import inspect
from pathlib import Path

import hw1.check
from hw1.check import q1, q2, q3, q4, q5

PACKAGE = Path(hw1.check.__file__).parent


def imports_of(path):
    """Return (module imported, names imported) for each ``hw1`` import in a file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("hw1"):
            found.append((node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found += [(a.name, []) for a in node.names if a.name.startswith("hw1")]
    return found


def test_every_module_is_under_800_lines():
    lengths = {p.name: len(p.read_text().splitlines()) for p in PACKAGE.glob("*.py")}
    assert len(lengths) >= 10, lengths
    assert max(lengths.values()) < 800, lengths


def test_no_private_name_is_imported_from_another_module():
    for path in PACKAGE.glob("*.py"):
        for module, names in imports_of(path):
            private = [n for n in names if n.startswith("_")]
            assert not private, f"{path.name} imports {private} from {module}"


def test_the_modules_import_one_another_without_a_cycle():
    graph = {}
    for path in PACKAGE.glob("*.py"):
        name = "hw1.check" if path.stem == "__init__" else f"hw1.check.{path.stem}"
        targets = set()
        for module, names in imports_of(path):
            if module == "hw1.check":  # "from hw1.check import q1" names submodules
                targets |= {f"hw1.check.{n}" for n in names if (PACKAGE / f"{n}.py").exists()}
            elif module.startswith("hw1.check"):
                targets.add(module)
        graph[name] = targets

    def visit(node, path):
        assert node not in path, " -> ".join([*path, node])
        for target in graph.get(node, ()):
            visit(target, [*path, node])

    for node in graph:
        visit(node, [])
    assert graph["hw1.check.graders"] >= {f"hw1.check.q{i}" for i in range(1, 6)}


def test_every_grader_names_the_mistakes_it_recognises():
    graders = [
        fn
        for module in (q1, q2, q3, q4, q5)
        for name, fn in vars(module).items()
        if name.startswith("grade_") and inspect.isfunction(fn)
    ]
    assert len(graders) == 12
    for fn in graders:
        assert "Mistakes recognised" in (fn.__doc__ or ""), fn.__name__
