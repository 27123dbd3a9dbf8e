"""The hand-set networks of Question 3 against their target formulas, written out here."""

import math

import numpy as np
import pytest
import torch
from torch import nn

from hw1.handcrafted import (
    max_abs_error,
    parameter_rows,
    run_on_grid,
    soft_threshold,
    soft_threshold_net,
    tent,
    tent_net,
    xnor,
    xnor_net,
    xnor_sigmoid_error_bound,
    xnor_truth_table,
)

THRESHOLDS = [0.0, 0.25, 0.3, 1.0, math.pi / 2, 2.75]


# -- oracles: the formulas of the question, one point at a time in plain Python ---------


def tent_formula(x: float) -> float:
    if 0 <= x <= 0.5:
        return 2 * x
    if 0.5 <= x <= 1:
        return 2 * (1 - x)
    return 0.0


def soft_threshold_formula(x: float, s: float) -> float:
    return max(abs(x) - s, 0.0) * math.copysign(1.0, x) if x != 0 else 0.0


def grid(dtype=torch.float64):
    """A dense grid over [-3, 3] (non-dyadic step) plus the points of a dyadic grid."""
    dense = torch.linspace(-3, 3, 6001, dtype=dtype)
    dyadic = torch.arange(-3 * 256, 3 * 256 + 1, dtype=dtype) / 256
    return torch.cat([dense, dyadic])


def oracle(fn, x: torch.Tensor) -> torch.Tensor:
    return torch.tensor([fn(v) for v in x.tolist()], dtype=x.dtype)


# -- XNOR ------------------------------------------------------------------------------


BINARY = torch.tensor([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=torch.float64)
EXPECTED_XNOR = torch.tensor([1.0, 0.0, 0.0, 1.0], dtype=torch.float64)


def test_relu_xnor_is_exact_on_the_truth_table():
    net = xnor_net("relu", dtype=torch.float64)
    with torch.no_grad():
        out = net(BINARY).squeeze(1)
    # exact: integer weights and 0/1 inputs, so every intermediate is a small integer
    assert torch.equal(out, EXPECTED_XNOR)


def test_sigmoid_xnor_is_within_the_stated_margin():
    net = xnor_net("sigmoid", dtype=torch.float64)
    with torch.no_grad():
        out = net(BINARY).squeeze(1)
    bound = 2 / (1 + math.exp(5))  # 2 sigmoid(-c/2) with c = 10
    assert xnor_sigmoid_error_bound() == pytest.approx(bound, rel=1e-15)
    assert (out - EXPECTED_XNOR).abs().max() <= bound + 1e-12
    assert bound < 0.014
    assert torch.equal((out > 0.5).double(), EXPECTED_XNOR)  # exact: 0/1 decisions


def test_relu_xnor_is_one_minus_abs_difference_off_the_corners():
    gen = torch.Generator().manual_seed(0)
    x = torch.rand(500, 2, generator=gen, dtype=torch.float64) * 4 - 2
    with torch.no_grad():
        out = xnor_net(dtype=torch.float64)(x).squeeze(1)
    torch.testing.assert_close(out, 1 - (x[:, 0] - x[:, 1]).abs(), rtol=0, atol=1e-12)


@pytest.mark.parametrize("activation", ["relu", "sigmoid"])
def test_truth_table_rows(activation):
    rows = xnor_truth_table(xnor_net(activation))
    assert [(r["x1"], r["x2"]) for r in rows] == [(0, 0), (0, 1), (1, 0), (1, 1)]
    for r in rows:
        expected = int(r["x1"] == r["x2"])
        assert r["target"] == expected
        assert r["decision"] == expected
        assert abs(r["output"] - expected) < 0.014


def test_xnor_target_matches_definition():
    assert torch.equal(xnor(BINARY), EXPECTED_XNOR)  # exact: 0/1 from a comparison
    assert xnor(BINARY.long()).dtype == torch.float32


def test_xnor_rejects_bad_input():
    with pytest.raises(ValueError, match=r"\(N, 2\)"):
        xnor(torch.zeros(4, 3))
    with pytest.raises(ValueError, match="0 and 1"):
        xnor(torch.tensor([[0.5, 1.0]]))
    with pytest.raises(ValueError, match="activation must be one of"):
        xnor_net("tanh")


# -- tent --------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_tent_net_matches_formula_on_dense_grid(dtype):
    x = grid(dtype)
    expected = oracle(tent_formula, x)
    got = run_on_grid(tent_net(dtype=dtype), x)
    torch.testing.assert_close(got, expected, rtol=0, atol=4 * torch.finfo(dtype).eps)


def test_tent_net_is_bit_exact_on_dyadic_points_and_kinks():
    x = torch.tensor(
        [-3.0, -1e-9, 0.0, 0.25, 0.5, 0.75, 1.0, 1.0 + 2**-20, 3.0], dtype=torch.float64
    )
    x = torch.cat([x, torch.arange(-1024, 1025, dtype=torch.float64) / 256])
    assert torch.equal(run_on_grid(tent_net(dtype=torch.float64), x), oracle(tent_formula, x))


def test_tent_net_has_the_stated_weights():
    net = tent_net()
    assert [m.__class__ for m in net] == [nn.Linear, nn.ReLU, nn.Linear]
    # exact: the weights are set from these dyadic literals, with no arithmetic
    assert net.hidden.weight.flatten().tolist() == [1.0, 1.0, 1.0]
    assert net.hidden.bias.tolist() == [0.0, -0.5, -1.0]
    assert net.output.weight.flatten().tolist() == [2.0, -4.0, 2.0]
    assert net.output.bias.tolist() == [0.0]


def test_tent_target_matches_formula():
    x = grid()
    # exact: 2x and 2(1 - x) elementwise are the formula's own correctly rounded operations
    assert torch.equal(tent(x), oracle(tent_formula, x))


# -- soft threshold ----------------------------------------------------------------------


@pytest.mark.parametrize("s", THRESHOLDS)
def test_soft_threshold_net_matches_formula(s):
    x = torch.cat([grid(), torch.tensor([-s, s, 0.0, -s - 1e-9, s + 1e-9], dtype=torch.float64)])
    expected = oracle(lambda v: soft_threshold_formula(v, s), x)
    got = run_on_grid(soft_threshold_net(s, dtype=torch.float64), x)
    torch.testing.assert_close(got, expected, rtol=0, atol=1e-15)
    assert max_abs_error(soft_threshold_net(s), lambda t: soft_threshold(t, s), x.float()) < 1e-6


def test_soft_threshold_at_zero_is_the_identity():
    x = grid()
    net = soft_threshold_net(0.0, dtype=torch.float64)
    # exact: relu(x) - relu(-x) has one nonzero term, +-x times a weight of +-1
    assert torch.equal(run_on_grid(net, x), x)


@pytest.mark.parametrize("s", THRESHOLDS)
def test_soft_threshold_target_matches_formula(s):
    x = grid()
    expected = oracle(lambda v: soft_threshold_formula(v, s), x)
    torch.testing.assert_close(soft_threshold(x, s), expected, rtol=0, atol=1e-15)


@pytest.mark.parametrize("bad", [-0.1, -1, float("nan"), float("inf"), np.float32(-0.5)])
def test_soft_threshold_rejects_bad_s(bad):
    with pytest.raises(ValueError, match="s must be"):
        soft_threshold_net(bad)
    with pytest.raises(ValueError, match="s must be"):
        soft_threshold(torch.zeros(3), bad)


@pytest.mark.parametrize("bad", ["1", None, True, torch.tensor(1.0)])
def test_soft_threshold_rejects_non_numbers(bad):
    with pytest.raises(TypeError, match="s must be a real number"):
        soft_threshold_net(bad)
    with pytest.raises(TypeError, match="s must be a real number"):
        soft_threshold(torch.zeros(3), bad)


@pytest.mark.parametrize("s", [np.float32(0.5), np.float64(0.5), np.int64(1), 1])
def test_soft_threshold_accepts_numpy_and_int_thresholds(s):
    x = torch.linspace(-3, 3, 601, dtype=torch.float64)
    expected = oracle(lambda v: soft_threshold_formula(v, float(s)), x)
    torch.testing.assert_close(soft_threshold(x, s), expected, rtol=0, atol=1e-15)
    got = run_on_grid(soft_threshold_net(s, dtype=torch.float64), x)
    torch.testing.assert_close(got, expected, rtol=0, atol=1e-15)


# -- helpers and argument checks ----------------------------------------------------------


def test_max_abs_error_is_the_largest_gap():
    x = torch.linspace(0, 1, 11)
    assert max_abs_error(tent_net(), lambda t: torch.zeros_like(t), x) == pytest.approx(1.0)


def test_bad_arguments_raise_the_documented_errors():
    with pytest.raises(ValueError, match=r"x must have shape \(N,\)"):
        run_on_grid(tent_net(), torch.zeros(3, 1))
    with pytest.raises(ValueError, match="x must be a floating-point tensor"):
        run_on_grid(tent_net(), torch.arange(3))
    with pytest.raises(TypeError, match=r"net must be a torch\.nn\.Module"):
        run_on_grid(lambda t: t, torch.zeros(3))
    with pytest.raises(TypeError, match="target must be callable"):
        max_abs_error(tent_net(), 0.0, torch.zeros(3))
    with pytest.raises(ValueError, match="floating"):
        tent(torch.arange(3))
    with pytest.raises(TypeError, match=r"x must be a torch\.Tensor"):
        tent([0.0, 1.0])
    with pytest.raises(TypeError, match=r"x must be a torch\.Tensor"):
        xnor([[0, 1]])
    with pytest.raises(ValueError, match="dtype must be a floating-point dtype"):
        tent_net(dtype=torch.int64)
    with pytest.raises(TypeError, match=r"dtype must be a torch\.dtype"):
        soft_threshold_net(0.5, dtype="float64")
    with pytest.raises(TypeError, match="activation must be a str"):
        xnor_net(1)
    with pytest.raises(TypeError, match=r"net must be a torch\.nn\.Module"):
        xnor_truth_table(None)
    with pytest.raises(TypeError, match=r"net must be a torch\.nn\.Module"):
        parameter_rows([])


def test_parameter_rows_list_every_unit():
    rows = parameter_rows(soft_threshold_net(0.5))
    assert [(r["layer"], r["unit"]) for r in rows] == [("hidden", 0), ("hidden", 1), ("output", 0)]
    assert [r["weights"] for r in rows] == ["[1]", "[-1]", "[1, -1]"]
    assert [r["bias"] for r in rows] == [-0.5, -0.5, 0.0]  # exact: -s itself, s = 0.5
