"""hw1.check.starter: the starter is all "not attempted", its answer key passes every check."""

import ast
import importlib
import inspect
import json

import nbformat
import pytest
from checker_helpers import ANSWERS
from nbclient import NotebookClient

from hw1.check import check, check_file
from hw1.check.gradebook import check_files
from hw1.check.names import ANSWERS as TABLE
from hw1.check.names import NAMES
from hw1.check.starter import notebook_json, starter_cells, write_starter

STUBBED = [a for a in TABLE if a.alternative_to is None]


def code_namespace(cells):
    """Run the starter's import and stub cells (not its check cells) in a fresh namespace."""
    namespace = {}
    for cell in cells:
        if cell.kind == "code" and not cell.source.startswith("hw1.check.check("):
            exec(compile(cell.source, "<starter>", "exec"), namespace)
    return namespace


def test_the_starter_as_it_is_reports_every_check_not_attempted_and_exits_0(tmp_path):
    _, script = write_starter(tmp_path)
    report = check_file(script, load_timeout=60, check_timeout=30)
    assert report.exit_code == 0 and report.error is None, str(report)
    assert [c.name for c in report.checks] == [a.name for a in STUBBED]
    assert report.absent == ["my_model"]
    for result in report.checks:
        assert result.status == "not attempted", result
        assert "raises NotImplementedError" in result.message
    assert str(report).endswith("0 of 12 attempted: 0 passed.")


def test_the_answer_key_passes_every_check_as_a_notebook_and_as_a_py_file(tmp_path):
    notebook, script = write_starter(tmp_path, answer_key=True)
    reports = check_files([notebook, script], load_timeout=120, check_timeout=60)
    for report in reports:
        assert report.exit_code == 0 and report.passed, str(report)
        assert [c.name for c in report.checks] == [a.name for a in STUBBED]
        assert all(c.attempted and c.passed for c in report.checks), str(report)
        assert str(report).endswith("12 of 12 attempted: 12 passed.")
        assert not report.notes, report.notes  # every cell ran; the check cells did nothing


def test_one_stub_filled_with_a_known_mistake_fails_it_and_the_rest_are_not_attempted():
    mistake = (ANSWERS / "wrong_q5_gradient_mean.py").read_text()
    report = check(code_namespace(starter_cells(fill={"gradient": mistake})), timeout=30)
    by_status = {}
    for result in report.checks:
        by_status.setdefault(result.status, []).append(result.name)
    assert by_status["fail"] == ["gradient"]
    assert len(by_status["not attempted"]) == 11 and "pass" not in by_status
    (failed,) = report.failed
    assert "the gradient of the mean (1/2N)‖Xw − y‖²" in failed.message
    assert report.exit_code == 1
    assert str(report).endswith("1 of 12 attempted: 0 passed, 1 failed.")


def test_the_check_cells_show_the_report_in_a_kernel(tmp_path):
    right = (ANSWERS / "right_student.py").read_text()
    gradient = right[right.index("def gradient") :].split("\n\n\n")[0]
    cells = starter_cells(fill={"gradient": "import torch\n\n\n" + gradient})
    notebook = nbformat.reads(json.dumps(notebook_json(cells)), as_version=4)
    nbformat.validate(notebook)
    resources = {"metadata": {"path": str(tmp_path)}}
    NotebookClient(notebook, timeout=120, kernel_name="python3", resources=resources).execute()
    outputs = [
        (cell.source, output)
        for cell in notebook.cells
        if cell.cell_type == "code" and cell.source.startswith("hw1.check.check(")
        for output in cell.outputs
    ]
    assert len(outputs) == 6  # one report per question, and one for all
    q5 = next(out for source, out in outputs if 'only="gradient,' in source)
    html = q5["data"]["text/html"]  # the report's table, shown inline
    assert ">pass<" in html and "not attempted" in html and "FAIL" not in html
    assert "1 of 3 attempted: 1 passed." in html
    everything = outputs[-1][1]["data"]["text/html"]
    assert "1 of 12 attempted: 1 passed." in everything


def test_the_starter_and_the_table_agree_name_for_name_and_signature_for_signature(tmp_path):
    _, script = write_starter(tmp_path)
    tree = ast.parse(script.read_text())
    stubs = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            stubs[node.name] = (ast.unparse(node.args), ast.get_docstring(node))
        elif isinstance(node, ast.ClassDef):
            init = next(n for n in node.body if getattr(n, "name", "") == "__init__")
            args = ast.unparse(init.args).removeprefix("self, ").removeprefix("self")
            stubs[node.name] = (args, ast.get_docstring(node))
    assert list(stubs) == [a.name for a in STUBBED]
    for entry in STUBBED:
        parameters, docstring = stubs[entry.name]
        assert parameters == entry.parameters, entry.name
        assert entry.question in docstring and entry.references[0] in docstring
        assert " ".join(entry.conventions.split()) in " ".join(docstring.split())
    mlp = " ".join(stubs["MLP"][1].split())
    assert "`my_model(depth)`, the assignment's own name, is accepted instead of `MLP`" in mlp
    # Each signature is that of the hw1 answer it mirrors, up to its optional extras.
    for entry in TABLE:
        module, _, name = entry.references[0].rpartition(".")
        reference = getattr(importlib.import_module(module), name)
        wanted = [p.split("=")[0].strip() for p in entry.parameters.split(",") if p.strip()]
        given = list(inspect.signature(reference).parameters)[: len(wanted)]
        assert given == wanted, entry.name
    assert list(NAMES) == [a.name for a in TABLE]


def test_fill_rejects_a_name_without_a_stub():
    with pytest.raises(ValueError, match="fill must name stubs"):
        starter_cells(fill={"my_model": "pass"})


def test_the_command_that_nox_runs_writes_both_files(tmp_path, capsys):
    from hw1.check.starter import main

    assert main(["--out", str(tmp_path)]) == 0
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == ["hw1-starter.ipynb", "hw1-starter.py"]
    assert capsys.readouterr().out.split() == [str(tmp_path / name) for name in written]
    notebook = nbformat.read(tmp_path / "hw1-starter.ipynb", as_version=4)
    nbformat.validate(notebook)
    first = notebook.cells[0].source
    assert "needs the **`hw1` package**" in first and "python -m pip install ." in first
    checks = [c.source for c in notebook.cells if c.source.startswith("hw1.check.check(")]
    assert len(checks) == 6 and all(not c.outputs for c in notebook.cells if c.cell_type == "code")
