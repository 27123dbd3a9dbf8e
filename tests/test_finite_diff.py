"""hw1.finite_diff against autograd, closed-form truncation errors and brute force."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from hw1.finite_diff import (
    best_step,
    compare_gradients,
    error_slopes,
    numerical_gradient,
    step_size_sweep,
)


def _autograd(f, t):
    leaf = t.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(f(leaf), leaf)
    return grad


def _gen(seed):
    return torch.Generator().manual_seed(seed)


# Scalar functions of tensors of several shapes, none related to the Question 1 network.
FUNCTIONS = {
    "sin-times-square": (lambda t: (torch.sin(t) * t**2).sum(), (7,)),
    "logsumexp": (lambda t: torch.logsumexp(t, dim=(0, 1)), (3, 4)),
    "quadratic-form": (
        lambda t: t @ torch.arange(16.0, dtype=t.dtype).reshape(4, 4).sin() @ t,
        (4,),
    ),
    "log-det": (lambda t: torch.logdet(t @ t.T + torch.eye(3, dtype=t.dtype)), (3, 3)),
    "norm-3d": (lambda t: torch.linalg.vector_norm(t * t + 1.0), (2, 3, 4)),
    "scalar-input": (lambda t: torch.exp(t) * torch.cos(3 * t), ()),
}


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
@pytest.mark.parametrize("seed", [0, 1])
def test_numerical_gradient_matches_autograd(name, seed):
    f, shape = FUNCTIONS[name]
    t = torch.randn(shape, generator=_gen(seed), dtype=torch.float64)
    estimate = numerical_gradient(f, t, eps=1e-6)
    assert estimate.shape == t.shape
    assert estimate.dtype == t.dtype
    torch.testing.assert_close(estimate, _autograd(f, t), rtol=1e-6, atol=1e-8)


def test_numerical_gradient_float32_is_close_with_a_larger_step():
    f, shape = FUNCTIONS["sin-times-square"]
    t = torch.randn(shape, generator=_gen(3), dtype=torch.float32)
    estimate = numerical_gradient(f, t, eps=1e-2)
    assert estimate.dtype == torch.float32
    torch.testing.assert_close(estimate, _autograd(f, t), rtol=1e-3, atol=1e-3)


def test_t_is_unchanged_and_f_sees_each_perturbation():
    t = torch.randn(2, 3, generator=_gen(4), dtype=torch.float64)
    before = t.clone()
    seen = []

    def f(x):
        seen.append(x.clone())
        return x.sum()

    numerical_gradient(f, t, eps=0.5)
    assert torch.equal(t, before)  # exact: t's own values are put back, not recomputed
    assert len(seen) == 2 * t.numel()
    # Every call changes exactly one entry of the original point, by +-eps.
    for x in seen:
        changed = (x - before).abs() > 0
        assert changed.sum() == 1
        assert torch.allclose((x - before)[changed].abs(), torch.tensor(0.5, dtype=x.dtype))


def test_t_is_unchanged_when_it_requires_grad_and_is_not_contiguous():
    base = torch.randn(3, 4, generator=_gen(5), dtype=torch.float64)
    t = base.T.requires_grad_(True)
    assert not t.is_contiguous()
    before = t.detach().clone()
    f = FUNCTIONS["logsumexp"][0]
    estimate = numerical_gradient(f, t)
    assert torch.equal(t.detach(), before)  # exact: t's own values are put back
    assert t.grad is None
    torch.testing.assert_close(estimate, _autograd(f, before), rtol=1e-6, atol=1e-8)


def test_f_may_return_a_python_float():
    t = torch.tensor([0.3, -1.2], dtype=torch.float64)
    estimate = numerical_gradient(lambda x: float((x**3).sum()), t)
    torch.testing.assert_close(estimate, 3 * t**2, rtol=1e-7, atol=1e-9)


def test_numpy_scalar_steps_are_real_numbers():
    t = torch.tensor([0.3, -1.2], dtype=torch.float64)
    f = lambda x: (x**3).sum()  # noqa: E731
    for eps in (np.float32(1e-6), np.float64(1e-6), 1e-6):
        torch.testing.assert_close(numerical_gradient(f, t, eps=eps), 3 * t**2, rtol=1e-6, atol=0)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"eps": 0.0}, ValueError, r"eps must be > 0"),
        ({"eps": -1e-6}, ValueError, r"eps must be > 0"),
        ({"eps": math.nan}, ValueError, r"eps must be finite"),
        ({"eps": "1e-3"}, TypeError, r"eps must be a real number, got str"),
        ({"eps": True}, TypeError, r"eps must be a real number, got bool"),
        ({"eps": 1e-9, "t": torch.ones(2)}, ValueError, r"resolution of torch\.float32"),
        ({"t": torch.ones(2, dtype=torch.int64)}, ValueError, "t must be a floating-point"),
        ({"t": [1.0, 2.0]}, TypeError, r"t must be a torch\.Tensor"),
        ({"f": 3}, TypeError, "f must be callable"),
        ({"f": lambda x: x * 2}, ValueError, "f must return a scalar"),
        ({"f": lambda x: "one"}, TypeError, "f must return a scalar tensor or float"),
    ],
)
def test_numerical_gradient_rejects_bad_input(kwargs, error, message):
    arguments = {"f": lambda x: x.sum(), "t": torch.ones(2, dtype=torch.float64), **kwargs}
    with pytest.raises(error, match=message):
        numerical_gradient(**arguments)


def test_compare_gradients_matches_brute_force():
    g = _gen(6)
    a = {"u": torch.randn(4, 3, generator=g), "v": torch.tensor(2.0), "w": torch.zeros(2)}
    b = {"u": torch.randn(4, 3, generator=g), "v": torch.tensor(-1.0), "w": torch.zeros(2)}
    result = compare_gradients(a, b)
    assert list(result) == list(b)
    for key in b:
        xs = a[key].reshape(-1).tolist()
        ys = b[key].reshape(-1).tolist()
        max_abs = max(abs(x - y) for x, y in zip(xs, ys, strict=True))
        rels = [
            abs(x - y) / max(abs(x), abs(y)) if max(abs(x), abs(y)) else 0.0
            for x, y in zip(xs, ys, strict=True)
        ]
        assert result[key]["max_abs"] == pytest.approx(max_abs, rel=1e-6)
        assert result[key]["max_rel"] == pytest.approx(max(rels), rel=1e-6)
        if key != "w":
            largest = max(abs(y) for y in ys)
            assert result[key]["scaled"] == pytest.approx(max_abs / largest, rel=1e-6)
    # exact: w is zeros on both sides, so every difference is exactly 0
    assert result["w"] == {"max_abs": 0.0, "max_rel": 0.0, "scaled": 0.0}
    only_reference_zero = compare_gradients({"w": torch.ones(2)}, {"w": torch.zeros(2)})
    assert only_reference_zero["w"]["scaled"] == math.inf  # exact: inf by definition
    assert result["v"]["max_rel"] == pytest.approx(1.5)


def test_compare_gradients_rejects_mismatches():
    with pytest.raises(ValueError, match=r"missing \['b'\]"):
        compare_gradients({"a": torch.ones(1)}, {"a": torch.ones(1), "b": torch.ones(1)})
    with pytest.raises(ValueError, match="shape"):
        compare_gradients({"a": torch.ones(2)}, {"a": torch.ones(3)})
    with pytest.raises(TypeError, match="computed must be a dict"):
        compare_gradients([torch.ones(1)], {"a": torch.ones(1)})


def test_step_size_sweep_follows_the_exact_truncation_error():
    # For f = sum(sin t) the central difference is cos(t) sin(h) / h exactly, so its
    # error is |cos t| (1 - sin(h)/h): the truncation part, with no model fitted.
    t = torch.linspace(-2.0, 2.0, 9, dtype=torch.float64)
    f = lambda x: torch.sin(x).sum()  # noqa: E731
    steps = [1e-1, 1e-2, 1e-5, 1e-12]
    rows = step_size_sweep(f, t, torch.cos(t), steps)
    assert [row["eps"] for row in rows] == steps
    for row in rows[:2]:
        h = row["eps"]
        expected = float(torch.cos(t).abs().max()) * (1 - math.sin(h) / h)
        assert row["max_abs"] == pytest.approx(expected, rel=1e-3)
    # Round-off: far below the best step the error grows again.
    assert rows[3]["max_abs"] > 100 * rows[2]["max_abs"]
    assert best_step(rows) == rows[2]  # exact: it returns one of the rows itself
    # Each record is what compare_gradients reports for that step.
    direct = compare_gradients({"t": numerical_gradient(f, t, eps=1e-2)}, {"t": torch.cos(t)})
    # exact: the same functions on the same data in the same process
    assert rows[1]["max_rel"] == direct["t"]["max_rel"]


def test_step_size_sweep_rejects_bad_input():
    t = torch.ones(3, dtype=torch.float64)
    f = lambda x: x.sum()  # noqa: E731
    with pytest.raises(ValueError, match="steps must hold at least one"):
        step_size_sweep(f, t, torch.ones(3), [])
    with pytest.raises(ValueError, match=r"reference must have shape \(3,\) like t"):
        step_size_sweep(f, t, torch.ones(4), [1e-3])
    with pytest.raises(TypeError, match=r"reference must be a torch\.Tensor"):
        step_size_sweep(f, t, [1.0, 1.0, 1.0], [1e-3])
    with pytest.raises(ValueError, match=r"steps\[1\] must be > 0"):
        step_size_sweep(f, t, torch.ones(3), [1e-3, -1.0])
    with pytest.raises(TypeError, match=r"steps\[0\] must be a real number"):
        step_size_sweep(f, t, torch.ones(3), ["1e-3"])


def test_best_step_rejects_bad_input():
    with pytest.raises(ValueError, match="rows must hold at least one"):
        best_step([])
    with pytest.raises(ValueError, match=r"rows\[0\] lacks key\(s\) \['max_rel'\]"):
        best_step([{"eps": 1.0, "max_abs": 0.0}], key="max_rel")
    with pytest.raises(ValueError, match="key must be one of"):
        best_step([{"eps": 1.0, "max_abs": 0.0}], key="eps")


def _least_squares_slope(xs, ys):
    """Slope of the least-squares line through (xs, ys), by the textbook formula."""
    x_mean, y_mean = sum(xs) / len(xs), sum(ys) / len(ys)
    covariance = sum((x - x_mean) * (y - y_mean) for x, y in zip(xs, ys, strict=True))
    return covariance / sum((x - x_mean) ** 2 for x in xs)


def test_error_slopes_recovers_exact_power_laws():
    # error = max(h^2, 1e-12 / h): best step 1e-4, slopes 2 above it and -1 below.
    steps = [10.0 ** (-k / 4) for k in range(0, 33)]
    rows = [{"eps": h, "scaled": max(h**2, 1e-12 / h)} for h in steps]
    slopes = error_slopes(rows)
    assert slopes["right"] == pytest.approx(2, abs=1e-9)
    assert slopes["left"] == pytest.approx(-1, abs=1e-9)


def test_error_slopes_matches_the_textbook_formula_on_noisy_errors():
    rng = np.random.default_rng(0)
    steps = [10.0 ** (-k / 3) for k in range(0, 25)]
    rows = [
        {"eps": h, "max_abs": max(h**2, 1e-10 / h) * 10 ** rng.uniform(-0.2, 0.2)} for h in steps
    ]
    slopes = error_slopes(rows, key="max_abs", max_step=0.05)
    best = min(rows, key=lambda row: row["max_abs"])["eps"]
    for side, keep in (("right", lambda h: best < h <= 0.05), ("left", lambda h: h < best)):
        branch = [row for row in rows if keep(row["eps"])]
        expected = _least_squares_slope(
            [math.log10(row["eps"]) for row in branch],
            [math.log10(row["max_abs"]) for row in branch],
        )
        assert slopes[side] == pytest.approx(expected, rel=1e-9)


def test_error_slopes_rejects_bad_arguments():
    rows = [{"eps": h, "scaled": max(h**2, 1e-12 / h)} for h in (1e-6, 1e-5, 1e-4, 1e-3, 1e-2)]
    with pytest.raises(ValueError, match="at least 2 steps right"):
        error_slopes(rows, max_step=2e-3)
    with pytest.raises(ValueError, match="max_step must be > 0"):
        error_slopes(rows, max_step=0.0)
    with pytest.raises(ValueError, match="key must be one of"):
        error_slopes(rows, key="mse")
