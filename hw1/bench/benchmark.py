"""The whole benchmark: the cases, the ``D`` sweep and the limits, run several times.

:func:`run_cases` times every method, in each of its layouts, on every (depth, batch)
case; :func:`run_sweep` times the forward/reverse pairs while the input size ``D``
grows; both are one run. :func:`run_benchmark` repeats the cases, the sweep and the
limit measurements (:func:`hw1.bench.limits.measure_limits`) ``config.runs`` times and
keeps each run's median per case, so that every number has a spread across runs; it
returns the document that :func:`hw1.bench.results.save_results` stores.
:func:`load_or_measure` reads the stored document, or measures a short one when none
can be found.

Non-finite entries pass through: the weights and inputs are drawn here, finite, and
the timings are whatever the clock reads.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from hw1._validation import check_bool, check_callable, check_path
from hw1.bench.config import LIVE, BenchConfig, check_config
from hw1.bench.limits import dispatched_ops, measure_limits
from hw1.bench.methods import (
    LABELS,
    METHODS,
    MULTIPLY_KEYS,
    SWEEP_VARIANTS,
    benchmark_problem,
    check_pairs,
    timed_call,
    variants,
    verify_methods,
)
from hw1.bench.results import SCHEMA, load_results, provenance, results_path
from hw1.bench.tables import spread
from hw1.bench.timing import check_device, time_methods
from hw1.jacobian import multiply_counts

__all__ = ["load_or_measure", "run_benchmark", "run_cases", "run_sweep"]

_Problem = tuple[dict, dict, object]  # (labels, weights, x)


def _where(labels: Mapping[str, object]) -> str:
    return ", ".join(
        ("one x" if v is None else f"N={v}") if k == "N" else f"{k}={v}" for k, v in labels.items()
    )


def _time_grid(
    problems: Sequence[_Problem],
    pairs: Sequence[tuple[str, str]],
    config: BenchConfig,
    *,
    verify: bool,
    device: str,
    progress: Callable[[str], None] | None,
    count: tuple[int, int] | None = None,
) -> list[dict]:
    """Time every pair on every problem: the one loop of the cases and the sweep."""
    done, total = count or (0, len(problems) * len(pairs))
    records = []
    for labels, weights, x in problems:
        if verify:
            verify_methods(weights, x, pairs)
        calls = {pair: timed_call(*pair, weights, x) for pair in pairs}
        timings = time_methods(
            calls,
            min_run_time=config.min_run_time,
            rounds=config.rounds,
            num_threads=config.num_threads,
        )
        n = 1 if x.dim() == 1 else x.shape[0]
        for (method, layout), t in timings.items():
            record = {**labels, "method": method, "layout": layout, **t}
            records.append({**record, "per_jacobian_s": t["median_s"] / n})
            done += 1
            if progress is not None:
                progress(
                    f"[{device} {done}/{total}] {_where(labels)}, {LABELS[method]} ({layout}): "
                    f"{t['median_s'] * 1e6:.1f} us ({total - done} left)"
                )
    return records


def _case_problems(cfg: BenchConfig, device: str) -> list[_Problem]:
    return [
        (
            {"L": L, "N": N},
            *benchmark_problem(
                cfg.D, cfg.K, cfg.P, L, N, dtype=cfg.dtype, device=device, seed=cfg.seed
            ),
        )
        for L in cfg.Ls
        for N in cfg.batches
    ]


def _sweep_problems(cfg: BenchConfig, device: str) -> list[_Problem]:
    return [
        (
            {"D": D},
            *benchmark_problem(
                D,
                cfg.K,
                cfg.P,
                cfg.sweep_L,
                cfg.sweep_N,
                dtype=cfg.dtype,
                device=device,
                seed=cfg.seed,
            ),
        )
        for D in cfg.sweep_Ds
    ]


def run_cases(
    device: str = "cpu",
    config: BenchConfig | None = None,
    *,
    methods: Iterable[str] = METHODS,
    verify: bool = True,
    progress: Callable[[str], None] | None = None,
) -> list[dict]:
    """Time every method, in each of its layouts, on every (depth, batch) case: one run.

    Parameters
    ----------
    device : {"cpu", "cuda"}
        Where the weights and inputs live.
    config : BenchConfig, optional
        Its ``Ls``, ``batches``, ``D``, ``K``, ``P``, ``dtype``, ``seed`` and timing
        settings are used; the defaults if omitted.
    methods : iterable of str
        Names from :data:`~hw1.bench.methods.METHODS`; see
        :func:`~hw1.bench.methods.variants` for the layouts.
    verify : bool
        Verify every method against :func:`torch.func.jacrev` first
        (:func:`~hw1.bench.methods.verify_methods`).
    progress : callable, optional
        Called with one line of text after each measurement.

    Returns
    -------
    list of dict
        One record per measurement: ``L``, ``N`` (``None`` for one input), ``method``,
        ``layout``, the statistics of :func:`~hw1.bench.timing.time_methods` and
        ``per_jacobian_s`` (``median_s / N``).

    Raises
    ------
    TypeError, ValueError
        Naming the argument of the wrong type or value (``device`` unknown or not
        available, ``config`` not a :class:`~hw1.bench.config.BenchConfig`, an unknown
        method, ``verify`` not a bool, ``progress`` not callable).
    """
    device = check_device(device)
    cfg = check_config(config)
    pairs = variants(methods)
    verify = check_bool(verify, "verify")
    check_callable(progress, "progress", optional=True)
    problems = _case_problems(cfg, device)
    return _time_grid(problems, pairs, cfg, verify=verify, device=device, progress=progress)


def run_sweep(
    device: str = "cpu",
    config: BenchConfig | None = None,
    *,
    pairs: Sequence[tuple[str, str]] = SWEEP_VARIANTS,
    verify: bool = True,
    progress: Callable[[str], None] | None = None,
) -> list[dict]:
    """Time (method, layout) pairs on a batch while the input size ``D`` grows at fixed ``P``.

    With a batch the arithmetic dominates, so forward mode (cost growing with ``D``)
    should overtake reverse mode (cost growing with ``P``) near ``D = P``; see
    :func:`~hw1.bench.tables.sweep_crossovers`. The configuration's ``sweep_Ds``,
    ``sweep_L`` and ``sweep_N`` set the grid; the other parameters are those of
    :func:`run_cases`.

    Returns
    -------
    list of dict
        One record per measurement: ``D``, ``method``, ``layout``, the statistics of
        :func:`~hw1.bench.timing.time_methods` and ``per_jacobian_s``.

    Raises
    ------
    TypeError, ValueError
        As :func:`run_cases`; ``pairs`` is checked by
        :func:`~hw1.bench.methods.check_pairs`.
    """
    device = check_device(device)
    cfg = check_config(config)
    pairs = check_pairs(pairs)
    verify = check_bool(verify, "verify")
    check_callable(progress, "progress", optional=True)
    problems = _sweep_problems(cfg, device)
    return _time_grid(problems, pairs, cfg, verify=verify, device=device, progress=progress)


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


def _count_cases(cases: list[dict], cfg: BenchConfig, device: str) -> None:
    """Add to each merged case its operations, multiplies and arithmetic rates."""
    for c in cases:
        weights, x = benchmark_problem(
            cfg.D, cfg.K, cfg.P, c["L"], c["N"], dtype=cfg.dtype, device=device, seed=cfg.seed
        )
        c["per_jacobian_s"] = c["median_s"] / (c["N"] or 1)
        fn, args = timed_call(c["method"], c["layout"], weights, x)
        c["ops"] = len(dispatched_ops(fn, *args))
        counts = multiply_counts(cfg.D, cfg.K, cfg.P, c["L"])
        c["multiplies"] = mult = counts[MULTIPLY_KEYS[c["method"]]] * (c["N"] or 1)
        c["gflops_runs"] = [2 * mult / t / 1e9 for t in c["runs"]]
        c["gflops"] = statistics.median(c["gflops_runs"])


_TIMER = (
    "time.perf_counter around blocks of about 5 ms of back-to-back calls, methods "
    "interleaved in rounds within a run, median over blocks per run; the whole grid "
    "repeated `runs` times"
)
_OP_COUNTER = (
    "TorchDispatchMode: every ATen operation a call launches (forward, backward, views, "
    "allocations)"
)


def run_benchmark(
    device: str = "cpu",
    config: BenchConfig | None = None,
    *,
    progress: Callable[[str], None] | None = print,
) -> dict:
    """Run the whole benchmark ``config.runs`` times on one device; return the document.

    Each run times the cases (:func:`run_cases`), the ``D`` sweep (:func:`run_sweep`)
    and the limits (:func:`~hw1.bench.limits.measure_limits`, at the largest depth and
    batch), in that order; the methods are verified against ``torch.func.jacrev`` in
    the first run. Op counts (:func:`~hw1.bench.limits.dispatched_ops`) and multiply
    counts (:func:`hw1.jacobian.multiply_counts`) are taken once, as they do not vary.

    Parameters
    ----------
    device : {"cpu", "cuda"}
        Where to run.
    config : BenchConfig, optional
        Sizes, cases and timing settings; the defaults of
        :class:`~hw1.bench.config.BenchConfig` (the stored results' grid) if omitted.
    progress : callable or None
        Called with one line of text per measurement; ``None`` is silent.

    Returns
    -------
    dict
        ``schema``; ``provenance`` (see :func:`~hw1.bench.results.provenance`);
        ``config`` (:meth:`~hw1.bench.config.BenchConfig.to_json`, the timer and the op
        counter); ``cases``, one record per (``L``, ``N``, ``method``, ``layout``) with
        ``runs`` (each run's median time per call, seconds), their ``median_s``,
        ``min_s`` and ``max_s``, ``blocks`` (timed blocks in all), ``per_jacobian_s``,
        ``ops`` (operations per call), ``multiplies`` and ``gflops_runs`` / ``gflops``
        (achieved rate, ``2 * multiplies / time``); ``sweep`` (``D``, ``method``,
        ``layout``, ``runs`` ...; empty when ``sweep_Ds`` is); ``limits`` (see
        :func:`~hw1.bench.limits.measure_limits`, with ``runs`` per entry and ``gflops``
        for the two products).

    Raises
    ------
    TypeError, ValueError
        If ``device`` is unknown or not available, ``config`` is not a
        :class:`~hw1.bench.config.BenchConfig` or ``progress`` is not callable.
    """
    device = check_device(device)
    cfg = check_config(config)
    check_callable(progress, "progress", optional=True)
    pairs = variants()
    cases, sweeps = _case_problems(cfg, device), _sweep_problems(cfg, device)
    n_cases = len(cases) * len(pairs)
    per_run = n_cases + len(sweeps) * len(SWEEP_VARIANTS)
    prov = provenance(device, dtype=cfg.dtype, num_threads=cfg.num_threads)
    say = progress or (lambda line: None)
    say(f"Benchmarking on {device} ({prov['device_name']}): {cfg.runs} runs of {per_run} timings")
    case_runs, sweep_runs, limit_runs = [], [], []
    for run in range(cfg.runs):
        say(f"-- run {run + 1} of {cfg.runs}")
        grid = {"verify": run == 0, "device": device, "progress": progress}
        case_runs.append(_time_grid(cases, pairs, cfg, count=(0, per_run), **grid))
        sweep_runs.append(_time_grid(sweeps, SWEEP_VARIANTS, cfg, count=(n_cases, per_run), **grid))
        limit_runs.append(measure_limits(device, cfg))
    merged_cases = _merge(case_runs, ("L", "N", "method", "layout"))
    _count_cases(merged_cases, cfg, device)
    sweep = _merge(sweep_runs, ("D", "method", "layout"))
    for s in sweep:
        s["per_jacobian_s"] = s["median_s"] / cfg.sweep_N
    config_json = {
        **cfg.to_json(),
        "timer": _TIMER,
        "op_counter": _OP_COUNTER,
        "per_op": "torch.neg(v, out=w) with v and w of K numbers",
    }
    return {
        "schema": SCHEMA,
        "provenance": prov,
        "config": config_json,
        "cases": merged_cases,
        "sweep": sweep,
        "limits": _merge_limits(limit_runs),
    }


def load_or_measure(
    device: str = "cpu",
    *,
    path: str | Path | None = None,
    config: BenchConfig = LIVE,
    progress: Callable[[str], None] | None = None,
) -> tuple[dict, str]:
    """Return the stored results, or a short live measurement when none can be found.

    The stored file ships inside the package; a copy of the answers without it (a
    standalone notebook, for instance) still gets a complete document, measured here
    and now with ``config`` (by default :data:`~hw1.bench.config.LIVE`: the stored
    grid, two runs, 10 ms per measurement, seconds in all), and is told which it got.

    Parameters
    ----------
    device : {"cpu", "cuda"}
        Which results.
    path : str or Path, optional
        Read this file instead of the one shipped in the package.
    config : BenchConfig
        What to measure when nothing is stored (``None``: :data:`~hw1.bench.config.LIVE`).
    progress : callable, optional
        Progress lines of the live run (silent by default).

    Returns
    -------
    doc : dict
        A result document, as :func:`run_benchmark` returns it.
    source : {"stored", "live"}
        Whether it was read from a file or measured now.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If a stored file exists but is not a valid document (it is not silently
        replaced), or ``device`` is unknown or, for a live run, unavailable.
    """
    results_path(device)  # checks device
    path = check_path(path, "path", optional=True)
    config = LIVE if config is None else check_config(config)
    check_callable(progress, "progress", optional=True)
    doc = load_results(device, path=path)
    if doc is not None:
        return doc, "stored"
    return run_benchmark(device, config, progress=progress), "live"
