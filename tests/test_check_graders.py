"""hw1.check's graders (q1 ... q5): each classic mistake fails and is named."""

import pytest
import torch
from checker_helpers import ANSWERS, load

from hw1.check import check

CATALOGUE = [
    ("wrong_q1_missing_mean", "manual_gradients", "missing 1/N"),
    ("wrong_q1_extra_mean", "manual_gradients", "an extra 1/N"),
    ("wrong_q1_transposed", "manual_gradients", "W1: transposed: shape (3, 5) where (H, D)"),
    ("wrong_q1_tanh_prime", "manual_gradients", "W1, b1, X: tanh′ written as 1 − tanh"),
    ("wrong_q1_sign", "manual_gradients", "W1, b1, w2, b2, X: flipped sign"),
    ("wrong_q1c_not_restored", "numerical_gradient", "perturbed entry was not put back"),
    ("wrong_q1c_divide_by_h", "numerical_gradient", "divided by h instead of 2h"),
    ("wrong_q2_jacobian_dp", "jacobian_reverse", "Jacobian returned as (D, P)"),
    ("wrong_q2_tanh_prime", "jacobian_forward", "tanh′ written as 1 − tanh"),
    ("wrong_q2c_uses_jacfwd", "jacobian_forward", "not forward mode by hand: it uses a torch.func"),
    ("wrong_q2c_dual_tensors", "jacobian_forward", "not forward mode by hand: it uses forward-AD"),
    ("wrong_q2c_autograd_rows", "jacobian_forward", "not forward mode by hand: it uses a tensor"),
    ("wrong_q3_tent_outside", "tent_net", "right on [0, 1] but wrong outside it, for x > 1"),
    ("wrong_q3_soft_one_sided", "soft_threshold_net", "misses the negative side"),
    ("wrong_q3_xor", "xnor_net", "computes XOR, not XNOR"),
    ("wrong_q4_depth", "MLP", "follows neither convention"),
    ("wrong_q4_tanh_logits", "MLP", "applies tanh to the output logits too"),
    ("wrong_q4_xavier_fan_in", "init_uniform_", "looks like a fan-in-only bound, √(6/n_in)"),
    ("wrong_q4_xavier_fan_in_3", "init_uniform_", "looks like a fan-in-only bound, √(3/n_in)"),
    ("wrong_q4_normal", "init_uniform_", "as for N(0, d²), not U(−d, d)"),
    ("wrong_q4_bias", "init_uniform_", "biases not set to zero"),
    ("wrong_q5_gradient_mean", "gradient", "the gradient of the mean (1/2N)‖Xw − y‖²"),
    ("wrong_q5_gradient_sign", "gradient", "flipped sign"),
    ("wrong_q5_off_by_one", "closed_form_iterate", "iterate off by one step: returned w_1 for w_0"),
    ("wrong_q5_iterate_mean", "closed_form_iterate", "gradient of the mean loss"),
    ("wrong_q5_iterate_ignores_w0", "closed_form_iterate", "ignores w0"),
    ("wrong_q5_iterate_plus", "closed_form_iterate", "I − αX^T X written as I + αX^T X"),
    ("wrong_q5_normal_equations", "minimizer", "X^T X is singular here"),
]


@pytest.mark.parametrize(("file", "name", "named"), CATALOGUE, ids=[c[0] for c in CATALOGUE])
def test_each_classic_mistake_fails_and_is_named(file, name, named):
    report = check(load(file), timeout=30)
    (result,) = report.checks
    assert result.name == name
    assert not result.passed
    assert named in result.message, result.message
    assert result.attempted and result.mistake, result  # a short name for the gradebook
    assert report.exit_code == 1
    assert "FAIL" in str(report) and "FAIL" in report._repr_html_()


def test_the_catalogue_covers_every_wrong_answer_file():
    files = {p.stem for p in ANSWERS.glob("wrong_*.py")}
    assert files == {c[0] for c in CATALOGUE}
    assert len(files) >= 12


def test_the_same_mistake_in_the_project_answer_is_caught():
    """Break one step of the project's own answer: the check must notice."""
    from hw1.least_squares import gradient

    def halved(X, w, y):
        return gradient(X, w, y) / X.shape[0]

    report = check({"gradient": halved})
    assert not report.checks[0].passed
    assert "gradient of the mean" in report.checks[0].message


def test_float32_answers_are_told_that_the_inputs_are_float64():
    report = check(load("float32_tensors"))
    assert [c.name for c in report.checks] == ["jacobian_forward", "closed_form_iterate"]
    for result in report.checks:
        assert not result.passed
        assert "RuntimeError" in result.message  # the traceback is kept
        assert "hw1/check/" not in result.message  # without the checker's own frames
        assert "the checker passes float64 tensors" in result.message, result.message
        assert "dtype=x.dtype" in result.message


def test_a_sigmoid_network_for_a_kinked_target_is_told_to_use_relu():
    def relu_ish(x):  # x·σ(50x), a smooth stand-in for ReLU
        return x * torch.sigmoid(50 * x)

    def tent_net():
        return lambda x: 2 * (relu_ish(x) - 2 * relu_ish(x - 0.5) + relu_ish(x - 1))

    (result,) = check({"tent_net": tent_net}).checks
    assert not result.passed
    assert "A sigmoid network approximates the kinks" in result.message, result.message
    assert "exact ReLU constructions" in result.message and "fine for XNOR" in result.message


def test_a_minimiser_from_a_singular_normal_system_passes_with_a_plain_note():
    def minimizer(X, y):
        return torch.linalg.solve(X.T @ X, X.T @ y)

    (result,) = check({"minimizer": minimizer}).checks
    # What docs/check.md promises: any minimiser passes; the note names the problem.
    assert result.passed, result.message
    assert "X^T X is singular" in result.message
    assert "not the minimum-norm minimiser" in result.message
