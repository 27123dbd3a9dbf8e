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
"""

# %%
# XNOR
# ----
# The ReLU network outputs :math:`1 - |x_1 - x_2|`: exactly 1 or 0 on the four binary
# inputs. The sigmoid network (an AND unit plus a NOR unit) is only close to 0 and 1,
# so it is read with the rule "output > 1/2 means 1"; the table shows how far each
# output stays from that threshold.
from functools import partial

import matplotlib.pyplot as plt
import torch

from hw1.handcrafted import (
    evaluate,
    max_abs_error,
    parameter_rows,
    soft_threshold,
    soft_threshold_net,
    tent,
    tent_net,
    xnor_net,
    xnor_truth_table,
)
from hw1.report import format_table

for activation in ["relu", "sigmoid"]:
    net = xnor_net(activation, dtype=torch.float64)
    print(f"XNOR, {activation} hidden layer")
    print(format_table(parameter_rows(net), floatfmt="g"))
    print(format_table(xnor_truth_table(net), floatfmt=".6f"))
    print()

# %%
# Between the corners the ReLU network interpolates linearly: its output depends only
# on :math:`|x_1 - x_2|`, so the level sets are lines parallel to the diagonal. White
# dots mark the inputs whose XNOR is 1, black dots those whose XNOR is 0.
relu_xnor = xnor_net("relu", dtype=torch.float64)
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

# %%
# The tent
# --------
# Three ReLU units, one per kink of the target (at 0, 1/2 and 1), each weighted by the
# change of slope there.
print(format_table(parameter_rows(tent_net()), floatfmt="g"))

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
print()
print(format_table(rows, floatfmt=".3e"))

fig, ax = plt.subplots(figsize=(6, 3))
ax.plot(x, tent(x), lw=5, color="0.8", label="target")
ax.plot(x, evaluate(tent64, x), lw=1.5, color="C0", label="network")
ax.plot(kinks, evaluate(tent64, kinks), "o", color="C3", label="kinks")
ax.set(xlabel="$x$", ylabel="$f(x)$", title="Tent: network against target on [-3, 3]")
ax.legend()
fig.tight_layout()

# %%
# Soft thresholding
# -----------------
# Two ReLU units: one carries the part of :math:`x` above :math:`s`, the other the part
# below :math:`-s`. With :math:`s = 0` the network is :math:`\mathrm{relu}(x) -
# \mathrm{relu}(-x) = x`, the identity.
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
print(format_table(parameter_rows(soft_threshold_net(0.5)), floatfmt="g"))
print()
print(format_table(rows, floatfmt=".3e"))

fig, axes = plt.subplots(1, len(thresholds), figsize=(9, 3), sharey=True)
for ax, s in zip(axes, thresholds, strict=True):
    ax.plot(x, soft_threshold(x, s), lw=5, color="0.8", label="target")
    ax.plot(x, evaluate(soft_threshold_net(s, dtype=torch.float64), x), lw=1.5, label="network")
    ax.axvspan(-s, s, color="C1", alpha=0.15, label="$|x| \\leq s$")
    ax.set(title=f"s = {s}", xlabel="$x$")
axes[0].set_ylabel("$f(x)$")
axes[0].legend(loc="upper left")
fig.tight_layout()
