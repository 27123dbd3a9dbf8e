"""hw1.logcosh against autograd, torch.autograd.gradcheck, mpmath and torch.func."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from hw1.logcosh import (
    GRADIENT_KEYS,
    PARAM_KEYS,
    autograd_gradients,
    cost,
    finite_difference_gradients,
    init_params,
    log_cosh,
    manual_gradients,
    partial_cost,
    predict,
    random_data,
    random_problem,
)


def _problem(seed, n_samples, n_features, n_hidden, distribution="gaussian", scale=3.0):
    """Random parameters and data; targets scaled so residuals fall on both sides of |r| = 1."""
    g = torch.Generator().manual_seed(seed)
    params = init_params(n_features, n_hidden, generator=g)
    X, y = random_data(n_samples, n_features, distribution=distribution, generator=g)
    return params, X, scale * y


# (N, D, H): the assignment's 20 x 10 layer and larger, non-square ones.
SHAPES = [(1, 10, 20), (16, 10, 20), (64, 13, 20), (50, 30, 40), (9, 64, 17), (200, 7, 3)]


# -- the model ------------------------------------------------------------------------------


def test_init_params_shapes_dtype_and_reproducibility():
    params = init_params(13, 20, generator=torch.Generator().manual_seed(1))
    assert list(params) == list(PARAM_KEYS)
    assert params["W1"].shape == (20, 13)
    assert params["b1"].shape == (20,)
    assert params["w2"].shape == (20,)
    assert params["b2"].shape == ()
    assert all(p.dtype == torch.float64 for p in params.values())
    assert params["W1"].abs().max() <= 1 / 13**0.5
    again = init_params(13, 20, generator=torch.Generator().manual_seed(1))
    # exact: the same seed draws the same numbers
    assert all(torch.equal(params[k], again[k]) for k in PARAM_KEYS)
    assert init_params(dtype=torch.float32)["W1"].dtype == torch.float32


def test_random_problem_is_one_problem_in_every_precision():
    p64, X64, y64 = random_problem(12, 7, 5, distribution="uniform", seed=4, target_scale=2.0)
    p32, X32, y32 = random_problem(
        12, 7, 5, distribution="uniform", seed=4, target_scale=2.0, dtype=torch.float32
    )
    assert X64.shape == (12, 7) and y64.shape == (12,) and p64["W1"].shape == (5, 7)
    assert X32.dtype == y32.dtype == p32["w2"].dtype == torch.float32
    # exact: both are the same float64 draw rounded once to float32
    assert torch.equal(X32, X64.float()) and torch.equal(y32, y64.float())
    assert all(torch.equal(p32[k], p64[k].float()) for k in PARAM_KEYS)
    assert X64.abs().max() <= 1 and y64.abs().max() <= 2


def test_predict_matches_torch_functional_layers():
    params, X, _ = _problem(0, 11, 10, 20)
    hidden = torch.tanh(F.linear(X, params["W1"], params["b1"]))
    expected = F.linear(hidden, params["w2"][None, :], params["b2"][None]).squeeze(1)
    out = predict(params, X)
    assert out.shape == (11,)
    torch.testing.assert_close(out, expected, rtol=1e-12, atol=1e-12)


def _mp_log_cosh(values):
    mpmath.mp.dps = 40
    return torch.tensor(
        [float(mpmath.log(mpmath.cosh(mpmath.mpf(float(v))))) for v in values],
        dtype=torch.float64,
    )


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_log_cosh_is_correct_to_rounding_up_to_1e4(dtype):
    magnitudes = torch.logspace(-6, 4, 301, dtype=dtype)
    r = torch.cat([magnitudes, -magnitudes, torch.tensor([0.0, 1.0, -1.0], dtype=dtype)])
    out = log_cosh(r)
    assert out.dtype == dtype
    assert torch.isfinite(out).all()
    reference = _mp_log_cosh(r)
    # A few units in the last place of the result's own dtype.
    torch.testing.assert_close(
        out.double(), reference, rtol=4 * torch.finfo(dtype).eps, atol=torch.finfo(dtype).tiny
    )


def test_naive_log_cosh_overflows_where_the_stable_one_does_not():
    r = torch.tensor([100.0, 1e4, -1e4], dtype=torch.float32)
    assert torch.isinf(torch.log(torch.cosh(r))).all()
    torch.testing.assert_close(log_cosh(r), r.abs() - torch.log(torch.tensor(2.0)))


def test_naive_log_cosh_is_zero_below_3e_4_in_float32_where_the_stable_one_is_not():
    # The page on Question 1 quotes this threshold: cosh r rounds to 1 in float32.
    small = torch.tensor([1e-6, 1e-4, 3e-4], dtype=torch.float32)
    # exact: cosh rounds to 1 there, and log(1) is 0
    assert torch.all(torch.log(torch.cosh(small)) == 0)
    assert torch.log(torch.cosh(torch.tensor(4e-4))) > 0
    torch.testing.assert_close(log_cosh(small), small.square() / 2, rtol=1e-6, atol=0)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_log_cosh_gradient_is_tanh(dtype):
    magnitudes = torch.logspace(-6, 4, 201, dtype=dtype)
    r = torch.cat([magnitudes, -magnitudes, torch.tensor([0.0], dtype=dtype)])
    r.requires_grad_(True)
    (grad,) = torch.autograd.grad(log_cosh(r).sum(), r)
    assert torch.isfinite(grad).all()
    expected = torch.tanh(r.detach())
    torch.testing.assert_close(grad, expected, rtol=4 * torch.finfo(dtype).eps, atol=0.0)


def test_log_cosh_gradcheck():
    r = torch.tensor([-30.0, -2.5, -1.0, -0.3, 0.0, 1e-4, 0.7, 1.0, 1.5, 40.0], dtype=torch.float64)
    assert torch.autograd.gradcheck(log_cosh, (r.requires_grad_(True),))
    assert torch.autograd.gradgradcheck(log_cosh, (r,))


def test_cost_matches_the_definition():
    params, X, y = _problem(2, 40, 10, 20)
    r = (predict(params, X) - y).tolist()
    expected = float(_mp_log_cosh(r).mean())
    J = cost(params, X, y)
    assert J.shape == ()
    assert float(J) == pytest.approx(expected, rel=1e-13)


def test_cost_and_gradients_stay_finite_for_huge_residuals_in_float32():
    g = torch.Generator().manual_seed(3)
    params = init_params(generator=g, dtype=torch.float32)
    X, _ = random_data(8, generator=g, dtype=torch.float32)
    y = torch.full((8,), 1e4)
    J = cost(params, X, y)
    assert torch.isfinite(J)
    # Each residual is close to -1e4, so J = mean |r| - log 2 to float32 rounding.
    r = (predict(params, X) - y).double()
    assert float(J) == pytest.approx(float(r.abs().mean()) - np.log(2), rel=1e-6)
    manual = manual_gradients(params, X, y)
    auto = autograd_gradients(params, X, y)
    for key in GRADIENT_KEYS:
        assert torch.isfinite(manual[key]).all()
        torch.testing.assert_close(manual[key], auto[key], rtol=1e-5, atol=1e-7)


# -- gradients ------------------------------------------------------------------------------


def _rel_err(a, b):
    return float(torch.linalg.vector_norm(a - b) / torch.linalg.vector_norm(b))


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("distribution", ["uniform", "gaussian"])
def test_manual_gradients_equal_autograd_in_float64(shape, seed, distribution):
    params, X, y = _problem(seed, *shape, distribution=distribution)
    manual = manual_gradients(params, X, y)
    auto = autograd_gradients(params, X, y)
    assert list(manual) == list(GRADIENT_KEYS)
    n, d, h = shape
    expected_shapes = {"W1": (h, d), "b1": (h,), "w2": (h,), "b2": (), "X": (n, d)}
    for key in GRADIENT_KEYS:
        assert manual[key].shape == expected_shapes[key]
        assert manual[key].dtype == torch.float64
        assert not manual[key].requires_grad
        assert _rel_err(manual[key], auto[key]) <= 1e-8
        torch.testing.assert_close(manual[key], auto[key], rtol=1e-8, atol=1e-15)


class _ManualCost(torch.autograd.Function):
    """The cost with manual_gradients as its backward, so gradcheck can judge the closed forms."""

    @staticmethod
    def forward(ctx, W1, b1, w2, b2, X, y):
        params = dict(zip(PARAM_KEYS, (W1, b1, w2, b2), strict=True))
        ctx.save_for_backward(W1, b1, w2, b2, X, y)
        return cost(params, X, y)

    @staticmethod
    def backward(ctx, grad_output):
        W1, b1, w2, b2, X, y = ctx.saved_tensors
        params = dict(zip(PARAM_KEYS, (W1, b1, w2, b2), strict=True))
        grads = manual_gradients(params, X, y)
        return (*(grad_output * grads[key] for key in GRADIENT_KEYS), None)


@pytest.mark.parametrize("shape", [(6, 10, 20), (5, 12, 24)])
@pytest.mark.parametrize("seed", [0, 1])
def test_gradcheck_agrees_with_manual_and_autograd(shape, seed):
    params, X, y = _problem(seed, *shape)
    inputs = [params[key].clone().requires_grad_(True) for key in PARAM_KEYS]
    inputs += [X.clone().requires_grad_(True), y]
    # torch's own finite differences against the closed forms ...
    assert torch.autograd.gradcheck(_ManualCost.apply, inputs, atol=1e-8, rtol=1e-6)
    # ... and against autograd through the stable log cosh.
    assert torch.autograd.gradcheck(
        lambda W1, b1, w2, b2, X, y: cost(
            dict(zip(PARAM_KEYS, (W1, b1, w2, b2), strict=True)), X, y
        ),
        inputs,
        atol=1e-8,
        rtol=1e-6,
    )


def test_x_gradient_rows_are_per_sample_gradients_divided_by_n():
    params, X, y = _problem(4, 6, 10, 20)
    rows = manual_gradients(params, X, y)["X"]
    for i in range(len(X)):
        single = autograd_gradients(params, X[i : i + 1], y[i : i + 1])["X"][0]
        torch.testing.assert_close(rows[i] * len(X), single, rtol=1e-12, atol=1e-15)


def test_torch_func_grad_agrees():
    params, X, y = _problem(5, 25, 17, 33)
    grads = torch.func.grad(lambda p, x: cost(p, x, y), argnums=(0, 1))(params, X)
    manual = manual_gradients(params, X, y)
    for key in PARAM_KEYS:
        torch.testing.assert_close(manual[key], grads[0][key], rtol=1e-10, atol=1e-15)
    torch.testing.assert_close(manual["X"], grads[1], rtol=1e-10, atol=1e-15)


def test_finite_difference_gradients_agree_with_manual():
    params, X, y = _problem(6, 4, 10, 20)
    fd = finite_difference_gradients(params, X, y, eps=1e-6)
    manual = manual_gradients(params, X, y)
    for key in GRADIENT_KEYS:
        assert fd[key].shape == manual[key].shape
        torch.testing.assert_close(fd[key], manual[key], rtol=1e-6, atol=1e-9)


def test_partial_cost_replaces_one_tensor():
    params, X, y = _problem(7, 5, 10, 20)
    for key in GRADIENT_KEYS:
        f = partial_cost(params, X, y, key)
        original = X if key == "X" else params[key]
        # exact: partial_cost and cost run the same kernels on the same tensors
        assert float(f(original)) == float(cost(params, X, y))
    f = partial_cost(params, X, y, "b1")
    # exact: the same kernels on the same tensors
    assert float(f(params["b1"] + 1)) == float(cost({**params, "b1": params["b1"] + 1}, X, y))
    with pytest.raises(ValueError, match="must have shape"):
        f(torch.zeros(3, dtype=torch.float64))


# -- bad inputs: one test per public function (the checks themselves are tested in
# test_validation.py) ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_problem():
    return _problem(8, 5, 10, 20)


def test_init_params_rejects_bad_arguments():
    with pytest.raises(ValueError, match="n_hidden must be >= 1"):
        init_params(10, 0)
    with pytest.raises(TypeError, match="n_features must be an int"):
        init_params(10.0)
    with pytest.raises(ValueError, match="dtype must be a floating-point dtype"):
        init_params(dtype=torch.int64)
    with pytest.raises(TypeError, match=r"generator must be a torch\.Generator"):
        init_params(generator=0)


def test_predict_rejects_bad_inputs(small_problem):
    params, X, _ = small_problem
    with pytest.raises(ValueError, match=r"X must have shape \(N, 10\)"):
        predict(params, X[0])
    with pytest.raises(TypeError, match=r"X must be a torch\.Tensor"):
        predict(params, X.numpy())
    with pytest.raises(ValueError, match="X must hold at least one sample"):
        predict(params, X[:0])


def test_log_cosh_rejects_non_floating_input():
    with pytest.raises(ValueError, match="r must be a floating-point tensor"):
        log_cosh(torch.tensor([1, 2]))
    with pytest.raises(TypeError, match=r"r must be a torch\.Tensor"):
        log_cosh(1.0)


def test_cost_rejects_bad_params_and_batches(small_problem):
    params, X, y = small_problem
    with pytest.raises(ValueError, match=r"params lacks key\(s\) \['w2'\]"):
        cost({k: v for k, v in params.items() if k != "w2"}, X, y)
    with pytest.raises(TypeError, match="params must be a dict"):
        cost([1, 2], X, y)
    with pytest.raises(ValueError, match=r"params\['b1'\] must have shape \(20,\)"):
        cost({**params, "b1": params["b1"][:19]}, X, y)
    with pytest.raises(ValueError, match=r"params\['b2'\] must have shape \(\)"):
        cost({**params, "b2": params["b2"].reshape(1)}, X, y)
    with pytest.raises(ValueError, match=r"params\['W1'\]"):
        cost({**params, "W1": params["W1"].reshape(-1)}, X, y)
    with pytest.raises(ValueError, match=r"params\['w2'\] must have dtype torch\.float64"):
        cost({**params, "w2": params["w2"].float()}, X, y)
    with pytest.raises(ValueError, match=r"X must have dtype torch\.float64"):
        cost(params, X.float(), y)
    with pytest.raises(ValueError, match=r"y must have shape \(5,\)"):
        cost(params, X, y[:4])


def test_manual_gradients_rejects_a_mismatched_batch(small_problem):
    params, X, y = small_problem
    with pytest.raises(ValueError, match=r"X must have shape \(N, 10\)"):
        manual_gradients(params, X[:, :9], y)


def test_autograd_gradients_rejects_a_mismatched_target(small_problem):
    params, X, y = small_problem
    with pytest.raises(ValueError, match=r"y must have shape \(5,\)"):
        autograd_gradients(params, X, y[:, None])


def test_partial_cost_rejects_an_unknown_key(small_problem):
    params, X, y = small_problem
    with pytest.raises(ValueError, match="key must be one of"):
        partial_cost(params, X, y, "W2")
    with pytest.raises(TypeError, match="key must be a str"):
        partial_cost(params, X, y, 0)


@pytest.mark.parametrize(
    ("eps", "error"),
    [(0.0, ValueError), (-1e-3, ValueError), (float("nan"), ValueError), ("1e-3", TypeError)],
)
def test_finite_difference_gradients_rejects_bad_steps(small_problem, eps, error):
    params, X, y = small_problem
    with pytest.raises(error, match="eps must be"):
        finite_difference_gradients(params, X, y, eps=eps)


def test_finite_difference_gradients_accepts_a_numpy_step():
    params, X, y = _problem(8, 2, 3, 4)
    fd = finite_difference_gradients(params, X, y, eps=np.float32(1e-6))
    torch.testing.assert_close(fd["w2"], manual_gradients(params, X, y)["w2"], rtol=1e-6, atol=1e-9)


def test_random_data_rejects_bad_arguments():
    with pytest.raises(ValueError, match="distribution must be one of"):
        random_data(3, distribution="cauchy")
    with pytest.raises(ValueError, match="n_samples must be >= 1"):
        random_data(0)
    with pytest.raises(TypeError, match="generator"):
        random_data(3, generator=1)


def test_random_problem_rejects_bad_arguments():
    with pytest.raises(ValueError, match="dtype must be a floating-point dtype"):
        random_problem(3, dtype=torch.int32)
    with pytest.raises(TypeError, match="seed must be an int"):
        random_problem(3, seed=0.5)
