"""
Q2(d): timing reverse mode against forward mode
===============================================

Part (d) asks how fast the autograd Jacobian of part (b) (a forward pass, then
backward passes) is next to the hand-written forward mode of part (c) (one forward
pass carrying tangents), for :math:`L = 3, 5, 10` tanh layers, on a CPU and on a GPU.

Seven methods are timed side by side with ``torch.utils.benchmark``, each first
checked against ``torch.func.jacrev`` on the inputs it is timed on (see
:mod:`hw1.bench`). The tables name them as follows.

* ``P backward passes``: reverse mode, one ``torch.autograd.grad`` call per output row.
* ``batched backward``: reverse mode with all :math:`P` rows in one batched backward
  pass, :func:`hw1.jacobian.jacobian_reverse` (part b).
* ``func.jacrev`` and ``func.jacfwd``: ``torch.func.jacrev`` and ``torch.func.jacfwd``,
  under ``torch.vmap`` for a batch.
* ``forward_ad``: forward mode with the dual numbers of ``torch.autograd.forward_ad``,
  one pass per input coordinate (:math:`D` passes).
* ``jacobian_forward``: the hand-written forward mode,
  :func:`hw1.jacobian.jacobian_forward` (part c).
* ``reverse_manual``: its mirror image, reverse mode written the same way,
  :func:`hw1.jacobian.jacobian_reverse_manual`, for the cost argument of part (e) on
  the page :ref:`q2-cost`.

The first five use torch's automatic differentiation; the last two use none.

The network is the assignment's, :math:`D = 2`, :math:`K = 30`, :math:`P = 10`, in
float32. Each method runs on one input :math:`x` and on a batch of :math:`N = 1024`
inputs.
"""

# %%
# A short CPU run, live
# ---------------------
# This run happened while the page was built: one thread, 0.1 s of timing per method
# and case, split into five turns interleaved with the other methods (see
# :func:`hw1.bench.time_methods`), so that a burst of load on the machine hits all
# methods alike. Its numbers still carry that noise; the stored full-length run further
# down used 1 s per measurement in twenty turns.
import matplotlib.pyplot as plt
import torch

from hw1 import bench
from hw1.report import format_table

print(bench.describe({"provenance": bench.provenance("cpu", dtype=torch.float32, num_threads=1)}))
live = bench.run_cases("cpu", min_run_time=0.1, rounds=5)

# %%
# One input: microseconds per call.
rows = bench.case_table(live)
print(format_table([r for r in rows if r["input"] == "one x"], floatfmt=".1f"))

# %%
# A batch of 1024 inputs: microseconds per Jacobian (the call's time divided by 1024).
rows = bench.case_table(live, per_jacobian=True)
print(format_table([r for r in rows if r["input"] != "one x"], floatfmt=".2f"))

# %%
# The speed ratios
# ----------------
# ``speedup`` is the time of the fastest autograd method in that row divided by the
# time of :func:`hw1.jacobian.jacobian_forward`, both from the run above;
# ``vs_jacfwd`` compares with ``torch.func.jacfwd`` (under ``torch.vmap`` for the
# batch), the library's own forward mode. The goals were a speedup of at least 5 for
# one input at every depth, and at least 2 against ``vmap(jacfwd)`` for the batch at
# :math:`L = 10`.
ratios = bench.speed_ratios(live)
print(format_table(ratios, floatfmt=".3g"))

# %%
# For one input the time is set by how many tensor operations each method launches,
# not by the arithmetic (:ref:`q2-cost` counts both). The hand-written forward and
# reverse modes launch five or six operations per layer and take similar times,
# although reverse mode does more than three times as many multiplies here; the
# autograd methods pay for recording and replaying a graph, for dual tensors or for
# ``vmap`` on every operation. With a batch the same operations carry 1024 times more
# arithmetic, and the multiply count starts to show.
methods = list(bench.METHODS)
fig, axes = plt.subplots(1, 2, figsize=(10, 4.2), sharex=True)
for ax, per_jacobian, title in [
    (axes[0], False, "one input: time per call"),
    (axes[1], True, "batch of 1024: time per Jacobian"),
]:
    table = bench.case_table(live, per_jacobian=per_jacobian)
    table = [r for r in table if (r["input"] == "one x") != per_jacobian]
    for method in methods:
        label = bench.LABELS[method]
        style = "-o" if method in ("jacobian_forward", "reverse_manual") else "--."
        ax.plot([r["L"] for r in table], [r[label] for r in table], style, label=label)
    ax.set_yscale("log")
    ax.set_xticks([3, 5, 10])
    ax.set_xlabel("number of tanh layers L")
    ax.set_ylabel("microseconds")
    ax.set_title(title)
axes[1].legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1))
fig.tight_layout()

# %%
# Forward against reverse as the input grows
# ------------------------------------------
# Forward mode pushes :math:`D` tangents through the network, reverse mode pulls
# :math:`P` cotangents back, so with :math:`P = 10` fixed the multiply count predicts
# that forward mode wins while :math:`D < P` and loses beyond :math:`D = P`
# (:func:`hw1.jacobian.multiply_counts`). On a batch of 1024 (at :math:`L = 3`), where
# arithmetic matters, the sweep below times the two hand-written modes, which have the
# same structure, and ``torch.func``'s ``jacfwd`` and ``jacrev``. Each ratio is
# reverse-mode time over forward-mode time: above 1, forward mode is faster.
sweep = bench.run_sweep("cpu", Ds=(1, 2, 4, 8, 10, 16, 32), min_run_time=0.06, rounds=5)
sweep_rows = bench.sweep_table(sweep)
print(format_table(sweep_rows, floatfmt=".3g"))
for name, where in bench.sweep_crossovers(sweep_rows).items():
    print(f"ratio = 1 ({name}): " + ("not reached" if where is None else f"D = {where:.3g}"))

# %%
# The hand-written pair follows the predicted curve and crosses over a little above
# :math:`D = P`. ``torch.func.jacfwd`` crosses earlier: under ``vmap`` it evaluates
# the network twice and handles its :math:`D` tangents less efficiently than
# ``jacrev`` handles its :math:`P` cotangents, so operation counts only predict well
# when the two modes are implemented alike.
fig, ax = plt.subplots(figsize=(7, 4.2))
Ds = [r["D"] for r in sweep_rows]
for name, style in [
    ("by hand: rev/fwd", "-o"),
    ("torch.func: rev/fwd", "-s"),
    ("predicted", "k--"),
]:
    ax.plot(Ds, [r[name] for r in sweep_rows], style, label=name)
ax.axhline(1, color="grey", linewidth=0.8)
ax.axvline(10, color="grey", linestyle=":", linewidth=0.8, label="D = P = 10")
ax.set_xscale("log", base=2)
ax.set_yscale("log", base=2)
ax.set_xticks(Ds, [str(D) for D in Ds])
ax.set_yticks([0.125, 0.25, 0.5, 1, 2, 4, 8], ["1/8", "1/4", "1/2", "1", "2", "4", "8"])
ax.minorticks_off()
ax.set_xlabel("input size D (P = 10, K = 30, L = 3, batch of 1024)")
ax.set_ylabel("reverse-mode time / forward-mode time")
ax.set_title("Forward mode wins while D < P")
ax.legend(fontsize=8)
fig.tight_layout()

# %%
# The stored full-length CPU run
# ------------------------------
# ``nox -s bench`` (``python -m hw1.bench``) runs the same benchmark with 1 s per
# measurement and stores it in the package; :func:`hw1.bench.load_results` reads it.
stored = bench.load_results("cpu")
print(bench.stored_status("cpu"))
if stored is not None:
    print(format_table(bench.speed_ratios(stored["cases"]), floatfmt=".3g"))
    stored_sweep = bench.sweep_table(stored["sweep"])
    for name, where in bench.sweep_crossovers(stored_sweep).items():
        print(f"ratio = 1 ({name}): " + ("not reached" if where is None else f"D = {where:.3g}"))

# %%
# GPU
# ---
# The machine that builds this site has no GPU, so nothing here is timed on one. A GPU
# result appears below only if ``nox -s bench`` was run on a machine with CUDA and its
# file ``cuda.json`` was committed; it is shown with the device and date it came from.
gpu = bench.load_results("cuda")
print(bench.stored_status("cuda"))
if gpu is not None:
    print(format_table(bench.case_table(gpu["cases"], per_jacobian=True), floatfmt=".3g"))
    print(format_table(bench.speed_ratios(gpu["cases"]), floatfmt=".3g"))
