"""The starter notebook: each question restated, a stub per checked name, a check cell after each.

``python -m hw1.check.starter --out FOLDER`` writes ``hw1-starter.ipynb`` and
``hw1-starter.py`` (the same cells, in the percent format Jupyter, VS Code and jupytext
read). The stubs come from :data:`hw1.check.names.ANSWERS`, with its signatures and
conventions; each raises ``NotImplementedError``, which the checker reports as not
attempted. ``--answer-key`` writes ``hw1-answer-key.*`` instead: the same cells with each
stub replaced by an import of ``hw1``'s own answer, used by the tests. Imports no PyTorch.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import textwrap
from collections.abc import Mapping
from pathlib import Path

from hw1.check.names import ANSWERS, Answer

__all__ = [
    "QUESTIONS",
    "Cell",
    "Question",
    "main",
    "notebook_json",
    "script_text",
    "starter_cells",
    "stub_source",
    "write_starter",
]


@dataclasses.dataclass(frozen=True)
class Question:
    """One question of the assignment, restated for the starter.

    Attributes
    ----------
    number : str
        ``"Q1"`` … ``"Q5"``: the prefix of its answers' ``question`` in the table.
    title : str
        The question's title.
    parts : str
        Its parts in our own words (Markdown), with no solutions.
    """

    number: str
    title: str
    parts: str


@dataclasses.dataclass(frozen=True)
class Cell:
    """One cell of the starter.

    Attributes
    ----------
    kind : str
        ``"markdown"`` or ``"code"``.
    source : str
        Its text.
    name : str or None
        The checked name a stub cell defines, else ``None``.
    """

    kind: str
    source: str
    name: str | None = None


QUESTIONS: tuple[Question, ...] = (
    Question(
        "Q1",
        "Question 1: a log-cosh network, its gradients by hand and by finite differences",
        """\
The network $\\hat y = \\mathbf{w}_2^\\top \\rho(\\mathbf{W}_1 \\mathbf{x} + \\mathbf{b}_1) + b_2$
is trained with the cost $J = \\frac1N \\sum_n \\log\\cosh(\\hat y_n - y_n)$, the mean over a
batch of N samples.

- **(a)** For a differentiable activation $\\rho$ not fixed yet, work out by hand the
  gradient of $J$ with respect to $\\mathbf{W}_1$, $\\mathbf{b}_1$, $\\mathbf{w}_2$, $b_2$
  and the input $\\mathbf{x}$. *(On paper: not checked here.)*
- **(b)** Fix $\\rho = \\tanh$. Write the network and its cost with tensors only (no
  `nn.Module`), and the five gradients of part (a) as a function, `manual_gradients`;
  test on random inputs that autograd finds the same.
- **(c)** Confirm the gradients a third way, with finite differences written from
  scratch (not PyTorch's gradient checker): `numerical_gradient`.
- **(d)** Fit the network to the Boston house prices for 15 epochs and report the
  training and test error after each epoch. *(Not checked here.)*""",
    ),
    Question(
        "Q2",
        "Question 2: the Jacobian of a deep tanh network, by reverse and by forward mode",
        """\
A network without biases maps $\\mathbf{x} \\in \\mathbb{R}^D$ through L layers of K tanh
units, $\\mathbf{h}_i = \\tanh(\\mathbf{W}_i \\mathbf{h}_{i-1})$, and a last linear layer
$f(\\mathbf{x}) = \\mathbf{W}_F \\mathbf{h}_L \\in \\mathbb{R}^P$.

- **(b)** Write a function of the weights (a dict of tensors) and an input that returns
  the P × D Jacobian $\\partial f / \\partial \\mathbf{x}$ from torch's automatic
  differentiation: `jacobian_reverse`.
- **(c)** Compute the same Jacobian by forward mode, written with plain tensor operations
  and no autograd, and check that it matches (b): `jacobian_forward`.
- **(d)**, **(e)** Time both against each other, and compare their costs in a simple
  operation count. *(Not checked here.)*""",
    ),
    Question(
        "Q3",
        "Question 3: networks built by hand",
        """\
Choose the weights yourself (no training) so that a small network computes:

- **XNOR**: two bits $x_1, x_2 \\in \\{0, 1\\}$ give 1 when they are equal and 0 when they
  differ: `xnor_net`.
- **The tent**: 0 up to $x = 0$, rising linearly to 1 at $x = \\frac12$, falling back to 0
  at $x = 1$, and 0 after: `tent_net`.
- **Soft thresholding** with a constant s: $f(x) = \\max(|x| - s, 0)\\,\\mathrm{sign}(x)$,
  which sends $|x| \\le s$ to 0 and moves every other input towards 0 by s:
  `soft_threshold_net`. Say which values of s can be matched.""",
    ),
    Question(
        "Q4",
        "Question 4: depth and initialisation of an MNIST network",
        """\
- **(a)** Write an `nn.Module` for flattened MNIST digits, of shape B × 784, that returns
  10 logits per digit, with tanh between its layers, 50 units per hidden layer, and its
  number of layers as the one argument of its constructor: `MLP` (the assignment's name
  `my_model` is accepted too; define one of them).
- **(b)** Write a function that draws every weight of the network independently from
  $\\mathcal{U}(-d, d)$ and sets every bias to 0, for $d = 0.01$, $0.1$, $2$ and for the
  Xavier bound $d = \\sqrt{6/(n_\\text{in} + n_\\text{out})}$ of each layer: `init_uniform_`.
- **(c)**–**(e)** Send a minibatch through the untrained depth-8 network for each
  initialisation and plot the activations and gradients per layer; train each for 5
  epochs of SGD; say what depth and initialisation do. *(Not checked here.)*""",
    ),
    Question(
        "Q5",
        "Question 5: least squares by gradient descent",
        """\
For $\\mathcal{L}(w) = \\frac12 \\|Xw - y\\|^2$:

- **(a)** Find its gradient with respect to $w$, `gradient`, and a $w$ that makes it
  smallest, `minimizer`. What changes when $X^\\top X$ cannot be inverted?
- **(b)** Gradient descent starts at $w_0$ with a fixed step $\\alpha$. Write $w_1$ and
  $w_2$ as formulas in $\\alpha$, $w_0$, $X$ and $y$. *(On paper: not checked here.)*
- **(c)** Extend (b) to any k: the k-th iterate $w_k$, `closed_form_iterate`.""",
    ),
)

_INTRO = """\
# Assignment 1: starter notebook

This notebook needs the **`hw1` package**, which holds the answer checker. Install it
into the environment of this kernel, from a clone of the project
(`python -m pip install .`), or build its wheel there
(`python -m pip wheel --no-deps -w dist .`) and install that anywhere
(`python -m pip install dist/hw1-*.whl`).

Each question below is restated in a few lines, followed by a stub for every function
the checker knows, with its exact signature and its conventions (shapes, dtypes, dict
keys, return value), and a check cell that runs that question's checks in this kernel.
A stub that still raises `NotImplementedError` is reported as *not attempted*, not as
failed. Replace each body with your answer and run the check cell.

The whole notebook can also be checked from a terminal, in a fresh process:
`python -m hw1.check hw1-starter.ipynb`."""

_IMPORTS = """\
import torch
from torch import nn

import hw1.check"""

_MY_MODEL = (
    "`my_model(depth)`, the assignment's own name, is accepted instead of `MLP`: the checker "
    "checks whichever you define."
)


def _docstring(entry: Answer, indent: str) -> str:
    """Return the stub's docstring: question, conventions and the hw1 answer it mirrors."""
    text = f"{entry.question}. {entry.conventions}"
    if entry.name == "MLP":
        text += " " + _MY_MODEL
    body = textwrap.fill(text, 88 - len(indent), break_on_hyphens=False)
    lines = [*body.splitlines(), "", f"Checked like {', '.join(entry.references)}."]
    inner = "\n".join(indent + line if line else "" for line in lines)
    return f'{indent}"""{inner.lstrip()}\n{indent}"""'


def stub_source(entry: Answer) -> str:
    """Return the stub of one checked name: its signature, docstring and NotImplementedError.

    ``MLP`` is a class (an ``nn.Module`` whose constructor takes ``depth``); every other
    name is a function.
    """
    if entry.name == "MLP":
        return (
            f"class MLP(nn.Module):\n{_docstring(entry, '    ')}\n\n"
            f"    def __init__(self, {entry.parameters}):\n"
            "        super().__init__()\n"
            "        raise NotImplementedError\n\n"
            "    def forward(self, x):\n"
            "        raise NotImplementedError"
        )
    return f"def {entry.signature}:\n{_docstring(entry, '    ')}\n    raise NotImplementedError"


def _answer_key_source(entry: Answer) -> str:
    """Return an import of hw1's own answer under the checked name."""
    module, _, name = entry.references[0].rpartition(".")
    alias = "" if name == entry.name else f" as {entry.name}"
    return f"from {module} import {name}{alias}"


def starter_cells(*, answer_key: bool = False, fill: Mapping[str, str] | None = None) -> list[Cell]:
    """Return the starter's cells.

    Parameters
    ----------
    answer_key : bool
        Replace every stub by an import of ``hw1``'s own answer (for the tests).
    fill : mapping from str to str, optional
        Replace the stubs of these names by this source (e.g. a known mistake).

    Raises
    ------
    ValueError
        If ``fill`` names something the starter has no stub for.
    """
    fill = dict(fill or {})
    stubbed = [a for a in ANSWERS if a.alternative_to is None]
    unknown = set(fill) - {a.name for a in stubbed}
    if unknown:
        raise ValueError(f"fill must name stubs among {[a.name for a in stubbed]}, got {unknown}")
    cells = [Cell("markdown", _INTRO), Cell("code", _IMPORTS)]
    for question in QUESTIONS:
        entries = [a for a in stubbed if a.question.startswith(question.number)]
        cells.append(Cell("markdown", f"## {question.title}\n\n{question.parts}"))
        for entry in entries:
            if entry.name in fill:
                source = fill[entry.name].strip()
            elif answer_key:
                source = _answer_key_source(entry)
            else:
                source = stub_source(entry)
            cells.append(Cell("code", source, entry.name))
        names = ",".join(a.name for a in entries)
        if question.number == "Q4":
            names += ",my_model"
        cells.append(Cell("markdown", f"Check {question.number} (runs in this kernel):"))
        cells.append(Cell("code", f'hw1.check.check(globals(), only="{names}")'))
    cells.append(Cell("markdown", "## All questions at once"))
    cells.append(Cell("code", "hw1.check.check(globals())"))
    return cells


def notebook_json(cells: list[Cell]) -> dict:
    """Return the cells as a Jupyter notebook (nbformat 4.5), unexecuted."""

    def lines(text: str) -> list[str]:
        return text.splitlines(keepends=True)

    nb_cells = []
    for number, cell in enumerate(cells, 1):
        record = {
            "cell_type": cell.kind,
            "id": f"cell-{number}",
            "metadata": {},
            "source": lines(cell.source),
        }
        if cell.kind == "code":
            record.update(execution_count=None, outputs=[])
        nb_cells.append(record)
    return {
        "cells": nb_cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def script_text(cells: list[Cell]) -> str:
    """Return the cells as a Python file in the percent format; check cells print their report."""
    parts = []
    for cell in cells:
        if cell.kind == "markdown":
            text = "\n".join(f"# {line}".rstrip() for line in cell.source.splitlines())
            parts.append(f"# %% [markdown]\n{text}")
        elif cell.source.startswith("hw1.check.check("):
            parts.append(f"# %%\nprint({cell.source})")
        else:
            parts.append(f"# %%\n{cell.source}")
    return "\n\n\n".join(parts) + "\n"


def write_starter(
    folder: str | Path, *, answer_key: bool = False, fill: Mapping[str, str] | None = None
) -> tuple[Path, Path]:
    """Write the starter (or the answer key) as a notebook and a ``.py`` file in ``folder``.

    Returns
    -------
    tuple of Path
        The ``.ipynb`` and the ``.py`` file.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    cells = starter_cells(answer_key=answer_key, fill=fill)
    stem = "hw1-answer-key" if answer_key else "hw1-starter"
    notebook, script = folder / f"{stem}.ipynb", folder / f"{stem}.py"
    notebook.write_text(json.dumps(notebook_json(cells), indent=1) + "\n", encoding="utf-8")
    script.write_text(script_text(cells), encoding="utf-8")
    return notebook, script


def main(argv: list[str] | None = None) -> int:
    """Write the starter: ``python -m hw1.check.starter --out FOLDER [--answer-key]``."""
    parser = argparse.ArgumentParser(prog="python -m hw1.check.starter", description=__doc__)
    parser.add_argument("--out", default=".", help="the folder to write to (default: here)")
    parser.add_argument(
        "--answer-key", action="store_true", help="fill the stubs from hw1 (for tests)"
    )
    args = parser.parse_args(argv)
    for path in write_starter(args.out, answer_key=args.answer_key):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
