"""Every notebook the site offers for download runs on its own in a fresh kernel.

Run by ``nox -s notebook`` after ``nox -s docs`` (marker ``notebooks``). Each notebook
is executed in an empty temporary directory, so it can rely only on the installed
``hw1`` package, as a reader's downloaded copy would.
"""

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.notebooks

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = Path(os.environ.get("HW1_EXAMPLES", ROOT / "docs" / "auto_examples"))
GALLERY = ROOT / "gallery"
# Subfolders are gallery subsections; their notebooks sit in the same subfolder.
SCRIPTS = sorted(
    p.relative_to(GALLERY).with_suffix("").as_posix() for p in GALLERY.rglob("plot_*.py")
)


@pytest.mark.parametrize("name", SCRIPTS)
def test_downloadable_notebook_runs_in_a_fresh_kernel(name, tmp_path):
    path = EXAMPLES / f"{name}.ipynb"
    if not path.is_file():
        pytest.fail(f"{path} is missing: build the site first (nox -s docs)")
    notebook = nbformat.read(path, as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code, f"{name}.ipynb has no code cell"
    NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": tmp_path}}
    ).execute()
    assert any(c.get("outputs") for c in code), f"{name}.ipynb produced no output"
