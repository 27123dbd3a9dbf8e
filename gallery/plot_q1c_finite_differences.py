"""
Q1(c): finite differences, written by hand, against both gradients
==================================================================

Part (c) of Question 1 asks for a third, independent check of the gradients of part
(a): a finite-difference estimate that we write ourselves rather than take from
``torch.autograd.gradcheck``. :func:`hw1.finite_diff.numerical_gradient` perturbs one
entry of a tensor at a time, by :math:`+h` and :math:`-h`, and takes the central
difference

.. math::

    \\frac{\\partial J}{\\partial \\theta_i} \\approx
    \\frac{J(\\theta + h\\,\\mathbf{e}_i) - J(\\theta - h\\,\\mathbf{e}_i)}{2h}.

It needs nothing but evaluations of the cost, so it shares no code with the closed forms
(:func:`hw1.logcosh.manual_gradients`) or with autograd
(:func:`hw1.logcosh.autograd_gradients`). The derivation being checked is on the page
:ref:`q1-derivation`.

Every sentence below that depends on this run's numbers is checked by an ``assert``
when the site is built, so a build in which it is false fails; the checks are hidden
from this page but can be read in the downloadable ``.py`` file (bottom of the page) and
in the repository (``gallery/plot_q1c_finite_differences.py``).
"""

# %%
# All five gradients, in double precision
# ---------------------------------------
# A network of the assignment's size (:math:`\mathbf{W}_1` is :math:`20 \times 10`),
# :math:`N = 8` Gaussian samples, and a step :math:`h = 10^{-6}`.
# :func:`hw1.logcosh.finite_difference_gradients` differentiates the cost with respect
# to every entry of :math:`\mathbf{W}_1, \mathbf{b}_1, \mathbf{w}_2, b_2` and
# :math:`X`: :math:`2 \times (200 + 20 + 20 + 1 + 80) = 642` evaluations of the cost.
import matplotlib.pyplot as plt
import numpy as np
import torch

from hw1.finite_diff import best_step, compare_gradients, error_slopes, step_size_sweep
from hw1.logcosh import (
    autograd_gradients,
    finite_difference_gradients,
    manual_gradients,
    partial_cost,
    random_problem,
)
from hw1.report import table

params, X, y = random_problem(8, 10, 20, distribution="gaussian", dtype=torch.float64)
numerical = finite_difference_gradients(params, X, y, eps=1e-6)
references = {
    "manual (a)": manual_gradients(params, X, y),
    "autograd (b)": autograd_gradients(params, X, y),
}
rows = [
    {"gradient": f"dJ/d{key}", "compared with": name, **errors}
    for name, reference in references.items()
    for key, errors in compare_gradients(numerical, reference).items()
]
table(rows, formats=".1e")
# sphinx_gallery_start_ignore
scaled = {(row["gradient"], row["compared with"]): row["scaled"] for row in rows}
by_reference = {(row["gradient"], row["compared with"]): row for row in rows}
closed_vs_autograd = compare_gradients(references["manual (a)"], references["autograd (b)"])
assert max(scaled.values()) < 1e-8, "finite differences agree with both to 1e-8 (scaled)"
for key in numerical:
    against_manual = by_reference[(f"dJ/d{key}", "manual (a)")]
    against_autograd = by_reference[(f"dJ/d{key}", "autograd (b)")]
    for column in ("max_abs", "max_rel", "scaled"):
        a, b = against_manual[column], against_autograd[column]
        assert abs(a - b) <= 1e-6 * b, f"{key} {column}: the two comparisons within 1e-6"
closed_gap = max(e["scaled"] for e in closed_vs_autograd.values())
assert closed_gap <= 4 * torch.finfo(torch.float64).eps, "closed forms and autograd within 4 eps"
for row in rows:
    if row["gradient"] in ("dJ/dW1", "dJ/dX"):
        assert row["max_rel"] > 100 * row["scaled"], f"{row['gradient']}: max_rel > 100 scaled"
# sphinx_gallery_end_ignore

# %%
# The finite-difference estimate agrees with both to better than :math:`10^{-8}` of
# the gradient's size (column ``scaled``). In every row and column the two comparisons
# differ from each other by less than :math:`10^{-6}` of their value, because the
# closed forms and autograd agree with each other to within four rounding units of
# float64, about :math:`10^{-15}` (see
# :ref:`sphx_glr_auto_examples_plot_q1b_autograd_check.py`). The remaining error
# belongs to the finite difference itself. The entry-wise relative error ``max_rel``
# is more than 100 times ``scaled`` in the rows of :math:`\mathbf{W}_1` and
# :math:`X`: where an entry of a gradient is close to zero, the same small absolute
# error is divided by a small number.
#
# Choosing the step
# -----------------
# The central difference makes two errors that pull in opposite directions. Taylor's
# theorem gives a *truncation* error of about :math:`h^2 |J'''| / 6`, which shrinks as
# :math:`h` does. But :math:`J` is only known to the rounding unit
# :math:`\epsilon` of the dtype, and the difference of two nearly equal values divided
# by :math:`2h` turns that into a *round-off* error of about :math:`\epsilon |J| / h`,
# which grows as :math:`h` shrinks. The sum is smallest near
# :math:`h \approx \epsilon^{1/3}`, about :math:`6 \times 10^{-6}` in float64 and
# :math:`5 \times 10^{-3}` in float32. :func:`hw1.finite_diff.step_size_sweep`
# measures the error of the :math:`\mathbf{W}_1` gradient for a range of steps, in
# both precisions, against the closed form in the same precision.
sweeps = {}
for dtype, smallest in ((torch.float64, -12), (torch.float32, -6)):
    params_d, X_d, y_d = random_problem(8, 10, 20, distribution="gaussian", dtype=dtype)
    steps = [10 ** (k / 2) for k in range(2 * smallest, 1)]
    reference = manual_gradients(params_d, X_d, y_d)["W1"]
    f = partial_cost(params_d, X_d, y_d, "W1")
    sweeps[dtype] = step_size_sweep(f, params_d["W1"], reference, steps)

best = {dtype: best_step(rows_d, key="scaled") for dtype, rows_d in sweeps.items()}
table(
    [
        {
            "dtype": str(dtype).removeprefix("torch."),
            "machine epsilon^(1/3)": torch.finfo(dtype).eps ** (1 / 3),
            "best step h": row["eps"],
            "max_abs": row["max_abs"],
            "scaled": row["scaled"],
        }
        for dtype, row in best.items()
    ],
    formats=".1e",
)

# %%
fig, ax = plt.subplots(figsize=(7, 4.2))
for dtype, rows_d in sweeps.items():
    name = str(dtype).removeprefix("torch.")
    steps_d = [row["eps"] for row in rows_d]
    line = ax.loglog(steps_d, [row["scaled"] for row in rows_d], "o-", ms=3.5, label=name)[0]
    best_label = f"best step, {name}: h = {best[dtype]['eps']:.0e}"
    ax.loglog(
        best[dtype]["eps"],
        best[dtype]["scaled"],
        "*",
        ms=15,
        color=line.get_color(),
        label=best_label,
    )
ax.annotate("round-off\n(error ~ 1/h)", (1e-10, 1e-7), fontsize=9, ha="center")
ax.annotate("truncation\n(error ~ h²)", (3e-2, 3e-8), fontsize=9, ha="center")
ax.set_xlabel("step h")
ax.set_ylabel("largest error / largest gradient entry")
ax.set_title(r"Central differences for $\partial J / \partial \mathbf{W}_1$")
ax.legend(fontsize=8)
ax.grid(True, which="major", alpha=0.3)
fig.tight_layout()

# %%
# The slopes of the two branches, fitted by least squares on the log-log scale (steps
# above the best one up to :math:`h = 0.1`, and steps below the best one), fitted by
# :func:`hw1.finite_diff.error_slopes`.
slopes = {}
for dtype, rows_d in sweeps.items():
    fitted = error_slopes(rows_d, key="scaled", max_step=0.1)
    slopes[dtype] = {
        "dtype": str(dtype).removeprefix("torch."),
        "slope right of best": fitted["right"],
        "slope left of best": fitted["left"],
    }
table(list(slopes.values()), formats=".2f")
# sphinx_gallery_start_ignore
for dtype, row in slopes.items():
    assert abs(row["slope right of best"] - 2) < 0.1, f"{dtype}: slope 2 within 0.1 right"
    assert abs(row["slope left of best"] + 1) < 0.1, f"{dtype}: slope -1 within 0.1 left"
    decades = np.log10(best[dtype]["eps"] / torch.finfo(dtype).eps ** (1 / 3))
    assert abs(decades) < 0.5, f"{dtype}: best step within half a decade of eps^(1/3)"
assert 1e-5 < best[torch.float32]["scaled"] < 1e-3, "float32 best scaled in (1e-5, 1e-3)"
# sphinx_gallery_end_ignore

# %%
# Right of each minimum the error falls by a factor of 100 for every factor of 10 in
# :math:`h` (fitted slope 2 within 0.1), the :math:`h^2` of truncation; left of it, it
# grows by a factor of 10 per decade (slope :math:`-1` within 0.1), the :math:`1/h` of
# round-off. The best step lies within half a decade of :math:`\epsilon^{1/3}` in both
# precisions. Float32 can confirm the gradient only to about four digits at its best
# step (``scaled`` between :math:`10^{-5}` and :math:`10^{-3}`), which is why this
# check, like ``gradcheck``, is done in float64.
