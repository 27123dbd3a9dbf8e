"""Assemble every gallery script into one Jupyter notebook, optionally executing it.

The notebook is generated from ``gallery/plot_*.py`` each time, so there is never a
second copy of the code to keep in step. Text blocks are converted from
reStructuredText with sphinx-gallery's own converter; code blocks are copied as they
are. Run ``python docs/build_notebook.py --help``.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import nbformat
from sphinx_gallery.notebook import rst2md
from sphinx_gallery.py_source_parser import split_code_and_text_blocks

ROOT = Path(__file__).resolve().parents[1]
GALLERY = ROOT / "gallery"

# Each script's title becomes a level-2 heading under the notebook's own title.
HEADING_LEVELS = {(None, "="): 2, ("=", "="): 2, (None, "-"): 3, (None, "~"): 4, (None, "^"): 4}
GALLERY_CONF = {"rst_link_targets": {}}
# Sphinx cross-reference roles that rst2md leaves alone, e.g. :func:`hw1.data.load_mnist`.
SPHINX_ROLE = re.compile(r":(?:py:)?(?:func|class|meth|mod|attr|data|obj|exc|doc|eq):`~?([^`]+)`")

TITLE = """\
# Assignment 1: every programming answer in one notebook

Generated from the `gallery/` scripts of the hw1 project, in question order. Each
section is one example from the site; the logic it calls lives in the `hw1` package
(`pip install` the project first). Run the cells from top to bottom."""


def gallery_scripts(gallery: Path = GALLERY) -> list[Path]:
    """Return the example scripts in question order (their file names sort that way)."""
    scripts = sorted(gallery.glob("plot_*.py"))
    if not scripts:
        raise FileNotFoundError(f"no plot_*.py scripts in {gallery}")
    return scripts


def script_cells(script: Path) -> list[nbformat.NotebookNode]:
    """Return the markdown and code cells of one gallery script, in source order."""
    _, blocks = split_code_and_text_blocks(str(script))
    cells = []
    for block in blocks:
        if block.type == "text":
            text = rst2md(block.content, GALLERY_CONF, script.parent, HEADING_LEVELS)
            text = SPHINX_ROLE.sub(r"`\1`", text)
            cells.append(nbformat.v4.new_markdown_cell(text.strip()))
        elif block.content.strip():
            cells.append(nbformat.v4.new_code_cell(block.content.strip()))
    return cells


def build_notebook(scripts: list[Path]) -> nbformat.NotebookNode:
    """Return one notebook: a title, a setup cell, then each script's cells in order."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    notebook.cells.append(nbformat.v4.new_markdown_cell(TITLE))
    notebook.cells.append(nbformat.v4.new_code_cell("%matplotlib inline"))
    for script in scripts:
        notebook.cells.extend(script_cells(script))
    return notebook


def execute(notebook: nbformat.NotebookNode, workdir: Path, timeout: int = 900) -> None:
    """Run every cell in a fresh kernel; a failing cell raises ``CellExecutionError``."""
    from nbclient import NotebookClient

    NotebookClient(
        notebook, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": workdir}}
    ).execute()


def main(argv: list[str] | None = None) -> int:
    """Assemble the notebook, optionally execute it, and write it; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="where to write the .ipynb")
    parser.add_argument("--execute", action="store_true", help="run it in a fresh kernel")
    args = parser.parse_args(argv)

    scripts = gallery_scripts()
    notebook = build_notebook(scripts)
    print(f"assembled {len(notebook.cells)} cells from {len(scripts)} scripts")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if args.execute:
        start = time.perf_counter()
        execute(notebook, args.out.parent)
        print(f"executed in {time.perf_counter() - start:.1f} s")
    nbformat.write(notebook, args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
