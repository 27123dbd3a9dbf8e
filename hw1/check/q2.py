"""Graders of Question 2: a tanh network's Jacobian by reverse (b) and forward mode (c)."""

from __future__ import annotations

import contextlib
import itertools
import math
from collections.abc import Callable, Mapping

import torch

from hw1.check.grading import (
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
    shape_mismatch,
    tally,
)
from hw1.check.runtime import CheckTimeout

__all__ = ["grade_jacobian_forward", "grade_jacobian_reverse"]

_Q2_SIZES = ((2, 30, 10, 3), (3, 7, 5, 2), (4, 6, 9, 5))  # (D, K, P, L)


def _q2_weights(D: int, K: int, P: int, L: int, seed: int) -> dict[str, torch.Tensor]:
    g = generator(3000 + seed)
    shapes = {"W1": (K, D), **{f"W{i}": (K, K) for i in range(2, L + 1)}, "WF": (P, K)}
    return {
        key: torch.randn(shape, generator=g, dtype=F64) / math.sqrt(shape[1])
        for key, shape in shapes.items()
    }


def _q2_forward(weights: Mapping[str, torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    L = len(weights) - 1
    h = x
    for i in range(1, L + 1):
        h = torch.tanh(weights[f"W{i}"] @ h)
    return weights["WF"] @ h


def _q2_wrong_tanh(weights: Mapping[str, torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """Return the Jacobian with tanh′ taken as 1 − tanh, to recognise that mistake."""
    L = len(weights) - 1
    h, J = x, torch.eye(x.shape[0], dtype=x.dtype)
    for i in range(1, L + 1):
        W = weights[f"W{i}"]
        h = torch.tanh(W @ h)
        J = (1 - h)[:, None] * (W @ J)
    return weights["WF"] @ J


def grade_jacobian_reverse(fn: Callable) -> str:
    """Grade Q2(b)'s Jacobian against ``torch.func.jacrev`` on three sizes and two seeds.

    Mistakes recognised: the Jacobian returned as (D, P) instead of (P, D) (naming a
    transpose); a flipped sign; tanh′ written as 1 − tanh instead of 1 − tanh²; a batch
    of inputs answered with each Jacobian transposed; float32 tensors among float64 inputs.
    """
    return _grade_jacobian(fn, "jacobian_reverse", by_hand=False)


def grade_jacobian_forward(fn: Callable) -> str:
    """Grade Q2(c)'s forward-mode Jacobian as :func:`grade_jacobian_reverse` does.

    Mistakes recognised, beyond those of :func:`grade_jacobian_reverse`: "forward mode"
    through autograd (a tensor with ``requires_grad``), a ``torch.func`` transform or
    forward-AD dual tensors, instead of tangents propagated with plain tensor operations.
    """
    return _grade_jacobian(fn, "jacobian_forward", by_hand=True)


def _grade_jacobian(fn: Callable, name: str, *, by_hand: bool) -> str:
    batch_notes = []
    for (D, K, P, L), seed in itertools.product(_Q2_SIZES, SEEDS):
        weights = _q2_weights(D, K, P, L, seed)
        x = torch.randn(D, generator=generator(3100 + seed), dtype=F64)
        case = f"D={D}, K={K}, P={P}, L={L}, seed {seed}"
        watch = autograd_watch() if by_hand else contextlib.nullcontext(set())
        with watch as uses:
            out = call_answer(fn, {k: w.clone() for k, w in weights.items()}, x.clone(), what=name)
        tally()
        if uses:
            raise Fail(
                f"not forward mode by hand: it uses {', '.join(sorted(uses))} ({case}); "
                "part (c) asks for tangents propagated with plain tensor operations",
                "uses autograd",
            )
        got = as_float64(out, name)
        ref = torch.func.jacrev(lambda v, w=weights: _q2_forward(w, v))(x)
        if got.shape != ref.shape:
            if got.shape == (D, P):
                transposed = relative_error(got, ref.T) <= RTOL
                raise Fail(
                    f"Jacobian returned as (D, P) = {(D, P)}, where (P, D) = {(P, D)} is "
                    f"expected{' (it is the transpose of the right answer)' if transposed else ''}"
                    f" ({case})",
                    "Jacobian returned as (D, P)",
                )
            raise Fail(f"{shape_mismatch(got, ref, '(P, D)')} ({case})")
        err = relative_error(got, ref)
        if err > RTOL:
            variants = [
                ("flipped sign", -ref),
                ("tanh′ written as 1 − tanh instead of 1 − tanh²", _q2_wrong_tanh(weights, x)),
            ]
            named = first_match(got, variants, RTOL)
            raise Fail(
                f"{named or f'differs from torch.func.jacrev (relative error {err:.1e})'} ({case})",
                named and mistake_name(named),
            )
        if seed == SEEDS[0]:
            batch_notes.append(_grade_batch(fn, name, weights, D, P, by_hand, case))
            tally(int(batch_notes[-1] == "batch checked"))
    supported = [note for note in batch_notes if note == "batch checked"]
    message = (
        f"matches torch.func.jacrev for one input of shape (D,) ({len(_Q2_SIZES)} sizes x 2 seeds)"
    )
    if by_hand:
        message += "; no autograd, torch.func or dual tensors used"
    if len(supported) == len(batch_notes):
        message += "; a batch of shape (N, D) gives (N, P, D), also right"
    else:
        message += "; " + next(note for note in batch_notes if note != "batch checked")
    return message


def _grade_batch(
    fn: Callable, name: str, weights: dict, D: int, P: int, by_hand: bool, case: str
) -> str:
    N = 7  # differs from every D and P used
    X = torch.randn(N, D, generator=generator(3200), dtype=F64)
    watch = autograd_watch() if by_hand else contextlib.nullcontext(set())
    try:
        with watch as uses:
            out = fn({k: w.clone() for k, w in weights.items()}, X.clone())
        got = as_float64(out, name)
    except CheckTimeout:
        raise
    except Exception as exc:
        return f"batches of shape (N, D) not supported (optional; it raised {type(exc).__name__})"
    if uses:
        raise Fail(
            f"not forward mode by hand on a batch: it uses {', '.join(sorted(uses))} ({case})",
            "uses autograd",
        )
    ref = torch.stack([torch.func.jacrev(lambda v: _q2_forward(weights, v))(x) for x in X])
    if got.shape != (N, P, D):
        return (
            f"a batch of shape (N, D) gives shape {tuple(got.shape)}, not (N, P, D): "
            "batches not checked (optional)"
        )
    err = relative_error(got, ref)
    if err > RTOL:
        hint = (
            " (N, D, P: each Jacobian transposed)"
            if relative_error(got, ref.transpose(1, 2)) <= RTOL
            else ""
        )
        raise Fail(
            f"wrong for a batch of N={N} inputs{hint}: relative error {err:.1e} "
            f"against torch.func.jacrev ({case})"
        )
    return "batch checked"
