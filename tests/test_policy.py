"""The input policy of issue 23, swept over every public function and class of hw1.

Bad input raises TypeError or ValueError naming the argument; nothing else escapes,
nothing is returned for input a function cannot handle, and a bad call leaves no state
that breaks the next valid one. The table of valid calls and argument kinds is
``tests/policy_table.py``; ``tools/probe_policy.py`` runs the same table in forked
processes with time and memory limits.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))

import policy_table as pt

SWEPT = sorted(pt.TABLE)


def test_every_public_callable_has_a_table_entry():
    found = set(pt.public_callables())
    assert found - set(pt.TABLE) == set(), "add these to tests/policy_table.py"
    assert set(pt.TABLE) - found == set(), "stale table entries"


@pytest.mark.parametrize("module", sorted({name.rpartition(".")[0] for name in pt.TABLE}))
def test_module_docstring_states_what_nonfinite_entries_do(module):
    assert pt.nonfinite_policy(module) in ("rejected", "pass through"), (
        f"{module}'s docstring must say 'Non-finite entries are rejected' or "
        "'Non-finite entries pass through'"
    )


def _sweep_param(name: str):
    pending = pt.TABLE[name].pending
    marks = [pytest.mark.xfail(reason=pending, strict=True)] if pending else []
    return pytest.param(name, marks=marks, id=name)


@pytest.mark.parametrize("name", [_sweep_param(name) for name in SWEPT])
def test_policy_sweep(name):
    """Each argument x each category: the policy holds, and the next valid call works."""
    case = pt.TABLE[name]
    if not case.kinds:
        pytest.skip("no arguments to vary; the module's own tests run it")
    func = pt.resolve(name)
    nonfinite = pt.nonfinite_of(name)
    valid = pt.outcome(func, case.make())
    assert valid[0] == "returned", f"the table's valid call fails: {valid}"
    failures = []
    for arg, category, value, expect in pt.bad_calls(name):
        if case.slow and expect in ("same", "either", "nonfinite"):
            continue  # these run the whole computation; tools/probe_policy.py covers them
        outcome = pt.outcome(func, pt.with_bad(case.make(), arg, value))
        row, reason = pt.classify(
            arg,
            category,
            expect,
            outcome,
            valid[1],
            compare=case.compare,
            nonfinite=nonfinite,
            values_used=case.values_used,
        )
        if row not in ("policy", "accepted"):
            failures.append(f"{arg}={category}: [{row}] {reason}")
            if case.pending:
                break  # known to fail (strict xfail): one failure shows it still does
    assert not failures, f"{name}:\n" + "\n".join(failures)


# -- caches: a bad call, then a valid call gives the valid result --------------------------


def test_jacobian_constants_cache_survives_a_meta_call():
    from hw1.jacobian import jacobian_forward, jacobian_reverse, jacobian_reverse_manual

    w, x = pt.weights(), pt.x_batch()
    expected = jacobian_reverse(w, x)
    meta_w = {k: v.to("meta") for k, v in w.items()}
    for fn in (jacobian_forward, jacobian_reverse_manual):
        fn(meta_w, x.to("meta"))  # all on meta: shapes only
        torch.testing.assert_close(fn(w, x), expected)
        torch.testing.assert_close(fn(w, x[0]), expected[0])


@pytest.mark.parametrize(
    "fn_name", ["mlp", "jacobian_reverse", "jacobian_forward", "jacobian_reverse_manual"]
)
def test_jacobian_layer_key_cache_survives_bad_weights(fn_name):
    from hw1 import jacobian

    fn = getattr(jacobian, fn_name)
    w, x = pt.weights(), pt.x_batch()
    expected = fn(w, x).clone()
    for bad in ({k: v for k, v in w.items() if k != "W1"}, {**w, "W7": w["W2"]}, {"WF": w["WF"]}):
        with pytest.raises(ValueError, match="weights"):
            fn(bad, x)
        torch.testing.assert_close(fn(w, x), expected, rtol=0, atol=0)  # exact: same kernels


def test_jacobian_constants_cache_is_keyed_by_dtype_too():
    from hw1.jacobian import jacobian_forward, jacobian_reverse

    w64, x64 = pt.weights(), pt.x_batch()
    w32 = {k: v.float() for k, v in w64.items()}
    jacobian_forward(w32, x64.float())
    torch.testing.assert_close(jacobian_forward(w64, x64), jacobian_reverse(w64, x64))


def test_mnist_cache_survives_a_bad_root(tmp_path):
    from hw1.data import load_mnist

    with pytest.raises(FileNotFoundError):
        load_mnist("test", root=tmp_path)
    with pytest.raises(TypeError, match="root"):
        load_mnist("test", root=3)
    images, labels = load_mnist("test")
    assert images.shape == (10_000, 784) and labels.shape == (10_000,)


# -- one test per silently wrong case of the issue -----------------------------------------


def test_mlp_with_a_weight_on_another_device_raises():
    from hw1.jacobian import mlp

    w = pt.weights()
    w["W2"] = w["W2"].to("meta")
    with pytest.raises(ValueError, match=r"weights\['W2'\]"):
        mlp(w, pt.x_batch())
    with pytest.raises(ValueError, match="x is"):
        mlp(pt.weights(), pt.x_batch().to("meta"))


@pytest.mark.parametrize("fn_name", ["predict", "cost", "manual_gradients"])
def test_logcosh_with_W1_on_another_device_raises(fn_name):
    from hw1 import logcosh

    p = pt.params()
    p["W1"] = p["W1"].to("meta")
    args = (p, pt.lc_X()) if fn_name == "predict" else (p, pt.lc_X(), pt.lc_y())
    with pytest.raises(ValueError, match="params"):
        getattr(logcosh, fn_name)(*args)


def test_manual_gradients_without_targets_names_y():
    from hw1.logcosh import manual_gradients

    with pytest.raises(TypeError, match=r"y must be a torch\.Tensor"):
        manual_gradients(pt.params(), pt.lc_X(), None)


@pytest.mark.parametrize("fn_name", ["minimizer", "gd_limit"])
@pytest.mark.parametrize("bad", [math.inf, -math.inf, math.nan])
def test_least_squares_rejects_nonfinite_X(fn_name, bad):
    from hw1 import least_squares

    X = pt.ls_X()
    X[1, 0] = bad
    args = (X, pt.ls_y()) if fn_name == "minimizer" else (X, pt.ls_y(), pt.ls_w())
    with pytest.raises(ValueError, match="X must hold only finite entries"):
        getattr(least_squares, fn_name)(*args)


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_least_squares_rejects_half_precision_before_the_svd(dtype):
    from hw1.least_squares import make_problem, minimizer

    with pytest.raises(ValueError, match="X must have dtype float32 or float64"):
        minimizer(pt.ls_X().to(dtype), pt.ls_y().to(dtype))
    with pytest.raises(ValueError, match="dtype must be float32 or float64"):
        make_problem(4, [1.0], dtype=dtype)


def test_central_difference_with_an_unresolvable_step_raises():
    from hw1.jacobian import jacobian_central_difference

    with pytest.raises(ValueError, match="eps=1e-30 is below the resolution"):
        jacobian_central_difference(pt.weights(), pt.x_point(), 1e-30)


def test_central_difference_divides_by_the_step_taken(monkeypatch):
    from hw1 import jacobian

    # A linear network f(x) = A x, so the difference quotient has no truncation error,
    # and a step eps = 1.2e-16 at x = 1: 1 + eps rounds up to 1 + 2**-52 and 1 - eps
    # to 1 - 2**-53, so the step taken is 1.5 * 2**-52, not 2 eps (39 % apart).
    A = torch.tensor([[2.0], [-0.5]], dtype=torch.float64)  # (P, D) = (2, 1)
    monkeypatch.setattr(jacobian, "_forward", lambda hidden, WF, x: x @ A.T)
    w = jacobian.init_weights(1, 3, 2, 1, dtype=torch.float64)
    x = torch.tensor([1.0], dtype=torch.float64)
    got = jacobian.jacobian_central_difference(w, x, 1.2e-16)
    # exact: powers of two times the rounded points, their difference and the quotient
    # are all representable
    assert torch.equal(got, A)


def test_max_abs_error_rejects_a_target_of_shape_n_by_1():
    from hw1.handcrafted import max_abs_error, tent, tent_net

    x = torch.linspace(-0.5, 1.5, 41)
    assert max_abs_error(tent_net(), tent, x) == 0.0  # exact: dyadic grid, exact weights
    with pytest.raises(ValueError, match="target must return shape"):
        max_abs_error(tent_net(), lambda v: tent(v)[:, None], x)


def test_compare_gradients_refuses_lists_and_keeps_float64():
    from hw1.finite_diff import compare_gradients

    ref = torch.tensor([1.0, 2.0], dtype=torch.float64)
    with pytest.raises(TypeError, match=r"computed\['a'\]"):
        compare_gradients({"a": [1.0, 2.0 + 1e-8]}, {"a": ref})
    got = compare_gradients({"a": ref + torch.tensor([0.0, 1e-8], dtype=torch.float64)}, {"a": ref})
    # float64 rounding of 2 + 1e-8 is at most eps * 2 ~ 4.4e-16 off 1e-8.
    assert abs(got["a"]["max_abs"] - 1e-8) < 1e-15


@pytest.mark.parametrize("where", ["x", "weights"])
@pytest.mark.parametrize("fn_name", ["jacobian_forward", "jacobian_reverse_manual"])
def test_hand_written_jacobians_accept_tensors_that_require_grad(where, fn_name):
    from hw1 import jacobian

    w, x = pt.weights(), pt.x_batch()
    expected = jacobian.jacobian_reverse(w, x)
    if where == "x":
        x = x.clone().requires_grad_()
    else:
        w = {k: v.clone().requires_grad_() for k, v in w.items()}
    got = getattr(jacobian, fn_name)(w, x)
    torch.testing.assert_close(got, expected)
    torch.testing.assert_close(getattr(jacobian, fn_name)(w, x[0]), expected[0])


@pytest.mark.parametrize("bad", [10, -1, -100])
def test_labels_outside_the_classes_are_rejected(bad):
    from hw1.init_study import layer_statistics

    y = pt.labels()
    y[2] = bad
    with pytest.raises(ValueError, match="labels must be class indices"):
        layer_statistics(pt.mlp_model(), pt.images(), y)
    with pytest.raises(ValueError, match="labels must be class indices"):
        layer_statistics(pt.mlp_model(), pt.images(), torch.full_like(y, -100))


@pytest.mark.parametrize(
    ("seed", "error"), [("0", TypeError), (-1, ValueError), (2**63, ValueError)]
)
def test_make_model_seed_is_a_nonnegative_int_below_2_63(seed, error):
    from hw1.init_study import make_model

    with pytest.raises(error, match="seed"):
        make_model(2, 0.5, seed=seed, width=4)
    assert make_model(2, 0.5, seed=2**63 - 1, width=4).depth == 2


def test_profile_summary_with_a_zero_norm_gives_inf_or_nan():
    from hw1.init_study import profile_summary

    stats = pt.layer_stats()
    for row in stats["layers"]:
        row["activation_std"] = 0.0
    stats["layers"][-1]["output_grad_norm"] = 0.0
    summary = profile_summary(stats)
    assert summary["grad_ratio"] == math.inf
    assert math.isnan(summary["std_gain"])


@pytest.mark.parametrize(("key", "value"), [("block_s", 1e9), ("min_run_time", 1e9)])
def test_time_methods_budgets_are_bounded(key, value):
    from hw1.bench.timing import time_methods

    with pytest.raises(ValueError, match=key):
        time_methods(pt.timing_calls(), **{key: value})


def test_numpy_integers_are_accepted_as_sizes():
    from hw1.init_training import batch_indices

    a = batch_indices(np.int64(10), np.int64(4), pt._gen())
    b = batch_indices(10, 4, pt._gen())
    assert [t.tolist() for t in a] == [t.tolist() for t in b]


def test_tent_maps_nan_to_nan():
    from hw1.handcrafted import tent, tent_net

    x = torch.tensor([math.nan, 0.25, math.inf, -math.inf])
    out = tent(x)
    assert math.isnan(out[0]) and out[1] == 0.5 and out[2] == 0 and out[3] == 0
    assert math.isnan(tent_net()(x[:1, None]).item())


# -- hypothesis: values within a category --------------------------------------------------


@settings(max_examples=25, deadline=None, derandomize=True, database=None)
@given(
    n=st.integers(1, 5),
    d=st.integers(1, 4),
    where=st.integers(0, 100),
    bad=st.sampled_from([math.nan, math.inf, -math.inf]),
    arg=st.sampled_from(["X", "y", "w"]),
)
def test_least_squares_rejects_any_nonfinite_entry(n, d, where, bad, arg):
    from hw1.least_squares import gradient

    g = torch.Generator().manual_seed(where)
    values = {
        "X": torch.randn(n, d, generator=g, dtype=torch.float64),
        "y": torch.randn(n, generator=g, dtype=torch.float64),
        "w": torch.randn(d, generator=g, dtype=torch.float64),
    }
    flat = values[arg].view(-1)
    flat[where % flat.numel()] = bad
    with pytest.raises(ValueError, match=f"{arg} must hold only finite entries"):
        gradient(values["X"], values["w"], values["y"])


@settings(max_examples=25, deadline=None, derandomize=True, database=None)
@given(n=st.integers(1, 5), d=st.integers(1, 4), extra=st.integers(1, 3))
def test_least_squares_names_the_mismatched_argument(n, d, extra):
    from hw1.least_squares import loss

    X = torch.ones(n, d, dtype=torch.float64)
    with pytest.raises(ValueError, match="y must have shape"):
        loss(X, torch.ones(d, dtype=torch.float64), torch.ones(n + extra, dtype=torch.float64))
    with pytest.raises(ValueError, match="w must have shape"):
        loss(X, torch.ones(d + extra, dtype=torch.float64), torch.ones(n, dtype=torch.float64))


@settings(max_examples=25, deadline=None, derandomize=True, database=None)
@given(size=st.integers(-(2**70), 0), seed=st.integers(2**63, 2**80))
def test_sizes_and_seeds_out_of_range_are_value_errors(size, seed):
    from hw1.data import split_indices
    from hw1.jacobian import init_weights

    with pytest.raises(ValueError, match="K must be >= 1"):
        init_weights(2, size, 3, 2)
    with pytest.raises(ValueError, match="seed must be"):
        split_indices(10, seed=seed)


@settings(max_examples=25, deadline=None, derandomize=True, database=None)
@given(
    shape=st.lists(st.integers(1, 4), min_size=1, max_size=3),
    where=st.integers(0, 100),
)
def test_nan_passes_through_the_pass_through_modules(shape, where):
    from hw1.handcrafted import soft_threshold, tent
    from hw1.logcosh import log_cosh

    x = torch.linspace(-2, 2, math.prod(shape)).reshape(shape)
    x.view(-1)[where % x.numel()] = math.nan
    for fn in (tent, log_cosh, lambda v: soft_threshold(v, 0.5)):
        out = fn(x)
        assert torch.equal(torch.isnan(out), torch.isnan(x))


# -- hw1.bench: what its module docstrings state -------------------------------------------


@pytest.mark.parametrize("bad", [math.nan, math.inf, -1.0])
@pytest.mark.parametrize(
    ("fn_name", "part"),
    [
        ("fastest_layouts", "cases"),
        ("case_table", "cases"),
        ("layout_table", "cases"),
        ("speed_ratios", "cases"),
        ("sweep_table", "sweep"),
        ("sweep_ratio_bands", "sweep"),
        ("sweep_crossovers", "sweep"),
    ],
)
def test_bench_tables_reject_nonfinite_times(fn_name, part, bad):
    from hw1.bench import tables

    records = pt.bench_doc()[part]
    key = "median_s" if part == "cases" else "runs"
    records[1][key] = bad if key == "median_s" else [bad] * len(records[1]["runs"])
    with pytest.raises(ValueError, match=rf"records\[1\]\['{key}'\]"):
        getattr(tables, fn_name)(records)


@pytest.mark.parametrize("bad", [math.nan, math.inf, 0.0])
def test_bench_results_reject_nonfinite_runs(bad):
    from hw1.bench.results import check_results

    doc = pt.bench_doc()
    doc["cases"][0]["runs"][0] = bad
    with pytest.raises(ValueError, match=r"doc: cases\[0\]\['runs'\] must hold"):
        check_results(doc)


def test_bench_timed_call_validates_the_hand_written_methods_too():
    from hw1.bench.methods import timed_call

    w = pt.weights()
    del w["W1"]
    for method in ("jacobian_forward", "reverse_manual", "jacrev"):
        layout = "rows" if method == "jacrev" else "columns"
        with pytest.raises(ValueError, match="weights lacks 'W1'"):
            timed_call(method, layout, w, pt.x_batch())


def test_bench_verify_methods_rejects_nan_instead_of_failing_the_comparison():
    from hw1.bench.methods import verify_methods

    x = pt.x_batch()
    x[0, 0] = math.nan
    with pytest.raises(ValueError, match="x must hold only finite entries"):
        verify_methods(pt.weights(), x, [("jacobian_forward", "columns")])


@pytest.mark.parametrize(
    ("seed", "error"), [("0", TypeError), (-1, ValueError), (2**63, ValueError)]
)
def test_bench_seeds_are_nonnegative_ints_below_2_63(seed, error):
    import dataclasses

    from hw1.bench.config import QUICK
    from hw1.bench.methods import benchmark_problem

    with pytest.raises(error, match="seed"):
        dataclasses.replace(QUICK, seed=seed)
    with pytest.raises(error, match="seed"):
        benchmark_problem(2, 4, 3, 1, None, seed=seed)
    w, x = benchmark_problem(2, 4, 3, 1, None, seed=np.int64(2**63 - 1))
    assert x.shape == (2,) and set(w) == {"W1", "WF"}
