r"""The one-hidden-layer tanh network with the log-cosh loss (Question 1).

The model maps an input :math:`\mathbf{x} \in \mathbb{R}^D` to

.. math::

    \hat y = \mathbf{w}_2^\top \tanh(\mathbf{W}_1 \mathbf{x} + \mathbf{b}_1) + b_2,

and the cost of a batch is the mean of :math:`\log\cosh(\hat y_i - y_i)`. Parameters
are a plain dict of tensors (no ``nn.Module``); a batch ``X`` holds one sample per row,
shape ``(N, D)``. The derivation of :func:`manual_gradients` is on the page
:ref:`q1-derivation`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import numpy as np
import torch

from hw1.finite_diff import numerical_gradient

__all__ = [
    "GRADIENT_KEYS",
    "PARAM_KEYS",
    "autograd_gradients",
    "boston_split",
    "cost",
    "finite_difference_gradients",
    "init_params",
    "linear_regression_baseline",
    "log_cosh",
    "manual_gradients",
    "partial_cost",
    "predict",
    "random_data",
    "random_problem",
    "split_indices",
    "standardize",
    "train_boston",
]

#: Keys of the parameter dict, in order.
PARAM_KEYS = ("W1", "b1", "w2", "b2")
#: Keys of a gradient dict: the parameters and the input batch.
GRADIENT_KEYS = (*PARAM_KEYS, "X")

_LOG2 = math.log(2.0)

_OPTIMIZERS = {"adam": torch.optim.Adam, "sgd": torch.optim.SGD}


# -- validation ---------------------------------------------------------------------------


def _positive_int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a positive int, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be a positive int, got {value}")
    return value


def _check_params(params: Mapping[str, torch.Tensor]) -> int:
    """Check keys, types and shapes of a parameter dict; return the input size D."""
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a dict of tensors, got {type(params).__name__}")
    missing = [key for key in PARAM_KEYS if key not in params]
    if missing:
        raise ValueError(f"params lacks key(s) {missing}; expected keys {list(PARAM_KEYS)}")
    for key in PARAM_KEYS:
        if not isinstance(params[key], torch.Tensor):
            raise TypeError(f"params[{key!r}] must be a tensor, got {type(params[key]).__name__}")
    W1, b1, w2, b2 = (params[key] for key in PARAM_KEYS)
    if W1.ndim != 2:
        raise ValueError(
            f"params['W1'] must have shape (n_hidden, n_features), got {tuple(W1.shape)}"
        )
    n_hidden = W1.shape[0]
    for key, tensor in (("b1", b1), ("w2", w2)):
        if tensor.shape != (n_hidden,):
            raise ValueError(
                f"params[{key!r}] must have shape ({n_hidden},) to match W1, "
                f"got {tuple(tensor.shape)}"
            )
    if b2.ndim != 0:
        raise ValueError(f"params['b2'] must be a 0-d tensor, got shape {tuple(b2.shape)}")
    dtypes = {params[key].dtype for key in PARAM_KEYS}
    if len(dtypes) != 1 or not W1.is_floating_point():
        raise TypeError(
            f"params must share one floating dtype, got "
            f"{ {key: str(params[key].dtype) for key in PARAM_KEYS} }"
        )
    return W1.shape[1]


def _check_batch(
    params: Mapping[str, torch.Tensor], X: torch.Tensor, y: torch.Tensor | None = None
) -> None:
    n_features = _check_params(params)
    if not isinstance(X, torch.Tensor):
        raise TypeError(f"X must be a tensor, got {type(X).__name__}")
    if X.ndim != 2 or X.shape[1] != n_features:
        raise ValueError(
            f"X must have shape (N, {n_features}) to match params['W1'], got {tuple(X.shape)}"
        )
    if X.shape[0] == 0:
        raise ValueError("X must hold at least one sample, got N = 0")
    if X.dtype != params["W1"].dtype:
        raise TypeError(f"X has dtype {X.dtype} but params have dtype {params['W1'].dtype}")
    if y is None:
        return
    if not isinstance(y, torch.Tensor):
        raise TypeError(f"y must be a tensor, got {type(y).__name__}")
    if y.shape != (X.shape[0],):
        raise ValueError(
            f"y must have shape ({X.shape[0]},), one target per row of X, got {tuple(y.shape)}"
        )
    if y.dtype != X.dtype:
        raise TypeError(f"y has dtype {y.dtype} but X has dtype {X.dtype}")


def _predict(params: Mapping[str, torch.Tensor], X: torch.Tensor) -> torch.Tensor:
    hidden = torch.tanh(torch.addmm(params["b1"], X, params["W1"].T))
    return torch.addmv(params["b2"], hidden, params["w2"])


def _cost(params: Mapping[str, torch.Tensor], X: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return log_cosh(_predict(params, X) - y).mean()


# -- the model ------------------------------------------------------------------------------


def init_params(
    n_features: int = 10,
    n_hidden: int = 20,
    *,
    generator: torch.Generator | None = None,
    dtype: torch.dtype = torch.float64,
) -> dict[str, torch.Tensor]:
    r"""Random parameters for the network, drawn like ``torch.nn.Linear``'s defaults.

    Each layer's weights and bias are uniform on :math:`[-1/\sqrt{m}, 1/\sqrt{m}]`,
    where :math:`m` is that layer's number of inputs.

    Parameters
    ----------
    n_features : int
        Input size :math:`D` (10 in parts (a)-(c), 13 for the Boston data).
    n_hidden : int
        Hidden size :math:`H` (20 in the assignment).
    generator : torch.Generator, optional
        Source of randomness, for reproducible draws.
    dtype : torch.dtype
        A floating dtype.

    Returns
    -------
    dict of Tensor
        ``"W1"`` shape (H, D), ``"b1"`` shape (H,), ``"w2"`` shape (H,) and ``"b2"``
        shape () (a 0-d tensor).
    """
    n_features = _positive_int(n_features, "n_features")
    n_hidden = _positive_int(n_hidden, "n_hidden")
    if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
        raise TypeError(f"dtype must be a floating torch.dtype, got {dtype!r}")
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator, got {type(generator).__name__}")

    def uniform(shape: tuple[int, ...], fan_in: int) -> torch.Tensor:
        bound = 1.0 / math.sqrt(fan_in)
        return (2 * torch.rand(shape, generator=generator, dtype=dtype) - 1) * bound

    return {
        "W1": uniform((n_hidden, n_features), n_features),
        "b1": uniform((n_hidden,), n_features),
        "w2": uniform((n_hidden,), n_hidden),
        "b2": uniform((), n_hidden),
    }


def predict(params: Mapping[str, torch.Tensor], X: torch.Tensor) -> torch.Tensor:
    r"""Network output for a batch: :math:`\tanh(X W_1^\top + \mathbf{b}_1)\,\mathbf{w}_2 + b_2`.

    Parameters
    ----------
    params : dict of Tensor
        As returned by :func:`init_params`.
    X : Tensor, shape (N, D)
        One input per row, same dtype as the parameters.

    Returns
    -------
    Tensor, shape (N,)
        One prediction per row of ``X``.
    """
    _check_batch(params, X)
    return _predict(params, X)


def log_cosh(r: torch.Tensor) -> torch.Tensor:
    r"""Entry-wise :math:`\log\cosh r`, accurate and finite for every finite ``r``.

    ``torch.log(torch.cosh(r))`` overflows to ``inf`` once :math:`\cosh r` exceeds
    the largest float (:math:`|r| > 89` in float32, :math:`|r| > 710` in float64), and
    loses all relative accuracy for tiny :math:`r` because :math:`\cosh r` rounds to 1.
    This function uses

    .. math::

        \log\cosh r =
        \begin{cases}
            \operatorname{log1p}\bigl(2 \sinh^2(r/2)\bigr) & |r| < 1, \\
            |r| - \log 2 + \operatorname{log1p}\bigl(e^{-2|r|}\bigr) & |r| \ge 1,
        \end{cases}

    where neither branch overflows and neither subtracts nearly equal numbers. Only
    the selected branch sees each entry, so autograd's derivative is
    :math:`\tanh r` everywhere, with no ``nan`` from the other branch.

    Parameters
    ----------
    r : Tensor, any shape, floating point

    Returns
    -------
    Tensor, same shape and dtype as ``r``
    """
    if not isinstance(r, torch.Tensor) or not r.is_floating_point():
        raise TypeError(
            f"r must be a floating-point tensor, got "
            f"{r.dtype if isinstance(r, torch.Tensor) else type(r).__name__}"
        )
    magnitude = r.abs()
    small = magnitude < 1
    half = r * small / 2  # r/2 where |r| < 1, else 0: that branch never sees large r
    near_zero = torch.log1p(2 * torch.sinh(half).square())
    far = magnitude - _LOG2 + torch.log1p(torch.exp(-2 * magnitude))
    return torch.where(small, near_zero, far)


def cost(params: Mapping[str, torch.Tensor], X: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    r"""The cost :math:`J = \frac1N \sum_i \log\cosh(\hat y_i - y_i)`.

    Parameters
    ----------
    params : dict of Tensor
        As returned by :func:`init_params`.
    X : Tensor, shape (N, D)
        Inputs, one per row.
    y : Tensor, shape (N,)
        Targets.

    Returns
    -------
    Tensor, shape ()
        A 0-d tensor, differentiable by autograd.
    """
    _check_batch(params, X, y)
    return _cost(params, X, y)


# -- gradients ------------------------------------------------------------------------------


def manual_gradients(
    params: Mapping[str, torch.Tensor], X: torch.Tensor, y: torch.Tensor
) -> dict[str, torch.Tensor]:
    r"""Gradients of :func:`cost` from the closed forms of the derivation, without autograd.

    With :math:`A = \tanh(X W_1^\top + \mathbf{1}\mathbf{b}_1^\top)`, residuals
    :math:`\mathbf{r} = A\mathbf{w}_2 + b_2 - \mathbf{y}`,
    :math:`\mathbf{g} = \tanh(\mathbf{r}) / N` and
    :math:`\Delta = (\mathbf{g}\mathbf{w}_2^\top) \odot (1 - A \odot A)`:

    .. math::

        \frac{\partial J}{\partial W_1} = \Delta^\top X,\quad
        \frac{\partial J}{\partial \mathbf{b}_1} = \Delta^\top \mathbf{1},\quad
        \frac{\partial J}{\partial \mathbf{w}_2} = A^\top \mathbf{g},\quad
        \frac{\partial J}{\partial b_2} = \mathbf{1}^\top \mathbf{g},\quad
        \frac{\partial J}{\partial X} = \Delta W_1 .

    Parameters
    ----------
    params : dict of Tensor
        As returned by :func:`init_params`.
    X : Tensor, shape (N, D)
    y : Tensor, shape (N,)

    Returns
    -------
    dict of Tensor
        ``"W1"`` (H, D), ``"b1"`` (H,), ``"w2"`` (H,), ``"b2"`` () and ``"X"`` (N, D),
        whose row *i* is :math:`\partial J / \partial \mathbf{x}^i` (it carries the
        factor :math:`1/N`).
    """
    _check_batch(params, X, y)
    with torch.no_grad():
        W1, b1, w2, b2 = (params[key].detach() for key in PARAM_KEYS)
        X, y = X.detach(), y.detach()
        A = torch.tanh(X @ W1.T + b1)  # (N, H)
        r = A @ w2 + b2 - y  # (N,)
        g = torch.tanh(r) / X.shape[0]  # (N,)  dJ/dr_i
        delta = g[:, None] * w2[None, :] * (1 - A * A)  # (N, H)  dJ/dZ
        return {
            "W1": delta.T @ X,
            "b1": delta.sum(dim=0),
            "w2": A.T @ g,
            "b2": g.sum(),
            "X": delta @ W1,
        }


def autograd_gradients(
    params: Mapping[str, torch.Tensor], X: torch.Tensor, y: torch.Tensor
) -> dict[str, torch.Tensor]:
    """Gradients of :func:`cost` computed by ``torch.autograd``.

    Parameters
    ----------
    params : dict of Tensor
        As returned by :func:`init_params`; not modified.
    X : Tensor, shape (N, D)
    y : Tensor, shape (N,)

    Returns
    -------
    dict of Tensor
        Same keys and shapes as :func:`manual_gradients`.
    """
    _check_batch(params, X, y)
    leaves = {key: params[key].detach().clone().requires_grad_(True) for key in PARAM_KEYS}
    leaves["X"] = X.detach().clone().requires_grad_(True)
    J = cost({key: leaves[key] for key in PARAM_KEYS}, leaves["X"], y.detach())
    grads = torch.autograd.grad(J, [leaves[key] for key in GRADIENT_KEYS])
    return dict(zip(GRADIENT_KEYS, grads, strict=True))


def partial_cost(
    params: Mapping[str, torch.Tensor], X: torch.Tensor, y: torch.Tensor, key: str
) -> Callable[[torch.Tensor], torch.Tensor]:
    """The cost as a function of one of its tensors, the others held fixed.

    Parameters
    ----------
    params : dict of Tensor
    X : Tensor, shape (N, D)
    y : Tensor, shape (N,)
    key : {"W1", "b1", "w2", "b2", "X"}
        Which tensor becomes the argument.

    Returns
    -------
    callable
        ``f(t)`` returns :func:`cost` with ``t`` in place of that tensor; ``t`` must
        have the shape of the tensor it replaces.
    """
    _check_batch(params, X, y)
    if key not in GRADIENT_KEYS:
        raise ValueError(f"key must be one of {list(GRADIENT_KEYS)}, got {key!r}")
    fixed = {k: params[k] for k in PARAM_KEYS}

    shape = (fixed | {"X": X})[key].shape

    def f(t: torch.Tensor) -> torch.Tensor:
        # Inputs were checked above; only the argument's shape can go wrong now.
        if not isinstance(t, torch.Tensor) or t.shape != shape:
            raise ValueError(f"the argument replaces {key!r} and must have shape {tuple(shape)}")
        if key == "X":
            return _cost(fixed, t, y)
        return _cost({**fixed, key: t}, X, y)

    return f


def finite_difference_gradients(
    params: Mapping[str, torch.Tensor],
    X: torch.Tensor,
    y: torch.Tensor,
    *,
    eps: float = 1e-6,
) -> dict[str, torch.Tensor]:
    """Gradients of :func:`cost` by central differences, one entry at a time.

    Each tensor is differentiated with :func:`hw1.finite_diff.numerical_gradient`.

    Parameters
    ----------
    params : dict of Tensor
    X : Tensor, shape (N, D)
    y : Tensor, shape (N,)
    eps : float
        Step size, positive.

    Returns
    -------
    dict of Tensor
        Same keys and shapes as :func:`manual_gradients`. Costs
        ``2 * (H*D + 2*H + 1 + N*D)`` evaluations of the cost.
    """
    _check_batch(params, X, y)
    tensors = {**{k: params[k] for k in PARAM_KEYS}, "X": X}
    return {
        key: numerical_gradient(partial_cost(params, X, y, key), tensors[key], eps=eps)
        for key in GRADIENT_KEYS
    }


def random_data(
    n_samples: int,
    n_features: int = 10,
    *,
    distribution: str = "uniform",
    generator: torch.Generator | None = None,
    dtype: torch.dtype = torch.float64,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Random inputs and targets for checking gradients.

    Parameters
    ----------
    n_samples, n_features : int
        N and D.
    distribution : {"uniform", "gaussian"}
        Every component is drawn from U(-1, 1) or from N(0, 1).
    generator : torch.Generator, optional
    dtype : torch.dtype

    Returns
    -------
    X : Tensor, shape (N, D)
    y : Tensor, shape (N,)
    """
    n_samples = _positive_int(n_samples, "n_samples")
    n_features = _positive_int(n_features, "n_features")
    if distribution == "uniform":
        draw = lambda *shape: 2 * torch.rand(shape, generator=generator, dtype=dtype) - 1  # noqa: E731
    elif distribution == "gaussian":
        draw = lambda *shape: torch.randn(shape, generator=generator, dtype=dtype)  # noqa: E731
    else:
        raise ValueError(f"distribution must be 'uniform' or 'gaussian', got {distribution!r}")
    return draw(n_samples, n_features), draw(n_samples)


def random_problem(
    n_samples: int,
    n_features: int = 10,
    n_hidden: int = 20,
    *,
    distribution: str = "gaussian",
    seed: int = 0,
    target_scale: float = 3.0,
    dtype: torch.dtype = torch.float64,
) -> tuple[dict[str, torch.Tensor], torch.Tensor, torch.Tensor]:
    """Random parameters, inputs and targets for checking gradients.

    Everything is drawn in float64 from one seeded generator and then rounded to
    ``dtype``, so the same seed gives the same problem in every precision.

    Parameters
    ----------
    n_samples, n_features, n_hidden : int
        N, D and H.
    distribution : {"uniform", "gaussian"}
        How the inputs and targets are drawn (see :func:`random_data`).
    seed : int
        Seed of the generator.
    target_scale : float
        Factor applied to the targets. The default 3 puts residuals on both sides of
        :math:`|r| = 1`, so both branches of :func:`log_cosh` are exercised.
    dtype : torch.dtype
        Floating dtype of everything returned.

    Returns
    -------
    params : dict of Tensor
        As :func:`init_params` returns.
    X : Tensor, shape (N, D)
    y : Tensor, shape (N,)
    """
    if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
        raise TypeError(f"dtype must be a floating torch.dtype, got {dtype!r}")
    generator = torch.Generator().manual_seed(seed)
    params = init_params(n_features, n_hidden, generator=generator)
    X, y = random_data(n_samples, n_features, distribution=distribution, generator=generator)
    params = {key: value.to(dtype) for key, value in params.items()}
    return params, X.to(dtype), (target_scale * y).to(dtype)


# -- Boston (part d) --------------------------------------------------------------------------


def split_indices(
    n: int, test_fraction: float = 0.2, *, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor]:
    """A fixed-seed random split of ``range(n)`` into train and test indices.

    Parameters
    ----------
    n : int
        Number of samples.
    test_fraction : float
        Share of samples in the test set, in (0, 1); rounded to the nearest count,
        at least one sample on each side.
    seed : int
        Seed of the permutation.

    Returns
    -------
    train, test : Tensor of int64
        Disjoint index sets covering ``range(n)``, each sorted.
    """
    n = _positive_int(n, "n")
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must lie strictly between 0 and 1, got {test_fraction}")
    if n < 2:
        raise ValueError(f"n must be at least 2 to split, got {n}")
    n_test = min(max(round(n * test_fraction), 1), n - 1)
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    return order[n_test:].sort().values, order[:n_test].sort().values


def standardize(train: torch.Tensor, *others: torch.Tensor) -> tuple[torch.Tensor, ...]:
    """Centre and scale columns by the mean and standard deviation of ``train`` only.

    Parameters
    ----------
    train : Tensor, shape (N, F)
        The training table; its column statistics are the only ones used.
    *others : Tensor, shape (M, F)
        Further tables (e.g. the test set), scaled with the training statistics.

    Returns
    -------
    tuple of Tensor
        ``train`` and each of ``others``, standardized, in the order given. A constant
        training column is only centred.
    """
    if not isinstance(train, torch.Tensor) or train.ndim != 2:
        raise ValueError("train must be a 2-D tensor (N, F)")
    for index, other in enumerate(others):
        if not isinstance(other, torch.Tensor) or other.ndim != 2:
            raise ValueError(f"others[{index}] must be a 2-D tensor (M, {train.shape[1]})")
        if other.shape[1] != train.shape[1]:
            raise ValueError(
                f"others[{index}] must have {train.shape[1]} columns like train, "
                f"got {other.shape[1]}"
            )
    mean = train.mean(dim=0)
    std = train.std(dim=0, correction=0)
    std = torch.where(std > 0, std, torch.ones_like(std))
    return tuple((table - mean) / std for table in (train, *others))


def boston_split(
    *, seed: int = 0, test_fraction: float = 0.2, dtype: torch.dtype = torch.float64
) -> dict[str, torch.Tensor]:
    """The Boston data, split at random with a fixed seed, features standardized.

    Parameters
    ----------
    seed : int
        Seed of the split (:func:`split_indices`).
    test_fraction : float
        Share of the 506 tracts held out for testing.
    dtype : torch.dtype

    Returns
    -------
    dict of Tensor
        ``"X_train"`` (n_train, 13) and ``"X_test"`` (n_test, 13), standardized with
        the training mean and standard deviation; ``"y_train"`` (n_train,) and
        ``"y_test"`` (n_test,), the house values in $1000s, unscaled.
    """
    from hw1.data import load_boston

    boston = load_boston()
    X = torch.as_tensor(boston.data, dtype=dtype)
    y = torch.as_tensor(boston.target, dtype=dtype)
    train, test = split_indices(len(y), test_fraction, seed=seed)
    X_train, X_test = standardize(X[train], X[test])
    return {"X_train": X_train, "X_test": X_test, "y_train": y[train], "y_test": y[test]}


def linear_regression_baseline(*, seed: int = 0, test_fraction: float = 0.2) -> dict[str, float]:
    """Train and test MSE of scikit-learn's ``LinearRegression`` on :func:`boston_split`.

    Parameters
    ----------
    seed, test_fraction
        As in :func:`boston_split`, so the split matches :func:`train_boston`'s.

    Returns
    -------
    dict
        ``"train_mse"`` and ``"test_mse"``, in $1000².
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

    The split and the feature scaling come from :func:`boston_split`. The targets are
    standardized with the training mean :math:`\mu` and standard deviation
    :math:`\sigma` too, so the network learns :math:`(y - \mu)/\sigma`; its
    predictions are mapped back, :math:`\sigma \hat y + \mu`, before the MSE is taken.
    Each epoch visits the training set once in a fresh random order, in mini-batches,
    and takes one optimiser step on :func:`cost` per batch.

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
    """
    epochs = _positive_int(epochs, "epochs")
    n_hidden = _positive_int(n_hidden, "n_hidden")
    batch_size = _positive_int(batch_size, "batch_size")
    if optimizer not in _OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {sorted(_OPTIMIZERS)}, got {optimizer!r}")
    if not lr > 0:
        raise ValueError(f"lr must be positive, got {lr}")

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
