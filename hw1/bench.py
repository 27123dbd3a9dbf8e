"""Question 2(d): time the Jacobian methods, and measure how far each is from the limit.

Seven ways to get the Jacobian of the Question 2 network are timed side by side:

* ``reverse_loop``: reverse mode, one :func:`torch.autograd.grad` call per output row
  (``P`` backward passes through one recorded graph);
* ``reverse_batched``: reverse mode with all ``P`` rows in one batched backward pass
  (``is_grads_batched=True``, as :func:`hw1.jacobian.jacobian_reverse` does);
* ``jacrev`` and ``jacfwd``: :func:`torch.func.jacrev` and :func:`torch.func.jacfwd`,
  under :func:`torch.vmap` for a batch;
* ``forward_ad``: forward mode with dual numbers (:mod:`torch.autograd.forward_ad`),
  one forward pass per input coordinate (``D`` passes);
* ``jacobian_forward``: the hand-written forward mode,
  :func:`hw1.jacobian.jacobian_forward` (part c);
* ``reverse_manual``: its mirror image, reverse mode written the same way,
  :func:`hw1.jacobian.jacobian_reverse_manual`, for the cost comparison of part (e).

**Lean baselines.** The five autograd methods are timed as a user would write them in a
few lines: the weights are validated once, outside the timed call, and the timed call
differentiates a private network function that checks nothing. Each runs in both
layouts, rows (``h @ W.T``, as :func:`hw1.jacobian.mlp`) and columns (``W @ h``), in the
same run, and the faster one counts. The two hand-written methods are timed as their
public functions, their own argument checks included.

**Repeated runs.** :func:`run_benchmark` runs the whole grid several times; within a run
the methods of a case are interleaved in rounds (:func:`time_methods`). Each run's
median per case is kept, so every number has a spread across runs.

**The limit.** In the same runs :func:`measure_limits` times one trivial tensor
operation (the per-operation cost), a matrix product of the shape
``jacobian_forward``'s tangent product has and a large ``big x big x big`` one (the
arithmetic rates), and the operations of one batched layer of ``jacobian_forward``
one by one. :func:`dispatched_ops` counts the ATen operations a call launches.

Results are plain dicts that :func:`save_results` writes to JSON with their
provenance; the stored files live in the package (``hw1/data_files/bench/cpu.json``,
``cuda.json``) and are read back with :func:`load_results`. Run the full benchmark with
``python -m hw1.bench`` (or ``nox -s bench``); see :func:`main` for the options.

Non-finite entries pass through: weights or inputs holding NaN are timed like any
others, and NaN timings in stored records give NaN ratios in the tables.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import functools
import itertools
import json
import math
import os
import platform
import statistics
import sys
import time
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import torch
import torch.autograd.forward_ad as fwAD
from torch.utils._python_dispatch import TorchDispatchMode

from hw1._validation import check_option, check_positive_int, check_real
from hw1.jacobian import (
    _check_input,
    _jacobian_reverse,
    _layers,
    init_weights,
    jacobian_forward,
    jacobian_reverse_manual,
    mlp,
    multiply_counts,
)

__all__ = [
    "AUTOGRAD_METHODS",
    "HAND_METHODS",
    "LABELS",
    "LAYOUTS",
    "METHODS",
    "MULTIPLY_KEYS",
    "RESULTS_DIR",
    "SCHEMA",
    "SWEEP_PAIRS",
    "SWEEP_VARIANTS",
    "case_table",
    "check_methods",
    "crossover",
    "describe",
    "dispatched_ops",
    "fastest_layouts",
    "floor_table",
    "gflops_table",
    "layer_slopes",
    "layer_table",
    "layout_table",
    "load_results",
    "main",
    "measure_limits",
    "provenance",
    "results_path",
    "run_benchmark",
    "run_cases",
    "run_sweep",
    "save_results",
    "speed_ratios",
    "spread",
    "stored_status",
    "sweep_crossovers",
    "sweep_ratio_bands",
    "sweep_table",
    "time_call",
    "time_methods",
    "timed_call",
    "variants",
]

#: Where ``python -m hw1.bench`` stores its JSON files (shipped as package data).
RESULTS_DIR = Path(__file__).parent / "data_files" / "bench"
#: Version of the JSON layout written by :func:`run_benchmark`.
SCHEMA = 2
DEVICES = ("cpu", "cuda")
_DTYPES = {"float32": torch.float32, "float64": torch.float64}


# -- the lean autograd baselines ------------------------------------------------------------


def _primal_rows(hidden: list[torch.Tensor], WF: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Evaluate the network in row layout, ``h @ W.T``, checking nothing."""
    h = x
    for W in hidden:
        h = torch.tanh(h @ W.T)
    return h @ WF.T


def _primal_columns(hidden: list[torch.Tensor], WF: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Evaluate the network in column layout, ``W @ h`` (same shapes), checking nothing."""
    h = x.T if x.dim() == 2 else x
    for W in hidden:
        h = torch.tanh(W @ h)
    y = WF @ h
    return y.T if x.dim() == 2 else y


_PRIMALS = {"rows": _primal_rows, "columns": _primal_columns}
#: The two ways of writing a layer: ``"rows"`` (``h @ W.T``) and ``"columns"`` (``W @ h``).
LAYOUTS = tuple(_PRIMALS)

_Primal = Callable[[list[torch.Tensor], torch.Tensor, torch.Tensor], torch.Tensor]


def _reverse_loop(primal: _Primal, hidden: list, WF: torch.Tensor, x: torch.Tensor):
    """Reverse mode, one backward pass per output: ``P`` calls to autograd.grad."""
    with torch.enable_grad():
        xr = x.detach().requires_grad_(True)
        y = primal(hidden, WF, xr)
        eye = torch.eye(y.shape[-1], dtype=y.dtype, device=y.device)
        rows = [
            torch.autograd.grad(y, xr, eye[p].expand_as(y), retain_graph=True)[0]
            for p in range(y.shape[-1])
        ]
    return torch.stack(rows, dim=-2)  # (P, D) or (N, P, D)


def _reverse_batched(primal: _Primal, hidden: list, WF: torch.Tensor, x: torch.Tensor):
    """Reverse mode, all ``P`` identity rows in one batched backward pass."""
    return _jacobian_reverse(hidden, WF, x, forward=primal)


def _jacrev(primal: _Primal, hidden: list, WF: torch.Tensor, x: torch.Tensor):
    jac = torch.func.jacrev(functools.partial(primal, hidden, WF))
    return jac(x) if x.dim() == 1 else torch.vmap(jac)(x)


def _jacfwd(primal: _Primal, hidden: list, WF: torch.Tensor, x: torch.Tensor):
    jac = torch.func.jacfwd(functools.partial(primal, hidden, WF))
    return jac(x) if x.dim() == 1 else torch.vmap(jac)(x)


def _forward_ad(primal: _Primal, hidden: list, WF: torch.Tensor, x: torch.Tensor):
    """Forward mode with dual numbers, one pass per input coordinate: ``D`` passes."""
    eye = torch.eye(x.shape[-1], dtype=x.dtype, device=x.device)
    columns = []
    with fwAD.dual_level():
        for j in range(x.shape[-1]):
            y = primal(hidden, WF, fwAD.make_dual(x, eye[j].expand_as(x)))
            columns.append(fwAD.unpack_dual(y).tangent)
    return torch.stack(columns, dim=-1)  # (P, D) or (N, P, D)


@functools.cache
def _load_forward_ad() -> None:
    """Make torch load its forward-AD decompositions once, before any timing.

    The first dual tensor makes torch compile a few decompositions with
    ``torch.jit.script``, which emits a deprecation warning from inside torch. It says
    nothing about this code, so it is silenced for that one call.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*torch\.jit\.script.*", category=FutureWarning)
        with fwAD.dual_level():
            fwAD.make_dual(torch.zeros(1), torch.ones(1))


_AUTOGRAD = {
    "reverse_loop": _reverse_loop,
    "reverse_batched": _reverse_batched,
    "jacrev": _jacrev,
    "jacfwd": _jacfwd,
    "forward_ad": _forward_ad,
}
_HAND = {"jacobian_forward": jacobian_forward, "reverse_manual": jacobian_reverse_manual}
#: The methods that use torch's automatic differentiation (timed as lean baselines).
AUTOGRAD_METHODS = tuple(_AUTOGRAD)
#: The hand-written methods, timed as their public functions (layout: columns).
HAND_METHODS = tuple(_HAND)
#: Every method, in the order of the tables.
METHODS = (*AUTOGRAD_METHODS, *HAND_METHODS)
#: Short human-readable names for tables and plots.
LABELS = {
    "reverse_loop": "P backward passes",
    "reverse_batched": "batched backward",
    "jacrev": "func.jacrev",
    "jacfwd": "func.jacfwd",
    "forward_ad": "forward_ad",
    "jacobian_forward": "jacobian_forward",
    "reverse_manual": "reverse_manual",
}
#: Which entry of :func:`hw1.jacobian.multiply_counts` each method performs.
MULTIPLY_KEYS = {
    "reverse_loop": "autograd_reverse",
    "reverse_batched": "autograd_reverse",
    "jacrev": "autograd_reverse",
    "jacfwd": "autograd_jacfwd",
    "forward_ad": "autograd_forward_ad",
    "jacobian_forward": "jacobian_forward",
    "reverse_manual": "jacobian_reverse_manual",
}
#: The (method, layout) pairs timed in the ``D`` sweep: two forward/reverse pairs;
#: ``torch.func`` under ``vmap`` in rows (the layout its batched call takes).
SWEEP_VARIANTS = (
    ("jacobian_forward", "columns"),
    ("reverse_manual", "columns"),
    ("jacfwd", "rows"),
    ("jacrev", "rows"),
)
#: The forward/reverse pairs whose time ratio the sweep compares with the prediction.
SWEEP_PAIRS = {
    "by hand": ("jacobian_forward", "reverse_manual"),
    "torch.func": ("jacfwd", "jacrev"),
}


def variants(methods: Iterable[str] = METHODS) -> list[tuple[str, str]]:
    """Return the (method, layout) pairs to time: autograd methods in both layouts.

    Raises
    ------
    ValueError
        If a method is unknown or ``methods`` is empty.
    """
    methods = list(methods)
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        raise ValueError(f"methods has unknown name(s) {unknown}; expected some of {METHODS}")
    if not methods:
        raise ValueError(f"methods is empty; expected some of {list(METHODS)}")
    return [
        (m, layout) for m in methods for layout in (LAYOUTS if m in _AUTOGRAD else ("columns",))
    ]


def timed_call(
    method: str, layout: str, weights: Mapping[str, torch.Tensor], x: torch.Tensor
) -> tuple[Callable[..., torch.Tensor], tuple]:
    """Return ``(fn, args)``, the call that is timed for ``method`` in ``layout``.

    For an autograd method the weights and ``x`` are validated here, once, and ``fn``
    differentiates a network function that checks nothing. For a hand-written method
    ``fn`` is its public function, which validates on every call.

    Raises
    ------
    ValueError
        If ``method`` or ``layout`` is unknown, or the layout is not ``"columns"`` for a
        hand-written method.
    """
    check_option(method, "method", METHODS)
    check_option(layout, "layout", LAYOUTS if method in _AUTOGRAD else ("columns",))
    if method in _HAND:
        return _HAND[method], (weights, x)
    hidden, WF = _layers(weights)
    _check_input(x, hidden[0])
    if method in ("forward_ad", "jacfwd"):
        _load_forward_ad()
    return functools.partial(_AUTOGRAD[method], _PRIMALS[layout]), (hidden, WF, x)


def _check_device(device: str) -> str:
    check_option(device, "device", DEVICES)
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError("device 'cuda' was asked for, but torch.cuda.is_available() is False")
    return device


# -- measuring ---------------------------------------------------------------------------


def check_methods(
    weights: Mapping[str, torch.Tensor],
    x: torch.Tensor,
    pairs: Iterable[tuple[str, str]] | None = None,
) -> None:
    """Check that each timed call returns the Jacobian :func:`torch.func.jacrev` gives.

    Parameters
    ----------
    weights, x :
        The network and its input, one ``(D,)`` or a batch ``(N, D)``.
    pairs : iterable of (method, layout), optional
        What to check; every pair of :func:`variants` by default.

    Raises
    ------
    AssertionError
        Naming the first method whose result has the wrong shape or values.
    """
    jac = torch.func.jacrev(functools.partial(mlp, weights))
    expected = jac(x) if x.dim() == 1 else torch.vmap(jac)(x)
    tol = 1e-4 if x.dtype == torch.float32 else 1e-10
    for method, layout in variants() if pairs is None else pairs:
        fn, args = timed_call(method, layout, weights, x)
        got = fn(*args)
        if got.shape != expected.shape or not torch.allclose(got, expected, rtol=tol, atol=tol):
            raise AssertionError(f"method {method!r} ({layout}) disagrees with torch.func.jacrev")


class _OpRecorder(TorchDispatchMode):
    """Record the name of every ATen operation that reaches the dispatcher's backends."""

    def __init__(self) -> None:
        super().__init__()
        self.ops: list[str] = []

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        self.ops.append(func.overloadpacket.__name__)
        return func(*args, **(kwargs or {}))


def dispatched_ops(fn: Callable[..., object], *args: object) -> list[str]:
    """Return the names of the ATen operations one call ``fn(*args)`` launches, in order.

    Counted with a :class:`torch.utils._python_dispatch.TorchDispatchMode`, which sees
    every operation below autograd and ``vmap``: the forward operations, the ones the
    backward pass runs, views and allocations alike (``"mm"``, ``"tanh_"``,
    ``"empty_like"``, ...). Python work that launches no operation (graph bookkeeping,
    argument checks) is not counted.
    """
    with _OpRecorder() as recorder:
        fn(*args)
    return recorder.ops


def _time_block(fn: Callable[..., object], args: tuple, number: int, sync: Callable) -> float:
    """Return the seconds per call over ``number`` back-to-back calls."""
    start = time.perf_counter()
    for _ in range(number):
        fn(*args)
    sync()
    return (time.perf_counter() - start) / number


def time_methods(
    calls: Mapping[str, tuple[Callable[..., object], tuple]],
    *,
    min_run_time: float = 0.2,
    rounds: int = 4,
    num_threads: int = 1,
    block_s: float = 5e-3,
) -> dict[str, dict[str, float]]:
    """Time several calls, interleaved, in blocks of back-to-back calls.

    Each call gets ``rounds`` turns, in turn with the others, so that a burst of load on
    a shared machine hits all of them alike and the ratios between them stay fair. In
    each turn blocks of calls are timed with ``time.perf_counter``, each block about
    ``block_s`` long, until the turn has lasted ``min_run_time / rounds``. Every call
    is first run twice untimed (warm-up); CUDA, once in use, is synchronised at the end of
    each block; torch uses ``num_threads`` threads.

    Parameters
    ----------
    calls : mapping of str to (callable, tuple)
        What to time, by name: a function and its arguments.
    min_run_time : float
        Seconds of measurement per call, split over the rounds.
    rounds : int
        How many turns each call gets.
    num_threads : int
        Torch intra-op threads while timing.
    block_s : float
        Target length of one timed block, in seconds.

    Returns
    -------
    dict of str to dict
        Per name: ``median_s``, ``iqr_s`` (interquartile range) and ``min_s`` of the time
        per call in seconds, over all timed blocks, and ``blocks``, their number.
    """
    # Bounded budgets: a typo such as block_s=1e9 must not time for ever.
    min_run_time = check_real(min_run_time, "min_run_time", low=0, high=600, low_open=True)
    rounds = check_positive_int(rounds, "rounds")
    num_threads = check_positive_int(num_threads, "num_threads")
    block_s = check_real(block_s, "block_s", low=0, high=1, low_open=True)
    if not isinstance(calls, Mapping):
        raise TypeError(f"calls must be a dict of (callable, tuple), got {type(calls).__name__}")
    if not calls:
        raise ValueError("calls must hold at least one (callable, tuple) to time")
    sync = torch.cuda.synchronize if torch.cuda.is_initialized() else (lambda: None)
    threads = torch.get_num_threads()
    torch.set_num_threads(num_threads)
    try:
        block = {}
        for name, (fn, args) in calls.items():
            _time_block(fn, args, 2, sync)  # warm-up
            block[name] = max(1, round(block_s / _time_block(fn, args, 1, sync)))
        times: dict[str, list[float]] = {name: [] for name in calls}
        budget = min_run_time / rounds
        for _ in range(rounds):
            for name, (fn, args) in calls.items():
                spent = 0.0
                while spent < budget:
                    times[name].append(_time_block(fn, args, block[name], sync))
                    spent += times[name][-1] * block[name]
    finally:
        torch.set_num_threads(threads)
    result = {}
    for name, t in times.items():
        q1, median, q3 = np.percentile(t, [25, 50, 75])
        result[name] = {
            "median_s": float(median),
            "iqr_s": float(q3 - q1),
            "min_s": min(t),
            "blocks": len(t),
        }
    return result


def time_call(
    fn: Callable[..., object], *args: object, min_run_time: float = 0.2, num_threads: int = 1
) -> dict[str, float]:
    """Time one call ``fn(*args)``; :func:`time_methods` with one call and one round."""
    calls = {"fn": (fn, args)}
    return time_methods(calls, min_run_time=min_run_time, rounds=1, num_threads=num_threads)["fn"]


def _inputs(
    D: int, K: int, P: int, L: int, N: int | None, dtype: torch.dtype, device: str, seed: int
) -> tuple[dict[str, torch.Tensor], torch.Tensor]:
    gen = torch.Generator().manual_seed(seed)
    weights = init_weights(D, K, P, L, generator=gen, dtype=dtype, device=device)
    shape = (D,) if N is None else (N, D)
    return weights, torch.randn(shape, generator=gen, dtype=dtype).to(device)


def _case_name(N: int | None) -> str:
    return "one x" if N is None else f"N={N}"


def _time_grid(
    problems: Sequence[tuple[dict, dict[str, torch.Tensor], torch.Tensor]],
    pairs: Sequence[tuple[str, str]],
    *,
    check: bool,
    min_run_time: float,
    rounds: int,
    num_threads: int,
    device: str,
    progress: Callable[[str], None] | None,
    count: tuple[int, int] | None,
) -> list[dict]:
    """Time every pair on every problem: the one loop of run_cases and run_sweep."""
    done, total = count or (0, len(problems) * len(pairs))
    records = []
    for labels, weights, x in problems:
        if check:
            check_methods(weights, x, pairs)
        calls = {pair: timed_call(*pair, weights, x) for pair in pairs}
        timings = time_methods(
            calls, min_run_time=min_run_time, rounds=rounds, num_threads=num_threads
        )
        n = 1 if x.dim() == 1 else x.shape[0]
        for (method, layout), t in timings.items():
            record = {**labels, "method": method, "layout": layout, **t}
            records.append({**record, "per_jacobian_s": t["median_s"] / n})
            done += 1
            if progress is not None:
                where = ", ".join(
                    _case_name(v) if k == "N" else f"{k}={v}" for k, v in labels.items()
                )
                progress(
                    f"[{device} {done}/{total}] {where}, {LABELS[method]} ({layout}): "
                    f"{t['median_s'] * 1e6:.1f} us ({total - done} left)"
                )
    return records


def run_cases(
    device: str = "cpu",
    *,
    Ls: Sequence[int] = (3, 5, 10),
    batches: Sequence[int | None] = (None, 1024),
    methods: Iterable[str] = METHODS,
    D: int = 2,
    K: int = 30,
    P: int = 10,
    dtype: torch.dtype = torch.float32,
    min_run_time: float = 0.2,
    rounds: int = 4,
    num_threads: int = 1,
    seed: int = 0,
    check: bool = True,
    progress: Callable[[str], None] | None = None,
    _count: tuple[int, int] | None = None,
) -> list[dict]:
    """Time every method, in each of its layouts, on every (depth, batch) case: one run.

    Parameters
    ----------
    device : {"cpu", "cuda"}
        Where the weights and inputs live.
    Ls : sequence of int
        Depths (numbers of tanh layers).
    batches : sequence of int or None
        ``None`` times one input of shape ``(D,)``; an int ``N`` a batch ``(N, D)``.
    methods : iterable of str
        Names from :data:`METHODS`; see :func:`variants` for the layouts.
    D, K, P : int
        Network sizes.
    dtype : torch.dtype
        Floating dtype of weights and inputs.
    min_run_time, rounds, num_threads :
        Passed to :func:`time_methods`: seconds per call, interleaved turns, threads.
    seed : int
        Seed of the weights and inputs.
    check : bool
        Check every method against :func:`torch.func.jacrev` first.
    progress : callable, optional
        Called with one line of text after each measurement.

    Returns
    -------
    list of dict
        One record per measurement: ``L``, ``N`` (``None`` for one input), ``method``,
        ``layout``, the statistics of :func:`time_methods` and ``per_jacobian_s``
        (``median_s / N``).
    """
    device = _check_device(device)
    pairs = variants(methods)
    problems = [
        ({"L": L, "N": N}, *_inputs(D, K, P, L, N, dtype, device, seed))
        for L in Ls
        for N in batches
    ]
    return _time_grid(
        problems,
        pairs,
        check=check,
        min_run_time=min_run_time,
        rounds=rounds,
        num_threads=num_threads,
        device=device,
        progress=progress,
        count=_count,
    )


def run_sweep(
    device: str = "cpu",
    *,
    Ds: Sequence[int] = (1, 2, 4, 8, 10, 12, 16, 32),
    pairs: Sequence[tuple[str, str]] = SWEEP_VARIANTS,
    K: int = 30,
    P: int = 10,
    L: int = 3,
    N: int = 1024,
    dtype: torch.dtype = torch.float32,
    min_run_time: float = 0.2,
    rounds: int = 4,
    num_threads: int = 1,
    seed: int = 0,
    check: bool = True,
    progress: Callable[[str], None] | None = None,
    _count: tuple[int, int] | None = None,
) -> list[dict]:
    """Time (method, layout) pairs on a batch while the input size ``D`` grows at fixed ``P``.

    With a batch the arithmetic dominates, so forward mode (cost growing with ``D``)
    should overtake reverse mode (cost growing with ``P``) near ``D = P``; see
    :func:`crossover`. The other parameters are those of :func:`run_cases`.

    Returns
    -------
    list of dict
        One record per measurement: ``D``, ``method``, ``layout``, the statistics of
        :func:`time_methods` and ``per_jacobian_s``.
    """
    device = _check_device(device)
    problems = [({"D": D}, *_inputs(D, K, P, L, N, dtype, device, seed)) for D in Ds]
    return _time_grid(
        problems,
        list(pairs),
        check=check,
        min_run_time=min_run_time,
        rounds=rounds,
        num_threads=num_threads,
        device=device,
        progress=progress,
        count=_count,
    )


def measure_limits(
    device: str = "cpu",
    *,
    D: int = 2,
    K: int = 30,
    N: int = 1024,
    L: int = 10,
    big: int = 1024,
    dtype: torch.dtype = torch.float32,
    min_run_time: float = 0.2,
    rounds: int = 4,
    num_threads: int = 1,
    seed: int = 0,
) -> dict[str, dict]:
    """Time what bounds the methods from below, side by side: one run.

    * ``"op"``: one trivial tensor operation, ``torch.neg(v, out=w)`` on ``K`` numbers:
      the fixed price of any operation (the dispatch floor per operation);
    * ``"validation"``: the argument checks of the public functions at depth ``L``;
    * ``"same_shape"`` and ``"big"``: a ``K x K`` by ``K x DN`` product, the shape of
      ``jacobian_forward``'s tangent product, and a ``big x big x big`` product;
    * ``"layer"``: each operation of one batched hidden layer of ``jacobian_forward``
      (``N`` inputs), and ``torch.tanh`` on the same data for comparison.

    Returns
    -------
    dict of str to dict
        ``"op"`` and ``"validation"``: the statistics of :func:`time_methods`;
        ``"same_shape"`` and ``"big"``: those plus ``shape`` and ``gflops``;
        ``"layer"``: operation name to statistics.
    """
    device = _check_device(device)
    gen = torch.Generator().manual_seed(seed)

    def randn(*shape: int) -> torch.Tensor:
        return torch.randn(shape, generator=gen, dtype=dtype).to(device)

    weights, x = _inputs(D, K, 10, L, N, dtype, device, seed)
    v, w = randn(K), randn(K)
    W, h, z = randn(K, K) / math.sqrt(K), randn(K, N).tanh(), randn(K, N)
    T, T_out = randn(K, D * N), randn(K, D * N)
    h_out, d_out = randn(K, N), randn(K, N)
    A, B, C = randn(big, big), randn(big, big), randn(big, big)
    one = torch.ones((), dtype=dtype, device=device)
    minus_one = -one

    def validation(weights: Mapping[str, torch.Tensor], x: torch.Tensor) -> None:
        hidden, _ = _layers(weights)
        _check_input(x, hidden[0])

    layer = {
        "product W h (addmm)": (
            functools.partial(torch.addmm, beta=0, alpha=2, out=h_out),
            (h_out, W, h),
        ),
        "sigmoid": (functools.partial(torch.sigmoid, out=h_out), (z,)),
        "2 s - 1 (add)": (functools.partial(torch.add, alpha=2, out=h_out), (minus_one, h)),
        "1 - h^2 (addcmul)": (functools.partial(torch.addcmul, value=-1, out=d_out), (one, h, h)),
        "product W T (mm)": (functools.partial(torch.mm, out=T_out), (W, T)),
        "scale T (mul)": (
            functools.partial(torch.mul, out=T_out.view(K, D, N)),
            (T.view(K, D, N), h.view(K, 1, N)),
        ),
        "torch.tanh (not used)": (functools.partial(torch.tanh, out=h_out), (z,)),
    }
    calls = {
        "op": (functools.partial(torch.neg, out=w), (v,)),
        "validation": (validation, (weights, x)),
        "same_shape": (functools.partial(torch.mm, out=T_out), (W, T)),
        "big": (functools.partial(torch.mm, out=C), (A, B)),
        **{("layer", name): call for name, call in layer.items()},
    }
    t = time_methods(calls, min_run_time=min_run_time, rounds=rounds, num_threads=num_threads)
    shapes = {"same_shape": [K, K, D * N], "big": [big, big, big]}
    result: dict[str, dict] = {"op": t["op"], "validation": t["validation"]}
    for key, shape in shapes.items():
        result[key] = {
            **t[key],
            "shape": shape,
            "gflops": 2 * math.prod(shape) / t[key]["median_s"] / 1e9,
        }
    result["layer"] = {name: t[("layer", name)] for name in layer}
    return result


def _device_name(device: str) -> str:
    if device == "cuda":
        return torch.cuda.get_device_name()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def provenance(device: str, *, dtype: torch.dtype, num_threads: int) -> dict[str, object]:
    """Where and when a benchmark ran: device name, versions, threads, dtype and date."""
    return {
        "device": device,
        "device_name": _device_name(device),
        "cpu_count": os.cpu_count(),
        "num_threads": num_threads,
        "dtype": str(dtype).removeprefix("torch."),
        "torch_version": torch.__version__,
        "python_version": platform.python_version(),
        "platform": platform.platform(),
        "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
    }


def spread(values: Iterable[float]) -> tuple[float, float, float]:
    """Return the median, minimum and maximum of ``values`` (one value per run)."""
    values = [float(v) for v in values]
    if not values:
        raise ValueError("values is empty; expected one value per run")
    return statistics.median(values), min(values), max(values)


def _merge(per_run: Sequence[Sequence[Mapping]], keys: Sequence[str]) -> list[dict]:
    """Merge the records of several runs: ``runs`` holds each run's median per case."""
    merged: dict[tuple, dict] = {}
    for records in per_run:
        for r in records:
            key = tuple(r[k] for k in keys)
            m = merged.setdefault(key, {k: r[k] for k in keys} | {"runs": [], "blocks": 0})
            m["runs"].append(r["median_s"])
            m["blocks"] += r["blocks"]
    for m in merged.values():
        m["median_s"], m["min_s"], m["max_s"] = spread(m["runs"])
    return list(merged.values())


def _merge_stats(per_run: Sequence[Mapping]) -> dict:
    median, low, high = spread(r["median_s"] for r in per_run)
    return {
        "runs": [r["median_s"] for r in per_run],
        "median_s": median,
        "min_s": low,
        "max_s": high,
        "blocks": sum(r["blocks"] for r in per_run),
    }


def _merge_limits(per_run: Sequence[Mapping]) -> dict:
    limits = {key: _merge_stats([r[key] for r in per_run]) for key in ("op", "validation")}
    for key in ("same_shape", "big"):
        stats = _merge_stats([r[key] for r in per_run])
        flops = 2 * math.prod(per_run[0][key]["shape"])
        rates = [flops / t / 1e9 for t in stats["runs"]]
        limits[key] = {
            **stats,
            "shape": per_run[0][key]["shape"],
            "gflops_runs": rates,
            "gflops": statistics.median(rates),
        }
    names = per_run[0]["layer"]
    limits["layer"] = {name: _merge_stats([r["layer"][name] for r in per_run]) for name in names}
    return limits


def run_benchmark(
    device: str = "cpu",
    *,
    runs: int = 5,
    Ls: Sequence[int] = (3, 5, 10),
    batches: Sequence[int | None] = (None, 1024),
    Ds: Sequence[int] = (1, 2, 4, 8, 10, 12, 16, 32),
    D: int = 2,
    K: int = 30,
    P: int = 10,
    sweep_L: int = 3,
    sweep_N: int = 1024,
    big: int = 1024,
    dtype: torch.dtype = torch.float32,
    min_run_time: float = 0.2,
    rounds: int = 4,
    num_threads: int = 1,
    progress: Callable[[str], None] | None = print,
) -> dict:
    """Run the whole benchmark ``runs`` times on one device and return the result document.

    Each run times the cases (:func:`run_cases`), the ``D`` sweep (:func:`run_sweep`)
    and the limits (:func:`measure_limits`, at the largest depth and batch), in that
    order; the methods are checked against ``torch.func.jacrev`` in the first run. Op
    counts (:func:`dispatched_ops`) and multiply counts
    (:func:`hw1.jacobian.multiply_counts`) are taken once, as they do not vary.

    Returns
    -------
    dict
        ``schema``; ``provenance`` (see :func:`provenance`); ``config`` (sizes, cases,
        timing settings, the op counter); ``cases``, one record per (``L``, ``N``,
        ``method``, ``layout``) with ``runs`` (each run's median time per call, seconds),
        their ``median_s``, ``min_s`` and ``max_s``, ``blocks`` (timed blocks in all),
        ``per_jacobian_s``, ``ops`` (operations per call), ``multiplies`` and
        ``gflops_runs`` / ``gflops`` (achieved rate, ``2 * multiplies / time``);
        ``sweep`` (``D``, ``method``, ``layout``, ``runs`` ...; empty when ``Ds`` is
        empty); ``limits`` (see :func:`measure_limits`, with ``runs`` per entry and
        ``gflops`` for the two products).
    """
    runs = check_positive_int(runs, "runs")
    device = _check_device(device)
    n_cases = len(Ls) * len(batches) * len(variants())
    per_run = n_cases + len(Ds) * len(SWEEP_VARIANTS)
    prov = provenance(device, dtype=dtype, num_threads=num_threads)
    say = progress or (lambda line: None)
    say(f"Benchmarking on {device} ({prov['device_name']}): {runs} runs of {per_run} timings")
    limit_N = max((N for N in batches if N is not None), default=sweep_N)
    case_runs, sweep_runs, limit_runs = [], [], []
    settings = {"min_run_time": min_run_time, "rounds": rounds, "num_threads": num_threads}
    for run in range(runs):
        say(f"-- run {run + 1} of {runs}")
        case_runs.append(
            run_cases(
                device,
                Ls=Ls,
                batches=batches,
                D=D,
                K=K,
                P=P,
                dtype=dtype,
                check=run == 0,
                progress=progress,
                _count=(0, per_run),
                **settings,
            )
        )
        sweep_runs.append(
            run_sweep(
                device,
                Ds=Ds,
                K=K,
                P=P,
                L=sweep_L,
                N=sweep_N,
                dtype=dtype,
                check=run == 0,
                progress=progress,
                _count=(n_cases, per_run),
                **settings,
            )
            if Ds
            else []
        )
        limit_runs.append(
            measure_limits(device, D=D, K=K, N=limit_N, L=max(Ls), big=big, dtype=dtype, **settings)
        )
    cases = _merge(case_runs, ("L", "N", "method", "layout"))
    for c in cases:
        weights, x = _inputs(D, K, P, c["L"], c["N"], dtype, device, 0)
        c["per_jacobian_s"] = c["median_s"] / (c["N"] or 1)
        fn, args = timed_call(c["method"], c["layout"], weights, x)
        c["ops"] = len(dispatched_ops(fn, *args))
        mult = multiply_counts(D, K, P, c["L"])[MULTIPLY_KEYS[c["method"]]] * (c["N"] or 1)
        c["multiplies"] = mult
        c["gflops_runs"] = [2 * mult / t / 1e9 for t in c["runs"]]
        c["gflops"] = statistics.median(c["gflops_runs"])
    sweep = _merge(sweep_runs, ("D", "method", "layout")) if Ds else []
    for s in sweep:
        s["per_jacobian_s"] = s["median_s"] / sweep_N
    config = {
        "D": D,
        "K": K,
        "P": P,
        "Ls": list(Ls),
        "batches": list(batches),
        "sweep_Ds": list(Ds),
        "sweep_L": sweep_L,
        "sweep_N": sweep_N,
        "big": big,
        "limits_L": max(Ls),
        "limits_N": limit_N,
        "runs": runs,
        "min_run_time": min_run_time,
        "rounds": rounds,
        "timer": "time.perf_counter around blocks of about 5 ms of back-to-back calls, "
        "methods interleaved in rounds within a run, median over blocks per run; the "
        "whole grid repeated `runs` times",
        "op_counter": "TorchDispatchMode: every ATen operation a call launches (forward, "
        "backward, views, allocations)",
        "per_op": "torch.neg(v, out=w) with v and w of K numbers",
    }
    return {
        "schema": SCHEMA,
        "provenance": prov,
        "config": config,
        "cases": cases,
        "sweep": sweep,
        "limits": _merge_limits(limit_runs),
    }


# -- storing and reading ---------------------------------------------------------------


def results_path(device: str = "cpu", directory: str | Path | None = None) -> Path:
    """Return the JSON file for ``device`` (``cpu.json`` or ``cuda.json``) in ``directory``.

    ``directory`` defaults to :data:`RESULTS_DIR`, inside the installed package.
    """
    check_option(device, "device", DEVICES)
    return Path(directory if directory is not None else RESULTS_DIR) / f"{device}.json"


_REQUIRED = {
    "provenance": ("device", "device_name", "num_threads", "dtype", "torch_version", "date"),
    "config": ("D", "K", "P", "runs", "sweep_L", "sweep_N", "big"),
    "cases": (
        "L",
        "N",
        "method",
        "layout",
        "runs",
        "median_s",
        "min_s",
        "max_s",
        "per_jacobian_s",
        "ops",
        "multiplies",
        "gflops_runs",
        "gflops",
    ),
    "sweep": ("D", "method", "layout", "runs", "median_s", "min_s", "max_s"),
    "limits": ("op", "validation", "same_shape", "big", "layer"),
}


def _validate(doc: object, source: str) -> dict:
    if not isinstance(doc, dict):
        raise ValueError(f"{source}: expected a JSON object, got {type(doc).__name__}")
    if doc.get("schema") != SCHEMA:
        raise ValueError(f"{source}: expected schema {SCHEMA}, got {doc.get('schema')!r}")
    for key in ("provenance", "config", "cases", "sweep", "limits"):
        if key not in doc:
            raise ValueError(f"{source}: lacks the key {key!r}")
    for part in ("provenance", "config", "limits"):
        missing = [k for k in _REQUIRED[part] if k not in doc[part]]
        if missing:
            raise ValueError(f"{source}: {part} lacks {missing}")
    n_runs = doc["config"]["runs"]
    for key in ("same_shape", "big"):
        missing = [k for k in ("shape", "runs", "gflops") if k not in doc["limits"][key]]
        if missing:
            raise ValueError(f"{source}: limits[{key!r}] lacks {missing}")
    for part in ("cases", "sweep"):
        for i, record in enumerate(doc[part]):
            missing = [k for k in _REQUIRED[part] if k not in record]
            if missing:
                raise ValueError(f"{source}: {part}[{i}] lacks {missing}")
            runs = record["runs"]
            if (
                not isinstance(runs, list)
                or len(runs) != n_runs
                or not all(isinstance(t, int | float) and t > 0 for t in runs)
            ):
                raise ValueError(
                    f"{source}: {part}[{i}]['runs'] must hold {n_runs} positive times, "
                    f"one median per run; got {runs!r}"
                )
    return doc


def save_results(doc: Mapping, path: str | Path | None = None) -> Path:
    """Validate a result document, write it as JSON and return the path.

    ``path`` defaults to :func:`results_path` for the document's device.
    """
    doc = _validate(dict(doc), "results")
    path = Path(path) if path is not None else results_path(doc["provenance"]["device"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    return path


def load_results(device: str = "cpu", *, path: str | Path | None = None) -> dict | None:
    """Read stored benchmark results, or return ``None`` if none were recorded.

    Parameters
    ----------
    device : {"cpu", "cuda"}
        Which stored file to read (ignored when ``path`` is given).
    path : str or Path, optional
        Read this file instead of the one shipped in the package.

    Returns
    -------
    dict or None
        The document written by :func:`save_results`; ``None`` when the file does not
        exist (for ``"cuda"``: no GPU result has been recorded).

    Raises
    ------
    ValueError
        If the file exists but is not a valid result document.
    """
    path = Path(path) if path is not None else results_path(device)
    if not path.is_file():
        return None
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise ValueError(f"{path}: not valid JSON ({err})") from err
    return _validate(doc, str(path))


def describe(doc: Mapping) -> str:
    """One line saying where and when a result document was measured."""
    p = doc["provenance"]
    return (
        f"{p['device'].upper()} results: {p['device_name']}, torch {p['torch_version']}, "
        f"{p['num_threads']} thread(s), {p['dtype']}, recorded {p['date']}"
    )


def stored_status(device: str = "cuda", *, path: str | Path | None = None) -> str:
    """Say plainly what is stored for ``device``: its provenance, or that nothing is."""
    doc = load_results(device, path=path)
    if doc is None:
        where = Path(path) if path is not None else results_path(device)
        kind, machine = ("GPU (CUDA)", "a CUDA GPU") if device == "cuda" else ("CPU", "a CPU")
        return (
            f"No {kind} benchmark result has been recorded: {where.name} does not exist. "
            f"Running `nox -s bench` on a machine with {machine} records one."
        )
    return describe(doc)


# -- summaries ---------------------------------------------------------------------------


def _number(value: float) -> str:
    """Three significant digits, without exponents for values from 0.01 to 10^6."""
    if not 0.01 <= abs(value) < 1e6:
        return f"{value:.3g}"
    digits = max(0, 2 - math.floor(math.log10(abs(value))))
    return f"{value:,.{digits}f}"


def _range(median: float, low: float, high: float) -> str:
    return f"{_number(median)} ({_number(low)}–{_number(high)})"


def fastest_layouts(records: Iterable[Mapping]) -> dict[tuple, Mapping]:
    """Return, per (``L``, ``N``, method), the record of the layout with the smaller median.

    Parameters
    ----------
    records : iterable of dict
        Records of :func:`run_cases` or the ``"cases"`` of a stored document.

    Returns
    -------
    dict
        ``(L, N, method)`` to the record whose ``median_s`` is the smallest.
    """
    best: dict[tuple, Mapping] = {}
    for r in records:
        key = (r["L"], r["N"], r["method"])
        if key not in best or r["median_s"] < best[key]["median_s"]:
            best[key] = r
    return best


def layer_slopes(
    records: Iterable[Mapping], *, L0: int = 3, L1: int = 10, N: int | None = None
) -> dict[str, float]:
    """Return each method's seconds per extra layer between depths ``L0`` and ``L1``.

    Parameters
    ----------
    records : iterable of dict
        Records of :func:`run_cases` or the ``"cases"`` of a stored document.
    L0, L1 : int
        The two depths compared.
    N : int or None
        The batch (``None`` for one input).

    Returns
    -------
    dict of str to float
        Per method: the difference of the medians of its faster layout (see
        :func:`fastest_layouts`) at ``L1`` and ``L0``, divided by ``L1 - L0``.
    """
    best = fastest_layouts(records)
    methods = dict.fromkeys(method for (L, n, method) in best if (L, n) == (L0, N))
    return {
        m: (best[(L1, N, m)]["median_s"] - best[(L0, N, m)]["median_s"]) / (L1 - L0)
        for m in methods
        if (L1, N, m) in best
    }


def _cases(records: Iterable[Mapping]) -> list[tuple[int, int | None]]:
    return list(dict.fromkeys((r["L"], r["N"]) for r in records))


def case_table(
    records: Sequence[Mapping], N: int | None = None, *, per_jacobian: bool = False
) -> list[dict]:
    """Return one row per method (at its faster layout) and one column per depth.

    Each cell is the median time across runs in microseconds, per call or, with
    ``per_jacobian``, divided by the batch size ``N``, with the min–max across runs in
    brackets: ``"33.1 (31.0–35.2)"``; for the records of a single run
    (:func:`run_cases`), the median over its blocks alone.
    """
    best = fastest_layouts(records)
    Ls = [L for L, n in _cases(records) if n == N]
    rows = []
    for method in METHODS:
        found = [best.get((L, N, method)) for L in Ls]
        if not any(found):
            continue
        row = {"method": LABELS[method], "layout": found[0]["layout"] if found[0] else ""}
        for L, r in zip(Ls, found, strict=True):
            scale = 1e6 / ((N or 1) if per_jacobian else 1)
            if "runs" in r:  # a merged record: median (min–max) across runs
                row[f"L = {L}"] = _range(*(r[k] * scale for k in ("median_s", "min_s", "max_s")))
            else:  # one run's record
                row[f"L = {L}"] = _number(r["median_s"] * scale)
        rows.append(row)
    return rows


def layout_table(records: Sequence[Mapping], N: int | None = None) -> list[dict]:
    """Return, per autograd method and depth, the median time in both layouts.

    Columns ``"rows [us]"`` and ``"columns [us]"`` (microseconds per call, medians
    across runs) and ``"faster"``, the layout the other tables use.
    """
    table = {(r["L"], r["N"], r["method"], r["layout"]): r for r in records}
    rows = []
    for method in AUTOGRAD_METHODS:
        for L, n in _cases(records):
            found = [table.get((L, n, method, layout)) for layout in LAYOUTS]
            if n != N or not all(found):
                continue
            times = {layout: r["median_s"] * 1e6 for layout, r in zip(LAYOUTS, found, strict=True)}
            rows.append(
                {
                    "method": LABELS[method],
                    "L": L,
                    **{f"{layout} [us]": t for layout, t in times.items()},
                    "faster": min(times, key=times.get),
                }
            )
    return rows


def speed_ratios(records: Sequence[Mapping]) -> list[dict]:
    """Return how much faster :func:`~hw1.jacobian.jacobian_forward` is, case by case.

    The baseline is the fastest lean autograd method (at its faster layout), chosen by
    its median across runs. Its time is divided by ``jacobian_forward``'s time run by
    run, and the ratios are summarised by their median and range.

    Returns
    -------
    list of dict
        Per (``L``, input): ``"fastest autograd"`` (label and layout), its median time
        and ``jacobian_forward``'s (microseconds per call), ``"speedup"``,
        ``"speedup min"``, ``"speedup max"`` across runs, and ``"vs jacfwd"``, the
        median ratio against ``torch.func.jacfwd``.
    """
    best = fastest_layouts(records)
    rows = []
    for L, N in _cases(records):
        ours = best.get((L, N, "jacobian_forward"))
        autograd = [best[(L, N, m)] for m in AUTOGRAD_METHODS if (L, N, m) in best]
        if ours is None or not autograd:
            continue
        base = min(autograd, key=lambda r: r["median_s"])
        ratios = [a / b for a, b in zip(base["runs"], ours["runs"], strict=True)]
        jacfwd = best.get((L, N, "jacfwd"))
        vs_jacfwd = (
            statistics.median(a / b for a, b in zip(jacfwd["runs"], ours["runs"], strict=True))
            if jacfwd
            else float("nan")
        )
        median, low, high = spread(ratios)
        rows.append(
            {
                "L": L,
                "input": _case_name(N),
                "fastest autograd": f"{LABELS[base['method']]} ({base['layout']})",
                "its time [us]": base["median_s"] * 1e6,
                "jacobian_forward [us]": ours["median_s"] * 1e6,
                "speedup": median,
                "speedup min": low,
                "speedup max": high,
                "vs jacfwd": vs_jacfwd,
            }
        )
    return rows


def floor_table(doc: Mapping, N: int | None = None) -> list[dict]:
    """Return each method's time against its dispatch floor, ``ops x per-op cost``.

    Per depth and method (at its faster layout): ``"ops"`` per call, ``"floor [us]"``
    (ops times the median cost of one trivial operation), ``"time [us]"`` (median across
    runs) and ``"time / floor"``.
    """
    per_op = doc["limits"]["op"]["median_s"]
    best = fastest_layouts(doc["cases"])
    rows = []
    for L, n in _cases(doc["cases"]):
        if n != N:
            continue
        for method in METHODS:
            r = best.get((L, n, method))
            if r is not None:
                floor = r["ops"] * per_op
                rows.append(
                    {
                        "L": L,
                        "method": LABELS[method],
                        "ops": r["ops"],
                        "floor [us]": floor * 1e6,
                        "time [us]": r["median_s"] * 1e6,
                        "time / floor": r["median_s"] / floor,
                    }
                )
    return rows


def gflops_table(doc: Mapping, L: int | None = None) -> list[dict]:
    """Return the achieved arithmetic rate of each method on the batch, and two references.

    Per method (at its faster layout) at depth ``L`` (default: the largest): its
    ``"multiplies"`` per call, the rate ``2 * multiplies / time`` in GFLOP/s as median
    and min–max across runs, and ``"of same-shape product"``, the median across runs of
    that rate over the rate of the same-shaped single product measured in the same run.
    Then the two reference products themselves.
    """
    limits = doc["limits"]
    L = L if L is not None else max(r["L"] for r in doc["cases"])
    N = max(r["N"] for r in doc["cases"] if r["N"] is not None)
    best = fastest_layouts(doc["cases"])
    same = limits["same_shape"]["gflops_runs"]
    rows = []
    for method in METHODS:
        r = best.get((L, N, method))
        if r is None:
            continue
        fraction = statistics.median(a / b for a, b in zip(r["gflops_runs"], same, strict=True))
        rows.append(
            {
                "what": f"{LABELS[method]} ({r['layout']})",
                "multiplies": r["multiplies"],
                "GFLOP/s": _range(*spread(r["gflops_runs"])),
                "of same-shape product": fraction,
            }
        )
    for key, name in (("same_shape", "one product"), ("big", "one product")):
        shape = (
            " x ".join(str(s) for s in limits[key]["shape"][:2])
            + " by "
            + " x ".join(str(s) for s in limits[key]["shape"][1:])
        )
        rows.append(
            {
                "what": f"{name}, {shape}",
                "multiplies": math.prod(limits[key]["shape"]),
                "GFLOP/s": _range(*spread(limits[key]["gflops_runs"])),
                "of same-shape product": statistics.median(
                    a / b for a, b in zip(limits[key]["gflops_runs"], same, strict=True)
                ),
            }
        )
    return rows


def layer_table(doc: Mapping) -> list[dict]:
    """Return the time of each operation of one batched layer of ``jacobian_forward``.

    Microseconds per operation (median and min–max across runs) and its share of the
    layer (the sum of the operations used; ``torch.tanh`` is shown for comparison only).
    """
    layer = doc["limits"]["layer"]
    used = sum(s["median_s"] for name, s in layer.items() if "not used" not in name)
    return [
        {
            "operation": name,
            "time [us]": _range(*(s[k] * 1e6 for k in ("median_s", "min_s", "max_s"))),
            "share of layer": s["median_s"] / used,
        }
        for name, s in layer.items()
    ]


def _sweep_ratios(records: Sequence[Mapping], run: int | None) -> dict[int, dict[str, float]]:
    """Per ``D``: reverse-over-forward time ratio of each pair, in one run or the median."""
    table = {(r["D"], r["method"]): r for r in records}
    ratios: dict[int, dict[str, float]] = {}
    for D in sorted({r["D"] for r in records}):
        ratios[D] = {}
        for pair, (fwd_name, rev_name) in SWEEP_PAIRS.items():
            fwd, rev = table.get((D, fwd_name)), table.get((D, rev_name))
            if fwd is None or rev is None:
                ratios[D][pair] = float("nan")
            elif run is None:
                ratios[D][pair] = statistics.median(
                    a / b for a, b in zip(rev["runs"], fwd["runs"], strict=True)
                )
            else:
                ratios[D][pair] = rev["runs"][run] / fwd["runs"][run]
    return ratios


def _sweep_ratios_per_run(records: Sequence[Mapping]) -> list[dict[int, dict[str, float]]]:
    n_runs = len(records[0]["runs"]) if records else 0
    return [_sweep_ratios(records, run) for run in range(n_runs)]


def sweep_table(records: Sequence[Mapping], *, K: int = 30, P: int = 10, L: int = 3) -> list[dict]:
    """Return rows per ``D``: microseconds per Jacobian of each method, and the time ratios.

    Each method's column is its median across runs. For each pair in
    :data:`SWEEP_PAIRS` the column ``"<pair>: rev/fwd"`` is the median across runs of
    the reverse method's time over the forward method's; ``"predicted"`` is
    :func:`hw1.jacobian.multiply_counts`'s ``ratio`` (reverse-mode over forward-mode
    multiplies). Above 1, forward mode is (or should be) the faster.
    """
    ratios = _sweep_ratios(records, None)
    rows = []
    for D, pair_ratios in ratios.items():
        row: dict[str, object] = {"D": D}
        for method, _ in SWEEP_VARIANTS:
            r = next((r for r in records if r["D"] == D and r["method"] == method), None)
            row[LABELS[method]] = r["per_jacobian_s"] * 1e6 if r is not None else float("nan")
        row.update({f"{pair}: rev/fwd": v for pair, v in pair_ratios.items()})
        row["predicted"] = multiply_counts(D, K, P, L)["ratio"]
        rows.append(row)
    return rows


def sweep_ratio_bands(records: Sequence[Mapping]) -> dict[str, dict[int, tuple[float, float]]]:
    """Return the smallest and largest run's reverse-over-forward time ratio per pair and ``D``.

    Parameters
    ----------
    records : sequence of dict
        The ``"sweep"`` of a stored document (each record with its ``"runs"``).

    Returns
    -------
    dict of str to dict
        Per pair of :data:`SWEEP_PAIRS`: ``D`` to ``(min, max)`` of the ratio over the runs.
    """
    per_run = _sweep_ratios_per_run(records)
    Ds = sorted({r["D"] for r in records})
    return {
        pair: {D: (min(r[D][pair] for r in per_run), max(r[D][pair] for r in per_run)) for D in Ds}
        for pair in SWEEP_PAIRS
    }


def sweep_crossovers(
    records: Sequence[Mapping], *, K: int = 30, P: int = 10, L: int = 3
) -> dict[str, dict[str, object]]:
    """Return where each ratio of :func:`sweep_table` crosses 1, run by run.

    Returns
    -------
    dict of str to dict
        Per pair: ``"runs"``, the crossover of each run (``None`` where it never
        crosses), and ``"median"``, ``"min"``, ``"max"`` over the runs that cross
        (``None`` if none does). ``"predicted"``: the crossover of the multiply counts.
    """
    per_run = _sweep_ratios_per_run(records)
    result: dict[str, dict[str, object]] = {}
    for pair in SWEEP_PAIRS:
        found = [crossover(list(r), [v[pair] for v in r.values()]) for r in per_run]
        crossing = [x for x in found if x is not None]
        median, low, high = spread(crossing) if crossing else (None, None, None)
        result[pair] = {"runs": found, "median": median, "min": low, "max": high}
    Ds = sorted({r["D"] for r in records})
    predicted = crossover(Ds, [multiply_counts(D, K, P, L)["ratio"] for D in Ds])
    result["predicted"] = {
        "runs": [predicted],
        "median": predicted,
        "min": predicted,
        "max": predicted,
    }
    return result


def crossover(xs: Sequence[float], ratios: Sequence[float]) -> float | None:
    """Where a ratio curve first crosses 1, by linear interpolation in ``x``.

    Parameters
    ----------
    xs : sequence of float
        Increasing abscissae (the input sizes ``D``).
    ratios : sequence of float
        Reverse-mode cost over forward-mode cost at each ``x``.

    Returns
    -------
    float or None
        The interpolated ``x`` where the ratio falls to 1, or ``None`` if it never does.
    """
    if len(xs) != len(ratios):
        raise ValueError(f"xs and ratios differ in length: {len(xs)} and {len(ratios)}")
    pairs = [(x, r) for x, r in zip(xs, ratios, strict=True) if not math.isnan(r)]
    for (x0, r0), (x1, r1) in itertools.pairwise(pairs):
        if r0 >= 1 >= r1 and r0 != r1:
            return x0 + (r0 - 1) * (x1 - x0) / (r0 - r1)
    if pairs and pairs[0][1] == 1:
        return pairs[0][0]
    return None


# -- command line ---------------------------------------------------------------------------


def _int_list(text: str) -> list[int]:
    try:
        values = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        message = f"expected comma-separated integers, got {text!r}"
        raise argparse.ArgumentTypeError(message) from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"expected positive integers, got {text!r}")
    return values


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m hw1.bench",
        description="Benchmark the Question 2 Jacobian methods, several runs of the whole "
        "grid, and store the results as JSON (hw1/data_files/bench/<device>.json).",
    )
    p.add_argument(
        "--device",
        choices=(*DEVICES, "all"),
        default="all",
        help="where to run; 'all' (default) means the CPU, plus CUDA if present",
    )
    p.add_argument("--runs", type=int, default=5, help="runs of the whole grid (default 5)")
    p.add_argument(
        "--min-run-time",
        type=float,
        default=0.2,
        help="seconds of timing per measurement and run (default 0.2)",
    )
    p.add_argument(
        "--rounds",
        type=int,
        default=4,
        help="interleaved turns per measurement and run (default 4)",
    )
    p.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    p.add_argument("--dtype", choices=sorted(_DTYPES), default="float32")
    p.add_argument("--L", type=_int_list, default=[3, 5, 10], help="depths, e.g. 3,5,10")
    p.add_argument("--batch", type=int, default=1024, help="batch size N (default 1024)")
    p.add_argument(
        "--sweep-D",
        type=_int_list,
        default=[1, 2, 4, 8, 10, 12, 16, 32],
        help="input sizes D of the forward/reverse sweep",
    )
    p.add_argument("--no-sweep", action="store_true", help="skip the D sweep")
    p.add_argument(
        "--big",
        type=int,
        default=1024,
        help="size of the large reference product, big^3 (default 1024)",
    )
    p.add_argument(
        "--quick",
        action="store_true",
        help="a smoke test of a few seconds: 2 runs, 1 ms per measurement, L=1, "
        "N=4, D sweep 1,2, a 64^3 reference product (overrides those options)",
    )
    p.add_argument(
        "--out-dir",
        type=Path,
        default=RESULTS_DIR,
        help="where to write <device>.json (default: inside the package)",
    )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``python -m hw1.bench [options]``; ``--help`` lists the options."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.quick:
        args.runs, args.min_run_time, args.rounds = 2, 1e-3, 1
        args.L, args.batch, args.sweep_D, args.big = [1], 4, [1, 2], 64
    if args.min_run_time <= 0 or min(args.threads, args.batch, args.rounds, args.runs) < 1:
        parser.error("--min-run-time, --runs, --rounds, --threads and --batch must be positive")
    if args.device == "all":
        devices = ["cpu", "cuda"] if torch.cuda.is_available() else ["cpu"]
    else:
        devices = [_check_device(args.device)]
    if "cuda" not in devices:
        print("No CUDA device is available: only the CPU is benchmarked.")
    for device in devices:
        doc = run_benchmark(
            device,
            runs=args.runs,
            Ls=args.L,
            batches=(None, args.batch),
            Ds=[] if args.no_sweep else args.sweep_D,
            sweep_N=args.batch,
            big=args.big,
            dtype=_DTYPES[args.dtype],
            min_run_time=args.min_run_time,
            rounds=args.rounds,
            num_threads=args.threads,
            progress=functools.partial(print, flush=True),
        )
        path = save_results(doc, results_path(device, args.out_dir))
        print(f"\n{describe(doc)}")
        _print_summary(doc)
        print(f"Wrote {path}")
    return 0


def _print_summary(doc: Mapping) -> None:
    from hw1.report import table

    print(table(speed_ratios(doc["cases"]), formats=".3g").to_string())
    print(table(floor_table(doc), formats=".3g").to_string())
    print(table(gflops_table(doc), formats=".3g").to_string())
    print(table(layer_table(doc), formats=".3g").to_string())
    if doc["sweep"]:
        cfg = doc["config"]
        sizes = {"K": cfg["K"], "P": cfg["P"], "L": cfg["sweep_L"]}
        print(table(sweep_table(doc["sweep"], **sizes), formats=".3g").to_string())
        for name, where in sweep_crossovers(doc["sweep"], **sizes).items():
            found = (
                "not reached"
                if where["median"] is None
                else _range(where["median"], where["min"], where["max"])
            )
            print(f"forward/reverse crossover, {name}: D = {found}")


if __name__ == "__main__":
    sys.exit(main())
