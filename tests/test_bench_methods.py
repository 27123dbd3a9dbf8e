"""hw1.bench.methods: the timed calls against torch.func, their multiplies, the verify pass."""

from __future__ import annotations

import pytest
import torch
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils.flop_counter import FlopCounterMode

import hw1.jacobian
from hw1.bench import methods
from hw1.bench.methods import (
    AUTOGRAD_METHODS,
    LABELS,
    LAYOUTS,
    METHODS,
    MULTIPLY_KEYS,
    SWEEP_PAIRS,
    SWEEP_VARIANTS,
    benchmark_problem,
    timed_call,
    variants,
    verify_methods,
)
from hw1.jacobian import init_weights, jacobian_forward, mlp, multiply_counts

pytestmark = pytest.mark.filterwarnings("ignore:.*torch.jit.script.*:FutureWarning")

EPS64 = torch.finfo(torch.float64).eps


def _problem(D, K, P, L, N, seed=0):
    return benchmark_problem(D, K, P, L, N, dtype=torch.float64, seed=seed)


@pytest.mark.parametrize(("method", "layout"), variants())
@pytest.mark.parametrize(
    ("D", "K", "P", "L", "N"),
    [(3, 5, 4, 3, None), (2, 30, 10, 1, 3), (4, 6, 2, 5, None), (1, 7, 3, 2, 5)],
)
def test_every_timed_call_computes_the_jacobian(method, layout, D, K, P, L, N):
    weights, x = _problem(D, K, P, L, N, seed=D + L)
    jac = torch.func.jacrev(lambda v: mlp(weights, v))
    expected = jac(x) if N is None else torch.vmap(jac)(x)
    fn, args = timed_call(method, layout, weights, x)
    # float64, entries of order one, chains of at most L + 1 = 6 products of inner size
    # at most 30: rounding stays far below 1e-12 (about 200 eps); a wrong entry is O(1).
    torch.testing.assert_close(fn(*args), expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(("method", "layout"), variants(AUTOGRAD_METHODS))
@pytest.mark.parametrize("N", [None, 3])
def test_lean_baselines_validate_nothing_inside_the_timed_call(monkeypatch, method, layout, N):
    weights, x = _problem(2, 30, 10, 3, N)
    fn, args = timed_call(method, layout, weights, x)
    expected = jacobian_forward(weights, x)

    def forbidden(*args, **kwargs):
        raise AssertionError("validation ran inside the timed call")

    for name in ("split_weights", "check_input", "mlp", "network_sizes"):
        monkeypatch.setattr(hw1.jacobian, name, forbidden)
        monkeypatch.setattr(methods, name, forbidden, raising=False)
    # Two float64 evaluations in other orders: the default float64 tolerance of
    # assert_close (rtol 1e-7) is far above their rounding.
    torch.testing.assert_close(fn(*args), expected)


def test_the_hand_written_methods_are_timed_as_their_public_functions():
    weights, x = _problem(2, 30, 10, 3, None)
    assert timed_call("jacobian_forward", "columns", weights, x)[0] is jacobian_forward
    with pytest.raises(ValueError, match="layout must be one of"):
        timed_call("jacobian_forward", "rows", weights, x)
    with pytest.raises(ValueError, match="method must be one of"):
        timed_call("magic", "rows", weights, x)


@pytest.mark.parametrize("L", [1, 4])
def test_every_timed_call_performs_its_stated_multiplies(L):
    """Torch's FLOP counter, an independent oracle, against MULTIPLY_KEYS' counts."""
    weights, X = _problem(2, 30, 10, L, 3)
    counts = multiply_counts(2, 30, 10, L)
    for method, layout in variants():
        fn, args = timed_call(method, layout, weights, X)
        with FlopCounterMode(display=False) as counter:
            fn(*args)
        assert counter.get_total_flops() == 2 * 3 * counts[MULTIPLY_KEYS[method]], method


class _Products(TorchDispatchMode):
    """Record every matrix product below autograd and vmap: its multiplies and result."""

    def __init__(self) -> None:
        super().__init__()
        self.products: list[tuple[int, torch.Tensor]] = []

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        name = func.overloadpacket.__name__
        if name in ("mm", "mv", "bmm"):
            a, b = args[0].shape, args[1].shape
            multiplies = a.numel() * (b[-1] if name != "mv" else 1)
            self.products.append((multiplies, out.detach().clone()))
        return out


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize(("method", "passes"), [("jacfwd", 1), ("forward_ad", 2)])
def test_forward_modes_run_f_once_per_pass_and_multiply_zero_weight_tangents(
    layout, method, passes
):
    """A trace of the real products: where the forward modes' extra C_f comes from.

    jacfwd evaluates f once (each pre-activation of f is computed by exactly one
    product); forward_ad once per dual pass (D = 2). Each pass also multiplies every
    layer's input by the weights' zero tangent: products whose result is exactly zero,
    C_f multiplies per pass.
    """
    D, K, P, L = 2, 5, 3, 3  # distinct sizes, so no product is mistaken for another
    weights, x = _problem(D, K, P, L, None)
    fn, args = timed_call(method, layout, weights, x)
    with _Products() as trace:
        fn(*args)
    hidden, WF = hw1.jacobian.split_weights(weights)
    pre_activations, h = [], x
    for W in [*hidden, WF]:
        pre_activations.append(W @ h)
        h = torch.tanh(pre_activations[-1])
    # A dot product of at most K terms rounds within K eps of its terms' size (of order 1).
    tol = 4 * K * EPS64

    def of_f(out):
        return any(
            out.numel() == z.numel() and torch.allclose(out.reshape(-1), z, rtol=tol, atol=tol)
            for z in pre_activations
        )

    f_products = [m for m, out in trace.products if of_f(out)]
    zero_products = [m for m, out in trace.products if not out.any()]
    c = multiply_counts(D, K, P, L)
    assert len(f_products) == passes * (L + 1)
    assert sum(f_products) == passes * c["primal"]
    assert sum(zero_products) == passes * c["primal"]
    assert sum(m for m, _ in trace.products) == c[MULTIPLY_KEYS[method]]


def test_variants_pair_autograd_methods_with_both_layouts():
    pairs = variants()
    assert len(pairs) == 2 * len(AUTOGRAD_METHODS) + (len(METHODS) - len(AUTOGRAD_METHODS))
    assert ("forward_ad", "rows") in pairs and ("forward_ad", "columns") in pairs
    assert ("jacobian_forward", "rows") not in pairs
    with pytest.raises(ValueError, match="unknown name"):
        variants(["magic"])
    with pytest.raises(ValueError, match="methods is empty"):
        variants([])


def test_verify_methods_catches_a_wrong_method(monkeypatch):
    weights = init_weights(L=1)
    verify_methods(weights, torch.zeros(2))
    monkeypatch.setitem(methods._AUTOGRAD, "jacfwd", lambda primal, h, WF, x: torch.zeros(10, 2))
    with pytest.raises(AssertionError, match=r"'jacfwd' \(rows\) disagrees"):
        verify_methods(weights, torch.ones(2))


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_verify_methods_tolerance_is_rounding_not_a_wrong_entry(monkeypatch, dtype):
    """The float32 grid passes at L = 10; one entry off by 1e-3 of the largest fails."""
    weights, x = benchmark_problem(2, 30, 10, 10, 64, dtype=dtype, seed=3)
    verify_methods(weights, x)
    good = methods._AUTOGRAD["jacrev"]

    def off_by_a_little(primal, hidden, WF, x):
        jac = good(primal, hidden, WF, x)
        jac[0, 0, 0] += 1e-3 * jac.abs().max()
        return jac

    monkeypatch.setitem(methods._AUTOGRAD, "jacrev", off_by_a_little)
    with pytest.raises(AssertionError, match="'jacrev'"):
        verify_methods(weights, x)


def test_every_method_is_labelled_and_counted():
    assert set(LABELS) == set(METHODS) == set(MULTIPLY_KEYS)
    assert set(MULTIPLY_KEYS.values()) <= set(multiply_counts())
    assert {m for pair in SWEEP_PAIRS.values() for m in pair} == {m for m, _ in SWEEP_VARIANTS}


def test_make_problem_is_reproducible_and_shaped():
    w1, x1 = benchmark_problem(3, 4, 5, 2, 6, seed=7)
    w2, x2 = benchmark_problem(3, 4, 5, 2, 6, seed=7)
    assert x1.shape == (6, 3) and hw1.jacobian.network_sizes(w1) == (3, 4, 5, 2)
    # exact: the same generator seed draws the same numbers with the same kernel
    assert torch.equal(x1, x2) and all(torch.equal(w1[k], w2[k]) for k in w1)
    assert benchmark_problem(3, 4, 5, 2, None)[1].shape == (3,)
