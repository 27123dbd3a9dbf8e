"""
Q1(b): the hand-derived gradients against autograd
==================================================

Part (b) of Question 1 fixes the activation of part (a) to :math:`\\rho = \\tanh`, asks
for the network and its log-cosh cost written with plain tensors and functions (no
``nn.Module``), and for evidence that the gradients derived by hand in part (a) are
the ones PyTorch's autograd computes. The derivation is on the page
:ref:`q1-derivation`.

Here :func:`hw1.logcosh.manual_gradients` evaluates the closed forms with no autograd
at all, :func:`hw1.logcosh.autograd_gradients` asks ``torch.autograd`` for the same five
gradients, and :func:`hw1.finite_diff.compare_gradients` reports how far apart they
are. The inputs and targets are random, drawn uniform on :math:`[-1, 1)` or standard
normal, in single and double precision.

Every sentence below that depends on this run's numbers is checked by an ``assert``
when the site is built, so a build in which it is false fails; the checks are hidden
from this page but can be read in the downloadable ``.py`` file (bottom of the page) and
in the repository (``gallery/plot_q1b_autograd_check.py``).
"""

# %%
# Two distributions, two precisions
# ---------------------------------
# The network has the assignment's sizes: :math:`\mathbf{W}_1` is :math:`20 \times 10`
# and :math:`\mathbf{w}_2` has 20 entries. :func:`hw1.logcosh.random_problem` draws
# the parameters and a batch of :math:`N = 64` samples from a fixed seed, once per
# distribution, and rounds the same draw to each precision. It scales the targets by 3
# so that some residuals fall in each regime of :math:`\log\cosh` (quadratic near 0,
# linear far from it).
import matplotlib.pyplot as plt
import torch

from hw1.finite_diff import compare_gradients
from hw1.logcosh import (
    GRADIENT_KEYS,
    autograd_gradients,
    manual_gradients,
    predict,
    random_problem,
)
from hw1.report import table

rows = []
for distribution in ("uniform", "gaussian"):
    for dtype in (torch.float32, torch.float64):
        params, X, y = random_problem(64, 10, 20, distribution=distribution, dtype=dtype)
        manual = manual_gradients(params, X, y)
        auto = autograd_gradients(params, X, y)
        for key, errors in compare_gradients(manual, auto).items():
            rows.append(
                {
                    "data": distribution,
                    "dtype": str(dtype).removeprefix("torch."),
                    "gradient": f"dJ/d{key}",
                    "shape": str(tuple(manual[key].shape)),
                    **errors,
                }
            )

table(rows, formats=".1e")
# sphinx_gallery_start_ignore
expected_shapes = {"W1": (20, 10), "b1": (20,), "w2": (20,), "b2": (), "X": (64, 10)}
for row in rows:
    key = row["gradient"].removeprefix("dJ/d")
    eps = torch.finfo(getattr(torch, row["dtype"])).eps
    assert row["shape"] == str(expected_shapes[key]), f"{key}: gradient has its tensor's shape"
    assert row["scaled"] <= 4 * eps, f"{row}: scaled at most four times eps"
largest_ratio = max(row["max_rel"] / row["scaled"] for row in rows if row["scaled"] > 0)
assert largest_ratio > 100, "max_rel more than 100 times scaled in some rows"
# dJ/db2 = sum_i g_i with g_i = tanh(r_i) / N. Each method rounds each g_i within a few
# eps |g_i| (tanh, or the chain rule through log1p; 10 is generous) and adds the N terms
# in its own order; a recursive sum of N terms is off by at most (N - 1) eps sum |g_i|
# (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., eq. 4.4). So the two
# differ by at most (2 (N - 1) + 10) eps sum |g_i|.
for distribution in ("uniform", "gaussian"):
    for dtype in (torch.float32, torch.float64):
        params, X, y = random_problem(64, 10, 20, distribution=distribution, dtype=dtype)
        g_abs_sum = float(torch.tanh(predict(params, X) - y).abs().mean())
        b2_gap = float(
            (manual_gradients(params, X, y)["b2"] - autograd_gradients(params, X, y)["b2"]).abs()
        )
        bound = (2 * 63 + 10) * torch.finfo(dtype).eps * g_abs_sum
        assert b2_gap <= bound, f"dJ/db2 ({distribution}, {dtype}): within the summation bound"
# sphinx_gallery_end_ignore

# %%
# Every gradient has the shape of the tensor it belongs to; in particular
# :math:`\partial J / \partial X` is :math:`N \times 10`, one row per sample. The
# column ``scaled`` divides the largest absolute difference by the largest entry of
# the autograd gradient. In every row it is at most four times the rounding unit
# :math:`\epsilon` of its dtype (machine epsilon, about :math:`10^{-7}` in float32
# and :math:`2 \times 10^{-16}` in float64), which is what two correct evaluations of
# the same formula, done in a different order, can give. A wrong factor, such as a
# missing :math:`1/N` or :math:`1 - a^2`, would change the gradient itself and give an
# error of the size of the gradient, ``scaled`` of order one.
#
# The entry-wise relative error ``max_rel`` divides by the size of each entry, so an
# entry that happens to be close to zero makes it more than 100 times ``scaled`` in
# some rows while the absolute error stays tiny. :math:`\partial J / \partial b_2` is
# a sum of :math:`N = 64` terms that the two methods add in different orders, so they
# differ by at most the rounding error of two such sums, about :math:`2N\epsilon` times
# the sum of the terms' sizes; on some CPUs they agree to the last bit, and an exact
# zero has no bar on the log scale below.

fig, ax = plt.subplots(figsize=(7.5, 4.2))
configurations = sorted({(row["data"], row["dtype"]) for row in rows})
width = 0.8 / len(configurations)
for index, (distribution, dtype_name) in enumerate(configurations):
    values = [
        row["scaled"] for row in rows if (row["data"], row["dtype"]) == (distribution, dtype_name)
    ]
    positions = [k + (index - 1.5) * width for k in range(len(GRADIENT_KEYS))]
    ax.bar(positions, values, width, label=f"{distribution}, {dtype_name}")
for dtype, label in (
    (torch.float32, "machine epsilon, float32 and float64"),
    (torch.float64, None),
):
    ax.axhline(torch.finfo(dtype).eps, color="grey", linestyle=":", linewidth=1.2, label=label)
ax.set_xticks(range(len(GRADIENT_KEYS)), [f"dJ/d{key}" for key in GRADIENT_KEYS])
ax.set_yscale("log")
ax.set_ylabel("max |manual - autograd| / max |autograd|")
ax.set_title("Closed-form gradients against autograd")
ax.set_ylim(1e-18, 1e-5)
ax.legend(fontsize=8, ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.1))
fig.tight_layout()
