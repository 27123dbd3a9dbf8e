"""hw1.bench.limits: op counting against counts derived by hand, and the limit timings."""

from __future__ import annotations

import math

import pytest
import torch

from hw1.bench.config import BenchConfig
from hw1.bench.limits import dispatched_ops, measure_limits
from hw1.bench.methods import benchmark_problem, timed_call
from hw1.jacobian import jacobian_forward


@pytest.mark.parametrize("L", [1, 2, 3])
def test_op_counting_sees_every_operation_of_jacobian_forward(L):
    """Count by hand from the algorithm of jacobian_forward for one input.

    Setup 4: x as a column, its product with W1, tanh, d = 1 - h^2. Tangents of layer 1:
    W1 * d, 1. Second set of buffers: 3. Each further layer: two products, tanh,
    1 - h^2, the scaling, 5. Output: one product. In all 4 + 1 + 3 + 5 (L - 1) + 1.
    """
    weights, x = benchmark_problem(2, 3, 2, L, None, dtype=torch.float64)
    jacobian_forward(weights, x)  # the first call per dtype also makes its cached constant
    ops = dispatched_ops(jacobian_forward, weights, x)
    assert len(ops) == 4 + 1 + 3 + 5 * (L - 1) + 1
    assert ops.count("mm") == 2 * (L - 1) + 2


def test_op_counting_sees_the_backward_pass():
    weights, x = benchmark_problem(2, 3, 2, 2, None, dtype=torch.float64)
    fn, args = timed_call("reverse_batched", "columns", weights, x)
    ops = dispatched_ops(fn, *args)
    # The forward pass: one mv per layer (3) and a tanh per hidden layer (2); the
    # backward pass: at least one tanh backward per hidden layer, and more products.
    assert ops.count("tanh") == 2 and ops.count("tanh_backward") >= 2
    assert ops.count("mv") + ops.count("mm") + ops.count("bmm") > 3


def test_measure_limits_times_the_floor_the_products_and_the_layer():
    config = BenchConfig(Ls=(2,), batches=(8,), big=16, min_run_time=0.001, rounds=1)
    limits = measure_limits("cpu", config)
    assert limits["op"]["median_s"] > 0 and limits["validation"]["median_s"] > 0
    assert limits["same_shape"]["shape"] == [30, 30, 16] and limits["big"]["shape"] == [16] * 3
    for key in ("same_shape", "big"):
        flops = 2 * math.prod(limits[key]["shape"])
        # exact: the same expression on the same numbers as measure_limits evaluates
        assert limits[key]["gflops"] == flops / limits[key]["median_s"] / 1e9
    assert "sigmoid" in limits["layer"] and "torch.tanh (not used)" in limits["layer"]
