"""
Q2(b, c): the Jacobian by autograd and by hand-written forward mode
====================================================================

Question 2 studies a deep tanh network without biases,
:math:`f(x) = W_F \\tanh(W_L \\cdots \\tanh(W_1 x))`, that maps :math:`\\mathbb{R}^D` to
:math:`\\mathbb{R}^P` through :math:`L` hidden layers of width :math:`K`. Part (b) wants
its Jacobian :math:`\\partial f / \\partial x` from torch autograd, for weights handed
over as a dictionary; part (c) wants the same matrix from forward-mode differentiation
written by hand, checked against (b) with asserts for :math:`L = 3`.

:func:`hw1.jacobian.jacobian_reverse` answers (b) and
:func:`hw1.jacobian.jacobian_forward` answers (c). How the forward mode works is
derived on the page :ref:`q2-derivation`.

Every sentence below that depends on this run's numbers is checked by an ``assert``
when the site is built, so a build in which it is false fails; the checks are hidden
from this page but can be read in the downloadable ``.py`` file (bottom of the page) and
in the repository (``gallery/plot_q2bc_jacobians.py``).
"""

# %%
# The network of the assignment
# -----------------------------
# :math:`D = 2`, :math:`K = 30`, :math:`P = 10` and :math:`L = 3` tanh layers, so the
# dictionary holds :math:`W_1, W_2, W_3` and :math:`W_F`.
# :func:`hw1.jacobian.init_weights` draws each entry from a normal distribution with
# variance :math:`1/\text{fan-in}`, from a fixed seed.
import matplotlib.pyplot as plt
import torch

from hw1.jacobian import (
    init_weights,
    jacobian_central_difference,
    jacobian_forward,
    jacobian_reverse,
    mlp,
)
from hw1.report import table

generator = torch.Generator().manual_seed(2)
weights = init_weights(D=2, K=30, P=10, L=3, generator=generator)
x = torch.randn(2, generator=generator)
print(f"x = {x.tolist()}")
print(f"f(x) = {mlp(weights, x).tolist()}")
table([{"key": k, "shape": str(tuple(w.shape))} for k, w in weights.items()])

# %%
# (b) The Jacobian from autograd
# ------------------------------
# :func:`hw1.jacobian.jacobian_reverse` runs the network once with ``x`` marked as
# requiring a gradient, then asks ``torch.autograd.grad`` to pull back all
# :math:`P = 10` rows of the identity through the recorded graph in one batched call.
# Row :math:`p` of the result is the gradient of output :math:`f_p`.
J_reverse = jacobian_reverse(weights, x)
print(f"shape {tuple(J_reverse.shape)}")
table([{"p": p, "df_p/dx_1": row[0].item(), "df_p/dx_2": row[1].item()}
       for p, row in enumerate(J_reverse)], formats=".5f")

# %%
# To test (b) against something that uses no derivatives at all,
# :func:`hw1.jacobian.jacobian_central_difference` moves :math:`x` by
# :math:`\pm\varepsilon` along each axis, here in double precision with
# :math:`\varepsilon = 10^{-6}`. The truncation error is of order
# :math:`\varepsilon^2` and the rounding error of order
# :math:`10^{-16} / \varepsilon = 10^{-10}`; the build checks :math:`10^{-8}`.
weights64 = {k: w.double() for k, w in weights.items()}
J_reverse64 = jacobian_reverse(weights64, x.double())
J_difference = jacobian_central_difference(weights64, x.double(), eps=1e-6)
gap = (J_reverse64 - J_difference).abs().max().item()
print(f"max |autograd - central difference| = {gap:.2e}")
# sphinx_gallery_start_ignore
assert gap < 1e-8, "autograd and central differences agree to within 1e-8"
# sphinx_gallery_end_ignore

# %%
# Autograd and central differences agree to within :math:`10^{-8}` in every entry (the
# gap printed above).

# %%
# (c) The Jacobian by forward mode
# --------------------------------
# :func:`hw1.jacobian.jacobian_forward` never calls autograd. It carries, next to each
# activation, its derivative along each of the :math:`D = 2` input directions, and
# updates both with plain tensor operations: per layer one matrix product for the
# activations, one for the tangents, the tanh, its derivative :math:`1 - h^2` and a
# row scaling. Part (c) asks for the check as asserts: ``torch.testing.assert_close``
# raises unless the shapes and dtypes match and every entry agrees to the tolerance.
J_forward = jacobian_forward(weights, x)
print(f"shape {tuple(J_forward.shape)}")
print(f"max |forward - autograd| = {(J_forward - J_reverse).abs().max().item():.2e}")
torch.testing.assert_close(J_forward, J_reverse, rtol=1e-5, atol=1e-6)

# %%
# In float32 the two agree to within :math:`10^{-6}` plus :math:`10^{-5}` relative, the
# tolerance the checks below use for every float32 case.

# %%
# Checks of several test cases at :math:`L = 3`
# ----------------------------------------------
# New weights and inputs for each case: single inputs drawn from a normal or a uniform
# distribution, the origin, an input far out where the tanh layers saturate, a batch
# of inputs, and double precision. In each case forward mode must match autograd to the rounding
# of the dtype (``rtol`` and ``atol`` below, about 100 rounding units of each dtype).
# The checks run, and would fail the build, every time this page is built.
cases = [
    ("normal x", torch.float32, lambda g: torch.randn(2, generator=g)),
    ("uniform x in [-1, 1)", torch.float32, lambda g: 2 * torch.rand(2, generator=g) - 1),
    ("x = (30, -40), saturated", torch.float32, lambda g: torch.tensor([30.0, -40.0])),
    ("x = 0", torch.float32, lambda g: torch.zeros(2)),
    ("batch of 256", torch.float32, lambda g: torch.randn(256, 2, generator=g)),
    ("normal x, float64", torch.float64, lambda g: torch.randn(2, generator=g).double()),
    ("batch, float64", torch.float64, lambda g: torch.randn(64, 2, generator=g).double()),
]
tolerance = {torch.float32: (1e-5, 1e-6), torch.float64: (1e-12, 1e-14)}
rows, pairs, case_inputs = [], [], {}
for seed, (name, dtype, draw) in enumerate(cases):
    g = torch.Generator().manual_seed(100 + seed)
    w = init_weights(D=2, K=30, P=10, L=3, generator=g, dtype=dtype)
    xs = draw(g)
    by_autograd, by_hand = jacobian_reverse(w, xs), jacobian_forward(w, xs)
    rtol, atol = tolerance[dtype]
    torch.testing.assert_close(by_hand, by_autograd, rtol=rtol, atol=atol, msg=name)
    rows.append({
        "case": name,
        "dtype": str(dtype).removeprefix("torch."),
        "Jacobian shape": str(tuple(by_hand.shape)),
        "max |J|": by_autograd.abs().max().item(),
        "max |forward - autograd|": (by_hand - by_autograd).abs().max().item(),
    })
    pairs.append((name, by_autograd.flatten(), by_hand.flatten()))
    case_inputs[name] = (w, xs)
print(f"all {len(cases)} cases passed")
table(rows, formats=".2e")

# %%
# Far from the origin the first-layer units saturate: :math:`1 - h^2` is close to
# zero, so the Jacobian shrinks. The cell measures, for the saturated case, the share of
# first-layer units with :math:`1 - h^2 < 0.01`, and compares the largest Jacobian
# entry with those of the unsaturated single inputs in the table above.
w_saturated, x_saturated = case_inputs["x = (30, -40), saturated"]
first_layer = torch.tanh(w_saturated["W1"] @ x_saturated)
saturated_share = ((1 - first_layer**2) < 0.01).double().mean().item()
print(f"share of first-layer units with 1 - h^2 < 0.01: {saturated_share:.2f}")
max_entry = {row["case"]: row["max |J|"] for row in rows}
unsaturated = ["normal x", "uniform x in [-1, 1)", "x = 0", "normal x, float64"]
# sphinx_gallery_start_ignore
assert saturated_share > 0.5, "more than half of the first-layer units saturated"
smallest_unsaturated = min(max_entry[c] for c in unsaturated)
assert max_entry["x = (30, -40), saturated"] < 0.01 * smallest_unsaturated, (
    "saturated case's largest entry below a hundredth of the unsaturated ones'"
)
# sphinx_gallery_end_ignore

# %%
# For :math:`x = (30, -40)` more than half of the first-layer units have
# :math:`1 - h^2 < 0.01`. The saturated case's largest Jacobian entry is below a
# hundredth of the unsaturated ones', and forward mode still matches autograd there
# (the checks of the loop). Each
# point below is one entry of one Jacobian, forward mode against autograd; all of them
# passed the tolerance of their dtype, so they lie on the diagonal.
fig, (ax_map, ax_scatter) = plt.subplots(1, 2, figsize=(9, 4), width_ratios=(1, 2.2))
image = ax_map.imshow(J_forward.numpy(), cmap="RdBu_r", vmin=-1, vmax=1)
ax_map.set_xticks([0, 1], ["$x_1$", "$x_2$"])
ax_map.set_ylabel("output $p$")
ax_map.set_title("$\\partial f / \\partial x$ (forward mode)")
fig.colorbar(image, ax=ax_map, shrink=0.8)
for name, a, b in pairs:
    ax_scatter.scatter(a.numpy(), b.numpy(), s=8, label=name)
lim = max(abs(a).max().item() for _, a, _ in pairs) * 1.05
ax_scatter.plot([-lim, lim], [-lim, lim], color="grey", linewidth=0.8)
ax_scatter.set_xlabel("entry by autograd, part (b)")
ax_scatter.set_ylabel("entry by forward mode, part (c)")
ax_scatter.set_title("Every Jacobian entry of every test case")
ax_scatter.legend(fontsize=7, loc="upper left")
fig.tight_layout()
