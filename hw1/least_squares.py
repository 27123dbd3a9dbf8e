"""Question 5: gradient descent on the least-squares loss ``1/2 ||X w - y||^2``.

Shapes throughout: ``X`` is (N, D), ``w`` and ``w0`` are (D,), ``y`` is (N,). The Gram
matrix ``A = X^T X`` is (D, D); its eigenvalues are the squared singular values of ``X``.

Gradient descent with step ``alpha`` is the affine map ``w -> (I - alpha A) w + alpha X^T y``.
:func:`gd_iterates` applies it step by step; :func:`closed_form_iterate` evaluates the
k-th iterate from the closed form derived on the page ``q5-derivation``, without
stepping. The remaining functions give the quantities that predict convergence: the
step-size bound ``2 / lambda_max``, the contraction factor ``max |1 - alpha lambda_i|``
over the nonzero eigenvalues, and the point the iteration converges to.

Non-finite entries are rejected: a NaN or inf in ``X``, ``y`` or ``w0`` raises
``ValueError`` before any work starts (an SVD of such a matrix would otherwise return
a silently wrong minimiser). ``X`` must be float32 or float64, the dtypes
``torch.linalg`` supports, and every tensor must share its dtype and device.
"""

from __future__ import annotations

import torch

from hw1._validation import (
    check_floating,
    check_floating_dtype,
    check_int,
    check_linalg_dtype,
    check_nonnegative_int,
    check_option,
    check_positive_int,
    check_real,
    check_seed,
)

__all__ = [
    "closed_form_discrepancy",
    "closed_form_iterate",
    "contraction_factor",
    "error_norms",
    "gd_iterates",
    "gd_limit",
    "gradient",
    "gram_eigenvalues",
    "loss",
    "make_problem",
    "minimizer",
    "numerical_rank",
    "observed_rate",
    "optimal_step_size",
    "predicted_error_bound",
    "step_size_bound",
]


# -- the loss, its gradient and its minimiser ---------------------------------------------


def loss(X: torch.Tensor, w: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Return the least-squares loss ``1/2 ||X w - y||^2``.

    Parameters
    ----------
    X : Tensor, shape (N, D)
    w : Tensor, shape (D,)
    y : Tensor, shape (N,)

    Returns
    -------
    Tensor, shape ()
    """
    _check_problem(X, y, w=w, w_name="w")
    r = X @ w - y
    return 0.5 * (r @ r)


def gradient(X: torch.Tensor, w: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Return the gradient ``X^T (X w - y)`` of ``1/2 ||X w - y||^2`` with respect to ``w``.

    Parameters
    ----------
    X : Tensor, shape (N, D)
    w : Tensor, shape (D,)
    y : Tensor, shape (N,)

    Returns
    -------
    Tensor, shape (D,)

    Raises
    ------
    ValueError
        If the shapes do not fit together, an argument is not floating point or the
        dtypes differ.
    TypeError
        If an argument is not a tensor.
    """
    _check_problem(X, y, w=w, w_name="w")
    return X.T @ (X @ w - y)


def minimizer(X: torch.Tensor, y: torch.Tensor, *, rtol: float | None = None) -> torch.Tensor:
    """Return the minimum-norm minimiser ``X^+ y`` of ``1/2 ||X w - y||^2``.

    When ``X^T X`` is invertible (``X`` has full column rank) this is the unique
    minimiser ``(X^T X)^{-1} X^T y``. Otherwise the minimisers form an affine set and this
    is the one of smallest Euclidean norm. It is computed from the thin SVD
    ``X = U S V^T``, keeping the singular values above ``rtol * s_max``, which avoids
    forming ``X^T X`` (that would square the condition number).

    Parameters
    ----------
    X : Tensor, shape (N, D)
    y : Tensor, shape (N,)
    rtol : float, optional
        Relative cut-off for singular values. Defaults to ``max(N, D) * eps``, as
        ``torch.linalg.pinv`` and ``numpy.linalg.matrix_rank`` use.

    Returns
    -------
    Tensor, shape (D,)
    """
    _check_problem(X, y)
    rtol = _check_rtol(rtol)
    U, S, Vh = torch.linalg.svd(X, full_matrices=False)
    keep = S > _cutoff(X, S, rtol)
    coeffs = (U[:, keep].T @ y) / S[keep]
    return Vh[keep].T @ coeffs


def numerical_rank(X: torch.Tensor, *, rtol: float | None = None) -> int:
    """Count the singular values of ``X`` above ``rtol * s_max``.

    Parameters
    ----------
    X : Tensor, shape (N, D)
    rtol : float, optional
        Defaults to ``max(N, D) * eps``.

    Returns
    -------
    int
    """
    _check_matrix(X)
    rtol = _check_rtol(rtol)
    S = torch.linalg.svdvals(X)
    return int((S > _cutoff(X, S, rtol)).sum())


# -- gradient descent, step by step and in closed form -----------------------------------


def gd_iterates(
    X: torch.Tensor, y: torch.Tensor, w0: torch.Tensor, alpha: float, k: int
) -> torch.Tensor:
    """Run ``k`` steps of gradient descent, ``w_{t+1} = w_t - alpha X^T (X w_t - y)``.

    Parameters
    ----------
    X : Tensor, shape (N, D)
    y : Tensor, shape (N,)
    w0 : Tensor, shape (D,)
        The starting point.
    alpha : float
        Step size, ``alpha > 0``.
    k : int
        Number of steps, ``k >= 0``.

    Returns
    -------
    Tensor, shape (k + 1, D)
        Row ``t`` is ``w_t``; row 0 is ``w0``.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If ``y``, ``w0`` lack the dtype of ``X``, the shapes do not fit, ``alpha <= 0``
        or ``k < 0``.
    """
    _check_problem(X, y, w=w0, w_name="w0")
    alpha = _check_alpha(alpha)
    k = _check_steps(k)
    out = torch.empty((k + 1, X.shape[1]), dtype=X.dtype, device=X.device)
    out[0] = w0
    w = w0
    for t in range(k):
        w = w - alpha * gradient(X, w, y)  # the answer to 5(a), one step at a time
        out[t + 1] = w
    return out


def closed_form_iterate(
    X: torch.Tensor,
    y: torch.Tensor,
    w0: torch.Tensor,
    alpha: float,
    k: int,
    *,
    method: str = "eigh",
) -> torch.Tensor:
    """Return the k-th gradient-descent iterate from its closed form, without stepping.

    The closed form, valid whether or not ``A = X^T X`` is invertible, is

    ``w_k = (I - alpha A)^k w0 + alpha sum_{j<k} (I - alpha A)^j X^T y``.

    ``method="eigh"`` writes ``A = Q diag(lambda) Q^T`` and evaluates each eigen-direction
    as a scalar: the factor ``(1 - alpha lambda)^k`` and the geometric sum
    ``alpha sum_{j<k} (1 - alpha lambda)^j``, which is ``(1 - (1 - alpha lambda)^k) / lambda``
    for ``lambda != 0`` and ``alpha k`` for ``lambda = 0`` (computed with ``expm1``/``log1p``
    so that small eigenvalues lose no accuracy).

    ``method="power"`` uses the equivalent form ``w_k = w+ + (I - alpha A)^k (w0 - w+)``
    with ``w+ =`` :func:`minimizer` ``(X, y)`` (any minimiser works) and forms the matrix
    power by repeated squaring (``torch.linalg.matrix_power``).

    Costs: forming ``A`` takes O(N D^2) for either method. ``"eigh"`` then adds O(D^3)
    for the eigendecomposition, whatever ``k`` is (the powers ``(1 - alpha lambda)^k``
    are D scalars). ``"power"`` adds the SVD behind :func:`minimizer`, O(N D min(N, D)),
    and about ``2 log2(k)`` products of D x D matrices, O(D^3 log k). Stepping ``k``
    times costs O(k N D).

    Parameters
    ----------
    X : Tensor, shape (N, D)
    y : Tensor, shape (N,)
    w0 : Tensor, shape (D,)
    alpha : float
        Step size, ``alpha > 0``.
    k : int
        Iterate index, ``k >= 0``.
    method : {"eigh", "power"}

    Returns
    -------
    Tensor, shape (D,)

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If ``y``, ``w0`` lack the dtype of ``X``, the shapes do not fit, ``alpha <= 0``,
        ``k < 0`` or ``method`` is unknown.
    """
    _check_problem(X, y, w=w0, w_name="w0")
    alpha = _check_alpha(alpha)
    k = _check_steps(k)
    check_option(method, "method", ("eigh", "power"))
    A = X.T @ X
    if method == "eigh":
        lam, Q = torch.linalg.eigh(A)
        factor = _power(1 - alpha * lam, k)
        geometric = _geometric_sum(lam, alpha, k)
        coords = factor * (Q.T @ w0) + geometric * (Q.T @ (X.T @ y))
        return Q @ coords
    w_plus = minimizer(X, y)
    M = torch.eye(A.shape[0], dtype=A.dtype, device=A.device) - alpha * A
    return w_plus + torch.linalg.matrix_power(M, k) @ (w0 - w_plus)


def closed_form_discrepancy(
    X: torch.Tensor,
    y: torch.Tensor,
    w0: torch.Tensor,
    alpha: float,
    k_max: int,
    *,
    method: str = "eigh",
) -> torch.Tensor:
    """Return ``||closed_form_iterate(k) - w_k||`` for ``k = 0..k_max``, ``w_k`` by stepping.

    Parameters
    ----------
    X : Tensor, shape (N, D)
    y : Tensor, shape (N,)
    w0 : Tensor, shape (D,)
    alpha : float
    k_max : int
    method : {"eigh", "power"}
        Passed to :func:`closed_form_iterate`.

    Returns
    -------
    Tensor, shape (k_max + 1,)
    """
    k_max = check_nonnegative_int(k_max, "k_max")
    stepped = gd_iterates(X, y, w0, alpha, k_max)
    closed = torch.stack(
        [closed_form_iterate(X, y, w0, alpha, k, method=method) for k in range(k_max + 1)]
    )
    return torch.linalg.vector_norm(closed - stepped, dim=1)


def gd_limit(X: torch.Tensor, y: torch.Tensor, w0: torch.Tensor) -> torch.Tensor:
    """Return the limit of gradient descent from ``w0`` when ``0 < alpha < 2 / lambda_max``.

    Every gradient lies in the row space of ``X``, so the part of ``w0`` in the null space
    of ``X`` never changes; the rest converges to the minimum-norm minimiser. The limit is
    ``X^+ y + (I - X^+ X) w0``, which equals :func:`minimizer` when ``X`` has full column
    rank or when ``w0`` lies in the row space of ``X`` (for example ``w0 = 0``).

    Parameters
    ----------
    X : Tensor, shape (N, D)
    y : Tensor, shape (N,)
    w0 : Tensor, shape (D,)

    Returns
    -------
    Tensor, shape (D,)
    """
    _check_problem(X, y, w=w0, w_name="w0")
    _, S, Vh = torch.linalg.svd(X, full_matrices=False)
    V = Vh[S > _cutoff(X, S, None)].T
    return minimizer(X, y) + w0 - V @ (V.T @ w0)


# -- what the eigenvalues predict --------------------------------------------------------


def gram_eigenvalues(X: torch.Tensor) -> torch.Tensor:
    """Return the eigenvalues of ``X^T X``, largest first, from the singular values of ``X``.

    Parameters
    ----------
    X : Tensor, shape (N, D)

    Returns
    -------
    Tensor, shape (D,)
        ``s_i^2`` for the singular values ``s_i``, padded with zeros when ``D > N``.
    """
    _check_matrix(X)
    S = torch.linalg.svdvals(X)
    lam = torch.zeros(X.shape[1], dtype=X.dtype, device=X.device)
    lam[: len(S)] = S**2
    return lam


def step_size_bound(X: torch.Tensor) -> float:
    """Return ``2 / lambda_max(X^T X)``: gradient descent converges for steps below it.

    For ``0 < alpha < 2 / lambda_max`` the iteration converges from every start; at or
    above the bound the component along the top eigenvector does not shrink.

    Parameters
    ----------
    X : Tensor, shape (N, D)
        Must not be all zeros.

    Returns
    -------
    float
    """
    lam_max = float(gram_eigenvalues(X)[0].detach())
    if lam_max == 0:  # exact: only X = 0 has all singular values exactly 0
        raise ValueError("X must not be all zeros: then every step size converges")
    return 2.0 / lam_max


def optimal_step_size(X: torch.Tensor) -> float:
    """Return the step ``2 / (lambda_min+ + lambda_max)`` that minimises :func:`contraction_factor`.

    ``lambda_min+`` is the smallest nonzero eigenvalue of ``X^T X``; the factor is then
    ``(kappa - 1) / (kappa + 1)`` with ``kappa = lambda_max / lambda_min+``.

    Parameters
    ----------
    X : Tensor, shape (N, D)

    Returns
    -------
    float
    """
    lam = _nonzero_eigenvalues(X)
    return 2.0 / float((lam[0] + lam[-1]).detach())


def contraction_factor(X: torch.Tensor, alpha: float) -> float:
    """Return ``rho = max |1 - alpha lambda_i|`` over the nonzero eigenvalues of ``X^T X``.

    ``||w_k - w_inf|| <= rho^k ||w0 - w_inf||`` with ``w_inf =`` :func:`gd_limit`, and the
    bound is attained along the eigenvector that achieves the maximum. Gradient descent
    converges iff ``rho < 1``, that is ``0 < alpha < 2 / lambda_max``.

    Parameters
    ----------
    X : Tensor, shape (N, D)
    alpha : float
        Step size, ``alpha > 0``.

    Returns
    -------
    float
    """
    alpha = _check_alpha(alpha)
    lam = _nonzero_eigenvalues(X)
    return float((1 - alpha * lam).abs().max().detach())


def predicted_error_bound(
    X: torch.Tensor, y: torch.Tensor, w0: torch.Tensor, alpha: float, k: int
) -> torch.Tensor:
    """Return ``rho^t ||w0 - w_inf||`` for ``t = 0..k``: the error the eigenvalues predict.

    Parameters
    ----------
    X : Tensor, shape (N, D)
    y : Tensor, shape (N,)
    w0 : Tensor, shape (D,)
    alpha : float
    k : int

    Returns
    -------
    Tensor, shape (k + 1,)
    """
    k = _check_steps(k)
    rho = contraction_factor(X, alpha)
    e0 = torch.linalg.vector_norm(w0 - gd_limit(X, y, w0))
    t = torch.arange(k + 1, dtype=X.dtype, device=X.device)
    return e0 * torch.tensor(rho, dtype=X.dtype, device=X.device) ** t


def error_norms(iterates: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Return the Euclidean distance of each iterate to ``target``.

    Parameters
    ----------
    iterates : Tensor, shape (K, D)
    target : Tensor, shape (D,)

    Returns
    -------
    Tensor, shape (K,)
    """
    check_floating(iterates, "iterates", ndim=2, what="(K, D)", finite=True)
    d = iterates.shape[1]
    check_floating(
        target,
        "target",
        shape=(d,),
        dtype=iterates.dtype,
        device=iterates.device,
        what=f"({d},) to match iterates",
        finite=True,
        like="iterates",
    )
    return torch.linalg.vector_norm(iterates - target, dim=1)


def observed_rate(errors: torch.Tensor, start: int, stop: int) -> float:
    """Return the mean factor per step, ``(errors[stop] / errors[start]) ** (1 / (stop - start))``.

    Parameters
    ----------
    errors : Tensor, shape (K,)
        Positive error norms, for example from :func:`error_norms`.
    start, stop : int
        Indices with ``0 <= start < stop < K``.

    Returns
    -------
    float
    """
    check_floating(errors, "errors", ndim=1, what="(K,)", finite=True)
    start = check_nonnegative_int(start, "start")
    stop = check_int(stop, "stop")
    if not start < stop < len(errors):
        raise ValueError(
            f"start and stop must satisfy 0 <= start < stop < len(errors) = {len(errors)}, "
            f"got start={start}, stop={stop}"
        )
    if not (errors[start] > 0 and errors[stop] > 0):
        raise ValueError(
            f"errors[start] and errors[stop] must be positive, got {float(errors[start])} "
            f"and {float(errors[stop])}"
        )
    return float(((errors[stop] / errors[start]) ** (1.0 / (stop - start))).detach())


# -- a test problem with a chosen spectrum -------------------------------------------------


def make_problem(
    n_samples: int,
    singular_values: list[float] | tuple[float, ...],
    n_features: int | None = None,
    *,
    seed: int = 0,
    dtype: torch.dtype = torch.float64,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Draw a random least-squares problem whose ``X`` has the given singular values.

    ``X = U diag(s) V^T`` with random orthonormal ``U`` (N x r) and ``V`` (D x r), where
    ``r = len(singular_values)``; zeros among ``s`` make ``X`` rank-deficient. ``y`` is
    Gaussian, so in general it does not lie in the column space of ``X``.

    Parameters
    ----------
    n_samples : int
        N.
    singular_values : list or tuple of float
        Nonnegative; at least one and at most ``min(N, D)`` of them.
    n_features : int, optional
        D; defaults to ``len(singular_values)``.
    seed : int
        Seed of the ``torch.Generator`` that draws ``U``, ``V`` and ``y``.
    dtype : torch.dtype

    Returns
    -------
    X : Tensor, shape (N, D)
    y : Tensor, shape (N,)

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If a size is below 1, a singular value is negative, or there are more than
        ``min(N, D)`` of them.
    """
    n_samples = check_positive_int(n_samples, "n_samples")
    seed = check_seed(seed)
    dtype = check_floating_dtype(dtype, "dtype")
    if dtype not in (torch.float32, torch.float64):
        raise ValueError(f"dtype must be float32 or float64 (linear algebra), got {dtype}")
    if not isinstance(singular_values, list | tuple):
        raise TypeError(
            f"singular_values must be a list or tuple, got {type(singular_values).__name__}"
        )
    if not singular_values:
        raise ValueError("singular_values must hold at least one value")
    values = [check_real(v, f"singular_values[{i}]", low=0) for i, v in enumerate(singular_values)]
    s = torch.tensor(values, dtype=dtype)
    r = len(s)
    d = r if n_features is None else check_positive_int(n_features, "n_features")
    if r > min(n_samples, d):
        raise ValueError(
            f"singular_values has {r} entries, more than min(n_samples, n_features) = "
            f"{min(n_samples, d)}"
        )
    gen = torch.Generator().manual_seed(seed)
    U, _ = torch.linalg.qr(torch.randn(n_samples, r, generator=gen, dtype=dtype))
    V, _ = torch.linalg.qr(torch.randn(d, r, generator=gen, dtype=dtype))
    X = U @ torch.diag(s) @ V.T
    y = torch.randn(n_samples, generator=gen, dtype=dtype)
    return X, y


# -- private ------------------------------------------------------------------------------


def _power(base: torch.Tensor, k: int) -> torch.Tensor:
    # torch.pow with an integer exponent; 0**0 is 1 as the closed form needs.
    return base**k


def _geometric_sum(lam: torch.Tensor, alpha: float, k: int) -> torch.Tensor:
    """Return ``alpha * sum_{j<k} (1 - alpha lam)^j`` for each entry of ``lam``."""
    a_lam = alpha * lam
    # exact: only an exact 0 would divide by zero; tiny values take the expm1 form below
    safe = torch.where(a_lam == 0, torch.ones_like(a_lam), a_lam)
    # 1 - r^k with r = 1 - alpha lam; for 0 < r the expm1/log1p form keeps full accuracy
    # when alpha lam is tiny (where 1 - r^k would cancel).
    positive_r = a_lam < 1
    log_r = torch.log1p(-torch.where(positive_r, a_lam, torch.zeros_like(a_lam)))
    one_minus_rk = torch.where(positive_r, -torch.expm1(k * log_r), 1 - (1 - a_lam) ** k)
    return torch.where(a_lam == 0, torch.full_like(a_lam, alpha * k), alpha * one_minus_rk / safe)


def _nonzero_eigenvalues(X: torch.Tensor) -> torch.Tensor:
    _check_matrix(X)
    S = torch.linalg.svdvals(X)
    S = S[S > _cutoff(X, S, None)]
    if len(S) == 0:
        raise ValueError("X must not be all zeros")
    return S**2


def _cutoff(X: torch.Tensor, S: torch.Tensor, rtol: float | None) -> float:
    if rtol is None:
        rtol = max(X.shape) * torch.finfo(X.dtype).eps
    smax = float(S.detach().max()) if len(S) else 0.0
    return rtol * smax


def _check_alpha(alpha: object) -> float:
    return check_real(alpha, "alpha", low=0, low_open=True)


def _check_steps(k: object) -> int:
    return check_nonnegative_int(k, "k")


def _check_rtol(rtol: object) -> float | None:
    return None if rtol is None else check_real(rtol, "rtol", low=0)


def _check_matrix(X: object) -> None:
    check_floating(X, "X", ndim=2, what="(N, D)")
    check_linalg_dtype(X, "X")
    if 0 in X.shape:
        raise ValueError(f"X must have at least one row and column, got shape {tuple(X.shape)}")
    check_floating(X, "X", finite=True)


_NO_W = object()


def _check_problem(X: object, y: object, *, w: object = _NO_W, w_name: str = "w") -> None:
    """Check ``X`` (N, D) and, in its dtype and on its device, ``y`` (N,) and ``w`` (D,)."""
    _check_matrix(X)
    n, d = X.shape
    same = dict(dtype=X.dtype, device=X.device, finite=True, like="X")
    check_floating(y, "y", shape=(n,), what=f"({n},) to match X", **same)
    if w is not _NO_W:  # w=None is an error where w is an argument
        check_floating(w, w_name, shape=(d,), what=f"({d},) to match X", **same)
