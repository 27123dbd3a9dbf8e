"""``python -m hw1.bench``: the command line."""

from __future__ import annotations

import runpy
import sys

import pytest
import torch

from hw1.bench.__main__ import main
from hw1.bench.methods import SWEEP_VARIANTS, variants
from hw1.bench.results import load_results

pytestmark = pytest.mark.filterwarnings("ignore:.*torch.jit.script.*:FutureWarning")


def test_command_line_quick_run_writes_json_and_reports_progress(tmp_path, capsys):
    assert main(["--quick", "--device", "cpu", "--out-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    total = 2 * len(variants()) + 2 * len(SWEEP_VARIANTS)
    assert f"[cpu 1/{total}]" in out and "-- run 2 of 2" in out and "Wrote" in out
    assert "forward/reverse crossover, by hand" in out
    doc = load_results(path=tmp_path / "cpu.json")
    assert doc["config"]["Ls"] == [1] and doc["config"]["runs"] == 2


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--L", "0"], "expected positive integers"),
        (["--runs", "0"], "runs must be >= 1"),
        (["--min-run-time", "-1"], "min_run_time must be > 0"),
        (["--device", "tpu"], "invalid choice"),
    ],
)
def test_bad_options_are_refused_with_a_message(tmp_path, capsys, argv, message):
    with pytest.raises(SystemExit):
        main([*argv, "--out-dir", str(tmp_path)])
    assert message in capsys.readouterr().err
    assert not (tmp_path / "cpu.json").exists()


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the message when CUDA is absent")
def test_cuda_without_a_gpu_is_refused_with_a_message(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["--device", "cuda", "--quick", "--out-dir", str(tmp_path)])
    assert "torch.cuda.is_available() is False" in capsys.readouterr().err


def test_python_dash_m_runs_the_package(monkeypatch, capsys):
    # What `python -m hw1.bench --help` runs: the package's __main__ as "__main__".
    monkeypatch.setattr(sys, "argv", ["hw1.bench", "--help"])
    monkeypatch.delitem(sys.modules, "hw1.bench.__main__")  # imported above; run it afresh
    with pytest.raises(SystemExit) as exit_:
        runpy.run_module("hw1.bench", run_name="__main__")
    assert exit_.value.code == 0
    assert capsys.readouterr().out.startswith("usage: python -m hw1.bench")
