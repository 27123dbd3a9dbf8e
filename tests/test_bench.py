"""hw1.bench: every timed method against torch.func, and the JSON storage and summaries."""

from __future__ import annotations

import json
import math

import pytest
import torch

from hw1 import bench
from hw1.jacobian import init_weights, mlp, multiply_counts

pytestmark = pytest.mark.filterwarnings("ignore:.*torch.jit.script.*:FutureWarning")


@pytest.mark.parametrize("method", list(bench.METHODS))
@pytest.mark.parametrize("N", [None, 3])
def test_every_timed_method_computes_the_jacobian(method, N):
    g = torch.Generator().manual_seed(0)
    weights = init_weights(3, 5, 4, 3, generator=g, dtype=torch.float64)
    x = torch.randn((3,) if N is None else (N, 3), generator=g, dtype=torch.float64)
    jac = torch.func.jacfwd(lambda v: mlp(weights, v))
    expected = jac(x) if N is None else torch.vmap(jac)(x)
    torch.testing.assert_close(bench.METHODS[method](weights, x), expected)


def test_check_methods_catches_a_wrong_method(monkeypatch):
    weights = init_weights(L=1)
    bench.check_methods(weights, torch.zeros(2))
    monkeypatch.setitem(bench.METHODS, "jacfwd", lambda w, x: torch.zeros(10, 2))
    with pytest.raises(AssertionError, match="'jacfwd' disagrees"):
        bench.check_methods(weights, torch.ones(2))


def test_every_method_is_labelled_and_the_autograd_ones_exclude_the_hand_written():
    assert set(bench.LABELS) == set(bench.METHODS)
    assert set(bench.AUTOGRAD_METHODS) == set(bench.METHODS) - {
        "jacobian_forward",
        "reverse_manual",
    }
    assert {m for pair in bench.SWEEP_PAIRS.values() for m in pair} == set(bench.SWEEP_METHODS)


def test_time_call_and_run_cases_produce_records():
    t = bench.time_call(torch.add, torch.ones(3), 1, min_run_time=0.001)
    assert t["median_s"] > 0 and t["runs"] >= 1
    with pytest.raises(ValueError, match="min_run_time must be positive"):
        bench.time_call(torch.add, 1, 1, min_run_time=0)
    lines = []
    records = bench.run_cases(
        Ls=(1, 2), batches=(None, 4), methods=("jacrev", "jacobian_forward"),
        min_run_time=0.001, progress=lines.append,
    )  # fmt: skip
    assert [(r["L"], r["N"], r["method"]) for r in records] == [
        (L, N, m) for L in (1, 2) for N in (None, 4) for m in ("jacrev", "jacobian_forward")
    ]
    assert all(r["per_jacobian_s"] == r["median_s"] / (r["N"] or 1) for r in records)
    assert len(lines) == 8 and lines[0].startswith("[cpu 1/8]") and lines[-1].endswith("(0 left)")


def test_run_sweep_records_each_size():
    records = bench.run_sweep(Ds=(1, 3), N=4, methods=("jacfwd", "jacrev"), min_run_time=0.001)
    assert [(r["D"], r["method"]) for r in records] == [
        (1, "jacfwd"), (1, "jacrev"), (3, "jacfwd"), (3, "jacrev")
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"device": "tpu"}, "device must be one of"), ({"methods": ["magic"]}, "unknown method")],
)
def test_run_cases_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        bench.run_cases(**kwargs)


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the message when CUDA is absent")
def test_cuda_without_a_gpu_is_refused():
    with pytest.raises(ValueError, match=r"torch\.cuda\.is_available"):
        bench.run_cases("cuda")


# -- storage ----------------------------------------------------------------------------------


def _doc(device="cpu"):
    cases = [
        {"L": 3, "N": None, "method": "jacrev", "median_s": 300e-6},
        {"L": 3, "N": None, "method": "forward_ad", "median_s": 200e-6},
        {"L": 3, "N": None, "method": "jacfwd", "median_s": 400e-6},
        {"L": 3, "N": None, "method": "jacobian_forward", "median_s": 20e-6},
        {"L": 3, "N": 1000, "method": "jacfwd", "median_s": 3e-3},
        {"L": 3, "N": 1000, "method": "jacobian_forward", "median_s": 1e-3},
    ]
    for c in cases:
        c["per_jacobian_s"] = c["median_s"] / (c["N"] or 1)
    prov = bench.provenance(device if device == "cpu" else "cpu", dtype=torch.float32,
                            num_threads=1)  # fmt: skip
    prov["device"] = device
    return {"schema": bench.SCHEMA, "provenance": prov, "config": {}, "cases": cases, "sweep": []}


def test_provenance_names_device_versions_threads_dtype_and_date():
    p = bench.provenance("cpu", dtype=torch.float64, num_threads=2)
    assert p["device"] == "cpu" and p["device_name"]
    assert p["torch_version"] == torch.__version__
    assert p["num_threads"] == 2 and p["dtype"] == "float64"
    assert p["date"][:2] == "20" and "T" in p["date"]


def test_save_and_load_round_trip(tmp_path):
    doc = _doc()
    path = bench.save_results(doc, bench.results_path("cpu", tmp_path))
    assert path == tmp_path / "cpu.json"
    assert bench.load_results(path=path) == json.loads(json.dumps(doc))
    assert bench.describe(doc).startswith("CPU results: ")


def test_missing_gpu_result_is_reported_plainly(tmp_path):
    assert bench.load_results("cuda", path=tmp_path / "cuda.json") is None
    status = bench.stored_status("cuda", path=tmp_path / "cuda.json")
    assert status.startswith("No GPU (CUDA) benchmark result has been recorded")
    bench.save_results(_doc("cuda"), tmp_path / "cuda.json")
    assert bench.stored_status("cuda", path=tmp_path / "cuda.json").startswith("CUDA results: ")


@pytest.mark.parametrize(
    ("edit", "match"),
    [
        (lambda d: d.pop("sweep"), "lacks the key 'sweep'"),
        (lambda d: d.update(schema=99), "expected schema 1"),
        (lambda d: d["provenance"].pop("date"), r"provenance lacks \['date'\]"),
        (lambda d: d["cases"][1].pop("median_s"), r"cases\[1\] lacks \['median_s'\]"),
    ],
)
def test_invalid_documents_are_refused(tmp_path, edit, match):
    doc = _doc()
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
    found = {(c["L"], c["N"], c["method"]) for c in doc["cases"]}
    assert found == {
        (L, N, m) for L in (3, 5, 10) for N in (None, 1024) for m in bench.METHODS
    }  # fmt: skip
    assert {r["method"] for r in doc["sweep"]} == set(bench.SWEEP_METHODS)
    assert doc["provenance"]["device"] == "cpu"


# -- summaries --------------------------------------------------------------------------------


def test_speed_ratios_pick_the_fastest_autograd_method():
    rows = bench.speed_ratios(_doc()["cases"])
    single, batch = rows
    assert single["fastest autograd"] == bench.LABELS["forward_ad"]
    assert single["speedup"] == pytest.approx(10.0)  # 200 us / 20 us
    assert single["vs_jacfwd"] == pytest.approx(20.0)  # 400 us / 20 us
    assert batch["input"] == "N=1000" and batch["speedup"] == pytest.approx(3.0)


def test_case_table_gives_microseconds_per_call_or_per_jacobian():
    rows = bench.case_table(_doc()["cases"], per_jacobian=True)
    assert rows[0][bench.LABELS["jacrev"]] == pytest.approx(300.0)
    assert rows[1][bench.LABELS["jacfwd"]] == pytest.approx(3.0)
    assert math.isnan(rows[1][bench.LABELS["jacrev"]])


def test_crossover_interpolates_where_the_ratio_reaches_one():
    assert bench.crossover([1, 2, 4], [3.0, 2.0, 0.0]) == pytest.approx(3.0)
    assert bench.crossover([1, 2], [3.0, 2.0]) is None
    assert bench.crossover([1, 2, 3], [float("nan"), 2.0, 0.5]) == pytest.approx(2 + 1 / 1.5)
    with pytest.raises(ValueError, match="differ in length"):
        bench.crossover([1, 2], [1.0])


def test_sweep_table_predicts_the_crossover_at_d_equals_p():
    records = [
        {"D": D, "method": m, "median_s": t, "per_jacobian_s": t / 8}
        for D in (2, 8, 10, 16)
        for m, t in (("jacobian_forward", D * 1.0), ("reverse_manual", 10.0))
    ]
    rows = bench.sweep_table(records, K=30, P=10, L=3)
    for row in rows:
        assert row["predicted"] == multiply_counts(row["D"], 30, 10, 3)["ratio"]
        assert row["by hand: rev/fwd"] == pytest.approx(10.0 / row["D"])
        assert math.isnan(row["torch.func: rev/fwd"])
    crossings = bench.sweep_crossovers(rows)
    assert crossings["predicted"] == pytest.approx(10.0)
    assert crossings["by hand: rev/fwd"] == pytest.approx(10.0)
    assert crossings["torch.func: rev/fwd"] is None


def test_command_line_writes_json_and_reports_progress(tmp_path, capsys):
    argv = ["--device", "cpu", "--min-run-time", "0.001", "--rounds", "2", "--L", "1",
            "--batch", "3", "--sweep-D", "1,2", "--out-dir", str(tmp_path)]  # fmt: skip
    assert bench.main(argv) == 0
    out = capsys.readouterr().out
    total = 2 * len(bench.METHODS) + 2 * len(bench.SWEEP_METHODS)
    assert f"[cpu 1/{total}]" in out and "(0 left)" in out and "Wrote" in out
    doc = bench.load_results(path=tmp_path / "cpu.json")
    assert doc["config"]["Ls"] == [1] and len(doc["cases"]) == 2 * len(bench.METHODS)
    with pytest.raises(SystemExit):
        bench.main(["--L", "0"])
