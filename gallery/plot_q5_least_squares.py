r"""
Question 5: gradient descent on least squares, step by step and in closed form
==============================================================================

Question 5 runs gradient descent on :math:`\tfrac12\|Xw - y\|^2` from a start
:math:`w_0` with a fixed step :math:`\alpha`, and asks for the iterates :math:`w_1`,
:math:`w_2` and, in general, :math:`w_k` as formulas. The
:ref:`derivation page <q5-derivation>` finds

.. math::

    \begin{aligned}
    w_k = {} & (I - \alpha X^\top X)^k w_0 \\
    &+ \alpha \sum_{j=0}^{k-1} (I - \alpha X^\top X)^j X^\top y ,
    \end{aligned}

which needs no inverse, and shows that the iteration converges exactly when
:math:`0 < \alpha < 2/\lambda_{\max}`, with each error shrinking by the factor
:math:`\rho = \max_i |1 - \alpha\lambda_i|` over the nonzero eigenvalues
:math:`\lambda_i` of :math:`X^\top X`. This example checks all three claims
numerically, with the tolerance stated in each sentence.

Every sentence below that depends on this run's numbers is checked by an ``assert``
when the site is built, so a build in which it is false fails; the checks are hidden
from this page but can be read in the downloadable ``.py`` file (bottom of the page) and
in the repository (``gallery/plot_q5_least_squares.py``).
"""

# %%
# Three test problems
# -------------------
# :func:`hw1.least_squares.make_problem` draws :math:`X = U\,\mathrm{diag}(s)\,V^\top`
# with random orthonormal :math:`U, V` and chosen singular values :math:`s`, so the
# eigenvalues of :math:`X^\top X` should be :math:`s_i^2`. The second and third problems
# are built to make :math:`X^\top X` singular: a tall :math:`X` of rank 4 with 8
# columns, and a wide :math:`X` (more unknowns than equations). The build checks the
# spectra and ranks before using them.
import matplotlib.pyplot as plt
import torch

from hw1.least_squares import (
    closed_form_discrepancy,
    contraction_factor,
    error_norms,
    gd_iterates,
    gd_limit,
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
from hw1.report import table

SPECTRUM = [2.0, 1.5, 1.0, 0.7, 0.5]
DEFICIENT_SPECTRUM = [2.0, 1.5, 1.0, 0.5]
problems = {
    "tall, full rank": make_problem(40, SPECTRUM, seed=1),
    "tall, rank 4 of 8": make_problem(40, DEFICIENT_SPECTRUM, 8, seed=2),
    "wide, 5 x 12": make_problem(5, SPECTRUM, 12, seed=3),
}
spectra = {
    "tall, full rank": SPECTRUM,
    "tall, rank 4 of 8": DEFICIENT_SPECTRUM,
    "wide, 5 x 12": SPECTRUM,
}
gen = torch.Generator().manual_seed(0)
starts = {
    name: torch.randn(X.shape[1], generator=gen, dtype=X.dtype) for name, (X, _) in problems.items()
}

rows = []
for name, (X, _) in problems.items():
    lam = gram_eigenvalues(X)
    rank = numerical_rank(X)
    expected = torch.tensor(spectra[name], dtype=X.dtype) ** 2
    # sphinx_gallery_start_ignore
    # exact: ranks are integers
    assert rank == len(spectra[name]), f"{name}: rank as built"
    assert torch.allclose(lam[:rank], expected, rtol=0, atol=1e-12), f"{name}: lambda = s^2"
    assert bool((lam[rank:].abs() < 1e-12).all()), f"{name}: other eigenvalues 0 to 1e-12"
    # sphinx_gallery_end_ignore
    rows.append(
        {
            "problem": name,
            "shape": f"{tuple(X.shape)}",
            "rank": rank,
            "lambda_max": float(lam[0]),
            "smallest nonzero lambda": float(lam[rank - 1]),
            "2 / lambda_max": step_size_bound(X),
        }
    )
table(rows, formats=".4g")
# sphinx_gallery_start_ignore
assert all(row["rank"] < problems[row["problem"]][0].shape[1] for row in rows[1:]), (
    "the second and third X have rank below D, so X^T X is singular"
)
# sphinx_gallery_end_ignore

# %%
# The spectra are as built: the eigenvalues of :math:`X^\top X` equal :math:`s_i^2`
# to within :math:`10^{-12}`, the first problem has :math:`\lambda_{\max} = 4` and
# :math:`\lambda_{\min} = 0.25`, and the other two have rank below :math:`D`, so their
# :math:`X^\top X` is singular.
#
# The closed form against 200 steps of iteration
# ----------------------------------------------
# :func:`hw1.least_squares.gd_iterates` takes the gradient steps one at a time.
# :func:`hw1.least_squares.closed_form_iterate` evaluates :math:`w_k` directly, in two
# independent ways: through the eigendecomposition of :math:`X^\top X`, where the
# geometric sum becomes a scalar per eigenvalue (equal to :math:`\alpha k` when the
# eigenvalue is 0), and as :math:`w^+ + (I-\alpha X^\top X)^k (w_0 - w^+)` with the
# matrix power taken by repeated squaring. The table gives the largest distance between
# the closed form and the iteration over :math:`k = 0, \dots, 200`, next to the size of
# the iterates.
K = 200
CLOSED_FORM_RTOL = 1e-12
rows = []
for name, (X, y) in problems.items():
    w0, alpha = starts[name], optimal_step_size(X)
    size = float(error_norms(gd_iterates(X, y, w0, alpha, K), torch.zeros_like(w0)).max())
    row = {"problem": name, "alpha": alpha, "max ||w_k||": size}
    for method in ["eigh", "power"]:
        gap = float(closed_form_discrepancy(X, y, w0, alpha, K, method=method).max())
        # sphinx_gallery_start_ignore
        assert gap < CLOSED_FORM_RTOL * size, f"{name}, {method}: within 1e-12 of the size"
        # sphinx_gallery_end_ignore
        row[f"max gap ({method})"] = gap
    rows.append(row)
table(rows, formats=".3e")

# %%
# On all three problems, both closed forms agree with the iteration to within
# :math:`10^{-12}` times the size of the iterates, for every :math:`k` up to 200,
# including the two with singular :math:`X^\top X`.
#
# Convergence at the rate the eigenvalues predict
# -----------------------------------------------
# For the full-rank problem the minimiser is unique, and the iterates should converge to
# :math:`w^\star`. Solid lines: the measured :math:`\|w_k - w^\star\|`; dashed lines:
# the prediction :math:`\rho^k \|w_0 - w^\star\|` from
# :func:`hw1.least_squares.predicted_error_bound`. The step :math:`\alpha = 1/\lambda_{\max}`
# is limited by the smallest eigenvalue (:math:`\rho = 1 - \lambda_{\min}/\lambda_{\max}`);
# the best step :math:`2/(\lambda_{\min} + \lambda_{\max})` balances the two ends
# (:math:`\rho = (\kappa - 1)/(\kappa + 1)`); a step near :math:`2/\lambda_{\max}` is
# limited by the largest eigenvalue instead.
X, y = problems["tall, full rank"]
w0 = starts["tall, full rank"]
w_star = minimizer(X, y)
bound = step_size_bound(X)
steps = {
    "1 / lambda_max": (bound / 2, r"$1/\lambda_{\max}$"),
    "2 / (lambda_min + lambda_max)": (optimal_step_size(X), r"$2/(\lambda_{\min}+\lambda_{\max})$"),
    "0.95 x 2 / lambda_max": (0.95 * bound, r"$0.95 \cdot 2/\lambda_{\max}$"),
}
# the factors the derivation page quotes for lambda_max = 4, lambda_min = 0.25
quoted_rho = {
    "1 / lambda_max": 0.9375,
    "2 / (lambda_min + lambda_max)": 15 / 17,
    "0.95 x 2 / lambda_max": 0.9,
}
RATE_TOL = 1e-3

fig, ax = plt.subplots(figsize=(6.5, 4))
rows = []
for color, (label, (alpha, tex)) in zip(["C0", "C1", "C2"], steps.items(), strict=True):
    errors = error_norms(gd_iterates(X, y, w0, alpha, K), w_star)
    predicted = predicted_error_bound(X, y, w0, alpha, K)
    rho = contraction_factor(X, alpha)
    rate = observed_rate(errors, 100, K)
    # sphinx_gallery_start_ignore
    assert abs(rho - quoted_rho[label]) < 1e-12, f"{label}: rho as quoted"
    assert abs(rate - rho) < RATE_TOL, f"{label}: measured factor within 1e-3 of rho"
    # measured never above predicted, up to rounding
    within = bool((errors <= predicted * (1 + 1e-9) + 1e-14).all())
    assert within, f"{label}: no measured error above its prediction"
    # sphinx_gallery_end_ignore
    ax.semilogy(errors, color=color, label=rf"$\alpha =$ {tex}")
    ax.semilogy(predicted, "--", color=color, lw=1)
    rows.append(
        {
            "alpha": label,
            "predicted rho": rho,
            "measured rate, k = 100..200": rate,
            "||w_200 - w*||": float(errors[K]),
        }
    )
ax.set(xlabel="iteration $k$", ylabel=r"$\|w_k - w^\star\|$")
ax.set_title("Full-rank X: measured (solid) and predicted (dashed) error")
ax.legend()
fig.tight_layout()
table(rows, formats={"predicted rho": ".6f", "measured rate, k = 100..200": ".6f"})

# %%
# For each of the three steps the measured factor per step over :math:`k = 100..200`
# matches the predicted :math:`\rho` (0.9375, 15/17 and 0.9) to within
# :math:`10^{-3}`, and no measured error lies above its prediction (relative
# tolerance :math:`10^{-9}`).
#
# When :math:`X^\top X` is singular
# ---------------------------------
# Every gradient :math:`X^\top(Xw - y)` lies in the row space of :math:`X`, so gradient
# descent never changes the part of :math:`w_0` in the null space of :math:`X`. The
# iterates should therefore converge to :func:`hw1.least_squares.gd_limit`
# :math:`= X^+ y + (I - X^+ X)\,w_0`, which minimises the loss but is the minimum-norm
# minimiser :math:`X^+ y` only if :math:`w_0` has no null-space part (for example
# :math:`w_0 = 0`). The distance to :math:`X^+ y` should level off at
# :math:`\|(I - X^+X)\,w_0\|`, while the loss reaches its minimum either way.
LIMIT_TOL = 1e-8
fig, axes = plt.subplots(1, 2, figsize=(9, 3.6), sharey=True)
rows = []
for ax, name in zip(axes, ["tall, rank 4 of 8", "wide, 5 x 12"], strict=True):
    X, y = problems[name]
    alpha = optimal_step_size(X)
    w_plus = minimizer(X, y)
    for start_name, start in [
        ("random w0", starts[name]),
        ("w0 = 0", torch.zeros_like(starts[name])),
    ]:
        iterates = gd_iterates(X, y, start, alpha, K)
        limit = gd_limit(X, y, start)
        to_limit = error_norms(iterates, limit)
        to_min_norm = error_norms(iterates, w_plus)
        offset = float(torch.linalg.vector_norm(limit - w_plus))
        loss_gap = float(loss(X, iterates[K], y) - loss(X, w_plus, y))
        # sphinx_gallery_start_ignore
        assert float(to_limit[K]) < LIMIT_TOL, f"{name}: within 1e-8 of gd_limit"
        assert abs(loss_gap) < 1e-12, f"{name}: loss within 1e-12 of its minimum"
        if start_name == "random w0":
            # levels off at ||(I - X+ X) w0||, well away from 0
            assert offset > 0.1, f"{name}: offset above 0.1"
            assert abs(float(to_min_norm[K]) - offset) < LIMIT_TOL, f"{name}: levels off"
        else:
            assert offset < 1e-12, f"{name}: from w0 = 0 the distance goes to 0"
        # sphinx_gallery_end_ignore
        if start_name == "random w0":
            ax.semilogy(to_limit, color="C0", label="random w0: distance to gd_limit")
            ax.semilogy(to_min_norm, "--", color="C0", label="random w0: distance to X+ y")
        else:  # here gd_limit is X+ y
            ax.semilogy(to_min_norm, color="C1", label="w0 = 0: distance to X+ y = gd_limit")
        rows.append(
            {
                "problem": name,
                "start": start_name,
                "||w_200 - limit||": float(to_limit[K]),
                "||w_200 - X+ y||": float(to_min_norm[K]),
                "||limit - X+ y||": offset,
                "loss(w_200) - loss(X+ y)": loss_gap,
            }
        )
    ax.set(title=name, xlabel="iteration $k$")
axes[0].set_ylabel("distance")
axes[1].legend(fontsize=8)
fig.tight_layout()
table(rows, formats=".3e")

# %%
# On both singular problems, after 200 steps the iterates are within
# :math:`10^{-8}` of ``gd_limit`` and the loss is within :math:`10^{-12}` of its
# minimum, from either start. From the random start the distance to :math:`X^+ y`
# levels off at :math:`\|(I - X^+X)\,w_0\|` (to :math:`10^{-8}`), which is above 0.1
# here; from :math:`w_0 = 0` it goes to 0.
#
# A step just above :math:`2/\lambda_{\max}`
# -------------------------------------------
# At :math:`\alpha = 2/\lambda_{\max}` the factor along the top eigenvector is
# :math:`|1 - 2| = 1`: that component flips sign every step and never shrinks. Just
# above, the factor exceeds 1 and the error should grow geometrically, however small
# the excess, while the other eigen-directions still converge.
X, y = problems["tall, full rank"]
w0 = starts["tall, full rank"]
w_star = minimizer(X, y)
bound = step_size_bound(X)
K_LONG = 600
fig, ax = plt.subplots(figsize=(6.5, 4))
rows = []
for factor in [0.98, 1.0, 1.02, 1.05]:
    alpha = factor * bound
    errors = error_norms(gd_iterates(X, y, w0, alpha, K_LONG), w_star)
    rho = contraction_factor(X, alpha)
    rate = observed_rate(errors, 300, K_LONG)
    # sphinx_gallery_start_ignore
    assert abs(rho - abs(1 - 2 * factor)) < 1e-12, f"{factor}: rho = |1 - alpha lambda_max|"
    assert abs(rate - rho) < RATE_TOL, f"{factor}: measured factor within 1e-3 of rho"
    if factor == 1.0:
        # only the top component is left, and it keeps its size
        kept = abs(float(errors[K_LONG] / errors[300]) - 1)
        assert kept < 1e-9, "at the bound, steps 300 and 600 agree to 1e-9"
    if factor > 1:
        assert float(errors[K_LONG]) > 100 * float(errors[0]), f"{factor}: error grows 100x"
    # sphinx_gallery_end_ignore
    ax.semilogy(errors, label=rf"$\alpha = {factor:g} \cdot 2/\lambda_{{\max}}$")
    rows.append(
        {
            "alpha / (2 / lambda_max)": f"{factor:g}",
            "predicted rho": rho,
            "measured rate, k = 300..600": rate,
            "||w_600 - w*||": float(errors[K_LONG]),
        }
    )
ax.set(xlabel="iteration $k$", ylabel=r"$\|w_k - w^\star\|$")
ax.set_title("Around the step-size bound")
ax.legend()
fig.tight_layout()
table(rows, formats={"predicted rho": ".4f", "measured rate, k = 300..600": ".4f"})

# %%
# For all four steps the measured factor per step over :math:`k = 300..600` matches
# :math:`\rho = |1 - \alpha\lambda_{\max}|` to within :math:`10^{-3}`: 0.96 below the
# bound, 1 at it, and 1.04 and 1.1 above it. At the bound the other components have
# died out by step 300 and the error keeps a constant size from then on (its values at
# steps 300 and 600 agree to a relative :math:`10^{-9}`); above it, the error after 600
# steps is more than 100 times the starting error.
