"""Graders of Question 1: gradients by hand (b) and finite differences (c)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping

import torch

from hw1.check.grading import (
    EPS64,
    F64,
    RTOL,
    SEEDS,
    Fail,
    as_float64,
    autograd_watch,
    call_answer,
    first_match,
    generator,
    mistake_name,
    relative_error,
    scale_variants,
    shape_mismatch,
    tally,
)

__all__ = ["grade_manual_gradients", "grade_numerical_gradient"]

_Q1_KEYS = ("W1", "b1", "w2", "b2", "X")
_Q1_SHAPES = ((7, 3, 5), (5, 4, 9), (13, 10, 20))  # (N, D, H): no two equal
#: A finite difference is off by its own truncation error, O(h) one-sided and O(h²)
#: central, plus rounding of about eps64·|f|/h: for any step from 1e-7 to 1e-4 on these
#: smooth functions of order-1 curvature that stays below 1e-4 of the gradient, while the
#: mistakes named are off by a factor 2 or a sign.
_FD_RTOL = 1e-4


def _q1_problem(n: int, d: int, h: int, seed: int) -> tuple[dict[str, torch.Tensor], ...]:
    g = generator(1000 + seed)
    params = {
        "W1": torch.randn(h, d, generator=g, dtype=F64) / math.sqrt(d),
        "b1": 0.5 * torch.randn(h, generator=g, dtype=F64),
        "w2": torch.randn(h, generator=g, dtype=F64) / math.sqrt(h),
        "b2": 0.5 * torch.randn((), generator=g, dtype=F64),
    }
    X = torch.randn(n, d, generator=g, dtype=F64)
    y = 3 * torch.randn(n, generator=g, dtype=F64)  # residuals on both sides of |r| = 1
    return params, X, y


def _q1_cost(W1, b1, w2, b2, X, y):
    residual = torch.tanh(X @ W1.T + b1) @ w2 + b2 - y
    return torch.log(torch.cosh(residual)).mean()


def _q1_autograd(params: Mapping[str, torch.Tensor], X: torch.Tensor, y: torch.Tensor) -> dict:
    leaves = [t.clone().requires_grad_(True) for t in (*(params[k] for k in _Q1_KEYS[:4]), X)]
    with torch.enable_grad():
        grads = torch.autograd.grad(_q1_cost(*leaves, y), leaves)
    return dict(zip(_Q1_KEYS, grads, strict=True))


def _q1_closed_form(params, X, y, *, act_derivative=None, dl_dr=None) -> dict:
    """Closed-form gradients with one piece swapped, to recognise a mistake."""
    W1, b1, w2, b2 = (params[k] for k in _Q1_KEYS[:4])
    A = torch.tanh(X @ W1.T + b1)
    r = A @ w2 + b2 - y
    g = (torch.tanh(r) if dl_dr is None else dl_dr(r)) / X.shape[0]
    delta = g[:, None] * w2[None, :] * (1 - A * A if act_derivative is None else act_derivative(A))
    return {"W1": delta.T @ X, "b1": delta.sum(0), "w2": A.T @ g, "b2": g.sum(), "X": delta @ W1}


def grade_manual_gradients(fn: Callable) -> str:
    """Grade Q1(b)'s five gradients against autograd on three shapes and two seeds.

    Mistakes recognised, per key: a flipped sign; a missing 1/N (a sum where the cost is
    a mean) or an extra 1/N; a transposed gradient (shape (D, H) for (H, D)); tanh′
    written as 1 − tanh instead of 1 − tanh²; log cosh′ taken as the residual r instead
    of tanh(r); a wrong or missing dict key; float32 tensors among float64 inputs.
    """
    for (n, d, h), seed in itertools.product(_Q1_SHAPES, SEEDS):
        params, X, y = _q1_problem(n, d, h, seed)
        case = f"N={n}, D={d}, H={h}, seed {seed}"
        out = call_answer(
            fn,
            {k: v.clone() for k, v in params.items()},
            X.clone(),
            y.clone(),
            what=f"manual_gradients ({case})",
        )
        tally()
        if isinstance(out, list | tuple) and len(out) == 5:
            out = dict(zip(_Q1_KEYS, out, strict=True))
        if not isinstance(out, Mapping):
            raise Fail(
                f"returned a {type(out).__name__}; expected a dict with keys "
                f"{list(_Q1_KEYS)} ({case})",
                "not a dict",
            )
        missing = [k for k in _Q1_KEYS if k not in out]
        if missing:
            raise Fail(
                f"the returned dict lacks {missing}; it has {list(out)} ({case})", "missing keys"
            )
        ref = _q1_autograd(params, X, y)
        tanh_variant = _q1_closed_form(params, X, y, act_derivative=lambda A: 1 - A)
        r_variant = _q1_closed_form(params, X, y, dl_dr=lambda r: r)
        names = {"W1": "(H, D)", "b1": "(H,)", "w2": "(H,)", "b2": "()", "X": "(N, D)"}
        problems: dict[str, list[str]] = {}
        for key in _Q1_KEYS:
            got = as_float64(out[key], f"manual_gradients()[{key!r}]")
            if key == "b2" and got.numel() == 1:
                got = got.reshape(())
            if got.shape != ref[key].shape:
                problems.setdefault(shape_mismatch(got, ref[key], names[key]), []).append(key)
                continue
            err = relative_error(got, ref[key])
            if err <= RTOL:
                continue
            variants = [
                *scale_variants(ref[key], n),
                ("tanh′ written as 1 − tanh instead of 1 − tanh²", tanh_variant[key]),
                ("log cosh′ taken as the residual r instead of tanh(r)", r_variant[key]),
            ]
            named = first_match(got, variants, RTOL)
            diagnosis = named or f"differs from autograd (relative error {err:.1e})"
            problems.setdefault(diagnosis, []).append(key)
        if problems:
            lines = [f"{', '.join(keys)}: {diagnosis}" for diagnosis, keys in problems.items()]
            named = [d for d in problems if not d.startswith(("differs", "shape"))]
            mistake = mistake_name(named[0]) if named else None
            raise Fail(f"wrong for {case}:\n" + "\n".join(lines), mistake)
    return f"all five gradients match autograd ({len(_Q1_SHAPES)} shapes x 2 seeds)"


def _numerical_gradient_problems(seed: int) -> list[tuple[str, Callable, torch.Tensor]]:
    g = generator(2000 + seed)
    C = torch.randn(3, 4, generator=g, dtype=F64)
    a = torch.randn(7, generator=g, dtype=F64)
    params, X, y = _q1_problem(6, 3, 5, seed)

    def wavy(t: torch.Tensor) -> torch.Tensor:
        return (torch.sin(t) * C).sum() + 0.1 * (t**2).sum()

    def softplus(v: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.softplus(a @ v) + (v**3).sum() / 3

    def q1_cost_of_w1(W1: torch.Tensor) -> torch.Tensor:
        return _q1_cost(W1, params["b1"], params["w2"], params["b2"], X, y)

    return [
        ("f(t) = Σ C∘sin t + 0.1‖t‖², t of shape (3, 4)", wavy, torch.randn(3, 4, generator=g)),
        ("softplus(a·v) + Σv³/3, v of shape (7,)", softplus, torch.randn(7, generator=g)),
        ("the Q1 cost as a function of W1, shape (5, 3)", q1_cost_of_w1, params["W1"].clone()),
    ]


def grade_numerical_gradient(fn: Callable) -> str:
    """Grade Q1(c)'s finite differences against autograd on three functions and two seeds.

    Mistakes recognised: autograd, ``torch.func`` or dual tensors used instead of
    differences of values; a perturbed entry of ``t`` not put back; a flipped sign;
    dividing by h instead of 2h; a one-sided difference divided by 2h (half the gradient).
    """
    for seed in SEEDS:
        for label, f, t in _numerical_gradient_problems(seed):
            t = t.to(F64)
            case = f"{label}, seed {seed}"
            before = t.clone()
            with autograd_watch() as uses:
                out = call_answer(fn, f, t, what=f"numerical_gradient ({case})")
            tally()
            if uses:
                raise Fail(
                    f"not finite differences: it uses {', '.join(sorted(uses))} ({case}); "
                    "the question asks for differences of function values only",
                    "uses autograd",
                )
            # Putting an entry back as (t + h) − h may round: a few eps64 of |t| + h (h ≤ 1).
            if not bool(((t - before).abs() <= 4 * EPS64 * (before.abs() + 1)).all()):
                raise Fail(
                    f"changed its argument t ({case}): a perturbed entry was not put back",
                    "t not restored",
                )
            got = as_float64(out, "numerical_gradient")
            leaf = t.clone().requires_grad_(True)
            with torch.enable_grad():
                (ref,) = torch.autograd.grad(f(leaf), leaf)
            if got.shape != ref.shape:
                raise Fail(f"{shape_mismatch(got, ref, 't.shape')} ({case})")
            err = relative_error(got, ref)
            if err <= _FD_RTOL:
                continue
            variants = [
                ("flipped sign: (f(t − h) − f(t + h)) / 2h", -ref),
                ("divided by h instead of 2h in the central difference", 2 * ref),
                ("half the gradient: a one-sided difference divided by 2h", ref / 2),
            ]
            named = first_match(got, variants, _FD_RTOL)
            raise Fail(
                f"{named or f'differs from autograd (relative error {err:.1e})'} ({case})",
                named and mistake_name(named),
            )
    return "matches autograd on 3 functions x 2 seeds, argument left unchanged"
