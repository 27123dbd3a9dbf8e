"""hw1.bench.config: the benchmark's one configuration object."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from hw1.bench.config import LIVE, QUICK, BenchConfig
from hw1.bench.results import load_results


def test_defaults_are_the_grid_of_the_stored_results():
    stored = load_results("cpu")
    assert stored is not None
    notes = ("timer", "op_counter", "per_op")  # added by run_benchmark
    # exact: JSON stores repr(float), which reads back as the same double (0.2 here)
    assert BenchConfig().to_json() == {k: v for k, v in stored["config"].items() if k not in notes}


def test_sequences_are_checked_and_stored_as_tuples():
    config = BenchConfig(Ls=[np.int64(3), 5], batches=[None, 8], sweep_Ds=[])
    assert config.Ls == (3, 5) and type(config.Ls[0]) is int
    assert config.batches == (None, 8) and config.sweep_Ds == ()
    assert config.limits_L == 5 and config.limits_N == 8
    assert BenchConfig(batches=(None,), sweep_N=64).limits_N == 64


def test_the_config_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        BenchConfig().runs = 3


@pytest.mark.parametrize(
    ("fields", "error", "match"),
    [
        ({"runs": 0}, ValueError, "runs must be >= 1"),
        ({"K": 2.5}, TypeError, "K must be an int"),
        ({"Ls": ()}, ValueError, "Ls is empty"),
        ({"Ls": "3,5"}, TypeError, "Ls must be a sequence"),
        ({"Ls": (3, 0)}, ValueError, r"Ls\[1\] must be >= 1"),
        ({"batches": (None, -4)}, ValueError, r"batches\[1\] must be >= 1"),
        ({"sweep_Ds": (1, True)}, TypeError, r"sweep_Ds\[1\] must be an int"),
        ({"min_run_time": 0.0}, ValueError, "min_run_time must be > 0"),
        ({"dtype": torch.int64}, ValueError, "dtype must be a floating-point dtype"),
        ({"dtype": "float32"}, TypeError, "dtype must be a torch.dtype"),
        ({"seed": -1}, ValueError, "seed must be >= 0"),
        ({"num_threads": 0}, ValueError, "num_threads must be >= 1"),
    ],
)
def test_bad_fields_are_refused_by_name(fields, error, match):
    with pytest.raises(error, match=match):
        BenchConfig(**fields)


def test_the_presets_are_short():
    assert QUICK.runs == 2 and QUICK.Ls == (1,)
    # The live fallback keeps the stored grid, so every table of the example has its rows.
    grid = ("Ls", "batches", "sweep_Ds", "D", "K", "P", "sweep_L", "sweep_N")
    assert all(getattr(LIVE, f) == getattr(BenchConfig(), f) for f in grid)
    assert LIVE.runs * LIVE.min_run_time < BenchConfig().runs * BenchConfig().min_run_time / 50
