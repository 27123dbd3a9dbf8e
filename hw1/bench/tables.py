"""The tables and summaries of a result document, as the example on Question 2(d) shows them.

Every function here reads records (of one run, or the ``"cases"`` / ``"sweep"`` of a
stored document) and returns rows for :func:`hw1.report.table`, or plain numbers.
Times are per call unless a column says per Jacobian; a merged record's number is its
median across runs, with the min–max across runs where a cell shows a range.

Non-finite entries are rejected: a time that is NaN, inf or not positive, in a record or
given as a number, raises ValueError naming where it is. Records are checked for the
keys each function reads (ValueError naming the record) before any table is built.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Iterable, Mapping, Sequence

from hw1._validation import check_bool, check_positive_int, check_real
from hw1.bench.methods import (
    AUTOGRAD_METHODS,
    LABELS,
    LAYOUTS,
    METHODS,
    SWEEP_PAIRS,
    SWEEP_VARIANTS,
)
from hw1.bench.results import check_doc, check_records
from hw1.jacobian import multiply_counts

__all__ = [
    "case_table",
    "fastest_layouts",
    "floor_table",
    "format_range",
    "gflops_table",
    "layer_slopes",
    "layer_table",
    "layout_table",
    "speed_ratios",
    "spread",
    "sweep_crossovers",
    "sweep_ratio_bands",
    "sweep_table",
]


_CASE_KEYS = ("L", "N", "method", "layout", "median_s")
_SWEEP_KEYS = ("D", "method", "runs", "per_jacobian_s")


def _batch(N: object, name: str = "N") -> int | None:
    return None if N is None else check_positive_int(N, name)


def spread(values: Iterable[float], name: str = "values") -> tuple[float, float, float]:
    """Return the median, minimum and maximum of ``values`` (one value per run).

    Raises
    ------
    TypeError
        If ``values`` is not a list of real numbers.
    ValueError
        If it is empty or a value is not finite.
    """
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise TypeError(f"{name} must be a list of numbers, got {type(values).__name__}")
    values = [check_real(v, f"{name}[{i}]") for i, v in enumerate(values)]
    if not values:
        raise ValueError(f"{name} is empty; expected one value per run")
    return statistics.median(values), min(values), max(values)


def _number(value: float) -> str:
    """Three significant digits, without exponents for values from 0.01 to 10^6."""
    if not 0.01 <= abs(value) < 1e6:
        return f"{value:.3g}"
    digits = max(0, 2 - math.floor(math.log10(abs(value))))
    return f"{value:,.{digits}f}"


def format_range(median: float, low: float, high: float) -> str:
    """Format a median and its range in three significant digits: ``"33.1 (31.0–35.2)"``.

    Raises
    ------
    TypeError, ValueError
        If a value is not a finite real number.
    """
    median = check_real(median, "median")
    low = check_real(low, "low")
    high = check_real(high, "high")
    return f"{_number(median)} ({_number(low)}–{_number(high)})"


def fastest_layouts(records: Iterable[Mapping]) -> dict[tuple, Mapping]:
    """Return, per (``L``, ``N``, method), the record of the layout with the smaller median.

    Parameters
    ----------
    records : iterable of dict
        Records of :func:`~hw1.bench.benchmark.run_cases` or the ``"cases"`` of a stored document.

    Returns
    -------
    dict
        ``(L, N, method)`` to the record whose ``median_s`` is the smallest.
    """
    records = check_records(records, ("L", "N", "method", "median_s"))
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
        Records of :func:`~hw1.bench.benchmark.run_cases` or the ``"cases"`` of a stored document.
    L0, L1 : int
        The two depths compared.
    N : int or None
        The batch (``None`` for one input).

    Returns
    -------
    dict of str to float
        Per method: the difference of the medians of its faster layout (see
        :func:`fastest_layouts`) at ``L1`` and ``L0``, divided by ``L1 - L0``.

    Raises
    ------
    TypeError, ValueError
        If ``records`` are not valid, a depth is not a positive int, ``L0 == L1``, or
        ``N`` is neither ``None`` nor a positive int.
    """
    L0, L1, N = check_positive_int(L0, "L0"), check_positive_int(L1, "L1"), _batch(N)
    if L0 == L1:
        raise ValueError(f"L1 must differ from L0, got both {L0}")
    best = fastest_layouts(records)
    methods = dict.fromkeys(method for (L, n, method) in best if (L, n) == (L0, N))
    return {
        m: (best[(L1, N, m)]["median_s"] - best[(L0, N, m)]["median_s"]) / (L1 - L0)
        for m in methods
        if (L1, N, m) in best
    }


def _case_name(N: int | None) -> str:
    return "one x" if N is None else f"N={N}"


def _cases(records: Iterable[Mapping]) -> list[tuple[int, int | None]]:
    return list(dict.fromkeys((r["L"], r["N"]) for r in records))


def case_table(
    records: Sequence[Mapping], N: int | None = None, *, per_jacobian: bool = False
) -> list[dict]:
    """Return one row per method (at its faster layout) and one column per depth.

    Each cell is the median time across runs in microseconds, per call or, with
    ``per_jacobian``, divided by the batch size ``N``, with the min–max across runs in
    brackets: ``"33.1 (31.0–35.2)"``; for the records of a single run
    (:func:`~hw1.bench.benchmark.run_cases`), the median over its blocks alone.
    """
    records, N = check_records(records, _CASE_KEYS), _batch(N)
    per_jacobian = check_bool(per_jacobian, "per_jacobian")
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
                row[f"L = {L}"] = format_range(
                    *(r[k] * scale for k in ("median_s", "min_s", "max_s"))
                )
            else:  # one run's record
                row[f"L = {L}"] = _number(r["median_s"] * scale)
        rows.append(row)
    return rows


def layout_table(records: Sequence[Mapping], N: int | None = None) -> list[dict]:
    """Return, per autograd method and depth, the median time in both layouts.

    Columns ``"rows [us]"`` and ``"columns [us]"`` (microseconds per call, medians
    across runs) and ``"faster"``, the layout the other tables use.
    """
    records, N = check_records(records, _CASE_KEYS), _batch(N)
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
    records = check_records(records, (*_CASE_KEYS, "runs"))
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
    doc, N = check_doc(doc, ("op",)), _batch(N)
    check_records(doc["cases"], (*_CASE_KEYS, "ops"), "doc['cases']")
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
    doc = check_doc(doc, ("same_shape", "big"))
    check_records(doc["cases"], (*_CASE_KEYS, "multiplies", "gflops_runs"), "doc['cases']")
    limits = doc["limits"]
    L = check_positive_int(L, "L") if L is not None else max(r["L"] for r in doc["cases"])
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
                "GFLOP/s": format_range(*spread(r["gflops_runs"])),
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
                "GFLOP/s": format_range(*spread(limits[key]["gflops_runs"])),
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
    layer = check_doc(doc, ("layer",))["limits"]["layer"]
    used = sum(s["median_s"] for name, s in layer.items() if "not used" not in name)
    return [
        {
            "operation": name,
            "time [us]": format_range(*(s[k] * 1e6 for k in ("median_s", "min_s", "max_s"))),
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
    :data:`~hw1.bench.methods.SWEEP_PAIRS` the column ``"<pair>: rev/fwd"`` is the median
    across runs of the reverse method's time over the forward method's; ``"predicted"`` is
    :func:`hw1.jacobian.multiply_counts`'s ``ratio`` (reverse-mode over forward-mode
    multiplies). Above 1, forward mode is (or should be) the faster.
    """
    records = check_records(records, _SWEEP_KEYS)
    K, P, L = (check_positive_int(v, n) for n, v in (("K", K), ("P", P), ("L", L)))
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
        Per pair of :data:`~hw1.bench.methods.SWEEP_PAIRS`: ``D`` to ``(min, max)`` of
        the ratio over the runs.
    """
    records = check_records(records, ("D", "method", "runs"))
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
    records = check_records(records, ("D", "method", "runs"))
    K, P, L = (check_positive_int(v, n) for n, v in (("K", K), ("P", P), ("L", L)))
    per_run = _sweep_ratios_per_run(records)
    result: dict[str, dict[str, object]] = {}
    for pair in SWEEP_PAIRS:
        found = [_crossover(list(r), [v[pair] for v in r.values()]) for r in per_run]
        crossing = [x for x in found if x is not None]
        median, low, high = spread(crossing) if crossing else (None, None, None)
        result[pair] = {"runs": found, "median": median, "min": low, "max": high}
    Ds = sorted({r["D"] for r in records})
    predicted = _crossover(Ds, [multiply_counts(D, K, P, L)["ratio"] for D in Ds])
    result["predicted"] = {
        "runs": [predicted],
        "median": predicted,
        "min": predicted,
        "max": predicted,
    }
    return result


def _crossover(xs: Sequence[float], ratios: Sequence[float]) -> float | None:
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
        if r0 >= 1 >= r1 and r0 != r1:  # exact: only guards the division below
            return x0 + (r0 - 1) * (x1 - x0) / (r0 - r1)
    # exact: a ratio of equal integer counts is 1.0 exactly (multiply_counts at D = P)
    if pairs and pairs[0][1] == 1:
        return pairs[0][0]
    return None
