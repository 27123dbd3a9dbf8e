"""hw1.logcosh against autograd, torch.autograd.gradcheck, mpmath and scikit-learn."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from sklearn.linear_model import LinearRegression
from sklearn.preprocessing import StandardScaler

from hw1.data import load_boston
from hw1.logcosh import (
    GRADIENT_KEYS,
    PARAM_KEYS,
    autograd_gradients,
    boston_split,
    cost,
    finite_difference_gradients,
    init_params,
    linear_regression_baseline,
    log_cosh,
    manual_gradients,
    partial_cost,
    predict,
    random_data,
    random_problem,
    split_indices,
    standardize,
    train_boston,
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
    assert all(torch.equal(params[k], again[k]) for k in PARAM_KEYS)
    assert init_params(dtype=torch.float32)["W1"].dtype == torch.float32


def test_random_problem_is_one_problem_in_every_precision():
    p64, X64, y64 = random_problem(12, 7, 5, distribution="uniform", seed=4, target_scale=2.0)
    p32, X32, y32 = random_problem(12, 7, 5, distribution="uniform", seed=4, target_scale=2.0,
                                   dtype=torch.float32)  # fmt: skip
    assert X64.shape == (12, 7) and y64.shape == (12,) and p64["W1"].shape == (5, 7)
    assert X32.dtype == y32.dtype == p32["w2"].dtype == torch.float32
    assert torch.equal(X32, X64.float()) and torch.equal(y32, y64.float())
    assert all(torch.equal(p32[k], p64[k].float()) for k in PARAM_KEYS)
    assert X64.abs().max() <= 1 and y64.abs().max() <= 2
    with pytest.raises(TypeError, match="dtype"):
        random_problem(3, dtype=torch.int32)


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
        assert float(f(original)) == float(cost(params, X, y))
    f = partial_cost(params, X, y, "b1")
    assert float(f(params["b1"] + 1)) == float(cost({**params, "b1": params["b1"] + 1}, X, y))
    with pytest.raises(ValueError, match="must have shape"):
        f(torch.zeros(3, dtype=torch.float64))
    with pytest.raises(ValueError, match="key must be one of"):
        partial_cost(params, X, y, "W2")


# -- bad inputs -----------------------------------------------------------------------------


def test_bad_inputs_raise_errors_that_name_the_argument():
    params, X, y = _problem(8, 5, 10, 20)
    with pytest.raises(ValueError, match=r"params lacks key\(s\) \['w2'\]"):
        cost({k: v for k, v in params.items() if k != "w2"}, X, y)
    with pytest.raises(ValueError, match=r"X must have shape \(N, 10\)"):
        manual_gradients(params, X[:, :9], y)
    with pytest.raises(ValueError, match="X must have shape"):
        predict(params, X[0])
    with pytest.raises(ValueError, match=r"y must have shape \(5,\)"):
        cost(params, X, y[:4])
    with pytest.raises(ValueError, match=r"y must have shape"):
        autograd_gradients(params, X, y[:, None])
    with pytest.raises(ValueError, match=r"params\['b1'\] must have shape \(20,\)"):
        cost({**params, "b1": params["b1"][:19]}, X, y)
    with pytest.raises(ValueError, match=r"params\['b2'\] must be a 0-d tensor"):
        cost({**params, "b2": params["b2"].reshape(1)}, X, y)
    with pytest.raises(ValueError, match=r"params\['W1'\]"):
        cost({**params, "W1": params["W1"].reshape(-1)}, X, y)
    with pytest.raises(TypeError, match="X has dtype"):
        cost(params, X.float(), y)
    with pytest.raises(TypeError, match="params must be a dict"):
        cost([1, 2], X, y)
    with pytest.raises(ValueError, match="eps"):
        finite_difference_gradients(params, X, y, eps=0.0)
    with pytest.raises(ValueError, match="eps"):
        finite_difference_gradients(params, X, y, eps=-1e-3)
    with pytest.raises(ValueError, match="n_hidden"):
        init_params(10, 0)
    with pytest.raises(TypeError, match="dtype"):
        init_params(dtype=torch.int64)
    with pytest.raises(ValueError, match="distribution"):
        random_data(3, distribution="cauchy")
    with pytest.raises(TypeError, match="r must be a floating-point tensor"):
        log_cosh(torch.tensor([1, 2]))


# -- Boston ---------------------------------------------------------------------------------


def test_split_indices_partition_and_reproducibility():
    train, test = split_indices(506, 0.2, seed=0)
    assert len(test) == 101 and len(train) == 405
    assert torch.equal(torch.cat([train, test]).sort().values, torch.arange(506))
    again = split_indices(506, 0.2, seed=0)
    assert torch.equal(train, again[0]) and torch.equal(test, again[1])
    assert not torch.equal(test, split_indices(506, 0.2, seed=1)[1])
    with pytest.raises(ValueError, match="test_fraction"):
        split_indices(10, 1.0)


def test_standardize_uses_training_statistics_like_scikit_learn():
    g = torch.Generator().manual_seed(9)
    train = torch.randn(30, 4, generator=g, dtype=torch.float64) * 5 + 2
    test = torch.randn(7, 4, generator=g, dtype=torch.float64)
    train_z, test_z = standardize(train, test)
    scaler = StandardScaler().fit(train.numpy())
    np.testing.assert_allclose(train_z.numpy(), scaler.transform(train.numpy()), rtol=1e-12)
    np.testing.assert_allclose(test_z.numpy(), scaler.transform(test.numpy()), rtol=1e-12)
    with pytest.raises(ValueError, match="columns"):
        standardize(train, test[:, :3])


def test_boston_split_is_the_raw_table_scaled_by_training_statistics():
    boston = load_boston()
    data = boston_split(seed=0)
    train, test = split_indices(506, 0.2, seed=0)
    scaler = StandardScaler().fit(boston.data[train.numpy()])
    np.testing.assert_allclose(
        data["X_test"].numpy(), scaler.transform(boston.data[test.numpy()]), rtol=1e-10
    )
    np.testing.assert_array_equal(data["y_train"].numpy(), boston.target[train.numpy()])
    np.testing.assert_array_equal(data["y_test"].numpy(), boston.target[test.numpy()])


def test_linear_regression_baseline_matches_least_squares():
    data = boston_split(seed=0)
    design = np.column_stack([data["X_train"].numpy(), np.ones(len(data["y_train"]))])
    coef, *_ = np.linalg.lstsq(design, data["y_train"].numpy(), rcond=None)
    test_design = np.column_stack([data["X_test"].numpy(), np.ones(len(data["y_test"]))])
    expected = np.mean((test_design @ coef - data["y_test"].numpy()) ** 2)
    assert linear_regression_baseline(seed=0)["test_mse"] == pytest.approx(expected, rel=1e-8)


@pytest.fixture(scope="module")
def boston_history():
    return train_boston(15, seed=0)


def test_train_boston_is_reproducible(boston_history):
    assert train_boston(15, seed=0) == boston_history
    assert len(boston_history) == 15
    assert [row["epoch"] for row in boston_history] == list(range(1, 16))
    assert set(boston_history[0]) == {"epoch", "train_cost", "train_mse", "test_mse"}


def test_train_boston_reaches_a_linear_models_test_error(boston_history):
    # The scale of the target (variance about 85 $1000^2) is the error of always
    # predicting the mean; after 15 epochs the network must be far below it and at
    # least as good, within 10 %, as ordinary least squares on the same split.
    sklearn_data = boston_split(seed=0)
    linear = LinearRegression().fit(
        sklearn_data["X_train"].numpy(), sklearn_data["y_train"].numpy()
    )
    linear_mse = np.mean(
        (linear.predict(sklearn_data["X_test"].numpy()) - sklearn_data["y_test"].numpy()) ** 2
    )
    final = boston_history[-1]
    assert final["test_mse"] <= 1.1 * linear_mse
    assert final["train_mse"] < boston_history[0]["train_mse"]
    assert final["test_mse"] < float(sklearn_data["y_test"].var())


def test_train_boston_rejects_bad_arguments():
    with pytest.raises(ValueError, match="optimizer"):
        train_boston(1, optimizer="lbfgs")
    with pytest.raises(ValueError, match="epochs"):
        train_boston(0)
    with pytest.raises(ValueError, match="lr"):
        train_boston(1, lr=0.0)
