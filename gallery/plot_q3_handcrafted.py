"""
Question 3: networks with hand-set weights
==========================================

Question 3 asks for three small networks whose weights are worked out by hand, with
nothing trained: XNOR of two bits, a tent on :math:`[0, 1]`, and soft thresholding.
The :ref:`derivation page <q3-derivation>` explains how each set of weights was found
and why it is exact. This example builds the networks with
:func:`hw1.handcrafted.xnor_net`, :func:`hw1.handcrafted.tent_net` and
:func:`hw1.handcrafted.soft_threshold_net`, and compares them with their targets on
grids that reach well outside :math:`[0, 1]`.

Every sentence below that depends on this run's numbers is checked by an ``assert``
when the site is built, so a build in which it is false fails; the checks are hidden
from this page but can be read in the downloadable ``.py`` file (bottom of the page) and
in the repository (``gallery/plot_q3_handcrafted.py``).
"""

# %%
# XNOR
# ----
# Two networks with one hidden layer of two units: the ReLU answer, which should
# output :math:`1 - |x_1 - x_2|`, and a sigmoid one (an AND unit plus a NOR unit with
# gain :math:`c = 10`), which can only come close to 0 and 1 and is read with the rule
# "output > 1/2 means 1". Their weights and biases:
from functools import partial

import matplotlib.pyplot as plt
import torch

from hw1.handcrafted import (
    max_abs_error,
    parameter_rows,
    run_on_grid,
    soft_threshold,
    soft_threshold_net,
    tent,
    tent_net,
    xnor_net,
    xnor_sigmoid_error_bound,
    xnor_truth_table,
)
from hw1.report import table

xnor_nets = {name: xnor_net(name, dtype=torch.float64) for name in ["relu", "sigmoid"]}
table(
    [
        {"network": activation, **row}
        for activation, net in xnor_nets.items()
        for row in parameter_rows(net)
    ],
    formats="g",
)

# %%
# Both networks on the four binary inputs. ``decision`` applies the rule
# "output > 1/2 means 1" to the sigmoid network's output.
relu_rows = xnor_truth_table(xnor_nets["relu"])
sigmoid_rows = xnor_truth_table(xnor_nets["sigmoid"])
table(
    [
        {
            "x1": relu_row["x1"],
            "x2": relu_row["x2"],
            "XNOR": relu_row["target"],
            "relu output": relu_row["output"],
            "sigmoid output": sigmoid_row["output"],
            "sigmoid decision": sigmoid_row["decision"],
        }
        for relu_row, sigmoid_row in zip(relu_rows, sigmoid_rows, strict=True)
    ],
    formats={"relu output": "g", "sigmoid output": ".6f"},
)
# sphinx_gallery_start_ignore
# the derivation page's bound on the sigmoid network's error: 2 sigmoid(-c/2)
sigmoid_bound = xnor_sigmoid_error_bound()
assert abs(sigmoid_bound - 0.0134) < 1e-4, "the bound 2 sigmoid(-c/2) is about 0.0134"
for relu_row, sigmoid_row in zip(relu_rows, sigmoid_rows, strict=True):
    target = relu_row["target"]
    # exact: integer weights and 0/1 inputs, so every product and sum is a small integer
    assert relu_row["output"] == target, "ReLU outputs equal XNOR exactly"
    # exact: the decision and the target are both 0 or 1
    assert sigmoid_row["decision"] == target, "the sigmoid network's decisions are all right"
    assert abs(sigmoid_row["output"] - target) <= sigmoid_bound + 1e-12, (
        "each sigmoid output within 2 sigmoid(-c/2) of the target"
    )
# sphinx_gallery_end_ignore

# %%
# The ReLU network's outputs equal XNOR exactly (compared with ``==``, no
# tolerance). The sigmoid network's decisions are all right, and each of its outputs
# lies within :math:`2\sigma(-c/2) \approx 0.0134` of the target, so more than 0.486
# from the threshold 1/2.
#
# Between the corners, the ReLU network's output should depend only on
# :math:`|x_1 - x_2|`, so that the level sets are lines parallel to the diagonal. The
# next cell evaluates it on a grid. White dots mark the inputs whose XNOR is 1, black
# dots those whose XNOR is 0.
relu_xnor = xnor_nets["relu"]
side = torch.linspace(-0.5, 1.5, 201, dtype=torch.float64)
g1, g2 = torch.meshgrid(side, side, indexing="xy")
with torch.no_grad():
    surface = relu_xnor(torch.stack([g1.flatten(), g2.flatten()], dim=1)).reshape(g1.shape)

fig, ax = plt.subplots(figsize=(4.6, 3.8))
image = ax.contourf(g1, g2, surface, levels=20, cmap="viridis")
ax.contour(g1, g2, surface, levels=[0.5], colors="white", linewidths=1.5)
corners = torch.tensor([[0, 0], [0, 1], [1, 0], [1, 1]])
ax.scatter(corners[:, 0], corners[:, 1], c=["w", "k", "k", "w"], edgecolors="r", s=70, zorder=3)
fig.colorbar(image, ax=ax, label="network output")
ax.set(xlabel="$x_1$", ylabel="$x_2$", title="ReLU XNOR network; white line: output = 1/2")
fig.tight_layout()
# sphinx_gallery_start_ignore
assert torch.allclose(surface, 1 - (g1 - g2).abs(), rtol=0, atol=1e-12), (
    "on the whole square the output equals 1 - |x1 - x2| to within 1e-12"
)
# sphinx_gallery_end_ignore

# %%
# On the whole square :math:`[-\tfrac12, \tfrac32]^2` the output equals
# :math:`1 - |x_1 - x_2|` to within :math:`10^{-12}`: between the corners the ReLU
# network interpolates linearly on each side of the diagonal, and its level sets are
# lines parallel to it.
#
# The tent
# --------
# Three ReLU units, one per kink of the target (at 0, 1/2 and 1), each weighted by the
# change of slope there.
table(parameter_rows(tent_net()), formats="g")

# %%
# The network against the target on a grid of 60,001 points of :math:`[-3, 3]` and
# at the kinks, in float64 and in float32.
x = torch.linspace(-3, 3, 60_001, dtype=torch.float64)
kinks = torch.tensor([0.0, 0.5, 1.0], dtype=torch.float64)
tent64 = tent_net(dtype=torch.float64)
grids = {
    "[-3, 3], 60001 points, float64": (tent64, x),
    "kinks 0, 1/2, 1, float64": (tent64, kinks),
    "[-3, 3], 60001 points, float32": (tent_net(), x.float()),
}
rows = [
    {"grid": name, "max |net - target|": max_abs_error(net, tent, grid)}
    for name, (net, grid) in grids.items()
]
table(rows, formats=".3e")
# sphinx_gallery_start_ignore
# exact: dyadic weights and biases; every product and partial sum of the network is
# representable, so it rounds nowhere and equals the target (derivation page)
assert all(row["max |net - target|"] == 0.0 for row in rows), "tent: largest error exactly 0"
# sphinx_gallery_end_ignore

# %%
# The largest error is exactly 0 on every one of these grids, in both precisions.
fig, ax = plt.subplots(figsize=(6, 3))
ax.plot(x, tent(x), lw=5, color="0.8", label="target")
ax.plot(x, run_on_grid(tent64, x), lw=1.5, color="C0", label="network")
ax.plot(kinks, run_on_grid(tent64, kinks), "o", color="C3", label="kinks")
ax.set(xlabel="$x$", ylabel="$f(x)$", title="Tent: network against target on [-3, 3]")
ax.legend()
fig.tight_layout()

# %%
# Soft thresholding
# -----------------
# Two ReLU units: one carries the part of :math:`x` above :math:`s`, the other the part
# below :math:`-s`. With :math:`s = 0` the network is :math:`\mathrm{relu}(x) -
# \mathrm{relu}(-x) = x`, the identity. The weights for :math:`s = 1/2`:
table(parameter_rows(soft_threshold_net(0.5)), formats="g")

# %%
# The network against the target on the same grid and at :math:`\pm s`, for three
# thresholds.
thresholds = [0.0, 0.5, 1.5]
rows = []
for s in thresholds:
    net = soft_threshold_net(s, dtype=torch.float64)
    target = partial(soft_threshold, s=s)
    at_kinks = torch.tensor([-s, s], dtype=torch.float64)
    rows.append(
        {
            "s": f"{s:g}",
            "max error on [-3, 3]": max_abs_error(net, target, x),
            "max error at +-s": max_abs_error(net, target, at_kinks),
            "max error, float32": max_abs_error(soft_threshold_net(s), target, x.float()),
        }
    )
table(rows, formats=".3e")
# sphinx_gallery_start_ignore
# exact: the network and the target round the same single subtraction |x| - s; the
# other products and sums involve 0 and weights of +-1, which round nowhere
assert all(value == 0.0 for row in rows for key, value in row.items() if key != "s"), (
    "soft thresholding: largest error exactly 0 for every threshold"
)
# sphinx_gallery_end_ignore

# %%
# For every threshold the largest error is exactly 0, on the grid, at :math:`\pm s`
# and in float32.
fig, axes = plt.subplots(1, len(thresholds), figsize=(9, 3), sharey=True)
for ax, s in zip(axes, thresholds, strict=True):
    ax.plot(x, soft_threshold(x, s), lw=5, color="0.8", label="target")
    ax.plot(x, run_on_grid(soft_threshold_net(s, dtype=torch.float64), x), lw=1.5, label="network")
    ax.axvspan(-s, s, color="C1", alpha=0.15, label="$|x| \\leq s$")
    ax.set(title=f"s = {s}", xlabel="$x$")
axes[0].set_ylabel("$f(x)$")
axes[0].legend(loc="upper left")
fig.tight_layout()
