"""hw1.boston against numpy least squares, a statistics loop and reruns."""

from __future__ import annotations

import statistics

import numpy as np
import pytest

from hw1.boston import (
    SPLIT_QUANTITIES,
    boston_over_splits,
    first_epoch_below,
    linear_regression_baseline,
    summarize_splits,
    train_boston,
)
from hw1.data import boston_split


def _least_squares_test_mse(seed):
    """Return the test MSE of an affine least-squares fit (numpy oracle) on a split."""
    data = boston_split(seed=seed)
    design = np.column_stack([data["X_train"].numpy(), np.ones(len(data["y_train"]))])
    coef, *_ = np.linalg.lstsq(design, data["y_train"].numpy(), rcond=None)
    test_design = np.column_stack([data["X_test"].numpy(), np.ones(len(data["y_test"]))])
    return np.mean((test_design @ coef - data["y_test"].numpy()) ** 2)


def test_linear_regression_baseline_matches_least_squares():
    expected = _least_squares_test_mse(0)
    assert linear_regression_baseline(seed=0)["test_mse"] == pytest.approx(expected, rel=1e-8)


def test_linear_regression_baseline_rejects_a_bad_fraction():
    with pytest.raises(ValueError, match="test_fraction must be < 1"):
        linear_regression_baseline(test_fraction=1.0)


@pytest.fixture(scope="module")
def boston_history():
    return train_boston(15, seed=0)


def test_train_boston_is_reproducible(boston_history):
    # exact: the same seed runs the same kernels on the same data in one process
    assert train_boston(15, seed=0) == boston_history
    assert len(boston_history) == 15
    assert [row["epoch"] for row in boston_history] == list(range(1, 16))
    assert set(boston_history[0]) == {"epoch", "train_cost", "train_mse", "test_mse"}


def test_train_boston_reaches_a_linear_models_test_error(boston_history):
    # The scale of the target (variance about 85 $1000^2) is the error of always
    # predicting the mean; after 15 epochs the network must be far below it and at
    # least as good, within 10 %, as ordinary least squares on the same split.
    linear_mse = _least_squares_test_mse(0)
    final = boston_history[-1]
    assert final["test_mse"] <= 1.1 * linear_mse
    assert final["train_mse"] < boston_history[0]["train_mse"]
    assert final["test_mse"] < float(boston_split(seed=0)["y_test"].var())


def test_train_boston_rejects_bad_arguments():
    with pytest.raises(ValueError, match="optimizer must be one of"):
        train_boston(1, optimizer="lbfgs")
    with pytest.raises(ValueError, match="epochs must be >= 1"):
        train_boston(0)
    with pytest.raises(ValueError, match="lr must be > 0"):
        train_boston(1, lr=0.0)
    with pytest.raises(TypeError, match="lr must be a real number"):
        train_boston(1, lr="0.01")


BOSTON_SPLIT_KEYS = {
    "split",
    "net_train_mse",
    "net_test_mse",
    "linear_train_mse",
    "linear_test_mse",
    "history",
}


@pytest.fixture(scope="module")
def three_splits():
    return boston_over_splits(3, epochs=2, seed=5)


def test_boston_over_splits_pairs_train_boston_and_the_linear_model(three_splits):
    assert [row["split"] for row in three_splits] == [5, 6, 7]
    for row in three_splits:
        assert set(row) == BOSTON_SPLIT_KEYS
        history = train_boston(2, seed=row["split"])
        # exact: the same seeded run repeated in one process; the MSEs below are copies
        assert row["history"] == history
        # exact: copies of the rerun's values
        assert row["net_train_mse"] == history[-1]["train_mse"]
        assert row["net_test_mse"] == history[-1]["test_mse"]
        expected = _least_squares_test_mse(row["split"])
        assert row["linear_test_mse"] == pytest.approx(expected, rel=1e-8)


def test_boston_over_splits_draws_different_splits(three_splits):
    linear = [row["linear_test_mse"] for row in three_splits]
    net = [row["net_test_mse"] for row in three_splits]
    assert len(set(linear)) == 3
    assert len(set(net)) == 3


def test_boston_over_splits_is_reproducible(three_splits):
    # exact: the same seeded runs repeated in one process
    assert boston_over_splits(3, epochs=2, seed=5) == three_splits
    assert boston_over_splits(1, epochs=2, seed=6)[0] == three_splits[1]


def test_boston_over_splits_rejects_bad_arguments():
    with pytest.raises(ValueError, match="n_splits must be >= 1"):
        boston_over_splits(0)
    with pytest.raises(TypeError, match="n_splits must be an int"):
        boston_over_splits(2.0)
    with pytest.raises(ValueError, match="epochs must be >= 1"):
        boston_over_splits(1, epochs=0)


def test_summarize_splits_matches_a_statistics_loop():
    records = [
        {"net_train_mse": a, "net_test_mse": b, "linear_train_mse": c, "linear_test_mse": d}
        for a, b, c, d in [(1.0, 4.0, 2.0, 9.0), (3.0, 5.0, 2.5, 6.0), (2.0, 7.5, 4.0, 8.0)]
    ]
    rows = summarize_splits(records)
    assert [row["quantity"] for row in rows] == list(SPLIT_QUANTITIES)
    differences = [r["linear_test_mse"] - r["net_test_mse"] for r in records]
    expected = {
        "network, test MSE": [r["net_test_mse"] for r in records],
        "LinearRegression, train MSE": [r["linear_train_mse"] for r in records],
        "linear - network, test MSE": differences,
    }
    by_name = {row["quantity"]: row for row in rows}
    for name, values in expected.items():
        row = by_name[name]
        assert row["mean"] == pytest.approx(statistics.mean(values), rel=1e-12)
        assert row["sd"] == pytest.approx(statistics.stdev(values), rel=1e-12)
        # exact: min and max select one of the values
        assert (row["min"], row["max"]) == (min(values), max(values))


def test_summarize_splits_rejects_bad_arguments():
    record = {"net_train_mse": 1.0, "net_test_mse": 1.0, "linear_train_mse": 1.0}
    with pytest.raises(TypeError, match="splits must be a list"):
        summarize_splits((record, record))
    with pytest.raises(ValueError, match="at least 2 records"):
        summarize_splits([record])
    with pytest.raises(ValueError, match=r"splits\[0\] lacks key"):
        summarize_splits([record, record])


def test_first_epoch_below_matches_a_loop():
    rng = np.random.default_rng(1)
    curves = rng.uniform(0, 10, size=(30, 8))
    levels = rng.uniform(0, 10, size=30)
    expected = []
    for curve, level in zip(curves, levels, strict=True):
        epoch = next((e for e, value in enumerate(curve, start=1) if value < level), 0)
        expected.append(epoch)
    assert first_epoch_below(curves, levels).tolist() == expected
    assert 0 in expected and 1 in expected  # the draw covers "never" and "at once"
    assert int(first_epoch_below(np.array([5.0, 4.0, 3.0]), 4.0)) == 3
    assert int(first_epoch_below(np.array([5.0, 4.0]), 1.0)) == 0


def test_first_epoch_below_rejects_bad_shapes():
    with pytest.raises(ValueError, match="curves must have shape"):
        first_epoch_below(np.zeros((2, 0)), 1.0)
    with pytest.raises(ValueError, match="levels must be a number or of shape"):
        first_epoch_below(np.zeros((2, 3)), np.zeros(3))
