"""hw1.jacobian against torch.nn, torch.func.jacrev/jacfwd and torch's FLOP counter."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils.flop_counter import FlopCounterMode

from hw1.jacobian import (
    init_weights,
    jacobian_central_difference,
    jacobian_forward,
    jacobian_reverse,
    jacobian_reverse_manual,
    mlp,
    multiply_counts,
    network_sizes,
)

# torch.func.jacfwd makes torch script a few decompositions on first use, which warns
# from inside torch; it says nothing about the code under test.
pytestmark = pytest.mark.filterwarnings("ignore:.*torch.jit.script.*:FutureWarning")

JACOBIANS = [jacobian_reverse, jacobian_forward, jacobian_reverse_manual]
TOL = {torch.float32: {"rtol": 1e-4, "atol": 1e-5}, torch.float64: {"rtol": 1e-10, "atol": 1e-12}}


def _sequential(weights):
    """The same network built from torch.nn layers, independently of hw1.jacobian.mlp."""
    L = len(weights) - 1
    layers = []
    for key in [f"W{i}" for i in range(1, L + 1)]:
        K, D = weights[key].shape
        linear = torch.nn.Linear(D, K, bias=False, dtype=weights[key].dtype)
        linear.weight.data.copy_(weights[key])
        layers += [linear, torch.nn.Tanh()]
    P, K = weights["WF"].shape
    out = torch.nn.Linear(K, P, bias=False, dtype=weights["WF"].dtype)
    out.weight.data.copy_(weights["WF"])
    model = torch.nn.Sequential(*layers, out)
    model.requires_grad_(False)
    return model


def _problem(D, K, P, L, N, dtype, seed=0):
    g = torch.Generator().manual_seed(seed)
    weights = init_weights(D, K, P, L, generator=g, dtype=dtype)
    shape = (D,) if N is None else (N, D)
    # Inputs of size about 1.5 so the tanh layers are in their curved range.
    return weights, 1.5 * torch.randn(shape, generator=g, dtype=dtype)


def _oracles(weights, x):
    model = _sequential(weights)
    if x.dim() == 1:
        return torch.func.jacrev(model)(x), torch.func.jacfwd(model)(x)
    return torch.vmap(torch.func.jacrev(model))(x), torch.vmap(torch.func.jacfwd(model))(x)


# -- the network ---------------------------------------------------------------------


def test_init_weights_keys_shapes_and_seed():
    w = init_weights(3, 7, 4, 5, generator=torch.Generator().manual_seed(1))
    assert list(w) == ["W1", "W2", "W3", "W4", "W5", "WF"]
    assert w["W1"].shape == (7, 3) and w["W3"].shape == (7, 7) and w["WF"].shape == (4, 7)
    again = init_weights(3, 7, 4, 5, generator=torch.Generator().manual_seed(1))
    assert all(torch.equal(w[k], again[k]) for k in w)  # exact: same seed, same generator
    assert all(v.dtype == torch.float32 for v in w.values())
    w64 = init_weights(L=1, dtype=torch.float64)
    assert list(w64) == ["W1", "WF"] and w64["W1"].dtype == torch.float64
    assert network_sizes(init_weights()) == (2, 30, 10, 3)


def test_init_weights_variance_is_one_over_fan_in():
    w = init_weights(2, 400, 300, 2, generator=torch.Generator().manual_seed(0))
    assert w["W2"].var().item() == pytest.approx(1 / 400, rel=0.02)
    assert w["WF"].var().item() == pytest.approx(1 / 400, rel=0.02)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"L": 0}, ValueError, "L must be >= 1"),
        ({"K": -3}, ValueError, "K must be >= 1"),
        ({"D": 2.0}, TypeError, "D must be an int"),
        ({"P": True}, TypeError, "P must be an int"),
        ({"dtype": torch.int64}, ValueError, "dtype must be a floating-point dtype"),
        ({"dtype": "float32"}, TypeError, "dtype must be a torch.dtype"),
    ],
)
def test_init_weights_rejects_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        init_weights(**kwargs)


@pytest.mark.parametrize("L", [1, 3, 10])
@pytest.mark.parametrize("N", [None, 6])
def test_mlp_matches_torch_nn(L, N):
    weights, x = _problem(3, 8, 4, L, N, torch.float64)
    torch.testing.assert_close(mlp(weights, x), _sequential(weights)(x), rtol=1e-12, atol=1e-12)


# -- the Jacobians against torch.func ------------------------------------------------------


@pytest.mark.parametrize("fn", JACOBIANS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=str)
@pytest.mark.parametrize("L", range(1, 11))
def test_assignment_sizes_against_jacrev_and_jacfwd(fn, dtype, L):
    for N in (None, 5):
        weights, x = _problem(2, 30, 10, L, N, dtype, seed=L)
        by_rev, by_fwd = _oracles(weights, x)
        got = fn(weights, x)
        assert got.shape == ((10, 2) if N is None else (N, 10, 2))
        torch.testing.assert_close(got, by_rev, **TOL[dtype])
        torch.testing.assert_close(got, by_fwd, **TOL[dtype])


@pytest.mark.parametrize("fn", JACOBIANS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=str)
@pytest.mark.parametrize(
    ("D", "K", "P", "L"), [(1, 5, 1, 2), (3, 7, 4, 4), (5, 4, 8, 3), (12, 16, 3, 6)]
)
def test_other_sizes_against_jacrev_and_jacfwd(fn, dtype, D, K, P, L):
    for N in (None, 1, 7):
        weights, x = _problem(D, K, P, L, N, dtype, seed=D + K)
        by_rev, by_fwd = _oracles(weights, x)
        got = fn(weights, x)
        assert got.shape == ((P, D) if N is None else (N, P, D))
        torch.testing.assert_close(got, by_rev, **TOL[dtype])
        torch.testing.assert_close(got, by_fwd, **TOL[dtype])


@pytest.mark.parametrize("L", [1, 3, 6])
def test_central_difference_against_jacrev(L):
    weights, x = _problem(2, 30, 10, L, None, torch.float64, seed=L)
    got = jacobian_central_difference(weights, x, eps=1e-6)
    torch.testing.assert_close(got, _oracles(weights, x)[0], rtol=1e-7, atol=1e-8)
    # Truncation error of order eps^2: a coarse step is visibly less accurate.
    coarse = jacobian_central_difference(weights, x, eps=1e-1)
    assert (coarse - got).abs().max() > 1e-5


def test_central_difference_accepts_numpy_steps():
    weights, x = _problem(2, 30, 10, 2, None, torch.float64)
    by_numpy = jacobian_central_difference(weights, x, eps=np.float32(1e-3))
    torch.testing.assert_close(by_numpy, jacobian_central_difference(weights, x, eps=1e-3))


@pytest.mark.parametrize(
    ("x", "eps", "error", "match"),
    [
        (torch.zeros(3, 2), 1e-6, ValueError, r"one input of shape \(D,\)"),
        (torch.zeros(2), 0.0, ValueError, "eps must be > 0"),
        (torch.zeros(2), float("inf"), ValueError, "eps must be finite"),
        (torch.zeros(2), "1e-3", TypeError, "eps must be a real number, got str"),
        (torch.zeros(2), True, TypeError, "eps must be a real number, got bool"),
    ],
)
def test_central_difference_rejects_bad_arguments(x, eps, error, match):
    with pytest.raises(error, match=match):
        jacobian_central_difference(init_weights(), x, eps)


@pytest.mark.parametrize("fn", JACOBIANS, ids=lambda f: f.__name__)
def test_batch_rows_are_the_single_input_jacobians(fn):
    weights, X = _problem(2, 30, 10, 3, 4, torch.float64)
    batch = fn(weights, X)
    for n in range(4):
        torch.testing.assert_close(batch[n], fn(weights, X[n]), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("fn", JACOBIANS, ids=lambda f: f.__name__)
def test_non_contiguous_weights_and_inputs(fn):
    weights, X = _problem(3, 6, 4, 3, 5, torch.float64)
    strided = {k: v.T.contiguous().T for k, v in weights.items()}
    X_strided = X.T.contiguous().T
    assert not strided["W1"].is_contiguous() and not X_strided.is_contiguous()
    torch.testing.assert_close(fn(strided, X_strided), _oracles(weights, X)[0])


def test_jacobian_forward_uses_no_autograd(monkeypatch):
    """It still works with every autograd entry point disabled and gradients off."""

    def forbidden(*args, **kwargs):
        raise AssertionError("autograd was called")

    weights, X = _problem(2, 30, 10, 3, 4, torch.float64)
    expected = _oracles(weights, X)[0]
    for module, name in [
        (torch.autograd, "grad"),
        (torch.autograd, "backward"),
        (torch.Tensor, "backward"),
        (torch.autograd.forward_ad, "make_dual"),
        (torch.func, "jacrev"),
        (torch.func, "jacfwd"),
        (torch.func, "jvp"),
        (torch.func, "vjp"),
        (torch.func, "vmap"),
        (torch, "vmap"),
    ]:
        monkeypatch.setattr(module, name, forbidden)
    with torch.no_grad():
        for fn in (jacobian_forward, jacobian_reverse_manual):
            torch.testing.assert_close(fn(weights, X), expected)
            torch.testing.assert_close(fn(weights, X[0]), expected[0])


def test_jacobian_reverse_works_without_grad_mode_and_leaves_x_alone():
    weights, x = _problem(2, 30, 10, 3, None, torch.float64)
    x.requires_grad_(True)
    with torch.no_grad():
        J = jacobian_reverse(weights, x)
    assert x.grad is None and J.grad_fn is None
    torch.testing.assert_close(J, _oracles(weights, x.detach())[0])


class _OpCounter(TorchDispatchMode):
    def __init__(self):
        super().__init__()
        self.ops = []

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        self.ops.append(func.overloadpacket.__name__)
        return func(*args, **(kwargs or {}))


def _ops(fn, L, N):
    weights, x = _problem(2, 30, 10, L, N, torch.float32)
    with _OpCounter() as counter:
        fn(weights, x)
    return counter.ops


def test_jacobian_forward_launches_the_operations_written_in_its_algorithm():
    """One input: the op sequence derived by hand from the algorithm, op by op.

    Setup: x as a column (unsqueeze); layer 1: the product W1 x, its tanh, d = 1 - h^2
    (addcmul), the tangents W1 * d (mul); the second buffer set (three empty_like).
    Each further layer: product, tanh, addcmul, the tangent product, the scaling (mul_).
    Output: one product. Five operations per layer, 5 L + 4 in all.
    """
    for L in (1, 2, 4):
        expected = ["unsqueeze", "mm", "tanh_", "addcmul", "mul"] + ["empty_like"] * 3
        expected += ["mm", "tanh_", "addcmul", "mm", "mul_"] * (L - 1) + ["mm"]
        assert _ops(jacobian_forward, L, None) == expected
        assert len(expected) == 5 * L + 4


def test_jacobian_forward_on_a_batch_adds_the_sigmoid_form_of_tanh():
    """A batch: tanh(z) = 2 sigmoid(2z) - 1, so a layer is six operations, not five.

    The views that scale each input's tangents are made once, before the loop.
    """
    short, long = _ops(jacobian_forward, 3, 8), _ops(jacobian_forward, 4, 8)
    extra = list(long)
    for op in short:
        extra.remove(op)
    assert sorted(extra) == sorted(["addmm", "sigmoid_", "add", "addcmul", "mm", "mul_"])


# -- part (e): the multiply counts against torch's FLOP counter ------------------------------


def _multiplies(fn, *args):
    with FlopCounterMode(display=False) as counter:
        fn(*args)
    return counter.get_total_flops() // 2  # the counter reports 2 flops per multiply-add


def _forward_ad(weights, X):
    """D dual passes through the network, as torch.autograd.forward_ad is used."""
    columns = []
    with torch.autograd.forward_ad.dual_level():
        for j in range(X.shape[-1]):
            seed = torch.zeros_like(X)
            seed[..., j] = 1
            dual = torch.autograd.forward_ad.make_dual(X, seed)
            y = mlp(weights, dual)
            columns.append(torch.autograd.forward_ad.unpack_dual(y).tangent)
    return torch.stack(columns, dim=-1)


def _reverse_loop(weights, X):
    """P separate backward passes, one seeded by each e_p."""
    Xr = X.detach().requires_grad_(True)
    y = mlp(weights, Xr)
    rows = []
    for p in range(y.shape[-1]):
        seed = torch.zeros_like(y)
        seed[..., p] = 1
        rows.append(torch.autograd.grad(y, Xr, seed, retain_graph=True)[0])
    return torch.stack(rows, dim=-2)


@pytest.mark.parametrize(("D", "K", "P", "L"), [(2, 30, 10, 3), (2, 30, 10, 10), (5, 7, 3, 4)])
@pytest.mark.parametrize("N", [None, 4])
def test_multiply_counts_match_the_flop_counter(D, K, P, L, N):
    weights, X = _problem(D, K, P, L, N, torch.float32)
    n = N or 1
    c = multiply_counts(D, K, P, L)
    f = lambda x: mlp(weights, x)  # noqa: E731
    jacrev = torch.func.jacrev(f) if N is None else torch.vmap(torch.func.jacrev(f))
    jacfwd = torch.func.jacfwd(f) if N is None else torch.vmap(torch.func.jacfwd(f))
    assert _multiplies(mlp, weights, X) == n * c["primal"]
    # The implementations against the counts as implemented ...
    assert _multiplies(jacobian_forward, weights, X) == n * c["jacobian_forward"]
    assert _multiplies(jacobian_reverse_manual, weights, X) == n * c["jacobian_reverse_manual"]
    for fn in (jacobian_reverse, _reverse_loop):
        assert _multiplies(fn, weights, X) == n * c["autograd_reverse"]
    assert _multiplies(jacrev, X) == n * c["autograd_reverse"]
    assert _multiplies(jacfwd, X) == n * c["autograd_jacfwd"]
    assert _multiplies(_forward_ad, weights, X) == n * c["autograd_forward_ad"]
    # ... and those against the ideal counts plus the extra terms the docstring names.
    assert c["jacobian_forward"] == c["forward_total"] - P * K
    assert c["autograd_reverse"] == c["reverse_total"] + P * P * K
    assert c["autograd_forward_ad"] == 2 * D * c["primal"] + c["forward"] + K * D * D


def test_multiply_counts_for_the_assignment():
    c = multiply_counts(2, 30, 10, 3)
    # By hand: primal 30*2 + 2*30*30 + 10*30; forward 2*30*30*2 + 10*30*2;
    # reverse 2*30*30*10 + 10*30*2.
    assert (c["primal"], c["forward"], c["reverse"]) == (2160, 4200, 18600)
    assert c["ratio"] == pytest.approx(20760 / 6360)
    # D = P: the two modes tie. exact: equal integer counts divide to exactly 1.
    assert multiply_counts(10, 30, 10, 5)["ratio"] == 1
    # L = 1: no hidden layer to multiply through, so the two modes tie whatever D and P.
    assert multiply_counts(2, 30, 10, 1)["forward"] == multiply_counts(2, 30, 10, 1)["reverse"]
    # Part (b) as autograd runs it, by hand: 20,760 + 10 * 10 * 30 for L = 3, 5, 10.
    assert [multiply_counts(L=L)["autograd_reverse"] for L in (3, 5, 10)] == [23760, 43560, 93060]
    with pytest.raises(ValueError, match="L must be >= 1"):
        multiply_counts(L=0)


# -- validation ------------------------------------------------------------------------------


def _weights():
    return init_weights(2, 30, 10, 3, generator=torch.Generator().manual_seed(0))


def _without(key):
    return {k: v for k, v in _weights().items() if k != key}


@pytest.mark.parametrize("fn", [mlp, *JACOBIANS, lambda w, x: network_sizes(w)])
@pytest.mark.parametrize(
    ("weights", "match"),
    [
        (lambda: _without("W2"), r"lacks 'W2' \(expected shape \(30, 30\)\).*gap at 2"),
        (lambda: _without("W1"), r"lacks 'W1' \(expected shape \(30, D\)"),
        (lambda: _without("WF"), r"lacks 'WF' \(expected shape \(P, 30\)"),
        (lambda: {**_without("W3"), "W4": torch.zeros(30, 30)}, r"lacks 'W3'.*gap at 3"),
        (
            lambda: {**_weights(), "W2": torch.zeros(30, 20)},
            r"'W2'.*20\); expected \(30, 30\)",
        ),
        (
            lambda: {**_weights(), "WF": torch.zeros(10, 20)},
            r"'WF'.*20\); expected \(10, 30\)",
        ),
        (lambda: {**_weights(), "b1": torch.zeros(30)}, r"unexpected key\(s\) \['b1'\]"),
        (lambda: {"WF": torch.zeros(10, 30)}, r"lacks 'W1' \(expected shape \(30, D\)"),
        (lambda: {**_weights(), "W1": torch.zeros(30)}, r"weights\['W1'\] must be 2-D"),
        (lambda: {**_weights(), "W3": torch.zeros(30, 30, dtype=torch.float64)}, r"'W3'.*float64"),
    ],
)
def test_bad_weights_raise_value_error_naming_the_key(fn, weights, match):
    with pytest.raises(ValueError, match=match):
        fn(weights(), torch.zeros(2))


@pytest.mark.parametrize("fn", [mlp, *JACOBIANS])
@pytest.mark.parametrize(
    ("weights", "x", "error", "match"),
    [
        ([1, 2], torch.zeros(2), TypeError, "weights must be a dict"),
        ({**_weights(), "W2": "W2"}, torch.zeros(2), TypeError, r"weights\['W2'\] must be a torch"),
        ({**_weights(), "W1": torch.zeros(30, 2, dtype=torch.int64)}, torch.zeros(2), ValueError,
         "floating dtype"),
        (_weights(), torch.zeros(3), ValueError, r"x has shape \(3,\); expected \(2,\) or \(N, 2"),
        (_weights(), torch.zeros(4, 2, 1), ValueError, r"x has shape \(4, 2, 1\)"),
        (_weights(), torch.zeros(2, dtype=torch.float64), ValueError, "x is torch.float64"),
        (_weights(), [0.0, 0.0], TypeError, "x must be a torch.Tensor"),
    ],
)  # fmt: skip
def test_bad_arguments_raise(fn, weights, x, error, match):
    with pytest.raises(error, match=match):
        fn(weights, x)
