r"""Question 1(d): the log-cosh network trained on the Boston housing data, over splits.

:func:`train_boston` trains the network of :mod:`hw1.logcosh` on one split,
:func:`linear_regression_baseline` fits a linear model to the same split,
:func:`boston_over_splits` pairs the two on several random splits and
:func:`summarize_splits` gives their spread. The split and the scaling come from
:func:`hw1.data.boston_split`. Used in
:ref:`sphx_glr_auto_examples_plot_q1d_boston.py`.

Non-finite entries pass through the training functions as in :mod:`hw1.logcosh`;
:func:`first_epoch_below`, whose answer is an epoch number, rejects them.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import torch

from hw1._validation import check_keys, check_option, check_positive_int, check_real, check_seed
from hw1.data import boston_split
from hw1.logcosh import cost, init_params, predict

__all__ = [
    "SPLIT_QUANTITIES",
    "boston_over_splits",
    "first_epoch_below",
    "linear_regression_baseline",
    "summarize_splits",
    "train_boston",
]

_OPTIMIZERS = {"adam": torch.optim.Adam, "sgd": torch.optim.SGD}


def linear_regression_baseline(*, seed: int = 0, test_fraction: float = 0.2) -> dict[str, float]:
    """Fit scikit-learn's ``LinearRegression`` to a Boston split; return its MSEs.

    Parameters
    ----------
    seed, test_fraction
        As in :func:`hw1.data.boston_split`, so the split matches :func:`train_boston`'s.

    Returns
    -------
    dict
        ``"train_mse"`` and ``"test_mse"``, in $1000².

    Raises
    ------
    TypeError, ValueError
        As :func:`hw1.data.boston_split`.
    """
    from sklearn.linear_model import LinearRegression

    data = boston_split(seed=seed, test_fraction=test_fraction)
    arrays = {key: value.numpy() for key, value in data.items()}
    model = LinearRegression().fit(arrays["X_train"], arrays["y_train"])
    return {
        f"{split}_mse": float(
            np.mean((model.predict(arrays[f"X_{split}"]) - arrays[f"y_{split}"]) ** 2)
        )
        for split in ("train", "test")
    }


def train_boston(
    epochs: int = 15,
    *,
    seed: int = 0,
    test_fraction: float = 0.2,
    n_hidden: int = 20,
    optimizer: str = "adam",
    lr: float = 0.01,
    batch_size: int = 16,
) -> list[dict[str, float]]:
    r"""Train the network on the Boston data with the log-cosh cost; record MSE per epoch.

    The split and the feature scaling come from :func:`hw1.data.boston_split`. The
    targets are standardized with the training mean :math:`\mu` and standard deviation
    :math:`\sigma` too, so the network learns :math:`(y - \mu)/\sigma`; its
    predictions are mapped back, :math:`\sigma \hat y + \mu`, before the MSE is taken.
    Each epoch visits the training set once in a fresh random order, in mini-batches,
    and takes one optimiser step on :func:`~hw1.logcosh.cost` per batch. Used in
    :ref:`sphx_glr_auto_examples_plot_q1d_boston.py`.

    Parameters
    ----------
    epochs : int
        Passes over the training set.
    seed : int
        Seeds the split, the initial parameters and the batch order: the same seed
        gives the same history.
    test_fraction : float
        Share of the data held out for testing.
    n_hidden : int
        Hidden units H; ``W1`` is (H, 13).
    optimizer : {"adam", "sgd"}
        The ``torch.optim`` optimiser.
    lr : float
        Learning rate.
    batch_size : int
        Samples per optimiser step.

    Returns
    -------
    list of dict
        One record per epoch, after that epoch's last step: ``epoch`` (1, 2, ...),
        ``train_cost`` (the mean log cosh on the standardized targets), ``train_mse``
        and ``test_mse`` (in $1000², the target's original units squared).

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If a count is below 1, ``optimizer`` is unknown or ``lr`` is not positive.
    """
    epochs = check_positive_int(epochs, "epochs")
    n_hidden = check_positive_int(n_hidden, "n_hidden")
    batch_size = check_positive_int(batch_size, "batch_size")
    check_option(optimizer, "optimizer", _OPTIMIZERS)
    lr = check_real(lr, "lr", low=0, low_open=True)
    seed = check_seed(seed)

    data = boston_split(seed=seed, test_fraction=test_fraction)
    X_train, X_test, y_train, y_test = (
        data[key] for key in ("X_train", "X_test", "y_train", "y_test")
    )
    mu, sigma = y_train.mean(), y_train.std(correction=0)
    z_train = (y_train - mu) / sigma

    generator = torch.Generator().manual_seed(seed)
    params = init_params(X_train.shape[1], n_hidden, generator=generator, dtype=X_train.dtype)
    for tensor in params.values():
        tensor.requires_grad_(True)
    opt = _OPTIMIZERS[optimizer](list(params.values()), lr=lr)

    def mse(X: torch.Tensor, y: torch.Tensor) -> float:
        with torch.no_grad():
            return float(((sigma * predict(params, X) + mu - y) ** 2).mean())

    history = []
    for epoch in range(1, epochs + 1):
        order = torch.randperm(len(z_train), generator=generator)
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            opt.zero_grad()
            cost(params, X_train[batch], z_train[batch]).backward()
            opt.step()
        with torch.no_grad():
            train_cost = float(cost(params, X_train, z_train))
        history.append(
            {
                "epoch": epoch,
                "train_cost": train_cost,
                "train_mse": mse(X_train, y_train),
                "test_mse": mse(X_test, y_test),
            }
        )
    return history


def boston_over_splits(n_splits: int = 10, *, epochs: int = 15, seed: int = 0) -> list[dict]:
    """Train the network and fit a linear model on several random Boston splits.

    Split ``k`` uses the seed ``seed + k`` for everything :func:`train_boston` draws
    (the split, the initial weights, the batch order), and
    :func:`linear_regression_baseline` is fitted to the same split with the same
    standardisation, so the two models' errors are paired. Used in
    :ref:`sphx_glr_auto_examples_plot_q1d_boston.py`.

    Parameters
    ----------
    n_splits : int
        Number of random 80/20 splits, at least 1.
    epochs : int
        Epochs of training on each split.
    seed : int
        Seed of the first split; the same ``seed`` gives the same results.

    Returns
    -------
    list of dict
        One record per split with keys ``split`` (its seed), ``net_train_mse``,
        ``net_test_mse`` (the network after the last epoch), ``linear_train_mse``,
        ``linear_test_mse`` (``LinearRegression``), all in $1000², and ``history``
        (the network's per-epoch records, as :func:`train_boston` returns them).

    Raises
    ------
    TypeError
        If an argument is not an int.
    ValueError
        If ``n_splits`` or ``epochs`` is below 1.
    """
    n_splits = check_positive_int(n_splits, "n_splits")
    epochs = check_positive_int(epochs, "epochs")
    seed = check_seed(seed)
    records = []
    for split in range(seed, seed + n_splits):
        history = train_boston(epochs, seed=split)
        linear = linear_regression_baseline(seed=split)
        records.append(
            {
                "split": split,
                "net_train_mse": history[-1]["train_mse"],
                "net_test_mse": history[-1]["test_mse"],
                "linear_train_mse": linear["train_mse"],
                "linear_test_mse": linear["test_mse"],
                "history": history,
            }
        )
    return records


SPLIT_QUANTITIES = {
    "network, test MSE": lambda r: r["net_test_mse"],
    "LinearRegression, test MSE": lambda r: r["linear_test_mse"],
    "linear - network, test MSE": lambda r: r["linear_test_mse"] - r["net_test_mse"],
    "network, train MSE": lambda r: r["net_train_mse"],
    "LinearRegression, train MSE": lambda r: r["linear_train_mse"],
}


def summarize_splits(splits: list[Mapping]) -> list[dict[str, object]]:
    """Return the spread over splits of the errors that :func:`boston_over_splits` records.

    Parameters
    ----------
    splits : list of dict
        At least two records as :func:`boston_over_splits` returns them.

    Returns
    -------
    list of dict
        One row per quantity of ``SPLIT_QUANTITIES`` (the two models' test and
        training MSEs and the paired difference, linear minus network, of the test
        MSEs), with keys ``quantity``, ``mean``, ``sd`` (with :math:`n - 1` in the
        denominator), ``min`` and ``max``.

    Raises
    ------
    TypeError
        If ``splits`` is not a list of dicts.
    ValueError
        If it holds fewer than two records or a record lacks an MSE key.
    """
    if not isinstance(splits, list):
        raise TypeError(f"splits must be a list of dicts, got {type(splits).__name__}")
    if len(splits) < 2:
        raise ValueError(f"splits must hold at least 2 records for an sd, got {len(splits)}")
    keys = ("net_train_mse", "net_test_mse", "linear_train_mse", "linear_test_mse")
    for index, record in enumerate(splits):
        check_keys(record, f"splits[{index}]", keys)
    rows = []
    for name, quantity in SPLIT_QUANTITIES.items():
        values = np.array([quantity(record) for record in splits], dtype=float)
        rows.append(
            {
                "quantity": name,
                "mean": values.mean(),
                "sd": values.std(ddof=1),
                "min": values.min(),
                "max": values.max(),
            }
        )
    return rows


def first_epoch_below(curves: np.ndarray, levels: np.ndarray | float) -> np.ndarray:
    """Return, per curve, the first epoch whose value lies strictly below a level.

    Parameters
    ----------
    curves : array, shape (S, E) or (E,)
        One error per epoch (epochs numbered 1 to E) for each of S curves.
    levels : array, shape (S,), or float
        The level each curve is compared with.

    Returns
    -------
    ndarray of int, shape (S,) or ()
        The 1-based epoch of the first value below the level, 0 if none is.

    Raises
    ------
    TypeError
        If ``curves`` or ``levels`` is not numeric.
    ValueError
        If ``curves`` has no curves or no epochs, ``levels`` does not broadcast against
        it, or either holds NaN or inf (a NaN is never below a level, so it would
        silently read as "never").
    """
    curves = _numeric_array(curves, "curves")
    if curves.ndim not in (1, 2) or 0 in curves.shape:
        raise ValueError(
            f"curves must have shape (S, E) or (E,) with S, E >= 1, got {curves.shape}"
        )
    levels = _numeric_array(levels, "levels")
    if levels.shape not in ((), curves.shape[:-1]):
        raise ValueError(
            f"levels must be a number or of shape {curves.shape[:-1]}, got {levels.shape}"
        )
    for name, values in (("curves", curves), ("levels", levels)):
        if not np.isfinite(values).all():
            raise ValueError(f"{name} must hold only finite values")
    below = curves < levels[..., None]
    return np.where(below.any(axis=-1), below.argmax(axis=-1) + 1, 0)


def _numeric_array(value: object, name: str) -> np.ndarray:
    if value is None or isinstance(value, str | bool | np.bool_):
        raise TypeError(
            f"{name} must be numeric (an array or a number), got {type(value).__name__}"
        )
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be numeric (an array or a number)") from None
    return array
