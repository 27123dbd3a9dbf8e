"""The one table of what the checker looks for: each name's question, signature and conventions.

The checker (:mod:`hw1.check`), the table on the "Check your own answers" page and the
starter notebook (:mod:`hw1.check.starter`) are all generated from :data:`ANSWERS`, so
they cannot disagree. This module imports no PyTorch.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

__all__ = ["ANSWERS", "NAMES", "Answer", "answer", "resolve_only"]


@dataclasses.dataclass(frozen=True)
class Answer:
    """One name the checker looks for.

    Attributes
    ----------
    name : str
        The name looked for in the reader's namespace, e.g. ``"manual_gradients"``.
    question : str
        The question it answers, e.g. ``"Q1(b)"``.
    parameters : str
        The parameters, as written between the parentheses of a ``def`` (defaults
        included), e.g. ``"params, X, y"``.
    conventions : str
        Shapes, dtypes, dict keys and the return value, in Markdown (code in backticks).
    references : tuple of str
        The ``hw1`` functions or classes that answer it, by dotted path.
    alternative_to : str or None
        Another name this one stands in for (``my_model`` for ``MLP``), or ``None``.
    """

    name: str
    question: str
    parameters: str
    conventions: str
    references: tuple[str, ...]
    alternative_to: str | None = None

    @property
    def signature(self) -> str:
        """Return ``name(parameters)``, e.g. ``"gradient(X, w, y)"``."""
        return f"{self.name}({self.parameters})"


_FLOAT64 = "All tensors float64."
_Q2 = (
    "`weights` a dict: `W1` (K, D), `W2` … `WL` (K, K), `WF` (P, K), no biases, tanh "
    "between layers; `x` of shape (D,); returns df/dx of shape (P, D). A batch `x` of "
    "shape (N, D) → (N, P, D) is checked if supported."
)
_Q3 = (
    "Inputs come in the network's own dtype: its parameters' for an `nn.Module` (float32 "
    "unless you chose otherwise), torch's default (float32) for a plain function. Returns "
    "the network, a callable (an `nn.Module` or a function)"
)

#: Every name the checker looks for, in report order.
ANSWERS: tuple[Answer, ...] = (
    Answer(
        "manual_gradients",
        "Q1(b)",
        "params, X, y",
        f"{_FLOAT64} `params` a dict: `W1` (H, D), `b1` (H,), `w2` (H,), `b2` 0-d; `X` "
        "(N, D), `y` (N,). Returns a dict of the gradients of the **mean** log-cosh cost, "
        "with keys `W1`, `b1`, `w2`, `b2`, `X`, each shaped like its tensor (a tuple in "
        "that order is accepted too).",
        ("hw1.logcosh.manual_gradients",),
    ),
    Answer(
        "numerical_gradient",
        "Q1(c)",
        "f, t",
        "`t` float64; `f` maps a tensor shaped like `t` to a float64 scalar. Returns the "
        "gradient of `f` at `t`, shaped like `t`, by finite differences of values of `f` "
        "only (no autograd); `t` must be left unchanged.",
        ("hw1.finite_diff.numerical_gradient",),
    ),
    Answer(
        "jacobian_reverse",
        "Q2(b)",
        "weights, x",
        f"{_FLOAT64} {_Q2}",
        ("hw1.jacobian.jacobian_reverse",),
    ),
    Answer(
        "jacobian_forward",
        "Q2(c)",
        "weights, x",
        f"{_FLOAT64} The same as `jacobian_reverse`, by forward mode written by hand: any "
        "use of `torch.autograd`, `torch.func` or forward-AD dual tensors inside it fails "
        "the check.",
        ("hw1.jacobian.jacobian_forward",),
    ),
    Answer(
        "xnor_net",
        "Q3",
        "activation='relu'",
        f"{_Q3} mapping inputs of shape (N, 2) to N outputs, in any shape with N entries; "
        'an output above 1/2 is read as 1. Called with no argument, or with `"relu"` and '
        '`"sigmoid"` if it needs one.',
        ("hw1.handcrafted.xnor_net",),
    ),
    Answer(
        "tent_net",
        "Q3",
        "",
        f"{_Q3} mapping inputs of shape (N, 1) or (N,) to N outputs. Must match the tent "
        "to 1e-4 everywhere, also outside [0, 1] and for |x| up to 1e6: ReLU constructions "
        "are exact, a sigmoid network only approximates the kinks and fails.",
        ("hw1.handcrafted.tent_net",),
    ),
    Answer(
        "soft_threshold_net",
        "Q3",
        "s",
        f"`s` a Python float. {_Q3} mapping inputs of shape (N, 1) or (N,) to N outputs, "
        "equal to max(|x| − s, 0)·sign(x) to 1e-4.",
        ("hw1.handcrafted.soft_threshold_net",),
    ),
    Answer(
        "MLP",
        "Q4(a)",
        "depth",
        "`depth` a Python int. An `nn.Module` mapping (B, 784) to (B, 10) logits, width "
        "50, tanh between layers, none on the logits; the test batch comes in the dtype of "
        "the first layer's weight (float32 unless you chose otherwise). `depth` may count "
        "the linear layers (`MLP(8)` has 8 `nn.Linear`) or the hidden layers (9 "
        "`nn.Linear`); the report says which it found.",
        ("hw1.init_study.MLP",),
    ),
    Answer(
        "my_model",
        "Q4(a)",
        "depth",
        "The same as `MLP`, under the name the assignment uses; define either.",
        ("hw1.init_study.MLP",),
        alternative_to="MLP",
    ),
    Answer(
        "init_uniform_",
        "Q4(b)",
        "model, d",
        "`model` as your `MLP(8)` builds it (else a float32 reference network whose "
        'linear layers sit in `model.layers`); `d` a Python float or `"xavier"`. Draws '
        'every weight from U(−d, d) and sets every bias to 0, in place; `d = "xavier"` '
        "means each layer's own bound √(6/(n_in + n_out)). Returns the model.",
        ("hw1.init_study.init_uniform_",),
    ),
    Answer(
        "gradient",
        "Q5(a)",
        "X, w, y",
        f"{_FLOAT64} `X` (N, D), `w` (D,), `y` (N,). Returns the gradient of "
        "½‖Xw − y‖² with respect to `w`, shape (D,).",
        ("hw1.least_squares.gradient",),
    ),
    Answer(
        "minimizer",
        "Q5(a)",
        "X, y",
        f"{_FLOAT64} `X` (N, D), `y` (N,). Returns a minimiser of ½‖Xw − y‖², shape "
        "(D,); also for a wide or rank-deficient `X`, where XᵀX cannot be inverted.",
        ("hw1.least_squares.minimizer",),
    ),
    Answer(
        "closed_form_iterate",
        "Q5(c)",
        "X, y, w0, alpha, k",
        "`X` (N, D), `y` (N,), `w0` (D,) float64; `alpha` a Python float, `k` a Python "
        "int. Returns the k-th gradient-descent iterate w_k of ½‖Xw − y‖² from `w0` with "
        "step `alpha` (k = 0 gives `w0`), shape (D,).",
        ("hw1.least_squares.closed_form_iterate",),
    ),
)

#: The names looked for, in report order, with the question each answers.
NAMES: dict[str, str] = {a.name: a.question for a in ANSWERS}


def answer(name: str) -> Answer:
    """Return the :class:`Answer` of ``name``.

    Raises
    ------
    ValueError
        If ``name`` is not looked for.
    """
    for entry in ANSWERS:
        if entry.name == name:
            return entry
    raise ValueError(f"name must be one of {list(NAMES)}, got {name!r}")


def resolve_only(only: Iterable[str] | str | None) -> list[str]:
    """Return the names to check, in report order, from an ``only`` argument.

    Parameters
    ----------
    only : iterable of str, str or None
        Names, or one comma- or space-separated string of them; ``None`` for all.

    Raises
    ------
    ValueError
        If ``only`` names a function that is not looked for.
    """
    if only is None:
        return list(NAMES)
    if isinstance(only, str):
        only = only.replace(",", " ").split()
    names = list(only)
    unknown = [n for n in names if n not in NAMES]
    if unknown:
        raise ValueError(f"only must name functions among {list(NAMES)}, got {unknown}")
    return [n for n in NAMES if n in names]
