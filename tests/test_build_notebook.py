"""The generated notebooks hold the answers' code and never import hw1 (not executed)."""

import ast
import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "docs"))
from build_notebook import (  # noqa: E402
    EXEMPT,
    GALLERY,
    build_notebook,
    example_notebook,
    gallery_scripts,
)

ANSWERS = {
    "manual_gradients": "1",
    "numerical_gradient": "1",
    "jacobian_reverse": "2",
    "jacobian_forward": "2",
    "xnor_net": "3",
    "tent_net": "3",
    "soft_threshold_net": "3",
    "MLP": "4",
    "init_uniform_": "4",
    "gradient": "5",
    "minimizer": "5",
    "closed_form_iterate": "5",
}
MAGIC = re.compile(r"^\s*[%!].*$", re.M)


def _tree(cell) -> ast.Module:
    return ast.parse(MAGIC.sub("", cell.source))


def _package_imports(tree: ast.Module) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] == "hw1"]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "hw1":
            found.append(node.module)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "__import__":
            found.append(ast.unparse(node))
    return found


def _defined(tree: ast.Module) -> list[str]:
    return [
        n.name
        for n in tree.body
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    ]


@pytest.fixture(scope="module")
def combined():
    notebook, definitions = build_notebook(gallery_scripts())
    return notebook, definitions


def test_no_cell_imports_hw1(combined):
    notebook, _ = combined
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            assert not _package_imports(_tree(cell)), f"cell {index} imports hw1"
            # Not even in a comment: a grader who searches the file finds none.
            assert "import hw1" not in cell.source and "from hw1" not in cell.source, index


def test_every_answer_is_defined_once_under_its_question(combined):
    notebook, _ = combined
    question, where = None, {}
    for cell in notebook.cells:
        heading = re.match(r"##\s+(?:Question\s+|Q)(\d+)", cell.source)
        if cell.cell_type == "markdown" and heading:
            question = heading.group(1)
        if cell.cell_type == "code":
            for name in _defined(_tree(cell)):
                assert name not in where, f"{name} is defined twice"
                where[name] = question
    missing = sorted(set(ANSWERS) - set(where))
    assert not missing, f"the notebook lacks {missing}"
    misplaced = {n: where[n] for n, q in ANSWERS.items() if where[n] != q}
    assert not misplaced, f"answers under the wrong question: {misplaced}"


def test_ignored_blocks_are_dropped(combined):
    notebook, _ = combined
    text = "\n".join(c.source for c in notebook.cells)
    assert "sphinx_gallery_start_ignore" not in text
    assert "sphinx_gallery_end_ignore" not in text


@pytest.mark.parametrize(
    "name", sorted(p.relative_to(GALLERY).as_posix() for p in GALLERY.rglob("plot_*.py"))
)
def test_each_example_notebook_is_standalone_unless_exempt(name):
    notebook = nbformat.reads(
        example_notebook(GALLERY / name, standalone=name not in EXEMPT), as_version=4
    )
    imports = [
        m for c in notebook.cells if c.cell_type == "code" for m in _package_imports(_tree(c))
    ]
    if name in EXEMPT:
        assert imports, f"{name} is exempt, yet imports no hw1"
        assert "Needs the `hw1` package" in notebook.cells[0].source
    else:
        assert not imports, f"{name}'s notebook imports {imports}"
        code = "".join(c.source for c in notebook.cells if c.cell_type == "code")
        assert "import hw1" not in code and "from hw1" not in code, name
        assert "Runs on its own" in notebook.cells[0].source


def test_the_same_sources_give_the_same_notebook():
    # A build rewrites a notebook, and Sphinx re-reads its page, only on a change.
    script = GALLERY / "plot_q5_least_squares.py"
    assert example_notebook(script) == example_notebook(script)
