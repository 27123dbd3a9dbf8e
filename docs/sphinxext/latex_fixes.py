r"""Two fixes for the PDF's LaTeX (a Sphinx extension named in conf.py).

- **Math in headings.** hyperref cannot put ``\(X^\top X\)`` into a PDF bookmark and
  warns for each token it drops. Math in a title is written as
  ``\texorpdfstring{\(...\)}{plain text}`` instead, the plain text a readable
  Unicode approximation.
- **Links to exercises.** sphinx-exercise labels an exercise ``exercise:<label>`` in
  LaTeX, while the "Solution to Exercise" link in each solution's title points at
  ``<docname>:<label>``, so every such link is undefined. The missing label is added.
"""

from __future__ import annotations

import re
import unicodedata

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

_SYMBOLS = {
    "top": "ᵀ",
    "times": "×",
    "cdot": "·",
    "le": "≤",
    "leq": "≤",
    "ge": "≥",
    "geq": "≥",
    "ne": "≠",
    "neq": "≠",
    "approx": "≈",
    "to": "→",
    "in": "∈",
    "infty": "∞",
    "partial": "∂",
    "nabla": "∇",
    "odot": "⊙",
    "circ": "∘",
    "sum": "∑",
    "ldots": "…",
    "dots": "…",
    "pm": "±",
    "lambda": "λ",  # Unicode spells it LAMDA
}
# Commands that only style or space what follows: dropped in plain text.
_STYLE = {
    "mathbf",
    "mathrm",
    "mathbb",
    "mathcal",
    "boldsymbol",
    "operatorname",
    "text",
    "left",
    "right",
    "big",
    "Big",
    "quad",
    "qquad",
    "displaystyle",
    "mathit",
}


def _greek(name: str) -> str | None:
    case = "CAPITAL" if name[0].isupper() else "SMALL"
    try:
        return unicodedata.lookup(f"GREEK {case} LETTER {name.upper()}")
    except KeyError:
        return None


def plain_text(latex: str) -> str:
    """Approximate a LaTeX math snippet in plain Unicode text, for a PDF bookmark."""

    def command(match: re.Match) -> str:
        name = match.group(1)
        if name in _STYLE:
            return ""
        symbol = name.removeprefix("var")
        return _SYMBOLS.get(symbol) or _greek(symbol) or name

    text = re.sub(r"\\([A-Za-z]+)\s*", command, latex)
    text = text.replace("^ᵀ", "ᵀ").replace("^{ᵀ}", "ᵀ")
    text = re.sub(r"[{}\\$]", "", text)
    text = text.replace("^", "").replace("_", "").replace("&", "")
    return " ".join(text.split())


class MathInTitles(SphinxPostTransform):
    """Write math in headings so that PDF bookmarks get plain text."""

    default_priority = 400
    builders = ("latex",)

    def run(self, **kwargs) -> None:
        r"""Replace each math node inside a title with a raw ``\texorpdfstring``."""
        for title in list(self.document.findall(nodes.title)):
            for math in list(title.findall(nodes.math)):
                latex = math.astext()
                raw = rf"\texorpdfstring{{\({latex}\)}}{{{plain_text(latex)}}}"
                math.replace_self(nodes.raw("", raw, format="latex"))


class ExerciseLabels(SphinxPostTransform):
    """Add the ``<docname>:<label>`` target that solution titles link to."""

    default_priority = 400
    builders = ("latex",)

    def run(self, **kwargs) -> None:
        """Put a LaTeX label before every labelled exercise."""
        for node in list(self.document.findall(nodes.Element)):
            if type(node).__name__ not in ("exercise_node", "exercise_enumerable_node"):
                continue
            label = node.get("label")
            if not label:
                continue
            registry = getattr(self.env, "sphinx_exercise_registry", {})
            docname = registry.get(label, {}).get("docname")
            if not docname:
                continue
            raw = rf"\phantomsection\label{{\detokenize{{{docname}:{label}}}}}"
            node.parent.insert(node.parent.index(node), nodes.raw("", raw, format="latex"))


def setup(app):
    """Register the post-transforms."""
    app.add_post_transform(MathInTitles)
    app.add_post_transform(ExerciseLabels)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
