"""
Q2(d): timing reverse mode against forward mode
===============================================

Part (d) asks how fast the autograd Jacobian of part (b) (a forward pass, then
backward passes) is next to the hand-written forward mode of part (c) (one forward
pass carrying tangents), for :math:`L = 3, 5, 10` tanh layers, on a CPU and on a GPU.
The multiply counts behind the comparison are derived on the page :ref:`q2-cost`.

Seven methods are timed side by side (:mod:`hw1.bench`), each first verified against
``torch.func.jacrev`` on the inputs it is timed on
(:func:`hw1.bench.methods.verify_methods`).

* ``P backward passes``: reverse mode, one ``torch.autograd.grad`` call per output row.
* ``batched backward``: reverse mode with all :math:`P` rows in one batched backward
  pass, as :func:`hw1.jacobian.jacobian_reverse` (part b) does.
* ``func.jacrev`` and ``func.jacfwd``: ``torch.func.jacrev`` and ``torch.func.jacfwd``,
  under ``torch.vmap`` for a batch.
* ``forward_ad``: forward mode with the dual numbers of ``torch.autograd.forward_ad``,
  one pass per input coordinate (:math:`D` passes).
* ``jacobian_forward``: the hand-written forward mode,
  :func:`hw1.jacobian.jacobian_forward` (part c).
* ``reverse_manual``: its mirror image, reverse mode written the same way,
  :func:`hw1.jacobian.jacobian_reverse_manual`, for the cost argument of part (e).

**Lean baselines.** The first five use torch's automatic differentiation. They are
timed as a user would write them in a few lines: the weights are checked once, before
timing, and the timed call differentiates a bare network function. Each of them runs
in two layouts, rows (``h @ W.T``, as :func:`hw1.jacobian.mlp` writes a layer) and
columns (``W @ h``); the tables use the faster of the two for each method and case,
and name it. The two hand-written methods are timed as their public functions, with
their own checks of the weights inside every call (a cost measured below).

The network is the assignment's, :math:`D = 2`, :math:`K = 30`, :math:`P = 10`, in
float32, on one thread. Each method runs on one input :math:`x` and on a batch of
:math:`N = 1024` inputs.

Every sentence below that depends on this run's numbers is checked by an ``assert``
when the site is built, so a build in which it is false fails; the checks are hidden
from this page but can be read in the downloadable ``.py`` file (bottom of the page) and
in the repository (``gallery/plot_q2d_benchmark.py``).
"""

# %%
# A short run on the machine that built this page
# ------------------------------------------------
# One run, 0.05 s of timing per method and case in two interleaved turns
# (:func:`hw1.bench.benchmark.run_cases`), at :math:`L = 3` and :math:`10`: a check that the
# benchmark runs here, with the noise of one short run. Microseconds per call for one
# input, median over the timed blocks, each method in its faster layout.
import statistics

import matplotlib.pyplot as plt
import torch
from torch.utils.flop_counter import FlopCounterMode

from hw1.bench import benchmark, limits, methods, results, tables
from hw1.bench.config import BenchConfig
from hw1.jacobian import init_weights, jacobian_forward, multiply_counts
from hw1.report import table

print(results.describe({"provenance": results.provenance("cpu", dtype=torch.float32,
                                                          num_threads=1)}))
live = benchmark.run_cases("cpu", BenchConfig(Ls=(3, 10), min_run_time=0.05, rounds=2))
table(tables.case_table(live, None))

# %%
# The stored runs
# ---------------
# ``nox -s bench`` (``python -m hw1.bench``) runs the whole grid five times, the
# methods of each case interleaved within a run, and stores each run's median per case
# with the machine it ran on; :func:`hw1.bench.benchmark.load_or_measure` reads it.
# Where the stored file cannot be found (a copy of this example without the package's
# data), it runs the same grid briefly on the machine at hand instead; the first line
# below says which of the two this page shows. Every number below is the median across
# the runs, with the smallest and largest run in brackets.
stored, source = benchmark.load_or_measure("cpu")
print(results.describe(stored, source))
config = stored["config"]
runs = config["runs"]
N = max(n for n in config["batches"] if n is not None)
print(f"{runs} runs; per run, {config['min_run_time']} s of timing per method and case")

# %%
# One input: microseconds per call.
table(tables.case_table(stored["cases"], None))

# %%
# A batch of 1024 inputs: microseconds per Jacobian (the call's time divided by 1024).
table(tables.case_table(stored["cases"], N, per_jacobian=True))

# %%
# Which layout each autograd method was faster in, one input (median microseconds per
# call in each layout).
table(tables.layout_table(stored["cases"], None), formats=".1f")

# %%
# The same for the batch (microseconds per call of 1024 Jacobians).
table(tables.layout_table(stored["cases"], N), formats=".0f")

# %%
# The speed ratios
# ----------------
# ``speedup`` divides the time of the fastest lean autograd method in that row (chosen
# by its median) by the time of :func:`hw1.jacobian.jacobian_forward`, run by run, and
# gives the median and the range of those ratios; ``vs jacfwd`` is the median ratio
# against ``torch.func.jacfwd``. The goal set for one input was a median speedup of at
# least 3 at every depth; the last column compares each median with it.
ratios = tables.speed_ratios(stored["cases"])
for row in ratios:
    row["median >= 3"] = bool(row["speedup"] >= 3)
table(ratios, formats={"its time [us]": ".1f", "jacobian_forward [us]": ".2f"})

# %%
# For one input, per extra layer: the slope of each method's median time between
# :math:`L = 3` and :math:`L = 10`, in microseconds per layer, and its ratio to the
# slope of :func:`~hw1.jacobian.jacobian_forward`.
best = tables.fastest_layouts(stored["cases"])  # (L, N, method) -> faster layout
slopes = tables.layer_slopes(stored["cases"], L0=3, L1=10)
# sphinx_gallery_start_ignore
one_input_counts = [
    multiply_counts(L=L)[methods.MULTIPLY_KEYS[m]] for L in config["Ls"] for m in methods.METHODS
]
# exact: integer multiply counts
assert (min(one_input_counts), max(one_input_counts)) == (6060, 93060), (
    "one input: between 6,060 and 93,060 multiplies, depending on the method and the depth"
)
# sphinx_gallery_end_ignore
table([{"method": methods.LABELS[m], "us per layer": slopes[m] * 1e6,
        "ratio to jacobian_forward": slopes[m] / slopes["jacobian_forward"]}
       for m in methods.METHODS], formats=".3g")

# %%
# How far from the limit: one input
# ---------------------------------
# For one input the arithmetic is between 6,060 and 93,060 multiplies, depending on the
# method and the depth (the table at the end of this page); here the times are set
# against the number of tensor operations each method launches instead. In every run
# the benchmark timed one trivial operation, ``torch.neg`` on 30 numbers into an
# existing tensor, and the argument checks of a public function:
per_op = stored["limits"]["op"]
validation = stored["limits"]["validation"]
print(f"one trivial operation: {per_op['median_s'] * 1e6:.2f} us "
      f"({per_op['min_s'] * 1e6:.2f}–{per_op['max_s'] * 1e6:.2f} across runs)")
print(f"the argument checks of a public function at L = {config['limits_L']}: "
      f"{validation['median_s'] * 1e6:.2f} us "
      f"({validation['min_s'] * 1e6:.2f}–{validation['max_s'] * 1e6:.2f})")
# sphinx_gallery_start_ignore
for L in config["Ls"]:
    # exact: an integer count of dispatched ops
    assert best[(L, None, "jacobian_forward")]["ops"] == 5 * L + 4, (
        f"the stored count: jacobian_forward launches 5L + 4 operations at L = {L}"
    )
fresh = init_weights(L=3, generator=torch.Generator().manual_seed(0))
jacobian_forward(fresh, torch.zeros(2))  # a first call per dtype also caches a constant
assert len(limits.dispatched_ops(jacobian_forward, fresh, torch.zeros(2))) == 5 * 3 + 4, (
    "a fresh count on this machine: jacobian_forward launches 5L + 4 operations at L = 3"
)
# sphinx_gallery_end_ignore

# %%
# The operations were counted with a ``TorchDispatchMode``
# (:func:`hw1.bench.limits.dispatched_ops`), which sees every ATen operation a call launches,
# below autograd and ``vmap``: forward and backward operations, views and allocations
# alike. For the hand-written forward mode the count can be derived from the algorithm
# (page :ref:`q2-derivation`): four operations to start (the input as a column, the
# first product, its tanh, :math:`1 - h^2`), the first tangents, three buffers, five
# operations per further layer and the output product. The stored counts follow this
# formula, and so does a fresh count on the machine that built this page.
#
# So :func:`~hw1.jacobian.jacobian_forward` launches :math:`5L + 4` operations for one
# input: 19, 29 and 54 at :math:`L = 3, 5, 10`. The dispatch floor of a method is its
# count times the cost of one trivial operation; the figure and the table set each
# method's median time against it.
floor = tables.floor_table(stored)
fig, ax = plt.subplots(figsize=(7, 4.6))
markers = dict(zip(methods.METHODS, "os^vDPX", strict=True))
for method in methods.METHODS:
    points = [r for r in floor if r["method"] == methods.LABELS[method]]
    ax.scatter([r["floor [us]"] for r in points], [r["time [us]"] for r in points],
               marker=markers[method], label=methods.LABELS[method])
    for r in points:
        ax.annotate(f"L={r['L']}", (r["floor [us]"], r["time [us]"]), fontsize=6,
                    xytext=(3, 3), textcoords="offset points")
low = min(r["floor [us]"] for r in floor) / 2
high = max(r["time [us]"] for r in floor) * 2
ax.plot([low, high], [low, high], "k--", linewidth=0.8, label="time = floor")
ax.plot([low, high], [10 * low, 10 * high], "k:", linewidth=0.8, label="time = 10 x floor")
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("dispatch floor: operations x cost of one trivial operation [us]")
ax.set_ylabel("median time per call [us]")
ax.set_title("One input: time against the dispatch floor")
ax.legend(fontsize=7, loc="upper left")
fig.tight_layout()

# %%
# The same numbers, per depth and method.
table(floor, formats={"floor [us]": ".1f", "time [us]": ".1f", "time / floor": ".2f"})

# %%
# How far from the limit: a batch of 1024
# ---------------------------------------
# With a batch the same operations carry 1024 times the arithmetic. Each method's
# rate is twice its multiplies (one multiply and one add each) over its time, next to
# two references timed on the same thread in the same runs: one product of the shape
# of :func:`~hw1.jacobian.jacobian_forward`'s tangent product (:math:`K \times K` by
# :math:`K \times DN`) and one :math:`1024^3` product. The multiplies come from
# :func:`hw1.jacobian.multiply_counts` (checked against torch's FLOP counter at the end
# of this page). The last column divides each rate by the same-shaped product's rate,
# run by run, and gives the median. At :math:`L = 10`:
L_max = config["limits_L"]
rates = tables.gflops_table(stored, L_max)
table(rates, formats={"of same-shape product": ".2f"})

# %%
# The goal for the batch was at least half the same-shaped product's rate at
# :math:`L = 10`. The fraction reached, and its range across runs:
ours = best[(L_max, N, "jacobian_forward")]
same = stored["limits"]["same_shape"]["gflops_runs"]
fractions = [a / b for a, b in zip(ours["gflops_runs"], same, strict=True)]
print(f"jacobian_forward at L = {L_max}, N = {N}: {statistics.median(fractions):.2f} of the "
      f"same-shaped product's rate ({min(fractions):.2f}–{max(fractions):.2f} across runs)")

# %%
# What one layer of :func:`~hw1.jacobian.jacobian_forward` spends its time on, for
# the batch: each of its operations timed alone on the layer's data (median
# microseconds, range across runs, and share of the operations used). For a batch the
# function computes the tanh as :math:`2\sigma(2z) - 1`; ``torch.tanh`` on the same
# data is timed for comparison and is not part of the sum.
table(tables.layer_table(stored), formats={"share of layer": ".2f"})

# %%
# The rates of the table above, as a figure: each method's median with its range
# across runs, and the two reference products.
fig, ax = plt.subplots(figsize=(7, 3.8))
records = [best[(L_max, N, m)] for m in methods.METHODS]
medians, lows, highs = zip(*(tables.spread(r["gflops_runs"]) for r in records), strict=True)
y = range(len(records))
errors = [[m - lo for m, lo in zip(medians, lows, strict=True)],
          [hi - m for m, hi in zip(medians, highs, strict=True)]]
ax.barh(y, medians, xerr=errors, color="tab:blue", alpha=0.7)
ax.set_yticks(list(y), [f"{methods.LABELS[r['method']]} ({r['layout']})" for r in records],
              fontsize=8)
for key, style in (("same_shape", "--"), ("big", ":")):
    ref = stored["limits"][key]
    ax.axvline(ref["gflops"], color="k", linestyle=style,
               label=f"one {' x '.join(map(str, ref['shape']))} product")
ax.invert_yaxis()
ax.set_xlabel(f"GFLOP/s (L = {L_max}, N = {N}, one thread)")
ax.set_title("A batch: achieved arithmetic rate")
ax.legend(fontsize=7, loc="lower right")
fig.tight_layout()

# %%
# Forward against reverse as the input grows
# ------------------------------------------
# Forward mode pushes :math:`D` tangents through the network, reverse mode pulls
# :math:`P` cotangents back, so with :math:`P = 10` fixed the multiply count predicts
# that forward mode needs fewer multiplies while :math:`D < P` and more beyond
# :math:`D = P` (:func:`hw1.jacobian.multiply_counts`). On a batch of 1024 at
# :math:`L = 3`, the runs time the two hand-written modes, which have the same
# structure, and ``torch.func``'s ``jacfwd`` and ``jacrev`` (in rows, the layout the
# sweep uses). Each ratio is reverse-mode time over forward-mode time, the
# median across runs: above 1, forward mode took less time.
sizes = {"K": config["K"], "P": config["P"], "L": config["sweep_L"]}
sweep_rows = tables.sweep_table(stored["sweep"], **sizes)
table(sweep_rows, formats=".3g")

# %%
# Where each ratio reaches 1, run by run (median and range over the runs in which it
# does):
crossings = tables.sweep_crossovers(stored["sweep"], **sizes)
table([{"pair": name, "median D": c["median"], "min D": c["min"], "max D": c["max"],
        "runs that cross": sum(x is not None for x in c["runs"])}
       for name, c in crossings.items()], formats=".3g")

# %%
# The ratios against :math:`D`, median across runs with the min–max band.
fig, ax = plt.subplots(figsize=(7, 4.2))
Ds = [r["D"] for r in sweep_rows]
bands = tables.sweep_ratio_bands(stored["sweep"])
for pair, style in zip(methods.SWEEP_PAIRS, ("-o", "-s"), strict=True):
    ax.fill_between(Ds, [bands[pair][D][0] for D in Ds], [bands[pair][D][1] for D in Ds],
                    alpha=0.2)
    ax.plot(Ds, [r[f"{pair}: rev/fwd"] for r in sweep_rows], style, label=f"{pair}: rev/fwd")
ax.plot(Ds, [r["predicted"] for r in sweep_rows], "k--", label="predicted (multiplies)")
ax.axhline(1, color="grey", linewidth=0.8)
ax.axvline(10, color="grey", linestyle=":", linewidth=0.8, label="D = P = 10")
ax.set_xscale("log", base=2)
ax.set_yscale("log", base=2)
ax.set_xticks(Ds, [str(D) for D in Ds])
ax.set_yticks([0.125, 0.25, 0.5, 1, 2, 4, 8], ["1/8", "1/4", "1/2", "1", "2", "4", "8"])
ax.minorticks_off()
ax.set_xlabel(f"input size D (P = 10, K = 30, L = 3, batch of {config['sweep_N']})")
ax.set_ylabel("reverse-mode time / forward-mode time")
ax.set_title("Forward against reverse as D grows")
ax.legend(fontsize=8)
fig.tight_layout()

# %%
# The multiply counts, checked
# ----------------------------
# :func:`hw1.jacobian.multiply_counts` gives the multiplies of part (e): the ideal
# counts of forward and reverse mode, and the counts of each method as implemented.
# Torch's own FLOP counter (``torch.utils.flop_counter.FlopCounterMode``), run on each
# method in each layout at :math:`L = 3, 5, 10` for a batch of four inputs, must agree
# exactly.
checked, disagree = 0, []
for L in (3, 5, 10):
    weights = init_weights(L=L, generator=torch.Generator().manual_seed(L))
    X = torch.randn(4, 2, generator=torch.Generator().manual_seed(L))
    counts = multiply_counts(L=L)
    for method, layout in methods.variants():
        fn, args = methods.timed_call(method, layout, weights, X)
        with FlopCounterMode(display=False) as flop_counter:
            fn(*args)
        checked += 1
        if flop_counter.get_total_flops() != 2 * 4 * counts[methods.MULTIPLY_KEYS[method]]:
            disagree.append((method, layout, L))
print(f"{checked} (method, layout, depth) combinations counted; disagreeing: {disagree or 'none'}")
# sphinx_gallery_start_ignore
# exact: an integer count of combinations
assert checked == 3 * len(methods.variants()) and not disagree, (
    "the FLOP counter agrees with multiply_counts for every method, layout and depth"
)
# sphinx_gallery_end_ignore

# %%
# They agree for every method, layout and depth. The counts for one input
# (:math:`L = 1` added):
count_rows = []
for L in (1, 3, 5, 10):
    c = multiply_counts(L=L)
    count_rows.append({"L": L, "C_f": c["primal"], "C_fwd (ideal)": c["forward_total"],
                       "C_rev (ideal)": c["reverse_total"], "ideal ratio": c["ratio"],
                       "(c) as implemented": c["jacobian_forward"],
                       "(b) as implemented": c["autograd_reverse"],
                       "(b) / (c)": c["autograd_reverse"] / c["jacobian_forward"],
                       "forward_ad": c["autograd_forward_ad"],
                       "reverse / forward work": c["reverse"] / c["forward"]})
# sphinx_gallery_start_ignore
# The values the page q2-cost quotes, to the rounding shown there (half a unit in the
# last digit); the multiply counts are integers.
for L, quoted in ((3, 4.43), (5, 4.69), (10, 4.86)):
    c = multiply_counts(L=L)
    assert abs(c["reverse"] / c["forward"] - quoted) < 0.005, (
        f"q2-cost quotes the derivative work's ratio at L = {L} as {quoted}"
    )
# exact: integer multiply counts
assert [multiply_counts(L=L)["autograd_reverse"] for L in (3, 5, 10)] == [23760, 43560, 93060], (
    "q2-cost quotes (b) as implemented: 23,760, 43,560 and 93,060 multiplies"
)
b_over_c = [
    multiply_counts(L=L)["autograd_reverse"] / multiply_counts(L=L)["jacobian_forward"]
    for L in (3, 5, 10)
]
assert abs(min(b_over_c) - 3.73) < 0.005 and abs(max(b_over_c) - 3.92) < 0.005, (
    "q2-cost quotes (b) / (c) as between 3.73 and 3.92"
)
# sphinx_gallery_end_ignore
table(count_rows, formats=".3g")

# %%
# The page :ref:`q2-cost` quotes the ratio of the derivative work alone,
# ``reverse / forward work`` above, the multiplies of (b) as implemented and the range of
# ``(b) / (c)``, to the rounding shown there.

# %%
# GPU
# ---
# The command ``nox -s bench``, run on a machine with CUDA, also records
# ``cuda.json``. The line below says what is stored for the GPU: its device and date,
# or that nothing is. When a GPU result is stored, its table follows.
gpu = results.load_results("cuda")
print(results.stored_status("cuda"))

# %%
table(tables.speed_ratios(gpu["cases"]), formats=".3g") if gpu is not None else None
