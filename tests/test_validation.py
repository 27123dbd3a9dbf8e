"""The shared argument-check vocabulary: the policy is tested once, here."""

import math

import numpy as np
import pytest
import torch

from hw1 import _validation as v


@pytest.mark.parametrize("value", [3, np.int64(3), np.int32(3)])
def test_int_accepts_python_and_numpy_integers(value):
    out = v.check_int(value, "n")
    assert out == 3 and type(out) is int


@pytest.mark.parametrize("value", [True, 3.0, "3", None, np.float64(3)])
def test_int_rejects_non_integers_with_type_error(value):
    with pytest.raises(TypeError, match=r"^n must be an int, got "):
        v.check_int(value, "n")


def test_positive_and_nonnegative_bounds():
    assert v.check_positive_int(1, "n") == 1
    assert v.check_nonnegative_int(0, "k") == 0
    with pytest.raises(ValueError, match=r"n must be >= 1, got 0"):
        v.check_positive_int(0, "n")
    with pytest.raises(ValueError, match=r"k must be >= 0, got -1"):
        v.check_nonnegative_int(-1, "k")


@pytest.mark.parametrize("value", [0.5, 1, np.float32(0.5), np.float64(0.5), np.int64(1)])
def test_real_accepts_numbers_including_numpy_scalars(value):
    out = v.check_real(value, "eps")
    assert out == float(value) and type(out) is float  # exact: the same conversion


@pytest.mark.parametrize("value", [True, "1e-3", None, torch.tensor(1.0), [1.0]])
def test_real_rejects_non_numbers_with_type_error(value):
    with pytest.raises(TypeError, match=r"^eps must be a real number, got "):
        v.check_real(value, "eps")


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_real_rejects_non_finite_values(value):
    with pytest.raises(ValueError, match=r"eps must be finite"):
        v.check_real(value, "eps")


def test_real_interval_ends_open_and_closed():
    assert v.check_real(0, "s", low=0) == 0.0  # exact: float(0), no arithmetic
    with pytest.raises(ValueError, match=r"s must be > 0"):
        v.check_real(0, "s", low=0, low_open=True)
    with pytest.raises(ValueError, match=r"s must be >= 0, got -1.0"):
        v.check_real(-1, "s", low=0)
    assert v.check_real(2, "a", high=2) == 2.0  # exact: float(2)
    with pytest.raises(ValueError, match=r"a must be < 2"):
        v.check_real(2, "a", high=2, high_open=True)
    with pytest.raises(ValueError, match=r"a must be <= 2"):
        v.check_real(3, "a", high=2)


def test_option():
    assert v.check_option("sgd", "optimizer", ("adam", "sgd")) == "sgd"
    with pytest.raises(
        ValueError, match=r"optimizer must be one of \['adam', 'sgd'\], got 'lbfgs'"
    ):
        v.check_option("lbfgs", "optimizer", ("adam", "sgd"))
    with pytest.raises(TypeError, match=r"optimizer must be a str, got int"):
        v.check_option(1, "optimizer", ("adam", "sgd"))


def test_keys():
    params = {"W1": 1, "b1": 2}
    assert v.check_keys(params, "params", ("W1", "b1")) is params
    with pytest.raises(ValueError, match=r"params lacks key\(s\) \['b1'\]"):
        v.check_keys({"W1": 1}, "params", ("W1", "b1"))
    with pytest.raises(TypeError, match=r"params must be a dict, got list"):
        v.check_keys([], "params", ("W1",))


def test_floating_tensor_type_dtype_and_shape():
    x = torch.zeros(4, 3, dtype=torch.float64)
    assert v.check_floating(x, "X", shape=(None, 3)) is x
    assert v.check_floating(x, "X", ndim=2, dtype=torch.float64) is x
    with pytest.raises(TypeError, match=r"X must be a torch\.Tensor, got ndarray"):
        v.check_floating(np.zeros((4, 3)), "X")
    # A wrong dtype is a wrong value of a tensor: ValueError (DEVELOPERS.md).
    with pytest.raises(
        ValueError, match=r"X must be a floating-point tensor, got dtype torch.int64"
    ):
        v.check_floating(torch.zeros(4, 3, dtype=torch.int64), "X")
    with pytest.raises(ValueError, match=r"X must have dtype torch.float32"):
        v.check_floating(x, "X", dtype=torch.float32)
    with pytest.raises(ValueError, match=r"X must have shape \(N, 5\), got \(4, 3\)"):
        v.check_floating(x, "X", shape=(None, 5), what="(N, 5)")
    with pytest.raises(ValueError, match=r"X must have shape \(\*, 3\), got \(12,\)"):
        v.check_floating(x.reshape(-1), "X", shape=(None, 3))
    with pytest.raises(ValueError, match=r"X must have shape 1 dimension\(s\), got \(4, 3\)"):
        v.check_floating(x, "X", ndim=1)


def test_floating_dtype():
    assert v.check_floating_dtype(torch.float32, "dtype") is torch.float32
    with pytest.raises(ValueError, match=r"dtype must be a floating-point dtype, got torch.int64"):
        v.check_floating_dtype(torch.int64, "dtype")
    with pytest.raises(TypeError, match=r"dtype must be a torch.dtype, got str"):
        v.check_floating_dtype("float32", "dtype")


def test_images_labels_pair():
    images, labels = torch.zeros(5, 784), torch.zeros(5, dtype=torch.int64)
    assert v.check_images_labels(images, labels, n_features=784) == (images, labels)
    with pytest.raises(ValueError, match=r"images must have shape \(B, 784\), got \(5, 28, 28\)"):
        v.check_images_labels(images.reshape(5, 28, 28), labels, n_features=784)
    with pytest.raises(ValueError, match=r"labels must have shape \(5,\) to match images"):
        v.check_images_labels(images, labels[:4], n_features=784)
    with pytest.raises(ValueError, match=r"labels must be int64 class indices, got torch.int32"):
        v.check_images_labels(images, labels.int(), n_features=784)
    with pytest.raises(ValueError, match=r"at least one image"):
        v.check_images_labels(images[:0], labels[:0], n_features=784)
    with pytest.raises(TypeError, match=r"labels must be a torch.Tensor, got list"):
        v.check_images_labels(images, [0] * 5, n_features=784)
