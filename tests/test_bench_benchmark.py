"""hw1.bench.benchmark: cases, sweep, the whole benchmark, the stored-or-live fallback."""

from __future__ import annotations

import dataclasses

import pytest
import torch

from hw1.bench import results
from hw1.bench.benchmark import load_or_measure, run_benchmark, run_cases, run_sweep
from hw1.bench.config import QUICK, BenchConfig
from hw1.bench.methods import MULTIPLY_KEYS, SWEEP_VARIANTS, variants
from hw1.bench.results import SCHEMA, load_results, save_results
from hw1.jacobian import multiply_counts

pytestmark = pytest.mark.filterwarnings("ignore:.*torch.jit.script.*:FutureWarning")

SHORT = dict(min_run_time=0.001, rounds=1)
SMALL = BenchConfig(
    runs=2, Ls=(1, 2), batches=(None, 4), sweep_Ds=(1, 2), sweep_N=4, big=16, **SHORT
)


def test_run_cases_and_run_sweep_share_the_record_layout():
    lines = []
    config = BenchConfig(Ls=(1, 2), batches=(None, 4), **SHORT)
    chosen = ("jacrev", "jacobian_forward")
    records = run_cases("cpu", config, methods=chosen, progress=lines.append)
    expected = [(L, N, m, lay) for L in (1, 2) for N in (None, 4) for m, lay in variants(chosen)]
    assert [(r["L"], r["N"], r["method"], r["layout"]) for r in records] == expected
    # exact: the same division of the same two floats as run_cases does
    assert all(r["per_jacobian_s"] == r["median_s"] / (r["N"] or 1) for r in records)
    assert len(lines) == 12 and lines[0].startswith("[cpu 1/12] L=1, one x, func.jacrev (rows)")
    sweep = run_sweep("cpu", dataclasses.replace(config, sweep_Ds=(1, 3), sweep_N=4))
    assert [(r["D"], r["method"]) for r in sweep] == [
        (D, m) for D in (1, 3) for m, _ in SWEEP_VARIANTS
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
        run_cases(**kwargs)


@pytest.fixture(scope="module")
def small_doc():
    return run_benchmark("cpu", SMALL, progress=None)


def test_run_benchmark_keeps_one_median_per_run(small_doc):
    doc = small_doc
    assert doc["schema"] == SCHEMA and doc["config"]["runs"] == 2
    assert doc["config"]["Ls"] == [1, 2] and doc["config"]["limits_N"] == 4
    assert len(doc["cases"]) == 2 * 2 * len(variants())
    assert len(doc["sweep"]) == 2 * len(SWEEP_VARIANTS)
    for record in doc["cases"] + doc["sweep"]:
        assert len(record["runs"]) == 2 and record["blocks"] >= 2
        assert record["min_s"] <= record["median_s"] <= record["max_s"]
        # exact: min and max select one of the stored values
        assert record["min_s"] == min(record["runs"]) and record["max_s"] == max(record["runs"])
    for c in doc["cases"]:
        counts = multiply_counts(2, 30, 10, c["L"])
        assert c["multiplies"] == counts[MULTIPLY_KEYS[c["method"]]] * (c["N"] or 1)
        # exact: the same expression on the same numbers as run_benchmark evaluates
        assert c["gflops_runs"] == [2 * c["multiplies"] / t / 1e9 for t in c["runs"]]
        assert c["ops"] > 0
    forward = next(
        c for c in doc["cases"] if (c["L"], c["N"], c["method"]) == (2, None, "jacobian_forward")
    )
    assert forward["ops"] == 4 + 1 + 3 + 5 + 1
    assert len(doc["limits"]["op"]["runs"]) == 2
    assert len(doc["limits"]["big"]["gflops_runs"]) == 2


def test_the_document_is_what_save_results_accepts(tmp_path, small_doc):
    path = save_results(small_doc, tmp_path / "cpu.json")
    assert load_results(path=path)["config"] == small_doc["config"]


def test_a_sweep_can_be_skipped():
    doc = run_benchmark("cpu", dataclasses.replace(QUICK, runs=1, sweep_Ds=()), progress=None)
    assert doc["sweep"] == [] and doc["config"]["sweep_Ds"] == []


def test_load_or_measure_reads_the_stored_file_when_there_is_one(tmp_path, small_doc):
    save_results(small_doc, tmp_path / "cpu.json")
    doc, source = load_or_measure("cpu", path=tmp_path / "cpu.json")
    assert source == "stored" and doc == load_results(path=tmp_path / "cpu.json")


def test_load_or_measure_measures_when_no_file_is_found(tmp_path, monkeypatch):
    # As in a notebook without the package data: the results directory holds nothing.
    monkeypatch.setattr(results, "RESULTS_DIR", tmp_path / "missing")
    lines = []
    doc, source = load_or_measure("cpu", config=QUICK, progress=lines.append)
    assert source == "live" and lines
    path = save_results(doc, tmp_path / "live.json")  # a complete, valid document
    assert load_results(path=path)["config"]["Ls"] == [1]
    assert not (tmp_path / "missing").exists()  # nothing is written behind the reader's back


def test_load_or_measure_does_not_hide_a_broken_file(tmp_path):
    path = tmp_path / "cpu.json"
    path.write_text("{not json")
    with pytest.raises(ValueError, match="not valid JSON"):
        load_or_measure("cpu", path=path)


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the message when CUDA is absent")
def test_cuda_without_a_gpu_is_refused():
    with pytest.raises(ValueError, match=r"torch\.cuda\.is_available"):
        run_benchmark("cuda", QUICK, progress=None)
