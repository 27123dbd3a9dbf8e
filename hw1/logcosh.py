r"""The one-hidden-layer network with the log-cosh loss (Question 1).

The model maps an input :math:`\mathbf{x} \in \mathbb{R}^D` to

.. math::

    \hat y = \mathbf{w}_2^\top \rho(\mathbf{W}_1 \mathbf{x} + \mathbf{b}_1) + b_2,

with :math:`\rho = \tanh` here, as part (b) sets it, and the cost of a batch is the
mean of :math:`\log\cosh(\hat y_i - y_i)`. Parameters are a plain dict of tensors
(no ``nn.Module``); a batch ``X`` holds one sample per row, shape ``(N, D)``.

The derivation that :func:`manual_gradients` implements is on the page
:ref:`q1-derivation`; the examples
:ref:`sphx_glr_auto_examples_plot_q1b_autograd_check.py`,
:ref:`sphx_glr_auto_examples_plot_q1c_finite_differences.py` check it. Training on
the Boston data, part (d), is in :mod:`hw1.boston`.

Non-finite entries pass through: NaN in the parameters, ``X`` or ``y`` gives NaN
predictions, costs and gradients.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import torch

from hw1._validation import (
    check_floating,
    check_floating_dtype,
    check_keys,
    check_option,
    check_positive_int,
    check_real,
    check_seed,
    check_tensor,
)
from hw1.finite_diff import numerical_gradient

__all__ = [
    "GRADIENT_KEYS",
    "PARAM_KEYS",
    "autograd_gradients",
    "cost",
    "finite_difference_gradients",
    "init_params",
    "log_cosh",
    "manual_gradients",
    "partial_cost",
    "predict",
    "random_data",
    "random_problem",
]

#: Keys of the parameter dict, in order.
PARAM_KEYS = ("W1", "b1", "w2", "b2")
#: Keys of a gradient dict, the parameter keys and ``"X"`` for the input batch.
GRADIENT_KEYS = (*PARAM_KEYS, "X")

_LOG2 = math.log(2.0)


# -- validation ---------------------------------------------------------------------------


def _check_params(params: Mapping[str, torch.Tensor]) -> int:
    """Check keys, types, shapes and devices of a parameter dict; return the input size D."""
    check_keys(params, "params", PARAM_KEYS)
    extra = [key for key in params if key not in PARAM_KEYS]
    if extra:
        raise ValueError(f"params has unknown key(s) {extra}; expected keys {list(PARAM_KEYS)}")
    for key in PARAM_KEYS:
        check_tensor(params[key], f"params[{key!r}]")
    W1 = check_floating(params["W1"], "params['W1']", ndim=2, what="(n_hidden, n_features)")
    n_hidden = W1.shape[0]
    for key in ("b1", "w2", "b2"):
        shape = () if key == "b2" else (n_hidden,)
        what = "() (a 0-d tensor)" if key == "b2" else f"({n_hidden},) to match W1"
        check_floating(
            params[key],
            f"params[{key!r}]",
            shape=shape,
            dtype=W1.dtype,
            device=W1.device,
            what=what,
        )
    return W1.shape[1]


_NO_TARGETS = object()


def _check_batch(
    params: Mapping[str, torch.Tensor], X: torch.Tensor, y: object = _NO_TARGETS
) -> None:
    n_features = _check_params(params)
    W1 = params["W1"]
    check_floating(
        X,
        "X",
        shape=(None, n_features),
        dtype=W1.dtype,
        device=W1.device,
        what=f"(N, {n_features}) to match W1",
    )
    if X.shape[0] == 0:
        raise ValueError("X must hold at least one sample, got N = 0")
    if y is not _NO_TARGETS:  # y=None is an error where targets are needed
        what = f"({X.shape[0]},), one target per row of X"
        check_floating(y, "y", shape=(X.shape[0],), dtype=W1.dtype, device=W1.device, what=what)


def _predict(params: Mapping[str, torch.Tensor], X: torch.Tensor) -> torch.Tensor:
    hidden = torch.tanh(torch.addmm(params["b1"], X, params["W1"].T))
    return torch.addmv(params["b2"], hidden, params["w2"])


def _cost(params: Mapping[str, torch.Tensor], X: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return log_cosh(_predict(params, X) - y).mean()


def _check_generator(generator: object) -> None:
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator, got {type(generator).__name__}")


# -- the model ------------------------------------------------------------------------------


def init_params(
    n_features: int = 10,
    n_hidden: int = 20,
    *,
    generator: torch.Generator | None = None,
    dtype: torch.dtype = torch.float64,
) -> dict[str, torch.Tensor]:
    r"""Draw random parameters for the network, as ``torch.nn.Linear``'s defaults do.

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

    Raises
    ------
    TypeError
        If a size is not an int, ``dtype`` not a ``torch.dtype`` or ``generator`` not
        a ``torch.Generator``.
    ValueError
        If a size is below 1 or ``dtype`` is not floating.
    """
    n_features = check_positive_int(n_features, "n_features")
    n_hidden = check_positive_int(n_hidden, "n_hidden")
    dtype = check_floating_dtype(dtype, "dtype")
    _check_generator(generator)

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
    r"""Return the network's predictions for a batch.

    The batch forward pass of :ref:`q1-derivation` with :math:`\rho = \tanh`,
    :math:`\hat{\mathbf{y}} = \tanh(X W_1^\top + \mathbf{1}\mathbf{b}_1^\top)\,
    \mathbf{w}_2 + b_2 \mathbf{1}`.

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

    Raises
    ------
    TypeError
        If ``params`` or ``X`` has the wrong type.
    ValueError
        If a key is missing, or a shape, dtype or device is wrong.
    """
    _check_batch(params, X)
    return _predict(params, X)


def log_cosh(r: torch.Tensor) -> torch.Tensor:
    r"""Compute :math:`\log\cosh r` entry-wise, accurate and finite for every finite ``r``.

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
    :math:`\tanh r` everywhere, with no ``nan`` from the other branch. The page
    :ref:`q1-derivation` (solution of part (b)) derives both branches.

    Parameters
    ----------
    r : Tensor, any shape, floating point

    Returns
    -------
    Tensor, same shape and dtype as ``r``

    Raises
    ------
    TypeError
        If ``r`` is not a tensor.
    ValueError
        If ``r`` does not have a floating dtype.
    """
    check_floating(r, "r")
    magnitude = r.abs()
    small = magnitude < 1
    half = r * small / 2  # r/2 where |r| < 1, else 0: that branch never sees large r
    near_zero = torch.log1p(2 * torch.sinh(half).square())
    far = magnitude - _LOG2 + torch.log1p(torch.exp(-2 * magnitude))
    return torch.where(small, near_zero, far)


def cost(params: Mapping[str, torch.Tensor], X: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    r"""Return the cost :math:`J = \frac1N \sum_i \log\cosh(\hat y_i - y_i)`.

    The cost of :ref:`q1-derivation`, with the network of :func:`predict`.

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

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If a key is missing, a shape is wrong, or the dtypes or devices differ.
    """
    _check_batch(params, X, y)
    return _cost(params, X, y)


# -- gradients ------------------------------------------------------------------------------


def manual_gradients(
    params: Mapping[str, torch.Tensor], X: torch.Tensor, y: torch.Tensor
) -> dict[str, torch.Tensor]:
    r"""Compute the gradients of :func:`cost` from the closed forms, without autograd.

    The closed forms are derived on :ref:`q1-derivation` for a general activation
    :math:`\rho` and then specialised to :math:`\rho = \tanh`, whose derivative is
    :math:`1 - \rho^2`. With :math:`A = \tanh(X W_1^\top + \mathbf{1}\mathbf{b}_1^\top)`,
    residuals
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

    Raises
    ------
    TypeError, ValueError
        As :func:`cost`.

    See Also
    --------
    autograd_gradients : the same gradients from ``torch.autograd`` (checked against
        these in :ref:`sphx_glr_auto_examples_plot_q1b_autograd_check.py`).
    finite_difference_gradients : the same by central differences (checked in
        :ref:`sphx_glr_auto_examples_plot_q1c_finite_differences.py`).
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
    """Compute the gradients of :func:`cost` with ``torch.autograd``.

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

    Raises
    ------
    TypeError, ValueError
        As :func:`cost`.
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
    """Return the cost as a function of one of its tensors, the others held fixed.

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

    Raises
    ------
    TypeError, ValueError
        As :func:`cost`; ``ValueError`` also for an unknown ``key``.
    """
    _check_batch(params, X, y)
    check_option(key, "key", GRADIENT_KEYS)
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
    """Estimate the gradients of :func:`cost` by central differences, one entry at a time.

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

    Raises
    ------
    TypeError, ValueError
        As :func:`cost`, or for a step ``eps`` that is not a positive real.
    """
    _check_batch(params, X, y)
    eps = check_real(eps, "eps", low=0, low_open=True)
    tensors = {**{k: params[k] for k in PARAM_KEYS}, "X": X}
    names = {**{k: f"params[{k!r}]" for k in PARAM_KEYS}, "X": "X"}
    grads = {}
    for key in GRADIENT_KEYS:
        try:
            grads[key] = numerical_gradient(partial_cost(params, X, y, key), tensors[key], eps=eps)
        except ValueError as error:  # an eps that cannot move an entry (e.g. inf) of this one
            raise ValueError(f"{names[key]}: {error}") from None
    return grads


def random_data(
    n_samples: int,
    n_features: int = 10,
    *,
    distribution: str = "uniform",
    generator: torch.Generator | None = None,
    dtype: torch.dtype = torch.float64,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Draw random inputs and targets for checking gradients.

    Parameters
    ----------
    n_samples, n_features : int
        N and D.
    distribution : {"uniform", "gaussian"}
        Every component is drawn from U(-1, 1) or from N(0, 1).
    generator : torch.Generator, optional
        Source of randomness, for reproducible draws.
    dtype : torch.dtype
        A floating dtype.

    Returns
    -------
    X : Tensor, shape (N, D)
    y : Tensor, shape (N,)

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If a size is below 1, ``distribution`` is unknown or ``dtype`` not floating.
    """
    n_samples = check_positive_int(n_samples, "n_samples")
    n_features = check_positive_int(n_features, "n_features")
    check_option(distribution, "distribution", ("uniform", "gaussian"))
    dtype = check_floating_dtype(dtype, "dtype")
    _check_generator(generator)

    def draw(*shape: int) -> torch.Tensor:
        if distribution == "uniform":
            return 2 * torch.rand(shape, generator=generator, dtype=dtype) - 1
        return torch.randn(shape, generator=generator, dtype=dtype)

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
    """Draw random parameters, inputs and targets for checking gradients.

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

    Raises
    ------
    TypeError, ValueError
        As :func:`random_data` and :func:`init_params`, or for a ``seed`` that is not
        an int or a ``target_scale`` that is not a real number.
    """
    dtype = check_floating_dtype(dtype, "dtype")
    seed = check_seed(seed)
    target_scale = check_real(target_scale, "target_scale")
    generator = torch.Generator().manual_seed(seed)
    params = init_params(n_features, n_hidden, generator=generator)
    X, y = random_data(n_samples, n_features, distribution=distribution, generator=generator)
    params = {key: value.to(dtype) for key, value in params.items()}
    return params, X.to(dtype), (target_scale * y).to(dtype)
