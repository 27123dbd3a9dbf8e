"""hw1.bench.results: the stored document, its schema, saving and loading."""

from __future__ import annotations

import copy
import json

import pytest
import torch

from hw1.bench.methods import SWEEP_VARIANTS, variants
from hw1.bench.results import (
    RESULTS_DIR,
    SCHEMA,
    describe,
    load_results,
    provenance,
    results_path,
    save_results,
    stored_status,
)


@pytest.fixture(scope="module")
def shipped():
    doc = load_results("cpu")
    assert doc is not None, "hw1/data_files/bench/cpu.json is missing: run python -m hw1.bench"
    return doc


def test_the_shipped_cpu_results_are_complete(shipped):
    found = {(c["L"], c["N"], c["method"], c["layout"]) for c in shipped["cases"]}
    assert found == {
        (L, N, m, lay) for L in (3, 5, 10) for N in (None, 1024) for m, lay in variants()
    }
    assert shipped["schema"] == SCHEMA and shipped["config"]["runs"] >= 5
    assert {(r["method"], r["layout"]) for r in shipped["sweep"]} == set(SWEEP_VARIANTS)
    assert shipped["provenance"]["device"] == "cpu" and "training_epoch" not in shipped
    assert results_path("cpu") == RESULTS_DIR / "cpu.json" and RESULTS_DIR.is_dir()


def test_save_and_load_round_trip(tmp_path, shipped):
    path = save_results(shipped, results_path("cpu", tmp_path))
    assert path == tmp_path / "cpu.json"
    assert load_results(path=path) == shipped
    assert describe(shipped).startswith("CPU results: ")


def test_describe_says_whether_results_are_stored_or_live(shipped):
    line = describe(shipped)
    assert describe(shipped, "stored") == f"Stored {line}"
    live = describe(shipped, "live")
    assert live.startswith(f"Live {line}. No stored file was found")
    assert f"{shipped['config']['runs']} runs" in live
    with pytest.raises(ValueError, match="source must be one of"):
        describe(shipped, "cached")


def test_provenance_names_device_versions_threads_dtype_and_date():
    p = provenance("cpu", dtype=torch.float64, num_threads=2)
    assert p["device"] == "cpu" and p["device_name"]
    assert p["torch_version"] == torch.__version__
    assert p["num_threads"] == 2 and p["dtype"] == "float64"
    assert p["date"][:2] == "20" and "T" in p["date"]


def test_missing_gpu_result_is_reported_plainly(tmp_path, shipped):
    assert load_results("cuda", path=tmp_path / "cuda.json") is None
    status = stored_status("cuda", path=tmp_path / "cuda.json")
    assert status.startswith("No GPU (CUDA) benchmark result has been recorded")
    doc = copy.deepcopy(shipped)
    doc["provenance"]["device"] = "cuda"
    save_results(doc, tmp_path / "cuda.json")
    assert stored_status("cuda", path=tmp_path / "cuda.json").startswith("CUDA results: ")


@pytest.mark.parametrize(
    ("edit", "match"),
    [
        (lambda d: d.pop("limits"), "lacks the key 'limits'"),
        (lambda d: d.update(schema=1), "expected schema 2"),
        (lambda d: d["provenance"].pop("date"), r"provenance lacks \['date'\]"),
        (lambda d: d["config"].pop("runs"), r"config lacks \['runs'\]"),
        (lambda d: d["cases"][1].pop("gflops"), r"cases\[1\] lacks \['gflops'\]"),
        (lambda d: d["cases"][0].update(runs=17), r"cases\[0\]\['runs'\] must hold 5"),
        (lambda d: d["cases"][2]["runs"].pop(), r"cases\[2\]\['runs'\] must hold 5"),
        (lambda d: d["sweep"][0]["runs"].__setitem__(0, -1.0), r"sweep\[0\]\['runs'\]"),
        (lambda d: d["limits"]["big"].pop("gflops"), r"limits\['big'\] lacks \['gflops'\]"),
        (lambda d: d["limits"].pop("layer"), r"limits lacks \['layer'\]"),
    ],
)
def test_malformed_documents_are_refused(tmp_path, shipped, edit, match):
    doc = copy.deepcopy(shipped)
    edit(doc)
    path = tmp_path / "cpu.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(ValueError, match=match):
        load_results(path=path)
    with pytest.raises(ValueError, match=match):
        save_results(doc, path)


def test_broken_json_is_refused(tmp_path):
    path = tmp_path / "cpu.json"
    path.write_text("{not json")
    with pytest.raises(ValueError, match="not valid JSON"):
        load_results(path=path)


def test_results_path_rejects_unknown_devices():
    with pytest.raises(ValueError, match="device must be one of"):
        results_path("gpu")
