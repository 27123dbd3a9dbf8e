"""hw1.bench: the lean baselines against torch.func, op counting, storage and summaries."""

from __future__ import annotations

import copy
import json
import math

import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode

import hw1.jacobian
from hw1 import bench
from hw1.jacobian import init_weights, jacobian_forward, mlp, multiply_counts

pytestmark = pytest.mark.filterwarnings("ignore:.*torch.jit.script.*:FutureWarning")


def _problem(D, K, P, L, N, seed=0):
    g = torch.Generator().manual_seed(seed)
    weights = init_weights(D, K, P, L, generator=g, dtype=torch.float64)
    return weights, torch.randn((D,) if N is None else (N, D), generator=g, dtype=torch.float64)


# -- the timed calls --------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "layout"), bench.variants())
@pytest.mark.parametrize(
    ("D", "K", "P", "L", "N"),
    [(3, 5, 4, 3, None), (2, 30, 10, 1, 3), (4, 6, 2, 5, None), (1, 7, 3, 2, 5)],
)
def test_every_timed_call_computes_the_jacobian(method, layout, D, K, P, L, N):
    weights, x = _problem(D, K, P, L, N, seed=D + L)
    jac = torch.func.jacrev(lambda v: mlp(weights, v))
    expected = jac(x) if N is None else torch.vmap(jac)(x)
    fn, args = bench.timed_call(method, layout, weights, x)
    torch.testing.assert_close(fn(*args), expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(("method", "layout"), bench.variants(bench.AUTOGRAD_METHODS))
@pytest.mark.parametrize("N", [None, 3])
def test_lean_baselines_validate_nothing_inside_the_timed_call(monkeypatch, method, layout, N):
    weights, x = _problem(2, 30, 10, 3, N)
    fn, args = bench.timed_call(method, layout, weights, x)
    expected = jacobian_forward(weights, x)

    def forbidden(*args, **kwargs):
        raise AssertionError("validation ran inside the timed call")

    for name in ("_layers", "_check_input", "mlp", "network_sizes"):
        monkeypatch.setattr(hw1.jacobian, name, forbidden)
        monkeypatch.setattr(bench, name, forbidden, raising=False)
    torch.testing.assert_close(fn(*args), expected)


def test_the_hand_written_methods_are_timed_as_their_public_functions():
    weights, x = _problem(2, 30, 10, 3, None)
    assert bench.timed_call("jacobian_forward", "columns", weights, x)[0] is jacobian_forward
    with pytest.raises(ValueError, match="layout must be one of"):
        bench.timed_call("jacobian_forward", "rows", weights, x)
    with pytest.raises(ValueError, match="method must be one of"):
        bench.timed_call("magic", "rows", weights, x)


@pytest.mark.parametrize("L", [1, 4])
def test_every_timed_call_performs_its_stated_multiplies(L):
    """Torch's FLOP counter, an independent oracle, against MULTIPLY_KEYS' counts."""
    weights, X = _problem(2, 30, 10, L, 3)
    counts = multiply_counts(2, 30, 10, L)
    for method, layout in bench.variants():
        fn, args = bench.timed_call(method, layout, weights, X)
        with FlopCounterMode(display=False) as counter:
            fn(*args)
        assert counter.get_total_flops() == 2 * 3 * counts[bench.MULTIPLY_KEYS[method]], method


def test_variants_pair_autograd_methods_with_both_layouts():
    pairs = bench.variants()
    assert len(pairs) == 2 * len(bench.AUTOGRAD_METHODS) + len(bench.HAND_METHODS)
    assert ("forward_ad", "rows") in pairs and ("forward_ad", "columns") in pairs
    assert ("jacobian_forward", "rows") not in pairs
    with pytest.raises(ValueError, match="unknown name"):
        bench.variants(["magic"])
    with pytest.raises(ValueError, match="methods is empty"):
        bench.variants([])


def test_check_methods_catches_a_wrong_method(monkeypatch):
    weights = init_weights(L=1)
    bench.check_methods(weights, torch.zeros(2))
    monkeypatch.setitem(bench._AUTOGRAD, "jacfwd", lambda primal, h, WF, x: torch.zeros(10, 2))
    with pytest.raises(AssertionError, match=r"'jacfwd' \(rows\) disagrees"):
        bench.check_methods(weights, torch.ones(2))


def test_every_method_is_labelled_and_counted():
    assert set(bench.LABELS) == set(bench.METHODS) == set(bench.MULTIPLY_KEYS)
    assert set(bench.AUTOGRAD_METHODS) | set(bench.HAND_METHODS) == set(bench.METHODS)
    assert set(bench.MULTIPLY_KEYS.values()) <= set(multiply_counts())
    assert {m for pair in bench.SWEEP_PAIRS.values() for m in pair} == {
        m for m, _ in bench.SWEEP_VARIANTS
    }


# -- op counting ------------------------------------------------------------------------------


@pytest.mark.parametrize("L", [1, 2, 3])
def test_op_counting_sees_every_operation_of_jacobian_forward(L):
    """Count by hand from the algorithm of jacobian_forward for one input.

    Setup 4: x as a column, its product with W1, tanh, d = 1 - h^2. Tangents of layer 1:
    W1 * d, 1. Second set of buffers: 3. Each further layer: two products, tanh,
    1 - h^2, the scaling, 5. Output: one product. In all 4 + 1 + 3 + 5 (L - 1) + 1.
    """
    weights, x = _problem(2, 3, 2, L, None)
    ops = bench.dispatched_ops(jacobian_forward, weights, x)
    assert len(ops) == 4 + 1 + 3 + 5 * (L - 1) + 1
    assert ops.count("mm") == 2 * (L - 1) + 2


def test_op_counting_sees_the_backward_pass():
    weights, x = _problem(2, 3, 2, 2, None)
    fn, args = bench.timed_call("reverse_batched", "columns", weights, x)
    ops = bench.dispatched_ops(fn, *args)
    # The forward pass: one mv per layer (3) and a tanh per hidden layer (2); the
    # backward pass: at least one tanh backward per hidden layer, and more products.
    assert ops.count("tanh") == 2 and ops.count("tanh_backward") >= 2
    assert ops.count("mv") + ops.count("mm") + ops.count("bmm") > 3


# -- timing -----------------------------------------------------------------------------------


def test_time_call_and_time_methods_produce_statistics():
    t = bench.time_call(torch.add, torch.ones(3), 1, min_run_time=0.001)
    assert t["median_s"] > 0 and t["blocks"] >= 1 and t["min_s"] <= t["median_s"]
    with pytest.raises(ValueError, match="min_run_time must be > 0"):
        bench.time_call(torch.add, 1, 1, min_run_time=0)
    with pytest.raises(TypeError, match="rounds must be an int"):
        bench.time_methods({"a": (torch.add, (1, 1))}, rounds=2.0)


def test_run_cases_and_run_sweep_share_the_record_layout():
    lines = []
    records = bench.run_cases(
        Ls=(1, 2),
        batches=(None, 4),
        methods=("jacrev", "jacobian_forward"),
        min_run_time=0.001,
        rounds=1,
        progress=lines.append,
    )
    expected = [
        (L, N, m, lay)
        for L in (1, 2)
        for N in (None, 4)
        for m, lay in bench.variants(("jacrev", "jacobian_forward"))
    ]
    assert [(r["L"], r["N"], r["method"], r["layout"]) for r in records] == expected
    assert all(r["per_jacobian_s"] == r["median_s"] / (r["N"] or 1) for r in records)
    assert len(lines) == 12 and lines[0].startswith("[cpu 1/12] L=1, one x, func.jacrev (rows)")
    sweep = bench.run_sweep(Ds=(1, 3), N=4, min_run_time=0.001, rounds=1)
    assert [(r["D"], r["method"]) for r in sweep] == [
        (D, m) for D in (1, 3) for m, _ in bench.SWEEP_VARIANTS
    ]
    assert set(sweep[0]) - {"D"} == set(records[0]) - {"L", "N"}


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"device": "tpu"}, ValueError, "device must be one of"),
        ({"methods": ["magic"]}, ValueError, "unknown name"),
        ({"device": 0}, TypeError, "device must be a str"),
    ],
)
def test_run_cases_rejects_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        bench.run_cases(**kwargs)


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the message when CUDA is absent")
def test_cuda_without_a_gpu_is_refused():
    with pytest.raises(ValueError, match=r"torch\.cuda\.is_available"):
        bench.run_cases("cuda")


def test_measure_limits_times_the_floor_the_products_and_the_layer():
    limits = bench.measure_limits(N=8, L=2, big=16, min_run_time=0.001, rounds=1)
    assert limits["op"]["median_s"] > 0 and limits["validation"]["median_s"] > 0
    assert limits["same_shape"]["shape"] == [30, 30, 16] and limits["big"]["shape"] == [16] * 3
    for key in ("same_shape", "big"):
        flops = 2 * math.prod(limits[key]["shape"])
        assert limits[key]["gflops"] == pytest.approx(flops / limits[key]["median_s"] / 1e9)
    assert "sigmoid" in limits["layer"] and "torch.tanh (not used)" in limits["layer"]


# -- the stored document ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_doc():
    return bench.run_benchmark(
        runs=2,
        Ls=(1, 2),
        batches=(None, 4),
        Ds=(1, 2),
        sweep_N=4,
        big=16,
        min_run_time=0.001,
        rounds=1,
        progress=None,
    )


def test_run_benchmark_keeps_one_median_per_run(small_doc):
    doc = small_doc
    assert doc["schema"] == bench.SCHEMA and doc["config"]["runs"] == 2
    assert len(doc["cases"]) == 2 * 2 * len(bench.variants())
    assert len(doc["sweep"]) == 2 * len(bench.SWEEP_VARIANTS)
    for record in doc["cases"] + doc["sweep"]:
        assert len(record["runs"]) == 2 and record["blocks"] >= 2
        assert record["min_s"] <= record["median_s"] <= record["max_s"]
        assert record["min_s"] == min(record["runs"]) and record["max_s"] == max(record["runs"])
    for c in doc["cases"]:
        counts = multiply_counts(2, 30, 10, c["L"])
        assert c["multiplies"] == counts[bench.MULTIPLY_KEYS[c["method"]]] * (c["N"] or 1)
        assert c["gflops_runs"] == [pytest.approx(2 * c["multiplies"] / t / 1e9) for t in c["runs"]]
        assert c["ops"] > 0
    forward = next(
        c for c in doc["cases"] if (c["L"], c["N"], c["method"]) == (2, None, "jacobian_forward")
    )
    assert forward["ops"] == 4 + 1 + 3 + 5 + 1
    assert len(doc["limits"]["op"]["runs"]) == 2
    assert len(doc["limits"]["big"]["gflops_runs"]) == 2


def test_save_and_load_round_trip(tmp_path, small_doc):
    path = bench.save_results(small_doc, bench.results_path("cpu", tmp_path))
    assert path == tmp_path / "cpu.json"
    assert bench.load_results(path=path) == json.loads(json.dumps(small_doc))
    assert bench.describe(small_doc).startswith("CPU results: ")


def test_provenance_names_device_versions_threads_dtype_and_date():
    p = bench.provenance("cpu", dtype=torch.float64, num_threads=2)
    assert p["device"] == "cpu" and p["device_name"]
    assert p["torch_version"] == torch.__version__
    assert p["num_threads"] == 2 and p["dtype"] == "float64"
    assert p["date"][:2] == "20" and "T" in p["date"]


def test_missing_gpu_result_is_reported_plainly(tmp_path, small_doc):
    assert bench.load_results("cuda", path=tmp_path / "cuda.json") is None
    status = bench.stored_status("cuda", path=tmp_path / "cuda.json")
    assert status.startswith("No GPU (CUDA) benchmark result has been recorded")
    doc = copy.deepcopy(small_doc)
    doc["provenance"]["device"] = "cuda"
    bench.save_results(doc, tmp_path / "cuda.json")
    assert bench.stored_status("cuda", path=tmp_path / "cuda.json").startswith("CUDA results: ")


@pytest.mark.parametrize(
    ("edit", "match"),
    [
        (lambda d: d.pop("limits"), "lacks the key 'limits'"),
        (lambda d: d.update(schema=1), "expected schema 2"),
        (lambda d: d["provenance"].pop("date"), r"provenance lacks \['date'\]"),
        (lambda d: d["config"].pop("runs"), r"config lacks \['runs'\]"),
        (lambda d: d["cases"][1].pop("gflops"), r"cases\[1\] lacks \['gflops'\]"),
        (lambda d: d["cases"][0].update(runs=17), r"cases\[0\]\['runs'\] must hold 2"),
        (lambda d: d["cases"][2]["runs"].pop(), r"cases\[2\]\['runs'\] must hold 2"),
        (lambda d: d["sweep"][0]["runs"].__setitem__(0, -1.0), r"sweep\[0\]\['runs'\]"),
        (lambda d: d["limits"]["big"].pop("gflops"), r"limits\['big'\] lacks \['gflops'\]"),
        (lambda d: d["limits"].pop("layer"), r"limits lacks \['layer'\]"),
    ],
)
def test_malformed_documents_are_refused(tmp_path, small_doc, edit, match):
    doc = copy.deepcopy(small_doc)
    edit(doc)
    path = tmp_path / "cpu.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(ValueError, match=match):
        bench.load_results(path=path)
    with pytest.raises(ValueError, match=match):
        bench.save_results(doc, path)


def test_broken_json_is_refused(tmp_path):
    path = tmp_path / "cpu.json"
    path.write_text("{not json")
    with pytest.raises(ValueError, match="not valid JSON"):
        bench.load_results(path=path)


def test_results_path_rejects_unknown_devices():
    with pytest.raises(ValueError, match="device must be one of"):
        bench.results_path("gpu")


def test_the_shipped_cpu_results_are_complete():
    doc = bench.load_results("cpu")
    assert doc is not None, "hw1/data_files/bench/cpu.json is missing: run python -m hw1.bench"
    found = {(c["L"], c["N"], c["method"], c["layout"]) for c in doc["cases"]}
    assert found == {
        (L, N, m, lay) for L in (3, 5, 10) for N in (None, 1024) for m, lay in bench.variants()
    }
    assert doc["config"]["runs"] >= 5
    assert {(r["method"], r["layout"]) for r in doc["sweep"]} == set(bench.SWEEP_VARIANTS)
    assert doc["provenance"]["device"] == "cpu" and "training_epoch" not in doc


# -- summaries --------------------------------------------------------------------------------


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


def test_sweep_ratio_bands_span_the_per_run_ratios():
    times = {"jacobian_forward": [1.0, 2.0, 4.0], "reverse_manual": [3.0, 3.0, 3.0]}
    records = [
        {"D": D, "method": m, "runs": [D * t for t in times.get(m, [1.0, 1.0, 1.0])]}
        for D in (1, 2)
        for m, _ in bench.SWEEP_VARIANTS
    ]
    bands = bench.sweep_ratio_bands(records)
    assert set(bands) == set(bench.SWEEP_PAIRS)
    # Brute force: the per-run ratios of the hand-written pair are 3, 1.5 and 0.75 at every D.
    hand = next(p for p, (f, r) in bench.SWEEP_PAIRS.items() if f == "jacobian_forward")
    assert bands[hand] == {1: (0.75, 3.0), 2: (0.75, 3.0)}


def test_layer_slopes_use_the_faster_layout_at_each_depth():
    records = [
        *_cases(),
        _record(10, None, "forward_ad", "rows", [900e-6]),
        _record(10, None, "forward_ad", "columns", [1000e-6]),
        _record(10, None, "jacobian_forward", "columns", [90e-6]),
    ]
    slopes = bench.layer_slopes(records)
    # By hand: forward_ad (900 - 200) / 7, jacobian_forward (90 - 20) / 7; jacfwd lacks L = 10.
    assert slopes == pytest.approx({"forward_ad": 100e-6, "jacobian_forward": 10e-6})


def test_fastest_layouts_keeps_the_smaller_median_of_each_method():
    best = bench.fastest_layouts(_cases())
    assert {key: r["layout"] for key, r in best.items()} == {
        (3, None, "forward_ad"): "columns",
        (3, None, "jacfwd"): "rows",
        (3, None, "jacobian_forward"): "columns",
    }
    # Brute force over the records: no record of a method has a smaller median.
    for r in _cases():
        assert best[(r["L"], r["N"], r["method"])]["median_s"] <= r["median_s"]


def test_speed_ratios_use_the_fastest_lean_method_run_by_run():
    (row,) = bench.speed_ratios(_cases())
    assert row["fastest autograd"] == "forward_ad (columns)"
    # Per run: 200/20, 220/20, 180/30.
    assert (row["speedup"], row["speedup min"], row["speedup max"]) == pytest.approx((10, 6, 11))
    assert row["vs jacfwd"] == pytest.approx(20.0)  # median of 20, 20, 13.3


def test_case_and_layout_tables():
    rows = bench.case_table(_cases())
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
    assert bench.case_table(slow)[1]["L = 3"] == "8,000 (7,200–8,800)"
    one_run = [{k: v for k, v in r.items() if k not in ("runs", "max_s")} for r in _cases()]
    assert bench.case_table(one_run)[2]["L = 3"] == "20.0"
    layouts = bench.layout_table(_cases())
    assert layouts[0]["method"] == "func.jacfwd" and layouts[0]["faster"] == "rows"
    assert layouts[1]["rows [us]"] == pytest.approx(300) and layouts[1]["faster"] == "columns"


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
    floor = bench.floor_table(doc)
    assert floor[-1] == {
        "L": 3,
        "method": "jacobian_forward",
        "ops": 10,
        "floor [us]": 10.0,
        "time [us]": 20.0,
        "time / floor": pytest.approx(2.0),
    }
    rates = bench.gflops_table(doc)
    assert rates[0]["what"] == "jacobian_forward (columns)"
    # Rates 2e-3, 1e-3, 5e-4 GFLOP/s against 4e-3, 4e-3, 1e-3: fractions 0.5, 0.25, 0.5.
    assert rates[0]["of same-shape product"] == pytest.approx(0.5)
    assert rates[-1]["multiplies"] == 27


def test_crossover_interpolates_where_the_ratio_reaches_one():
    assert bench.crossover([1, 2, 4], [3.0, 2.0, 0.0]) == pytest.approx(3.0)
    assert bench.crossover([1, 2], [3.0, 2.0]) is None
    assert bench.crossover([1, 2, 3], [float("nan"), 2.0, 0.5]) == pytest.approx(2 + 1 / 1.5)
    with pytest.raises(ValueError, match="differ in length"):
        bench.crossover([1, 2], [1.0])


def test_sweep_predicts_the_crossover_at_d_equals_p_run_by_run():
    def record(D, method, runs):
        return {
            "D": D,
            "method": method,
            "layout": "columns",
            "runs": runs,
            "median_s": runs[0],
            "per_jacobian_s": runs[0] / 8,
        }

    Ds = (2, 8, 10, 16)
    records = [record(D, "jacobian_forward", [D, D]) for D in Ds]
    records += [record(D, "reverse_manual", [10.0, 5.0]) for D in Ds]
    rows = bench.sweep_table(records, K=30, P=10, L=3)
    for row in rows:
        assert row["predicted"] == multiply_counts(row["D"], 30, 10, 3)["ratio"]
        assert math.isnan(row["torch.func: rev/fwd"])
    # Run 1: ratios 10/D = 5, 1.25, 1, 0.625 reach 1 at D = 10. Run 2: 5/D = 2.5, 0.625,
    # ... cross between D = 2 and 8, at 2 + 6 * 1.5 / 1.875 = 6.8.
    crossings = bench.sweep_crossovers(records, K=30, P=10, L=3)
    assert crossings["by hand"]["runs"] == [pytest.approx(10.0), pytest.approx(6.8)]
    assert crossings["by hand"]["min"] == pytest.approx(6.8)
    assert crossings["predicted"]["median"] == pytest.approx(10.0)
    assert crossings["torch.func"]["median"] is None


def test_command_line_quick_run_writes_json_and_reports_progress(tmp_path, capsys):
    assert bench.main(["--quick", "--device", "cpu", "--out-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    total = 2 * len(bench.variants()) + 2 * len(bench.SWEEP_VARIANTS)
    assert f"[cpu 1/{total}]" in out and "-- run 2 of 2" in out and "Wrote" in out
    doc = bench.load_results(path=tmp_path / "cpu.json")
    assert doc["config"]["Ls"] == [1] and doc["config"]["runs"] == 2
    with pytest.raises(SystemExit):
        bench.main(["--L", "0"])
    with pytest.raises(SystemExit):
        bench.main(["--runs", "0", "--out-dir", str(tmp_path)])
