"""Graders of Question 5: least-squares gradient and minimiser (a), k-th iterate (c)."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from hw1.check.grading import (
    F64,
    RTOL,
    Fail,
    as_float64,
    call_answer,
    first_match,
    generator,
    mistake_name,
    relative_error,
    shape_mismatch,
    tally,
)

__all__ = ["grade_closed_form_iterate", "grade_gradient", "grade_minimizer"]


def _q5_problems() -> list[tuple[str, torch.Tensor, torch.Tensor, torch.Tensor]]:
    problems = []
    for label, (n, d, rank), seed in (
        ("tall X, full rank", (9, 4, 4), 0),
        ("tall X, full rank", (11, 6, 6), 1),
        ("wide X (N < D)", (4, 7, 4), 2),
        ("rank-deficient X (rank 3 of 5)", (10, 5, 3), 3),
    ):
        g = generator(5000 + seed)
        X = torch.randn(n, rank, generator=g, dtype=F64) @ torch.randn(
            rank, d, generator=g, dtype=F64
        )
        X = X / math.sqrt(rank)
        y = torch.randn(n, generator=g, dtype=F64)
        w = torch.randn(d, generator=g, dtype=F64)
        problems.append((f"{label}, N={n}, D={d}", X, y, w))
    return problems


def _singular_hint(label: str) -> str:
    if "wide" in label or "rank-deficient" in label:
        return " X^T X is singular here, so (X^T X)^-1 does not exist."
    return ""


def grade_gradient(fn: Callable) -> str:
    """Grade Q5(a)'s gradient of ½‖Xw − y‖² against autograd on tall, wide and rank-deficient X.

    Mistakes recognised: a flipped sign (Xᵀ(y − Xw)); the gradient of the mean
    (1/2N)‖Xw − y‖²; the gradient of the mean squared error (1/N)‖Xw − y‖²; a missing ½.
    """
    for label, X, y, w in _q5_problems():
        out = call_answer(fn, X.clone(), w.clone(), y.clone(), what=f"gradient(X, w, y) ({label})")
        tally()
        got = as_float64(out, "gradient")
        leaf = w.clone().requires_grad_(True)
        with torch.enable_grad():
            (ref,) = torch.autograd.grad(0.5 * ((X @ leaf - y) ** 2).sum(), leaf)
        if got.shape != ref.shape:
            raise Fail(f"{shape_mismatch(got, ref, '(D,)')} ({label})", "wrong shape")
        err = relative_error(got, ref)
        if err <= RTOL:
            continue
        n = X.shape[0]
        variants = [
            ("flipped sign: X^T (y − Xw) is minus the gradient", -ref),
            (
                "the gradient of the mean (1/2N)‖Xw − y‖² instead of ½‖Xw − y‖² "
                f"(1/N too many, N = {n})",
                ref / n,
            ),
            (
                "the gradient of the mean squared error (1/N)‖Xw − y‖², not of ½‖Xw − y‖²",
                2 * ref / n,
            ),
            ("the gradient of ‖Xw − y‖² without the ½ (twice too large)", 2 * ref),
        ]
        named = first_match(got, variants, RTOL)
        raise Fail(
            f"{named or f'differs from autograd (relative error {err:.1e})'} ({label})",
            named and mistake_name(named),
        )
    return "matches autograd of ½‖Xw − y‖² on tall, wide and rank-deficient X"


def grade_minimizer(fn: Callable) -> str:
    """Grade Q5(a)'s minimiser by the normal equations and the loss torch.linalg.pinv reaches.

    Mistakes recognised: (XᵀX)⁻¹ where XᵀX is singular (a wide or rank-deficient X),
    giving non-finite entries or a point that does not minimise. Any minimiser passes;
    one that is not the minimum-norm X⁺y gets a note saying so.
    """
    notes = []
    for label, X, y, _ in _q5_problems():
        out = call_answer(fn, X.clone(), y.clone(), what=f"minimizer(X, y) ({label})")
        tally()
        got = as_float64(out, "minimizer")
        best = torch.linalg.pinv(X) @ y  # the minimum-norm minimiser
        if got.shape != best.shape:
            raise Fail(f"{shape_mismatch(got, best, '(D,)')} ({label})", "wrong shape")
        if not bool(torch.isfinite(got).all()):
            raise Fail(
                f"returned non-finite entries ({label}).{_singular_hint(label)}",
                "(XᵀX)⁻¹ of a singular XᵀX" if _singular_hint(label) else "not finite",
            )
        loss_got = 0.5 * float(((X @ got - y) ** 2).sum())
        loss_best = 0.5 * float(((X @ best - y) ** 2).sum())
        normal = float((X.T @ (X @ got - y)).norm())
        scale = float(torch.linalg.matrix_norm(X, 2)) ** 2 * max(float(got.norm()), 1.0)
        if loss_got > loss_best + RTOL * (1 + loss_best) or normal > RTOL * scale:
            raise Fail(
                f"not a minimiser ({label}): loss {loss_got:.6g} where the least-squares "
                f"solution reaches {loss_best:.6g}; ‖X^T(Xw − y)‖ = {normal:.2g}."
                f"{_singular_hint(label)}",
                "(XᵀX)⁻¹ of a singular XᵀX" if _singular_hint(label) else "not a minimiser",
            )
        if float(got.norm()) > float(best.norm()) * (1 + RTOL) + RTOL:
            notes.append(label)
    message = "minimises ½‖Xw − y‖² (the normal equations hold; loss equals torch.linalg.pinv's)"
    message += " on tall, wide and rank-deficient X"
    if notes:
        message += (
            ".\nPasses, as any minimiser answers the question, but X^T X is singular on "
            + " and on ".join(notes)
            + ": solving X^T X w = X^T y there (solve or inv) lands on some minimiser only "
            "by rounding, and this one is not the minimum-norm minimiser X⁺y "
            "(torch.linalg.pinv(X) @ y) that hw1.least_squares.minimizer returns and the "
            "Q5 page derives"
        )
    return message


def _gd(
    X: torch.Tensor,
    y: torch.Tensor,
    w0: torch.Tensor,
    alpha: float,
    k: int,
    sign: float = 1.0,
    scale: float = 1.0,
    matrix_sign: float = 1.0,
) -> torch.Tensor:
    """Take ``k`` steps ``w ← w − sign·α·scale·(matrix_sign·XᵀXw − Xᵀy)`` (1, 1, 1: plain GD)."""
    w = w0.clone()
    for _ in range(k):
        w = w - sign * alpha * scale * (matrix_sign * (X.T @ (X @ w)) - X.T @ y)
    return w


def grade_closed_form_iterate(fn: Callable) -> str:
    """Grade Q5(c)'s k-th iterate against k plain gradient-descent steps, k = 0, 1, 2, 5, 30.

    Mistakes recognised: an iterate off by one step (k = 0 must return w0); ignoring w0;
    a step uphill; I − αXᵀX written as I + αXᵀX; the mean-loss gradient (1/N) in the step;
    (XᵀX)⁻¹ where XᵀX is singular.
    """
    for label, X, y, w0 in _q5_problems()[1:]:
        alpha = 1.0 / float(torch.linalg.matrix_norm(X, 2)) ** 2
        for k in (0, 1, 2, 5, 30):
            case = f"k = {k}, α = {alpha:.3g}, {label}"
            out = call_answer(
                fn, X.clone(), y.clone(), w0.clone(), alpha, k, what=f"closed_form_iterate ({case})"
            )
            tally()
            got = as_float64(out, "closed_form_iterate")
            ref = _gd(X, y, w0, alpha, k)  # k plain gradient-descent steps
            if got.shape != ref.shape:
                raise Fail(f"{shape_mismatch(got, ref, '(D,)')} ({case})", "wrong shape")
            err = relative_error(got, ref)
            if err <= RTOL:
                continue
            n = X.shape[0]
            off_by_one = [j for j in (k + 1, k - 1) if j >= 0]
            variants = [
                *(
                    (f"iterate off by one step: returned w_{j} for w_{k}", _gd(X, y, w0, alpha, j))
                    for j in off_by_one
                ),
                (
                    "ignores w0: it equals the iterate started from w0 = 0",
                    _gd(X, y, torch.zeros_like(w0), alpha, k),
                ),
                (
                    "steps uphill: the sign of the gradient step is flipped",
                    _gd(X, y, w0, alpha, k, sign=-1.0),
                ),
                (
                    "the matrix I − αX^T X written as I + αX^T X: the sign of the X^T X w "
                    "term in the step is flipped",
                    _gd(X, y, w0, alpha, k, matrix_sign=-1.0),
                ),
                (
                    f"steps along the gradient of the mean loss (1/N, N = {n})",
                    _gd(X, y, w0, alpha, k, scale=1 / n),
                ),
            ]
            named = first_match(got, variants, RTOL)
            steps = f"{k} gradient-descent step{'' if k == 1 else 's'}"
            message = named or f"differs from {steps} (relative error {err:.1e})"
            message += f" ({case})."
            if k == 0:
                message += " k = 0 must return w0 (no step taken)."
            elif not named:
                message += _singular_hint(label)
            raise Fail(message, named and mistake_name(named))
    return (
        "equals k plain gradient-descent steps for k = 0, 1, 2, 5, 30 on tall, wide and "
        "rank-deficient X"
    )
