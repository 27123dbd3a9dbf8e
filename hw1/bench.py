"""Question 2(d): time the Jacobian methods with :mod:`torch.utils.benchmark`.

Seven ways to get the Jacobian of :func:`hw1.jacobian.mlp` are timed side by side:

* ``reverse_loop``: reverse mode, one :func:`torch.autograd.grad` call per output row
  (``P`` backward passes through one recorded graph);
* ``reverse_batched``: reverse mode with all ``P`` rows in one batched backward pass
  (:func:`hw1.jacobian.jacobian_reverse`, ``is_grads_batched=True``);
* ``jacrev`` and ``jacfwd``: :func:`torch.func.jacrev` and :func:`torch.func.jacfwd`,
  under :func:`torch.vmap` for a batch;
* ``forward_ad``: forward mode with dual numbers (:mod:`torch.autograd.forward_ad`),
  one forward pass per input coordinate (``D`` passes);
* ``jacobian_forward``: the hand-written forward mode,
  :func:`hw1.jacobian.jacobian_forward` (part c);
* ``reverse_manual``: its mirror image, reverse mode written the same way,
  :func:`hw1.jacobian.jacobian_reverse_manual`, for the cost comparison of part (e).

Every method is first checked against :func:`torch.func.jacrev` on the very inputs it
is timed on. :class:`torch.utils.benchmark.Timer` does the warm-up, the thread count and
the CUDA synchronisation. Results are plain dicts that :func:`save_results` writes to
JSON together with their provenance; the stored files live in the package
(``hw1/data_files/bench/cpu.json``, ``cuda.json``) and are read back with
:func:`load_results`.

Run the full benchmark with ``python -m hw1.bench`` (or ``nox -s bench``); see
:func:`main` for the options.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import functools
import itertools
import json
import logging
import math
import os
import platform
import sys
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import torch
import torch.autograd.forward_ad as fwAD

from hw1.jacobian import (
    init_weights,
    jacobian_forward,
    jacobian_reverse,
    jacobian_reverse_manual,
    mlp,
    multiply_counts,
)

# torch.utils.benchmark imports torch.utils.cpp_extension, which logs a warning about a
# missing CUDA toolkit on CPU-only machines. It does not concern timing Python code.
logging.getLogger("torch.utils.cpp_extension").setLevel(logging.ERROR)
from torch.utils import benchmark  # noqa: E402

__all__ = [
    "AUTOGRAD_METHODS",
    "LABELS",
    "METHODS",
    "RESULTS_DIR",
    "SCHEMA",
    "SWEEP_METHODS",
    "SWEEP_PAIRS",
    "case_table",
    "check_methods",
    "crossover",
    "describe",
    "load_results",
    "main",
    "provenance",
    "results_path",
    "run_benchmark",
    "run_cases",
    "run_sweep",
    "save_results",
    "speed_ratios",
    "stored_status",
    "sweep_crossovers",
    "sweep_table",
    "time_call",
    "time_methods",
]

#: Where ``python -m hw1.bench`` stores its JSON files (shipped as package data).
RESULTS_DIR = Path(__file__).parent / "data_files" / "bench"
#: Version of the JSON layout written by :func:`run_benchmark`.
SCHEMA = 1
DEVICES = ("cpu", "cuda")
_DTYPES = {"float32": torch.float32, "float64": torch.float64}


# -- the methods ----------------------------------------------------------------------


def _reverse_loop(weights: Mapping[str, torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """Reverse mode, one backward pass per output: ``P`` calls to autograd.grad."""
    xr = x.detach().requires_grad_(True)
    y = mlp(weights, xr)
    eye = torch.eye(y.shape[-1], dtype=y.dtype, device=y.device)
    rows = [
        torch.autograd.grad(y, xr, eye[p].expand_as(y), retain_graph=True)[0]
        for p in range(y.shape[-1])
    ]
    return torch.stack(rows, dim=-2)  # (P, D) or (N, P, D)


def _func_jacrev(weights: Mapping[str, torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    jac = torch.func.jacrev(functools.partial(mlp, weights))
    return jac(x) if x.dim() == 1 else torch.vmap(jac)(x)


def _func_jacfwd(weights: Mapping[str, torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    _load_forward_ad()
    jac = torch.func.jacfwd(functools.partial(mlp, weights))
    return jac(x) if x.dim() == 1 else torch.vmap(jac)(x)


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


def _forward_ad(weights: Mapping[str, torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """Forward mode with dual numbers, one pass per input coordinate: ``D`` passes."""
    _load_forward_ad()
    eye = torch.eye(x.shape[-1], dtype=x.dtype, device=x.device)
    columns = []
    with fwAD.dual_level():
        for j in range(x.shape[-1]):
            y = mlp(weights, fwAD.make_dual(x, eye[j].expand_as(x)))
            columns.append(fwAD.unpack_dual(y).tangent)
    return torch.stack(columns, dim=-1)  # (P, D) or (N, P, D)


#: Method name -> function ``(weights, x) -> Jacobian``, in the order of the tables.
METHODS: dict[str, Callable[[Mapping[str, torch.Tensor], torch.Tensor], torch.Tensor]] = {
    "reverse_loop": _reverse_loop,
    "reverse_batched": jacobian_reverse,
    "jacrev": _func_jacrev,
    "jacfwd": _func_jacfwd,
    "forward_ad": _forward_ad,
    "jacobian_forward": jacobian_forward,
    "reverse_manual": jacobian_reverse_manual,
}
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
#: The methods that use torch's automatic differentiation.
AUTOGRAD_METHODS = ("reverse_loop", "reverse_batched", "jacrev", "jacfwd", "forward_ad")
#: The methods timed in the D sweep: two forward/reverse pairs.
SWEEP_METHODS = ("jacobian_forward", "reverse_manual", "jacfwd", "jacrev")
#: The forward/reverse pairs whose time ratio the sweep compares with the prediction.
SWEEP_PAIRS = {
    "by hand": ("jacobian_forward", "reverse_manual"),
    "torch.func": ("jacfwd", "jacrev"),
}


def _check_names(methods: Iterable[str]) -> list[str]:
    methods = list(methods)
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        raise ValueError(f"unknown method(s) {unknown}; expected some of {list(METHODS)}")
    if not methods:
        raise ValueError(f"methods is empty; expected some of {list(METHODS)}")
    return methods


def _check_device(device: str) -> str:
    if device not in DEVICES:
        raise ValueError(f"device must be one of {DEVICES}, got {device!r}")
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError("device 'cuda' was asked for, but torch.cuda.is_available() is False")
    return device


# -- measuring -----------------------------------------------------------------------


def check_methods(
    weights: Mapping[str, torch.Tensor], x: torch.Tensor, methods: Iterable[str] = METHODS
) -> None:
    """Check that each method returns the Jacobian :func:`torch.func.jacrev` gives.

    Raises
    ------
    AssertionError
        Naming the first method whose result has the wrong shape or values.
    """
    expected = _func_jacrev(weights, x)
    tol = 1e-4 if x.dtype == torch.float32 else 1e-10
    for name in _check_names(methods):
        got = METHODS[name](weights, x)
        if got.shape != expected.shape or not torch.allclose(got, expected, rtol=tol, atol=tol):
            raise AssertionError(f"method {name!r} disagrees with torch.func.jacrev")


def time_methods(
    fns: Mapping[str, Callable[..., object]],
    *args: object,
    min_run_time: float = 0.2,
    rounds: int = 5,
    num_threads: int = 1,
    block_s: float = 5e-3,
) -> dict[str, dict[str, float]]:
    """Time several functions on the same arguments, interleaved, with torch's Timer.

    Each function gets ``rounds`` turns, in turn with the others, so that a burst of load
    on a shared machine hits all of them alike and the ratios between them stay fair.
    In each turn :meth:`torch.utils.benchmark.Timer.timeit` times blocks of calls, each
    block about ``block_s`` long (so the timer's own microsecond or two of overhead is
    negligible), until the turn has lasted ``min_run_time / rounds``. The timer warms
    up before each block, sets the thread count and synchronises CUDA.

    Parameters
    ----------
    fns : mapping of str to callable
        What to time, by name.
    *args
        The arguments every function gets.
    min_run_time : float
        Seconds of measurement per function, split over the rounds.
    rounds : int
        How many turns each function gets.
    num_threads : int
        Torch intra-op threads while timing.
    block_s : float
        Target length of one timed block, in seconds.

    Returns
    -------
    dict of str to dict
        Per name: ``median_s``, ``iqr_s`` (interquartile range) and ``min_s`` of the time
        per call in seconds, over all timed blocks, and ``runs``, the number of blocks.
    """
    if not min_run_time > 0:
        raise ValueError(f"min_run_time must be positive, got {min_run_time}")
    if isinstance(rounds, bool) or not isinstance(rounds, int) or rounds < 1:
        raise ValueError(f"rounds must be a positive int, got {rounds!r}")
    timers = {
        name: benchmark.Timer(
            stmt="fn(*args)", globals={"fn": fn, "args": args}, num_threads=num_threads
        )
        for name, fn in fns.items()
    }
    times: dict[str, list[float]] = {name: [] for name in fns}
    # Warm-up and block size: Timer.timeit runs a few untimed calls first, then one
    # timed call estimates how many calls fill a block of about ``block_s`` seconds.
    block = {}
    for name, timer in timers.items():
        first = timer.timeit(number=1).median
        block[name] = max(1, round(block_s / first))
    budget = min_run_time / rounds
    for _ in range(rounds):
        for name, timer in timers.items():
            spent = 0.0
            while spent < budget:
                m = timer.timeit(number=block[name])
                times[name] += m.times
                spent += m.times[0] * block[name]
    result = {}
    for name, t in times.items():
        q1, median, q3 = np.percentile(t, [25, 50, 75])
        result[name] = {"median_s": float(median), "iqr_s": float(q3 - q1),
                        "min_s": min(t), "runs": len(t)}  # fmt: skip
    return result


def time_call(
    fn: Callable[..., object],
    *args: object,
    min_run_time: float = 0.2,
    num_threads: int = 1,
) -> dict[str, float]:
    """Time one call ``fn(*args)``; :func:`time_methods` with one function and one round."""
    return time_methods(
        {"fn": fn}, *args, min_run_time=min_run_time, rounds=1, num_threads=num_threads
    )["fn"]


def _inputs(
    D: int, K: int, P: int, L: int, N: int | None, dtype: torch.dtype, device: str, seed: int
) -> tuple[dict[str, torch.Tensor], torch.Tensor]:
    gen = torch.Generator().manual_seed(seed)
    weights = init_weights(D, K, P, L, generator=gen, dtype=dtype, device=device)
    shape = (D,) if N is None else (N, D)
    return weights, torch.randn(shape, generator=gen, dtype=dtype).to(device)


def _progress_line(device: str, done: int, total: int, what: str, median: float) -> str:
    return f"[{device} {done}/{total}] {what}: {median * 1e6:.1f} us ({total - done} left)"


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
    rounds: int = 5,
    num_threads: int = 1,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
    _count: tuple[int, int] | None = None,
) -> list[dict]:
    """Time every method on every (depth, batch) case.

    Parameters
    ----------
    device : {"cpu", "cuda"}
        Where the weights and inputs live.
    Ls : sequence of int
        Depths (numbers of tanh layers).
    batches : sequence of int or None
        ``None`` times one input of shape ``(D,)``; an int ``N`` a batch ``(N, D)``.
    methods : iterable of str
        Keys of :data:`METHODS`.
    D, K, P : int
        Network sizes.
    dtype : torch.dtype
        Floating dtype of weights and inputs.
    min_run_time, rounds, num_threads :
        Passed to :func:`time_methods`: seconds per method, interleaved turns, threads.
    seed : int
        Seed of the weights and inputs.
    progress : callable, optional
        Called with one line of text after each measurement.

    Returns
    -------
    list of dict
        One record per measurement: ``L``, ``N`` (``None`` for one input), ``method``,
        the statistics of :func:`time_methods` and ``per_jacobian_s`` (``median_s / N``).
    """
    device = _check_device(device)
    methods = _check_names(methods)
    cases = [(L, N) for L in Ls for N in batches]
    done, total = _count or (0, len(cases) * len(methods))
    records = []
    for L, N in cases:
        weights, x = _inputs(D, K, P, L, N, dtype, device, seed)
        check_methods(weights, x, methods)
        timings = time_methods(
            {name: METHODS[name] for name in methods}, weights, x,
            min_run_time=min_run_time, rounds=rounds, num_threads=num_threads,
        )  # fmt: skip
        for name, t in timings.items():
            records.append({"L": L, "N": N, "method": name, **t,
                            "per_jacobian_s": t["median_s"] / (N or 1)})  # fmt: skip
            done += 1
            if progress is not None:
                what = f"L={L}, {'one x' if N is None else f'N={N}'}, {LABELS[name]}"
                progress(_progress_line(device, done, total, what, t["median_s"]))
    return records


def run_sweep(
    device: str = "cpu",
    *,
    Ds: Sequence[int] = (1, 2, 4, 6, 8, 10, 12, 16, 24, 32),
    methods: Iterable[str] = SWEEP_METHODS,
    K: int = 30,
    P: int = 10,
    L: int = 3,
    N: int = 1024,
    dtype: torch.dtype = torch.float32,
    min_run_time: float = 0.2,
    rounds: int = 5,
    num_threads: int = 1,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
    _count: tuple[int, int] | None = None,
) -> list[dict]:
    """Time methods on a batch while the input size ``D`` grows at fixed ``P``.

    With a batch the arithmetic dominates, so forward mode (cost growing with ``D``)
    should overtake reverse mode (cost growing with ``P``) near ``D = P``; see
    :func:`crossover`. Parameters as in :func:`run_cases`.

    Returns
    -------
    list of dict
        One record per measurement: ``D``, ``method``, the statistics of
        :func:`time_methods` and ``per_jacobian_s``.
    """
    device = _check_device(device)
    methods = _check_names(methods)
    done, total = _count or (0, len(Ds) * len(methods))
    records = []
    for D in Ds:
        weights, x = _inputs(D, K, P, L, N, dtype, device, seed)
        check_methods(weights, x, methods)
        timings = time_methods(
            {name: METHODS[name] for name in methods}, weights, x,
            min_run_time=min_run_time, rounds=rounds, num_threads=num_threads,
        )  # fmt: skip
        for name, t in timings.items():
            records.append({"D": D, "method": name, **t, "per_jacobian_s": t["median_s"] / N})
            done += 1
            if progress is not None:
                what = f"sweep D={D}, N={N}, {LABELS[name]}"
                progress(_progress_line(device, done, total, what, t["median_s"]))
    return records


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


def run_benchmark(
    device: str = "cpu",
    *,
    Ls: Sequence[int] = (3, 5, 10),
    batches: Sequence[int | None] = (None, 1024),
    Ds: Sequence[int] = (1, 2, 4, 6, 8, 10, 12, 16, 24, 32),
    D: int = 2,
    K: int = 30,
    P: int = 10,
    sweep_L: int = 3,
    sweep_N: int = 1024,
    dtype: torch.dtype = torch.float32,
    min_run_time: float = 1.0,
    rounds: int = 20,
    num_threads: int = 1,
    progress: Callable[[str], None] | None = print,
) -> dict:
    """Run the whole benchmark on one device and return the result document.

    Returns
    -------
    dict
        ``schema``, ``provenance`` (see :func:`provenance`), ``config`` (sizes, cases,
        timing settings), ``cases`` (see :func:`run_cases`) and ``sweep`` (see
        :func:`run_sweep`; empty when ``Ds`` is empty).
    """
    n_main = len(Ls) * len(batches) * len(METHODS)
    sweep_methods = SWEEP_METHODS
    total = n_main + len(Ds) * len(sweep_methods)
    prov = provenance(device, dtype=dtype, num_threads=num_threads)
    if progress is not None:
        progress(f"Benchmarking on {device} ({prov['device_name']}): {total} measurements")
    cases = run_cases(
        device, Ls=Ls, batches=batches, D=D, K=K, P=P, dtype=dtype,
        min_run_time=min_run_time, rounds=rounds, num_threads=num_threads,
        progress=progress, _count=(0, total),
    )  # fmt: skip
    sweep = run_sweep(
        device, Ds=Ds, methods=sweep_methods, K=K, P=P, L=sweep_L, N=sweep_N, dtype=dtype,
        min_run_time=min_run_time, rounds=rounds, num_threads=num_threads,
        progress=progress, _count=(n_main, total),
    ) if Ds else []  # fmt: skip
    config = {"D": D, "K": K, "P": P, "Ls": list(Ls), "batches": list(batches),
              "sweep_Ds": list(Ds), "sweep_L": sweep_L, "sweep_N": sweep_N,
              "min_run_time": min_run_time, "rounds": rounds,
              "timer": "torch.utils.benchmark.Timer.timeit on blocks of about 5 ms, "
              "methods interleaved in rounds, median over blocks"}  # fmt: skip
    return {"schema": SCHEMA, "provenance": prov, "config": config, "cases": cases,
            "sweep": sweep}  # fmt: skip


# -- storing and reading ---------------------------------------------------------------


def results_path(device: str = "cpu", directory: str | Path | None = None) -> Path:
    """The JSON file for ``device`` (``cpu.json`` or ``cuda.json``) in ``directory``.

    ``directory`` defaults to :data:`RESULTS_DIR`, inside the installed package.
    """
    if device not in DEVICES:
        raise ValueError(f"device must be one of {DEVICES}, got {device!r}")
    return Path(directory if directory is not None else RESULTS_DIR) / f"{device}.json"


_REQUIRED = {
    "provenance": ("device", "device_name", "num_threads", "dtype", "torch_version", "date"),
    "case": ("L", "N", "method", "median_s"),
    "sweep": ("D", "method", "median_s"),
}


def _validate(doc: object, source: str) -> dict:
    if not isinstance(doc, dict):
        raise ValueError(f"{source}: expected a JSON object, got {type(doc).__name__}")
    if doc.get("schema") != SCHEMA:
        raise ValueError(f"{source}: expected schema {SCHEMA}, got {doc.get('schema')!r}")
    for key in ("provenance", "config", "cases", "sweep"):
        if key not in doc:
            raise ValueError(f"{source}: lacks the key {key!r}")
    missing = [k for k in _REQUIRED["provenance"] if k not in doc["provenance"]]
    if missing:
        raise ValueError(f"{source}: provenance lacks {missing}")
    for part, kind in (("cases", "case"), ("sweep", "sweep")):
        for i, record in enumerate(doc[part]):
            missing = [k for k in _REQUIRED[kind] if k not in record]
            if missing:
                raise ValueError(f"{source}: {part}[{i}] lacks {missing}")
    return doc


def save_results(doc: Mapping, path: str | Path | None = None) -> Path:
    """Validate a result document and write it as JSON.

    ``path`` defaults to :func:`results_path` for the document's device. Returns the path.
    """
    doc = _validate(dict(doc), "results")
    path = Path(path) if path is not None else results_path(doc["provenance"]["device"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    return path


def load_results(device: str = "cpu", *, path: str | Path | None = None) -> dict | None:
    """Read stored benchmark results, or ``None`` if none were recorded.

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


def _lookup(records: Iterable[Mapping]) -> dict[tuple, Mapping]:
    table = {}
    for r in records:
        key = (r["L"], r["N"], r["method"]) if "L" in r else (r["D"], r["method"])
        table[key] = r
    return table


def _case_name(N: int | None) -> str:
    return "one x" if N is None else f"N={N}"


def case_table(records: Sequence[Mapping], *, per_jacobian: bool = False) -> list[dict]:
    """Rows ``{"L", "input", <method label>: microseconds, ...}`` for printing.

    With ``per_jacobian`` a batch's time is divided by its size ``N``.
    """
    table = _lookup(records)
    methods = [m for m in METHODS if any(r["method"] == m for r in records)]
    rows = []
    for L, N in dict.fromkeys((r["L"], r["N"]) for r in records):
        row: dict[str, object] = {"L": L, "input": _case_name(N)}
        for m in methods:
            r = table.get((L, N, m))
            key = "per_jacobian_s" if per_jacobian else "median_s"
            row[LABELS[m]] = r[key] * 1e6 if r is not None else float("nan")
        rows.append(row)
    return rows


def speed_ratios(records: Sequence[Mapping]) -> list[dict]:
    """How much faster :func:`~hw1.jacobian.jacobian_forward` is, case by case.

    Returns
    -------
    list of dict
        Per (``L``, input): the fastest autograd method and its time, the time of
        ``jacobian_forward`` (microseconds per call), ``speedup`` = fastest autograd time
        / ``jacobian_forward`` time, and ``vs_jacfwd`` = ``torch.func.jacfwd`` time /
        ``jacobian_forward`` time.
    """
    table = _lookup(records)
    rows = []
    for L, N in dict.fromkeys((r["L"], r["N"]) for r in records):
        ours = table.get((L, N, "jacobian_forward"))
        autograd = [table[(L, N, m)] for m in AUTOGRAD_METHODS if (L, N, m) in table]
        if ours is None or not autograd:
            continue
        best = min(autograd, key=lambda r: r["median_s"])
        jacfwd = table.get((L, N, "jacfwd"))
        rows.append({
            "L": L,
            "input": _case_name(N),
            "fastest autograd": LABELS[best["method"]],
            "its time [us]": best["median_s"] * 1e6,
            "jacobian_forward [us]": ours["median_s"] * 1e6,
            "speedup": best["median_s"] / ours["median_s"],
            "vs_jacfwd": (jacfwd["median_s"] / ours["median_s"]) if jacfwd else float("nan"),
        })  # fmt: skip
    return rows


def sweep_table(records: Sequence[Mapping], *, K: int = 30, P: int = 10, L: int = 3) -> list[dict]:
    """Rows per ``D``: microseconds per Jacobian of each method, measured and predicted ratios.

    For each pair in :data:`SWEEP_PAIRS` the column ``"<pair>: rev/fwd"`` is the reverse
    method's time over the forward method's time; ``"predicted"`` is
    :func:`hw1.jacobian.multiply_counts`'s ``ratio`` (reverse-mode over forward-mode
    multiplies). Above 1, forward mode is (or should be) the faster.
    """
    table = _lookup(records)
    methods = [m for m in METHODS if any(r["method"] == m for r in records)]
    rows = []
    for D in sorted({r["D"] for r in records}):
        row: dict[str, object] = {"D": D}
        for m in methods:
            r = table.get((D, m))
            row[LABELS[m]] = r["per_jacobian_s"] * 1e6 if r is not None else float("nan")
        for pair, (fwd_name, rev_name) in SWEEP_PAIRS.items():
            fwd, rev = table.get((D, fwd_name)), table.get((D, rev_name))
            ratio = rev["median_s"] / fwd["median_s"] if fwd and rev else float("nan")
            row[f"{pair}: rev/fwd"] = ratio
        row["predicted"] = multiply_counts(D, K, P, L)["ratio"]
        rows.append(row)
    return rows


def sweep_crossovers(rows: Sequence[Mapping]) -> dict[str, float | None]:
    """Where each ratio column of :func:`sweep_table` crosses 1 (see :func:`crossover`)."""
    xs = [r["D"] for r in rows]
    names = [*(f"{pair}: rev/fwd" for pair in SWEEP_PAIRS), "predicted"]
    return {name: crossover(xs, [r[name] for r in rows]) for name in names}


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
        description="Benchmark the Question 2 Jacobian methods and store the results as "
        "JSON (hw1/data_files/bench/<device>.json).",
    )
    p.add_argument(
        "--device",
        choices=(*DEVICES, "all"),
        default="all",
        help="where to run; 'all' (default) means the CPU, plus CUDA if present",
    )
    p.add_argument(
        "--min-run-time",
        type=float,
        default=1.0,
        help="seconds of timing per measurement (default 1.0)",
    )
    p.add_argument(
        "--rounds", type=int, default=20, help="interleaved turns per method (default 20)"
    )
    p.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    p.add_argument("--dtype", choices=sorted(_DTYPES), default="float32")
    p.add_argument("--L", type=_int_list, default=[3, 5, 10], help="depths, e.g. 3,5,10")
    p.add_argument("--batch", type=int, default=1024, help="batch size N (default 1024)")
    p.add_argument(
        "--sweep-D",
        type=_int_list,
        default=[1, 2, 4, 6, 8, 10, 12, 16, 24, 32],
        help="input sizes D of the forward/reverse sweep",
    )
    p.add_argument("--no-sweep", action="store_true", help="skip the D sweep")
    p.add_argument(
        "--no-training",
        action="store_true",
        help="skip Question 4's training-epoch overhead measurement (CPU only)",
    )
    p.add_argument(
        "--out-dir",
        type=Path,
        default=RESULTS_DIR,
        help="where to write <device>.json (default: inside the package)",
    )
    return p  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m hw1.bench [options]``; ``--help`` lists the options."""
    args = _parser().parse_args(argv)
    if args.min_run_time <= 0 or min(args.threads, args.batch, args.rounds) < 1:
        _parser().error("--min-run-time, --rounds, --threads and --batch must be positive")
    if args.device == "all":
        devices = ["cpu", "cuda"] if torch.cuda.is_available() else ["cpu"]
    else:
        devices = [_check_device(args.device)]
    if "cuda" not in devices:
        print("No CUDA device is available: only the CPU is benchmarked.")
    for device in devices:
        doc = run_benchmark(
            device, Ls=args.L, batches=(None, args.batch),
            Ds=[] if args.no_sweep else args.sweep_D, sweep_N=args.batch,
            dtype=_DTYPES[args.dtype], min_run_time=args.min_run_time, rounds=args.rounds,
            num_threads=args.threads, progress=functools.partial(print, flush=True),
        )  # fmt: skip
        if device == "cpu" and not args.no_training:
            print("[cpu] Question 4: one training epoch against its pure compute ...", flush=True)
            doc["training_epoch"] = training_epoch_overhead()
        path = save_results(doc, results_path(device, args.out_dir))
        print(f"\n{describe(doc)}")
        _print_summary(doc)
        print(f"Wrote {path}")
    return 0


def training_epoch_overhead(*, depth: int = 8, repeats: int = 5, seed: int = 0) -> dict:
    """Question 4's speed goal: one SGD epoch over all 60,000 training digits.

    Times the epoch of :func:`hw1.init_study.train` against the pure compute of the same
    minibatches (forward, backward, update, no data handling) with
    :func:`hw1.init_study.epoch_overhead`, on a Xavier-initialised model of ``depth``
    layers. The goal is ``ratio <= 1.3``.

    Returns
    -------
    dict
        ``epoch_s``, ``compute_s`` and ``ratio``, plus ``depth`` and ``images``.
    """
    from hw1.data import load_mnist
    from hw1.init_study import epoch_overhead, make_model

    images, labels = load_mnist("train")
    model = make_model(depth, "xavier", seed=seed)
    result = epoch_overhead(model, images, labels, seed=seed, repeats=repeats)
    return {**result, "depth": depth, "images": len(labels)}


def _print_summary(doc: Mapping) -> None:
    from hw1.report import format_table

    if "training_epoch" in doc:
        t = doc["training_epoch"]
        print(
            f"Question 4, one epoch over {t['images']} images (depth {t['depth']}): "
            f"{t['epoch_s']:.3f} s against {t['compute_s']:.3f} s of pure compute, "
            f"ratio {t['ratio']:.3f} (goal <= 1.3)"
        )

    print(format_table(speed_ratios(doc["cases"]), floatfmt=".3g"))
    if doc["sweep"]:
        cfg = doc["config"]
        rows = sweep_table(doc["sweep"], K=cfg["K"], P=cfg["P"], L=cfg["sweep_L"])
        print(format_table(rows, floatfmt=".3g"))
        for name, D in sweep_crossovers(rows).items():
            where = "not reached" if D is None else f"D = {D:.3g}"
            print(f"forward/reverse crossover, {name}: {where}")


if __name__ == "__main__":
    sys.exit(main())
