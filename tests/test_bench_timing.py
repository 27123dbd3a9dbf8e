"""hw1.bench.timing: the interleaved timing harness and the device check."""

from __future__ import annotations

import pytest
import torch

from hw1.bench.timing import DEVICES, check_device, time_methods


def test_time_methods_times_every_call_in_rounds():
    calls = {"add": (torch.add, (torch.ones(3), 1)), "neg": (torch.neg, (torch.ones(3),))}
    result = time_methods(calls, min_run_time=0.002, rounds=2)
    assert set(result) == {"add", "neg"}
    for t in result.values():
        assert t["blocks"] >= 2  # at least one block per round
        assert 0 < t["min_s"] <= t["median_s"] and t["iqr_s"] >= 0


def test_time_methods_restores_the_thread_count():
    before = torch.get_num_threads()
    time_methods({"a": (torch.add, (1, 1))}, min_run_time=1e-4, rounds=1, num_threads=1)
    assert torch.get_num_threads() == before


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"min_run_time": 0}, ValueError, "min_run_time must be > 0"),
        ({"rounds": 2.0}, TypeError, "rounds must be an int"),
        ({"num_threads": 0}, ValueError, "num_threads must be >= 1"),
    ],
)
def test_time_methods_rejects_bad_settings(kwargs, error, match):
    with pytest.raises(error, match=match):
        time_methods({"a": (torch.add, (1, 1))}, **kwargs)


def test_check_device():
    assert check_device("cpu") == "cpu" and DEVICES == ("cpu", "cuda")
    with pytest.raises(ValueError, match="device must be one of"):
        check_device("tpu")
    with pytest.raises(TypeError, match="device must be a str"):
        check_device(0)


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the message when CUDA is absent")
def test_cuda_without_a_gpu_is_refused():
    with pytest.raises(ValueError, match=r"torch\.cuda\.is_available"):
        check_device("cuda")
