"""Every notebook the site offers for download runs on its own, without hw1.

Run by ``nox -s notebook`` after ``nox -s docs`` (marker ``notebooks``); the session
executes the combined ``hw1-answers.ipynb`` the same way (``docs/build_notebook.py
--execute``). Each notebook runs in a fresh kernel whose first, unsaved cell sets
``sys.modules["hw1"] = None``, so any import of ``hw1`` raises, in an empty temporary
folder, with MNIST given through the documented fallback (``HW1_MNIST``). The
checker's example is a tool of the package and is exempt: it runs with ``hw1``.
"""

import os
import sys
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.notebooks

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = Path(os.environ.get("HW1_EXAMPLES", ROOT / "docs" / "auto_examples"))
GALLERY = ROOT / "gallery"
sys.path.insert(0, str(ROOT / "docs"))
from build_notebook import EXEMPT, example_notebook, execute  # noqa: E402

# Subfolders are gallery subsections; their notebooks sit in the same subfolder.
SCRIPTS = sorted(p.relative_to(GALLERY).as_posix() for p in GALLERY.rglob("plot_*.py"))


@pytest.mark.parametrize("name", SCRIPTS)
def test_downloadable_notebook_runs_in_a_fresh_kernel(name, tmp_path, monkeypatch):
    path = EXAMPLES / Path(name).with_suffix(".ipynb")
    if not path.is_file():
        pytest.fail(f"{path} is missing: build the site first (nox -s docs)")
    text = path.read_text(encoding="utf-8")
    standalone = name not in EXEMPT
    if text != example_notebook(GALLERY / name, standalone=standalone):
        pytest.fail(f"{path} is stale: the docs build did not rewrite it (nox -s docs)")
    notebook = nbformat.reads(text, as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code, f"{name} has no code cell"
    monkeypatch.setenv("HW1_MNIST", str(ROOT / "hw1" / "data_files" / "mnist"))
    if standalone:
        execute(notebook, tmp_path, timeout=600)
    else:
        from nbclient import NotebookClient

        NotebookClient(
            notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": tmp_path}}
        ).execute()
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert any(c.get("outputs") for c in code), f"{name} produced no output"
