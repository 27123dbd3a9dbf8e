"""Question 5 against autograd, torch.linalg.lstsq / pinv and plain iteration."""

import numpy as np
import pytest
import torch

from hw1.least_squares import (
    closed_form_discrepancy,
    closed_form_iterate,
    contraction_factor,
    error_norms,
    gd_iterates,
    gd_limit,
    gradient,
    gram_eigenvalues,
    loss,
    make_problem,
    minimizer,
    numerical_rank,
    observed_rate,
    optimal_step_size,
    predicted_error_bound,
    step_size_bound,
)

F64 = torch.float64


def random_problem(n, d, rank, seed, *, gaussian=False):
    """X of the given rank with lambda_max(X^T X) = 1, and Gaussian y and w0.

    By default X = U diag(s) V^T with random orthonormal U, V and singular values spread
    evenly over [0.3, 1] (so every run converges fast); with ``gaussian=True`` X is a
    product of two Gaussian factors, rescaled, whose small singular values can be tiny.
    """
    gen = torch.Generator().manual_seed(seed)
    if gaussian:
        X = torch.randn(n, rank, generator=gen, dtype=F64) @ torch.randn(
            rank, d, generator=gen, dtype=F64
        )
    else:
        U, _ = torch.linalg.qr(torch.randn(n, rank, generator=gen, dtype=F64))
        V, _ = torch.linalg.qr(torch.randn(d, rank, generator=gen, dtype=F64))
        X = U @ torch.diag(torch.linspace(1.0, 0.3, rank, dtype=F64)) @ V.T
    X = X / torch.linalg.matrix_norm(X, ord=2)  # lambda_max = 1, so alpha = 1 is stable
    y = torch.randn(n, generator=gen, dtype=F64)
    w0 = torch.randn(d, generator=gen, dtype=F64)
    return X, y, w0


# (n, d, rank): tall and wide, full rank and rank-deficient
SHAPES = {
    "tall-full": (30, 6, 6),
    "tall-deficient": (30, 6, 3),
    "wide-full": (5, 9, 5),
    "wide-deficient": (5, 9, 2),
    "square-full": (7, 7, 7),
}


@pytest.fixture(params=list(SHAPES), ids=list(SHAPES))
def problem(request):
    n, d, rank = SHAPES[request.param]
    X, y, w0 = random_problem(n, d, rank, seed=len(request.param))
    assert torch.linalg.matrix_rank(X) == rank
    return X, y, w0, rank


# -- gradient and minimiser ----------------------------------------------------------------


def test_gradient_matches_autograd(problem):
    X, y, w0, _ = problem
    w = w0.clone().requires_grad_(True)
    (0.5 * ((X @ w - y) ** 2).sum()).backward()
    torch.testing.assert_close(gradient(X, w0, y), w.grad)


def test_loss_matches_definition(problem):
    X, y, w0, _ = problem
    torch.testing.assert_close(loss(X, w0, y), 0.5 * torch.linalg.vector_norm(X @ w0 - y) ** 2)


def test_minimizer_matches_lstsq_and_pinv(problem):
    X, y, _, _ = problem
    w = minimizer(X, y)
    # gelsd is SVD-based and returns the minimum-norm solution also for rank-deficient X
    reference = torch.linalg.lstsq(X, y[:, None], driver="gelsd").solution[:, 0]
    torch.testing.assert_close(w, reference, rtol=1e-9, atol=1e-10)
    torch.testing.assert_close(w, torch.linalg.pinv(X) @ y, rtol=1e-9, atol=1e-10)


def test_minimizer_solves_normal_equations_and_has_minimum_norm(problem):
    X, y, _, rank = problem
    w = minimizer(X, y)
    torch.testing.assert_close(X.T @ X @ w, X.T @ y, rtol=0, atol=1e-10)
    # minimum norm: w is orthogonal to the null space of X
    _, _, Vh = torch.linalg.svd(X)
    null = Vh[rank:]
    torch.testing.assert_close(null @ w, torch.zeros(len(null), dtype=F64), rtol=0, atol=1e-10)


def test_minimizer_is_the_inverse_formula_when_gram_is_invertible():
    X, y, _ = random_problem(30, 6, 6, seed=3)
    torch.testing.assert_close(minimizer(X, y), torch.linalg.solve(X.T @ X, X.T @ y))
    torch.testing.assert_close(
        minimizer(X, y), torch.linalg.lstsq(X, y[:, None]).solution[:, 0]
    )  # default driver, full rank


def test_numerical_rank_matches_torch(problem):
    X, _, _, rank = problem
    assert numerical_rank(X) == rank == int(torch.linalg.matrix_rank(X))


# -- iteration and closed form ---------------------------------------------------------------


def test_gd_iterates_follow_the_gradient_step(problem):
    X, y, w0, _ = problem
    alpha = 0.7
    W = gd_iterates(X, y, w0, alpha, 6)
    assert W.shape == (7, X.shape[1])
    assert torch.equal(W[0], w0)  # exact: the first row is a copy of w0
    w = w0
    for t in range(1, 7):
        v = w.clone().requires_grad_(True)
        (0.5 * ((X @ v - y) ** 2).sum()).backward()
        w = w - alpha * v.grad
        torch.testing.assert_close(W[t], w)


def test_first_two_iterates_match_the_page(problem):
    X, y, w0, _ = problem
    alpha = 0.6
    A, b, eye = X.T @ X, X.T @ y, torch.eye(X.shape[1], dtype=F64)
    w1 = w0 - alpha * (A @ w0 - b)
    w2 = (eye - alpha * A) @ (eye - alpha * A) @ w0 + alpha * (2 * eye - alpha * A) @ b
    W = gd_iterates(X, y, w0, alpha, 2)
    torch.testing.assert_close(W[1], w1)
    torch.testing.assert_close(W[2], w2)


@pytest.mark.parametrize("method", ["eigh", "power"])
@pytest.mark.parametrize("alpha", [0.3, 1.0, 1.9])
def test_closed_form_matches_iteration(problem, method, alpha):
    X, y, w0, _ = problem
    W = gd_iterates(X, y, w0, alpha, 200)
    for k in [0, 1, 2, 3, 10, 57, 200]:
        got = closed_form_iterate(X, y, w0, alpha, k, method=method)
        torch.testing.assert_close(got, W[k], rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("shape", list(SHAPES.values()), ids=list(SHAPES))
def test_closed_form_matches_iteration_for_gaussian_x(shape):
    X, y, w0 = random_problem(*shape, seed=11, gaussian=True)
    W = gd_iterates(X, y, w0, 1.5, 200)
    for method in ["eigh", "power"]:
        for k in [1, 7, 200]:
            got = closed_form_iterate(X, y, w0, 1.5, k, method=method)
            torch.testing.assert_close(got, W[k], rtol=1e-9, atol=1e-9)


def test_closed_form_matches_iteration_when_diverging():
    X, y, w0 = random_problem(12, 4, 4, seed=5)
    alpha = 1.05 * step_size_bound(X)
    W = gd_iterates(X, y, w0, alpha, 60)
    for method in ["eigh", "power"]:
        torch.testing.assert_close(
            closed_form_iterate(X, y, w0, alpha, 60, method=method), W[60], rtol=1e-9, atol=0
        )


@pytest.mark.parametrize("method", ["eigh", "power"])
def test_closed_form_discrepancy_is_the_pointwise_gap(method):
    X, y, w0 = random_problem(9, 4, 2, seed=4)
    gaps = closed_form_discrepancy(X, y, w0, 0.9, 12, method=method)
    W = gd_iterates(X, y, w0, 0.9, 12)
    expected = torch.stack(
        [
            torch.linalg.vector_norm(closed_form_iterate(X, y, w0, 0.9, k, method=method) - W[k])
            for k in range(13)
        ]
    )
    assert gaps.shape == (13,)
    torch.testing.assert_close(gaps, expected, rtol=1e-12, atol=1e-18)
    assert float(gaps.max()) < 1e-12


def test_error_norms_are_row_distances():
    iterates = torch.tensor([[3.0, 4.0], [0.0, 1.0]], dtype=F64)
    target = torch.tensor([0.0, 1.0], dtype=F64)
    # sqrt(3^2 + 3^2) rounds once or twice: 4 eps covers any summation or scaling order.
    # The second row equals the target, so its distance is exactly 0 (rel ignores abs=0).
    eps = torch.finfo(F64).eps
    assert error_norms(iterates, target).tolist() == pytest.approx([18**0.5, 0.0], rel=4 * eps)


def test_closed_form_matches_the_explicit_geometric_sum(problem):
    X, y, w0, _ = problem
    alpha, k = 0.8, 9
    M = torch.eye(X.shape[1], dtype=F64) - alpha * X.T @ X
    expected = torch.linalg.matrix_power(M, k) @ w0 + alpha * sum(
        torch.linalg.matrix_power(M, j) for j in range(k)
    ) @ (X.T @ y)
    torch.testing.assert_close(closed_form_iterate(X, y, w0, alpha, k), expected)


def test_closed_form_handles_a_zero_eigenvalue_exactly():
    # X^T X = diag(4, 0): the second coordinate never moves, and X^T y has no part there
    X = torch.tensor([[2.0, 0.0]], dtype=F64)
    y = torch.tensor([3.0], dtype=F64)
    w0 = torch.tensor([1.0, -5.0], dtype=F64)
    for k in [0, 1, 5, 1000]:
        w = closed_form_iterate(X, y, w0, 0.1, k)
        expected0 = 1.5 + (1 - 0.4) ** k * (1.0 - 1.5)
        torch.testing.assert_close(w, torch.tensor([expected0, -5.0], dtype=F64))


# -- convergence ------------------------------------------------------------------------------


def test_gram_eigenvalues_match_eigvalsh(problem):
    X, _, _, _ = problem
    expected = torch.linalg.eigvalsh(X.T @ X).flip(0).clamp(min=0)
    torch.testing.assert_close(gram_eigenvalues(X), expected, rtol=0, atol=1e-12)


def test_iteration_converges_to_gd_limit_below_the_bound(problem):
    X, y, w0, rank = problem
    alpha = optimal_step_size(X)
    assert 0 < alpha < step_size_bound(X)
    W = gd_iterates(X, y, w0, alpha, 3000)
    limit = gd_limit(X, y, w0)
    torch.testing.assert_close(W[-1], limit, rtol=0, atol=1e-8)
    # the limit is a minimiser: it solves the normal equations
    torch.testing.assert_close(X.T @ X @ limit, X.T @ y, rtol=0, atol=1e-10)
    # it is the minimum-norm one only when X has full column rank
    gap = float(torch.linalg.vector_norm(limit - minimizer(X, y)))
    assert (gap < 1e-10) == (rank == X.shape[1])
    # from w0 = 0 the limit is the minimum-norm minimiser
    zero = torch.zeros_like(w0)
    torch.testing.assert_close(gd_limit(X, y, zero), minimizer(X, y))


def test_error_bound_holds_and_is_tight(problem):
    X, y, w0, _ = problem
    alpha = 0.5 * step_size_bound(X)
    rho = contraction_factor(X, alpha)
    k = 400
    errors = error_norms(gd_iterates(X, y, w0, alpha, k), gd_limit(X, y, w0))
    bound = predicted_error_bound(X, y, w0, alpha, k)
    assert bool((errors <= bound * (1 + 1e-9) + 1e-13).all())
    # brute-force rho from the definition
    lam = torch.linalg.eigvalsh(X.T @ X)
    lam = lam[lam > 1e-10]
    assert rho == pytest.approx(float((1 - alpha * lam).abs().max()), rel=1e-10)
    # once the slowest direction dominates, the error shrinks by rho per step
    # (measured before it reaches the rounding floor)
    stop = int((errors > 1e-9 * errors[0]).nonzero().max())
    assert stop >= 20
    assert observed_rate(errors, stop // 2, stop) == pytest.approx(rho, rel=1e-3)


def test_iteration_diverges_just_above_the_bound():
    X, y, w0 = random_problem(20, 5, 5, seed=8)
    alpha = 1.01 * step_size_bound(X)
    rho = contraction_factor(X, alpha)
    assert rho == pytest.approx(1.02, rel=1e-9)
    errors = error_norms(gd_iterates(X, y, w0, alpha, 1500), gd_limit(X, y, w0))
    assert errors[-1] > 100 * errors[0]
    assert observed_rate(errors, 1000, 1500) == pytest.approx(rho, rel=1e-3)


def test_optimal_step_gives_kappa_rate():
    X, _ = make_problem(20, [2.0, 1.0, 0.5])
    lam = torch.tensor([4.0, 1.0, 0.25], dtype=F64)
    torch.testing.assert_close(gram_eigenvalues(X), lam)
    kappa = 16.0
    assert optimal_step_size(X) == pytest.approx(2 / 4.25)
    assert contraction_factor(X, optimal_step_size(X)) == pytest.approx((kappa - 1) / (kappa + 1))


def test_make_problem_spectrum_and_shapes():
    X, y = make_problem(10, [3.0, 1.0, 0.0], 6, seed=1)
    assert X.shape == (10, 6) and y.shape == (10,)
    torch.testing.assert_close(
        torch.linalg.svdvals(X)[:3], torch.tensor([3.0, 1.0, 0.0], dtype=F64), rtol=0, atol=1e-12
    )
    assert numerical_rank(X) == 2
    X2, y2 = make_problem(10, [3.0, 1.0, 0.0], 6, seed=1)
    assert torch.equal(X, X2) and torch.equal(y, y2)  # exact: same seed, same kernels


# -- validation -------------------------------------------------------------------------------


def test_shape_mismatches_raise():
    X, y, w0 = random_problem(6, 3, 3, seed=0)
    with pytest.raises(ValueError, match=r"w must have shape \(3,\)"):
        gradient(X, torch.zeros(4, dtype=F64), y)
    with pytest.raises(ValueError, match=r"y must have shape \(6,\)"):
        gradient(X, w0, torch.zeros(5, dtype=F64))
    with pytest.raises(ValueError, match=r"y must have shape \(6,\)"):
        minimizer(X, y[:, None])
    with pytest.raises(ValueError, match=r"X must have shape \(N, D\)"):
        minimizer(X[0], y)
    with pytest.raises(ValueError, match=r"w0 must have shape"):
        gd_iterates(X, y, w0[:2], 0.1, 3)
    with pytest.raises(ValueError, match=r"w0 must have shape"):
        closed_form_iterate(X, y, w0[:2], 0.1, 3)
    with pytest.raises(ValueError, match=r"target must have shape \(3,\)"):
        error_norms(torch.zeros(4, 3), torch.zeros(2))
    with pytest.raises(ValueError, match=r"iterates must have shape \(K, D\)"):
        error_norms(torch.zeros(3), torch.zeros(3))


@pytest.mark.parametrize("alpha", [0.0, -0.1, float("nan"), float("inf")])
def test_bad_alpha_raises(alpha):
    X, y, w0 = random_problem(6, 3, 3, seed=0)
    with pytest.raises(ValueError, match="alpha must be"):
        gd_iterates(X, y, w0, alpha, 3)
    with pytest.raises(ValueError, match="alpha must be"):
        closed_form_iterate(X, y, w0, alpha, 3)
    with pytest.raises(ValueError, match="alpha must be"):
        contraction_factor(X, alpha)


@pytest.mark.parametrize("alpha", [np.float32(0.25), np.float64(0.25), 1])
def test_numpy_and_int_step_sizes_are_accepted(alpha):
    X, y, w0 = random_problem(6, 3, 3, seed=0)
    torch.testing.assert_close(
        gd_iterates(X, y, w0, alpha, 3), gd_iterates(X, y, w0, float(alpha), 3), rtol=0, atol=0
    )  # exact: alpha converts to the same double, then the same kernels run on the same data
    assert closed_form_iterate(X, y, w0, alpha, np.int64(3)).shape == (3,)


def test_other_bad_arguments_raise():
    X, y, w0 = random_problem(6, 3, 3, seed=0)
    with pytest.raises(ValueError, match="k must be >= 0"):
        gd_iterates(X, y, w0, 0.1, -1)
    with pytest.raises(TypeError, match="k must be an int"):
        closed_form_iterate(X, y, w0, 0.1, 2.0)
    with pytest.raises(ValueError, match="method"):
        closed_form_iterate(X, y, w0, 0.1, 2, method="loop")
    with pytest.raises(TypeError, match="alpha must be a real number"):
        gd_iterates(X, y, w0, "0.1", 2)
    with pytest.raises(TypeError, match="k must be an int"):
        gd_iterates(X, y, w0, 0.1, True)
    with pytest.raises(TypeError, match="method must be a str"):
        closed_form_iterate(X, y, w0, 0.1, 2, method=None)
    with pytest.raises(ValueError, match=r"w must have dtype torch\.float64"):
        gradient(X, w0.float(), y)
    with pytest.raises(TypeError, match=r"y must be a torch\.Tensor"):
        loss(X, w0, y.tolist())
    with pytest.raises(TypeError, match=r"X must be a torch\.Tensor"):
        gram_eigenvalues(X.numpy())
    with pytest.raises(ValueError, match="rtol must be >= 0"):
        minimizer(X, y, rtol=-1.0)
    with pytest.raises(ValueError, match="rtol must be >= 0"):
        numerical_rank(X, rtol=-1.0)
    with pytest.raises(ValueError, match="floating-point"):
        minimizer(torch.ones(3, 2, dtype=torch.int64), torch.ones(3, dtype=torch.int64))
    with pytest.raises(ValueError, match="all zeros"):
        step_size_bound(torch.zeros(3, 2, dtype=F64))
    with pytest.raises(ValueError, match="start < stop"):
        observed_rate(torch.ones(5), 3, 3)
    with pytest.raises(ValueError, match="start must be >= 0"):
        observed_rate(torch.ones(5), -1, 3)
    with pytest.raises(ValueError, match=r"errors must have shape \(K,\)"):
        observed_rate(torch.ones(5, 1), 0, 3)
    with pytest.raises(ValueError, match="singular_values"):
        make_problem(3, [1.0, 1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match=r"singular_values\[1\] must be >= 0"):
        make_problem(3, [1.0, -1.0])
    with pytest.raises(ValueError, match="at least one"):
        make_problem(3, [])
    with pytest.raises(TypeError, match="singular_values must be a list or tuple"):
        make_problem(3, torch.ones(2))
    with pytest.raises(ValueError, match="n_samples must be >= 1"):
        make_problem(0, [1.0])
    with pytest.raises(ValueError, match="dtype must be a floating-point dtype"):
        make_problem(3, [1.0], dtype=torch.int32)
