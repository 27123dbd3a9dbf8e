"""hw1.bench.tables: the summaries, against results worked out by hand."""

from __future__ import annotations

import math

import pytest

from hw1.bench.methods import SWEEP_PAIRS, SWEEP_VARIANTS
from hw1.bench.tables import (
    case_table,
    fastest_layouts,
    floor_table,
    format_range,
    gflops_table,
    layer_slopes,
    layout_table,
    speed_ratios,
    spread,
    sweep_crossovers,
    sweep_ratio_bands,
    sweep_table,
)
from hw1.jacobian import multiply_counts

# The hand-worked values below come from a few float operations on decimal inputs
# (microseconds written as 200e-6 and so on), each rounding by at most half an eps; 16
# eps, relative, covers them with room and is far below any wrong result.
EPS = 2.0**-52
REL = 16 * EPS


def _record(L, N, method, layout, runs):
    return {
        "L": L,
        "N": N,
        "method": method,
        "layout": layout,
        "runs": runs,
        "median_s": sorted(runs)[len(runs) // 2],
        "min_s": min(runs),
        "max_s": max(runs),
        "per_jacobian_s": sorted(runs)[len(runs) // 2] / (N or 1),
    }


def _cases():
    return [
        _record(3, None, "forward_ad", "rows", [300e-6, 310e-6, 290e-6]),
        _record(3, None, "forward_ad", "columns", [200e-6, 220e-6, 180e-6]),
        _record(3, None, "jacfwd", "rows", [400e-6, 400e-6, 400e-6]),
        _record(3, None, "jacfwd", "columns", [500e-6, 500e-6, 500e-6]),
        _record(3, None, "jacobian_forward", "columns", [20e-6, 20e-6, 30e-6]),
    ]


def test_spread_and_format_range():
    # exact: median, min and max select values; no arithmetic on them
    assert spread([3.0, 1.0, 2.0]) == (2.0, 1.0, 3.0)
    assert format_range(33.14, 31.0, 1234.5) == "33.1 (31.0–1,234)"
    with pytest.raises(ValueError, match="values is empty"):
        spread([])


def test_sweep_ratio_bands_span_the_per_run_ratios():
    times = {"jacobian_forward": [1.0, 2.0, 4.0], "reverse_manual": [3.0, 3.0, 3.0]}
    records = [
        {"D": D, "method": m, "runs": [D * t for t in times.get(m, [1.0, 1.0, 1.0])]}
        for D in (1, 2)
        for m, _ in SWEEP_VARIANTS
    ]
    bands = sweep_ratio_bands(records)
    assert set(bands) == set(SWEEP_PAIRS)
    # Brute force: the per-run ratios of the hand-written pair are 3, 1.5 and 0.75 at every D.
    hand = next(p for p, (f, r) in SWEEP_PAIRS.items() if f == "jacobian_forward")
    # exact: small integers and their quotients 3/4, 3/2, 3 are dyadic
    assert bands[hand] == {1: (0.75, 3.0), 2: (0.75, 3.0)}


def test_layer_slopes_use_the_faster_layout_at_each_depth():
    records = [
        *_cases(),
        _record(10, None, "forward_ad", "rows", [900e-6]),
        _record(10, None, "forward_ad", "columns", [1000e-6]),
        _record(10, None, "jacobian_forward", "columns", [90e-6]),
    ]
    slopes = layer_slopes(records)
    # By hand: forward_ad (900 - 200) / 7, jacobian_forward (90 - 20) / 7; jacfwd lacks L = 10.
    # The subtraction loses up to 900/700 of its inputs' relative rounding; REL covers it.
    assert slopes == pytest.approx({"forward_ad": 100e-6, "jacobian_forward": 10e-6}, rel=REL)


def test_fastest_layouts_keeps_the_smaller_median_of_each_method():
    best = fastest_layouts(_cases())
    assert {key: r["layout"] for key, r in best.items()} == {
        (3, None, "forward_ad"): "columns",
        (3, None, "jacfwd"): "rows",
        (3, None, "jacobian_forward"): "columns",
    }
    # Brute force over the records: no record of a method has a smaller median.
    for r in _cases():
        assert best[(r["L"], r["N"], r["method"])]["median_s"] <= r["median_s"]


def test_speed_ratios_use_the_fastest_lean_method_run_by_run():
    (row,) = speed_ratios(_cases())
    assert row["fastest autograd"] == "forward_ad (columns)"
    # Per run: 200/20, 220/20, 180/30.
    got = (row["speedup"], row["speedup min"], row["speedup max"])
    assert got == pytest.approx((10, 6, 11), rel=REL)
    assert row["vs jacfwd"] == pytest.approx(20.0, rel=REL)  # median of 20, 20, 13.3


def test_case_and_layout_tables():
    rows = case_table(_cases())
    assert [r["method"] for r in rows] == ["func.jacfwd", "forward_ad", "jacobian_forward"]
    assert rows[1] == {"method": "forward_ad", "layout": "columns", "L = 3": "200 (180–220)"}
    slow = [
        {
            **r,
            "runs": [t * 40 for t in r["runs"]],
            **{k: r[k] * 40 for k in ("median_s", "min_s", "max_s")},
        }
        for r in _cases()
    ]
    assert case_table(slow)[1]["L = 3"] == "8,000 (7,200–8,800)"
    one_run = [{k: v for k, v in r.items() if k not in ("runs", "max_s")} for r in _cases()]
    assert case_table(one_run)[2]["L = 3"] == "20.0"
    layouts = layout_table(_cases())
    assert layouts[0]["method"] == "func.jacfwd" and layouts[0]["faster"] == "rows"
    assert layouts[1]["rows [us]"] == pytest.approx(300, rel=REL)
    assert layouts[1]["faster"] == "columns"


def test_floor_and_gflops_tables():
    cases = [*_cases(), _record(3, 8, "jacobian_forward", "columns", [0.001, 0.002, 0.004])]
    for c in cases:
        c["ops"], c["multiplies"] = 10, 1000
        c["gflops_runs"] = [2 * 1000 / t / 1e9 for t in c["runs"]]
    limits = {
        "op": {"median_s": 1e-6},
        "same_shape": {"shape": [2, 2, 2], "gflops_runs": [4e-3, 4e-3, 1e-3]},
        "big": {"shape": [3, 3, 3], "gflops_runs": [1.0, 1.0, 1.0]},
    }
    doc = {"cases": cases, "limits": limits}
    floor = floor_table(doc)
    assert floor[-1] == {
        "L": 3,
        "method": "jacobian_forward",
        "ops": 10,
        "floor [us]": pytest.approx(10.0, rel=REL),
        "time [us]": pytest.approx(20.0, rel=REL),
        "time / floor": pytest.approx(2.0, rel=REL),
    }
    rates = gflops_table(doc)
    assert rates[0]["what"] == "jacobian_forward (columns)"
    # Rates 2e-3, 1e-3, 5e-4 GFLOP/s against 4e-3, 4e-3, 1e-3: fractions 0.5, 0.25, 0.5.
    assert rates[0]["of same-shape product"] == pytest.approx(0.5, rel=REL)
    assert rates[-1]["multiplies"] == 27


def _sweep_record(D, method, runs):
    return {
        "D": D,
        "method": method,
        "layout": "columns",
        "runs": runs,
        "median_s": runs[0],
        "per_jacobian_s": runs[0] / 8,
    }


def test_sweep_predicts_the_crossover_at_d_equals_p_run_by_run():
    Ds = (2, 8, 10, 16)
    records = [_sweep_record(D, "jacobian_forward", [D, D]) for D in Ds]
    records += [_sweep_record(D, "reverse_manual", [10.0, 5.0]) for D in Ds]
    rows = sweep_table(records, K=30, P=10, L=3)
    for row in rows:
        # exact: the same function on the same integers
        assert row["predicted"] == multiply_counts(row["D"], 30, 10, 3)["ratio"]
        assert math.isnan(row["torch.func: rev/fwd"])
    # Run 1: ratios 10/D = 5, 1.25, 1, 0.625 reach 1 at D = 10. Run 2: 5/D = 2.5, 0.625,
    # ... cross between D = 2 and 8, at 2 + 6 * 1.5 / 1.875 = 6.8.
    crossings = sweep_crossovers(records, K=30, P=10, L=3)
    # exact: 10/8 = 1.25 and 8 + 0.25 * 2 / 0.25 = 10 are dyadic at every step
    assert crossings["by hand"]["runs"][0] == 10.0
    assert crossings["by hand"]["runs"][1] == pytest.approx(6.8, rel=REL)
    assert crossings["by hand"]["min"] == pytest.approx(6.8, rel=REL)
    # exact: at D = P the predicted ratio is 1.0 (equal integer counts), so the
    # interpolation from D = 8 is 8 + 2a / a with a = r - 1, and 2a / a is 2 exactly
    assert crossings["predicted"]["median"] == 10
    assert crossings["torch.func"]["median"] is None


@pytest.mark.parametrize(
    ("ratios", "expected"),
    [
        ([3.0, 1.5, 0.5], 3.0),  # between D = 2 and 4, linear: 2 + 2 * (1.5 - 1) / 1
        ([3.0, 2.0, 1.5], None),  # never reaches 1
        ([None, 2.0, 0.5], 2 + 2 / 1.5),  # a D without both methods is skipped
        ([1.0, 2.0, 3.0], 1.0),  # starts at 1
    ],
)
def test_crossovers_interpolate_where_the_ratio_reaches_one(ratios, expected):
    Ds = (1, 2, 4)
    times = dict(zip(Ds, ratios, strict=True))
    records = [_sweep_record(D, "jacobian_forward", [1.0]) for D in Ds]
    records += [_sweep_record(D, "reverse_manual", [times[D]]) for D in Ds if times[D] is not None]
    found = sweep_crossovers(records)["by hand"]["median"]
    assert found == (None if expected is None else pytest.approx(expected, rel=REL))
