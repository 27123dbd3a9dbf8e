r"""Gradients by central finite differences, written by hand (Question 1(c)).

The assignment asks for this check to be written without ``torch.autograd.gradcheck``,
so everything here uses plain tensor indexing and evaluations of the function. The
tests compare it with autograd, which nobody on this project wrote.

The central difference

.. math::

    \frac{\partial f}{\partial t_i} \approx
    \frac{f(t + h e_i) - f(t - h e_i)}{2h}

has a truncation error of order :math:`h^2` and a round-off error of order
:math:`\epsilon_\text{mach} |f| / h`; :func:`step_size_sweep` measures both. The
example :ref:`sphx_glr_auto_examples_plot_q1c_finite_differences.py` applies it to the
gradients derived on :ref:`q1-derivation`.

Non-finite entries pass through: a NaN in ``t`` or in what ``f`` returns gives NaN in
the estimate, and a NaN in a gradient gives a NaN error in :func:`compare_gradients`.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import torch

from hw1._validation import (
    check_floating,
    check_keys,
    check_option,
    check_real,
    check_sequence,
)

__all__ = [
    "best_step",
    "compare_gradients",
    "numerical_gradient",
    "step_size_sweep",
]


_ERROR_KEYS = ("max_abs", "max_rel", "scaled")


def _scalar(value: object, name: str) -> float:
    """Turn the value f returned into a Python float, or explain what was expected."""
    if isinstance(value, torch.Tensor):
        if value.numel() != 1:
            raise ValueError(
                f"{name} must return a scalar (one-element tensor), got shape {tuple(value.shape)}"
            )
        return float(value.item())
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)
    raise TypeError(f"{name} must return a scalar tensor or float, got {type(value).__name__}")


def numerical_gradient(
    f: Callable[[torch.Tensor], torch.Tensor | float],
    t: torch.Tensor,
    eps: float = 1e-6,
) -> torch.Tensor:
    r"""Estimate the gradient of a scalar function by central differences, entry by entry.

    Parameters
    ----------
    f : callable
        Takes a tensor shaped like ``t`` and returns a scalar (a one-element tensor or
        a float).
    t : Tensor, any shape, floating point
        The point at which to differentiate. It is not modified: ``f`` is evaluated on
        a private copy.
    eps : float
        Step size :math:`h > 0`, any real number (numpy scalars included). Each
        entry is moved to ``t_i + h`` and ``t_i - h``; the difference quotient
        divides by the step actually taken after rounding to ``t``'s dtype,
        ``(t_i + h) - (t_i - h)``, rather than by ``2h``.

    Returns
    -------
    Tensor, same shape and dtype as ``t``
        The estimate of :math:`\partial f / \partial t`. Costs ``2 * t.numel()``
        evaluations of ``f``.

    Raises
    ------
    TypeError
        If ``t`` is not a tensor, ``f`` is not callable, ``eps`` is not a real number
        or ``f`` does not return a number.
    ValueError
        If ``t`` is not floating point, ``eps`` is not positive and finite, is too small
        to move an entry of ``t`` in its dtype, or ``f`` returns more than one value.
    """
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")
    check_floating(t, "t")
    _check_has_values(t, "t")
    eps = check_real(eps, "eps", low=0, low_open=True)
    point = t.detach().clone(memory_format=torch.contiguous_format)
    flat = point.view(-1)
    grad = []
    with torch.no_grad():
        for i in range(flat.numel()):
            original = flat[i].item()
            flat[i] = original + eps
            upper = flat[i].item()  # the perturbed entry, rounded to t's dtype
            f_plus = _scalar(f(point), "f")
            flat[i] = original - eps
            lower = flat[i].item()
            f_minus = _scalar(f(point), "f")
            flat[i] = original
            if upper == lower:  # exact: did t + eps and t - eps round to one float?
                raise ValueError(
                    f"eps={eps:g} is below the resolution of {t.dtype} at entry {i} "
                    f"(value {original:g}): t + eps and t - eps round to the same number"
                )
            grad.append((f_plus - f_minus) / (upper - lower))
    return torch.tensor(grad, dtype=t.dtype).view_as(t)


def compare_gradients(
    computed: Mapping[str, torch.Tensor],
    reference: Mapping[str, torch.Tensor],
) -> dict[str, dict[str, float]]:
    r"""Measure the largest absolute and relative differences between two gradient sets.

    Parameters
    ----------
    computed, reference : mapping from str to Tensor
        Gradients keyed by the tensor they belong to (for example ``"W1"``). Both must
        hold the same keys, and matching entries must be floating-point tensors of the
        same shape on the same device. Lists and arrays are refused rather than
        converted: ``torch.as_tensor`` would round a list of floats to float32.

    Returns
    -------
    dict
        For each key, in the order of ``reference``, a dict with

        ``max_abs``
            :math:`\max_i |a_i - b_i|`.
        ``max_rel``
            :math:`\max_i |a_i - b_i| / \max(|a_i|, |b_i|)`, the entry-wise relative
            error, with 0/0 counted as 0. One entry that is nearly zero in both can make
            it large even when ``max_abs`` is tiny.
        ``scaled``
            :math:`\max_i |a_i - b_i| / \max_i |b_i|`, the largest error relative to
            the largest reference entry (0 when ``b`` is all zeros and ``a == b``,
            ``inf`` when only ``b`` is all zeros). It is robust to single small entries
            and comparable with the machine epsilon of the dtype.

        All three are computed in float64.

    Raises
    ------
    TypeError
        If either argument is not a mapping or an entry is not a tensor.
    ValueError
        If an entry is not floating point, the keys differ, two matching tensors have
        different shapes or devices, or one is on the ``meta`` device.
    """
    check_keys(reference, "reference", ())
    check_keys(computed, "computed", ())
    if set(computed) != set(reference):
        missing = sorted(set(reference) - set(computed))
        extra = sorted(set(computed) - set(reference))
        raise ValueError(
            f"computed must have the same keys as reference; missing {missing}, extra {extra}"
        )
    result = {}
    for key, ref in reference.items():
        check_floating(ref, f"reference[{key!r}]")
        _check_has_values(ref, f"reference[{key!r}]")
        check_floating(computed[key], f"computed[{key!r}]", device=ref.device)
        a = computed[key].detach().to(torch.float64)
        b = ref.detach().to(torch.float64)
        if a.shape != b.shape:
            raise ValueError(
                f"computed[{key!r}] has shape {tuple(a.shape)} but reference[{key!r}] has "
                f"shape {tuple(b.shape)}"
            )
        diff = (a - b).abs()
        scale = torch.maximum(a.abs(), b.abs())
        rel = torch.where(scale > 0, diff / torch.where(scale > 0, scale, 1.0), 0.0)
        max_abs = float(diff.max()) if diff.numel() else 0.0
        ref_size = float(b.abs().max()) if b.numel() else 0.0
        # exact: max_abs is 0 only where a and b agree entry for entry (no 0/0)
        result[key] = {
            "max_abs": max_abs,
            "max_rel": float(rel.max()) if rel.numel() else 0.0,
            "scaled": max_abs / ref_size if ref_size > 0 else (0.0 if max_abs == 0 else math.inf),
        }
    return result


def step_size_sweep(
    f: Callable[[torch.Tensor], torch.Tensor | float],
    t: torch.Tensor,
    reference: torch.Tensor,
    steps: Sequence[float],
) -> list[dict[str, float]]:
    """Measure the error of :func:`numerical_gradient` against a known gradient, per step.

    Parameters
    ----------
    f : callable
        Scalar function of a tensor shaped like ``t``.
    t : Tensor, any shape, floating point
        The point at which to differentiate (not modified).
    reference : Tensor, same shape as ``t``
        The exact gradient, e.g. from autograd or a closed form.
    steps : sequence of float
        Step sizes to try, each positive.

    Returns
    -------
    list of dict
        One record per step, in the order given, with keys ``eps``, ``max_abs``,
        ``max_rel`` and ``scaled`` (see :func:`compare_gradients`).

    Raises
    ------
    TypeError
        If ``t`` or ``reference`` is not a tensor, or a step is not a real number.
    ValueError
        If ``t`` or ``reference`` is not floating point, ``steps`` is empty, a step is
        not positive, or ``reference`` is shaped differently from ``t``.
    """
    check_floating(t, "t")
    _check_has_values(t, "t")
    check_floating(
        reference,
        "reference",
        shape=tuple(t.shape),
        device=t.device,
        what=f"{tuple(t.shape)} like t",
    )
    check_sequence(steps, "steps", "step size")
    for index, eps in enumerate(steps):
        check_real(eps, f"steps[{index}]", low=0, low_open=True)
    rows = []
    for eps in steps:
        estimate = numerical_gradient(f, t, eps=eps)
        errors = compare_gradients({"t": estimate}, {"t": reference})["t"]
        rows.append({"eps": float(eps), **errors})
    return rows


def _check_has_values(t: torch.Tensor, name: str) -> None:
    # Evaluating f entry by entry needs values; a meta tensor has none.
    if t.device.type == "meta":
        raise ValueError(f"{name} is on the meta device, which holds no values")


def best_step(rows: Sequence[Mapping[str, float]], key: str = "max_abs") -> dict[str, float]:
    """Return the record of a :func:`step_size_sweep` with the smallest error.

    Parameters
    ----------
    rows : sequence of mappings
        Output of :func:`step_size_sweep`.
    key : str
        Which error to minimise: ``"max_abs"``, ``"max_rel"`` or ``"scaled"``.

    Returns
    -------
    dict
        A copy of the winning record.

    Raises
    ------
    TypeError
        If ``key`` is not a string or a record is not a mapping.
    ValueError
        If ``rows`` is empty, ``key`` is not one of the three errors, or a record
        lacks it.
    """
    check_option(key, "key", _ERROR_KEYS)
    check_sequence(rows, "rows", "record")
    for index, row in enumerate(rows):
        check_keys(row, f"rows[{index}]", (key,))
    return dict(min(rows, key=lambda row: row[key]))


def error_slopes(
    rows: Sequence[Mapping[str, float]], key: str = "scaled", *, max_step: float = 0.1
) -> dict[str, float]:
    r"""Return the log-log slopes of a sweep's error on each side of its best step.

    A least-squares line is fitted to :math:`\log_{10}` error against
    :math:`\log_{10} h`, once over the steps above the best one (:func:`best_step`)
    up to ``max_step``, where truncation error gives slope 2 for central differences,
    and once over the steps below it, where rounding error gives slope -1.

    Parameters
    ----------
    rows : sequence of mappings
        Output of :func:`step_size_sweep`, with at least two steps on each side of
        the best one.
    key : str
        Which error: ``"max_abs"``, ``"max_rel"`` or ``"scaled"``.
    max_step : float
        Largest step of the right branch (a relative tolerance of 1e-9 is allowed).

    Returns
    -------
    dict
        ``"right"`` and ``"left"``: the fitted slopes.

    Raises
    ------
    TypeError, ValueError
        As :func:`best_step`, for a ``max_step`` that is not a positive real, or if a
        branch holds fewer than two steps.
    """
    max_step = check_real(max_step, "max_step", low=0, low_open=True)
    best = best_step(rows, key=key)["eps"]
    branches = {
        "right": [row for row in rows if best < row["eps"] <= max_step * (1 + 1e-9)],
        "left": [row for row in rows if row["eps"] < best],
    }
    slopes = {}
    for side, branch in branches.items():
        if len(branch) < 2:
            raise ValueError(f"rows must hold at least 2 steps {side} of the best step")
        log_h = np.log10([row["eps"] for row in branch])
        log_error = np.log10([row[key] for row in branch])
        slopes[side] = float(np.polyfit(log_h, log_error, 1)[0])
    return slopes
