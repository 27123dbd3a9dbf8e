"""Build the self-contained answer notebooks, optionally executing them.

``hw1-answers.ipynb`` holds every gallery script in question order. Under each
question, before its example code, code cells hold every ``hw1`` function, class and
constant the question's examples use, and whatever those use inside ``hw1``, each once
and in dependency order (``docs/sphinxext/standalone.py`` collects them from the
sources). Definitions that examples of several questions use come once, in a "shared
code" section at the top. No cell imports ``hw1``: the notebook runs where only the
public packages it lists are installed. It is generated from the package and the
gallery each time, so there is never a second copy of the code to keep in step.

:func:`example_notebook` makes one example's notebook the same way; the docs build
writes those over sphinx-gallery's (``standalone.rewrite_gallery_downloads``). Run
``python docs/build_notebook.py --help``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from sphinx_gallery.notebook import rst2md
from sphinx_gallery.py_source_parser import remove_config_comments, split_code_and_text_blocks

ROOT = Path(__file__).resolve().parents[1]
GALLERY = ROOT / "gallery"
sys.path.insert(0, str(ROOT / "docs" / "sphinxext"))
from standalone import (  # noqa: E402
    Inliner,
    check_unique_names,
    closure,
    expand_namespaces,
    import_block,
    order,
    requirements,
    standalone_script,
)

PACKAGE = "hw1"
# Each script's title becomes a level-2 heading under the notebook's own title.
HEADING_LEVELS = {(None, "="): 2, ("=", "="): 2, (None, "-"): 3, (None, "~"): 4, (None, "^"): 4}
GALLERY_CONF = {"rst_link_targets": {}}
# A reference with its own text keeps the text: :ref:`the page <q5-derivation>`.
SPHINX_REF = re.compile(r"(?::(?:py:)?[a-z]+:)?`([^`<]*?)\s*<(?!https?:)[^`>]+>`")
# Sphinx cross-reference roles that rst2md leaves alone, e.g. :func:`hw1.data.load_mnist`.
SPHINX_ROLE = re.compile(
    r":(?:py:)?(?:func|class|meth|mod|attr|data|obj|exc|doc|eq|ref):`~?([^`]+)`"
)
# Examples that are tools of the package itself: their notebooks keep `import hw1`.
EXEMPT = ("tools/plot_check_answers.py",)
# What the first cell says a notebook needs, for each definition that reads data.
DATA_NOTES = {
    "load_mnist": (
        "**MNIST** is read from the first of these that exists, each file checked "
        "against the MD5 sum of the uncompressed IDX file: the files shipped inside an "
        "installed `hw1`; the folder named by the environment variable `HW1_MNIST`, or "
        "else a folder `mnist/` beside the notebook (the four IDX files of "
        "<https://yann.lecun.com/exdb/mnist/>, gzip-compressed or not); torchvision's "
        "download (needs the internet), saved into `./mnist/` for the next run."
    ),
    "load_boston": (
        "**Boston housing** comes from mlxtend (`mlxtend.data.boston_housing_data`), "
        "which ships it."
    ),
}
INSTALL = (
    "`pip install` the wheel linked from the site's home page "
    "(`hw1-<version>-py3-none-any.whl`), or `pip install -e .` in a clone of the project"
)
TITLE = "# Assignment 1: every programming answer in one notebook"


def gallery_scripts(gallery: Path = GALLERY) -> list[Path]:
    """Return the answer scripts in question order (their file names sort that way)."""
    scripts = sorted(gallery.glob("plot_*.py"))
    if not scripts:
        raise FileNotFoundError(f"no plot_*.py scripts in {gallery}")
    return scripts


def question(script: Path) -> str:
    """Return the question a script answers ("1" for plot_q1b_...), or its name."""
    match = re.match(r"plot_q(\d+)", script.name)
    return match.group(1) if match else script.stem


def text_cells(source: str, directory: Path) -> list[nbformat.NotebookNode]:
    """Return the markdown and code cells of a gallery script, in source order."""
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as handle:
        handle.write(source)
    try:
        _, blocks = split_code_and_text_blocks(handle.name)
    finally:
        os.unlink(handle.name)
    cells = []
    for block in blocks:
        if block.type == "text":
            text = rst2md(block.content, GALLERY_CONF, directory, HEADING_LEVELS)
            text = SPHINX_ROLE.sub(r"`\1`", SPHINX_REF.sub(r"\1", text))
            cells.append(nbformat.v4.new_markdown_cell(text.strip()))
        else:
            code = remove_config_comments(block.content).strip()
            if code:
                cells.append(nbformat.v4.new_code_cell(code))
    return cells


def definition_cells(definitions, inliner: Inliner) -> list[nbformat.NotebookNode]:
    """One code cell per package module, in order, holding that module's definitions."""
    cells, module, chunk = [], None, []

    def flush():
        if chunk:
            name = module if not module.startswith(("namespace:", "=")) else "aliases"
            heading = f"# {name}, as defined in the package\n\n"
            cells.append(nbformat.v4.new_code_cell(heading + "\n\n\n".join(chunk)))

    for definition in definitions:
        if definition.module != module:
            flush()
            module, chunk = definition.module, []
        chunk.append(definition.source)
    flush()
    return cells


def needs_cell(inliner: Inliner, keys, script_modules, what: str) -> nbformat.NotebookNode:
    """Return the first markdown cell: the packages and data the notebook needs."""
    modules = set(script_modules)
    for key in keys:
        modules |= inliner.definitions[key].requires
    names = {inliner.definitions[key].name for key in keys}
    lines = [
        f"**Runs on its own.** {what} Every `{PACKAGE}` function, class and constant it "
        "uses is defined in the cells below, with its docstring; nothing imports "
        f"`{PACKAGE}`.",
        "",
        "It needs Python 3.10 or later and these packages from PyPI: "
        + ", ".join(f"`{p}`" for p in requirements(modules))
        + " (`pip install "
        + " ".join(requirements(modules))
        + "`).",
    ]
    for name in sorted(DATA_NOTES):
        if name in names:
            lines += ["", DATA_NOTES[name]]
    return nbformat.v4.new_markdown_cell("\n".join(lines))


def _notebook() -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return notebook


def _imports_cell(definitions, scripts) -> nbformat.NotebookNode:
    block = import_block(definitions, set().union(*(s.imports for s in scripts)))
    # The future import first: it must open the cell; later cells keep its effect.
    return nbformat.v4.new_code_cell(
        "from __future__ import annotations\n\n%matplotlib inline\n\n" + block
    )


def build_notebook(scripts: list[Path]) -> tuple[nbformat.NotebookNode, list]:
    """One notebook answering every question; return it and the inlined definitions.

    Layout: a title and what it needs; the imports and the definitions used by the
    examples of more than one question ("shared code"); then per question, its title,
    the definitions only it uses, and its example's cells.
    """
    inliner = Inliner(PACKAGE, [str(ROOT)])
    parsed = [standalone_script(inliner, script) for script in scripts]
    expand_namespaces(inliner)
    reach = {id(s): closure(inliner, s.keys) for s in parsed}
    questions: dict[tuple, set[str]] = {}
    for script in parsed:
        for key in reach[id(script)]:
            questions.setdefault(key, set()).add(question(script.path))
    everything = order(inliner.definitions, list(questions))
    check_unique_names(everything)
    shared = [d for d in everything if len(questions[(d.module, d.name)]) > 1]

    notebook = _notebook()
    script_modules = set().union(*(s.requires for s in parsed))
    notebook.cells.append(nbformat.v4.new_markdown_cell(TITLE))
    notebook.cells.append(
        needs_cell(
            inliner,
            list(questions),
            script_modules,
            "Generated from the `gallery/` scripts and the `hw1` package of the hw1 "
            "project, in question order. Run the cells from top to bottom.",
        )
    )
    notebook.cells.append(_imports_cell(everything, parsed))
    notebook.cells.append(
        nbformat.v4.new_markdown_cell(
            "## Shared code\n\nDefinitions that the examples of more than one question use: "
            "data loading, argument validation, tables."
        )
    )
    notebook.cells.extend(definition_cells(shared, inliner))
    placed = {(d.module, d.name) for d in shared}
    for script in parsed:
        cells = text_cells(script.source, script.path.parent)
        mine = [
            d
            for d in everything
            if (d.module, d.name) in reach[id(script)] and (d.module, d.name) not in placed
        ]
        placed |= {(d.module, d.name) for d in mine}
        notebook.cells.append(cells[0])
        if mine:
            notebook.cells.append(
                nbformat.v4.new_markdown_cell(
                    "**The answer's code.** The `hw1` definitions this example uses, "
                    "in dependency order:"
                )
            )
            notebook.cells.extend(definition_cells(mine, inliner))
        notebook.cells.extend(cells[1:])
    return stable_ids(notebook), everything


def stable_ids(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Give each cell an id derived from its place and text, not a random one.

    The same sources then give the same file, so a build rewrites a notebook (and
    Sphinx re-reads its page) only when something in it changed.
    """
    for index, cell in enumerate(notebook.cells):
        digest = hashlib.sha1(f"{index}\0{cell.source}".encode()).hexdigest()[:8]
        cell["id"] = f"c{index:03d}-{digest}"
    return notebook


def example_notebook(script: Path, standalone: bool = True) -> str:
    """One gallery example as notebook JSON; ``standalone`` inlines the package code."""
    notebook = _notebook()
    if not standalone:
        notebook.cells.append(
            nbformat.v4.new_markdown_cell(
                f"**Needs the `{PACKAGE}` package.** This example shows a tool of the "
                f"package itself, so it imports `{PACKAGE}`: {INSTALL}."
            )
        )
        notebook.cells.append(nbformat.v4.new_code_cell("%matplotlib inline"))
        source = Path(script).read_text(encoding="utf-8")
        from sphinx_gallery.py_source_parser import remove_ignore_blocks

        notebook.cells.extend(text_cells(remove_ignore_blocks(source), Path(script).parent))
        return nbformat.writes(stable_ids(notebook)) + "\n"
    inliner = Inliner(PACKAGE, [str(ROOT)])
    parsed = standalone_script(inliner, Path(script))
    expand_namespaces(inliner)
    keys = closure(inliner, parsed.keys)
    definitions = order(inliner.definitions, keys)
    check_unique_names(definitions)
    cells = text_cells(parsed.source, Path(script).parent)
    notebook.cells.append(
        needs_cell(inliner, keys, parsed.requires, "This is one example of the hw1 site.")
    )
    notebook.cells.append(cells[0])
    notebook.cells.append(_imports_cell(definitions, [parsed]))
    if definitions:
        notebook.cells.append(
            nbformat.v4.new_markdown_cell(
                "**The answer's code.** The `hw1` definitions this example uses, in "
                "dependency order:"
            )
        )
    notebook.cells.extend(definition_cells(definitions, inliner))
    notebook.cells.extend(cells[1:])
    return nbformat.writes(stable_ids(notebook)) + "\n"


def install_note() -> str:
    """Return the comment that heads each downloadable ``.py`` copy of an example."""
    return (
        f"# This script imports the {PACKAGE} package: {INSTALL.replace('`', '')}.\n"
        "# The example's notebook from the same page needs no hw1: it holds the code.\n"
    )


def execute(notebook: nbformat.NotebookNode, workdir: Path, timeout: int = 900) -> None:
    """Run every cell in a fresh kernel in which ``hw1`` cannot be imported.

    A first cell, run but not kept, sets ``sys.modules["hw1"] = None``, so any import
    of ``hw1`` raises. A failing cell raises ``CellExecutionError``.
    """
    from nbclient import NotebookClient

    blocker = nbformat.v4.new_code_cell(f'import sys\nsys.modules["{PACKAGE}"] = None')
    run = nbformat.from_dict(notebook)
    run.cells = [blocker, *notebook.cells]
    NotebookClient(
        run, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": workdir}}
    ).execute()
    notebook.cells = run.cells[1:]


def main(argv: list[str] | None = None) -> int:
    """Assemble the notebook, optionally execute it, and write it; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="where to write the .ipynb")
    parser.add_argument(
        "--execute",
        action="store_true",
        help="run it in a fresh kernel, hw1 blocked, in an empty temporary folder "
        "(MNIST from $HW1_MNIST, by default the repository's copy)",
    )
    args = parser.parse_args(argv)

    scripts = gallery_scripts()
    notebook, definitions = build_notebook(scripts)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    print(
        f"assembled {len(notebook.cells)} cells ({len(code)} code) from {len(scripts)} "
        f"scripts; {sum(len(c.source.splitlines()) for c in code)} code lines; "
        f"{len(definitions)} hw1 definitions inlined"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if args.execute:
        os.environ.setdefault("HW1_MNIST", str(ROOT / PACKAGE / "data_files" / "mnist"))
        start = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="hw1-notebook-") as workdir:
            execute(notebook, Path(workdir))
        print(f"executed in {time.perf_counter() - start:.1f} s")
    nbformat.write(notebook, args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
