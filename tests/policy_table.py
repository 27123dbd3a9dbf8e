"""The table of valid calls and bad values behind the input-policy sweep (issue 23).

One entry per public function or class of every ``hw1`` module but the checker: a
factory for a small valid call and, per argument, its *kind*. :func:`bad_calls` turns
a kind into bad values, one category of the policy at a time, each with what the
policy expects of it. ``tests/test_policy.py`` and ``tools/probe_policy.py`` both read
this table, so a function without an entry fails the test.

Expectations:

``TE`` / ``VE``
    TypeError / ValueError whose message names the argument. A tensor of the wrong
    dtype is a wrong value (ValueError), as DEVELOPERS.md says.
``same``
    A valid variant (numpy integer, non-contiguous or grad-requiring tensor): the
    call must return what the plain valid call returns.
``nonfinite``
    NaN or inf: ValueError naming the argument where the module rejects non-finite
    entries; where they pass through, NaN in must give NaN out.
``device``
    A tensor on the ``meta`` device while the others are on the CPU: ValueError.
``either``
    TypeError/ValueError naming the argument, or any result (e.g. float16 where
    elementwise maths works).
"""

from __future__ import annotations

import functools
import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch

import hw1

#: Modules outside the sweep: the checker has its own tests.
EXCLUDED_MODULES = ("hw1.check", "hw1._check_cases")


def public_callables() -> dict[str, object]:
    """Every public function and class defined in a public ``hw1`` module, by path."""
    found = {}
    for info in pkgutil.walk_packages(hw1.__path__, "hw1."):
        name = info.name
        if any(part.startswith("_") for part in name.split(".")) or name.startswith(
            EXCLUDED_MODULES
        ):
            continue
        module = importlib.import_module(name)
        for attr, obj in vars(module).items():
            if attr.startswith("_") or not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            if getattr(obj, "__module__", None) != name:
                continue
            found[f"{name}.{attr}"] = obj
    return found


def nonfinite_policy(module_name: str) -> str:
    """Read ``"rejected"`` or ``"pass through"`` from a module's docstring."""
    doc = importlib.import_module(module_name).__doc__ or ""
    match = re.search(r"Non-finite entries\s+(are\s+rejected|pass\s+through)", doc)
    if match is None:
        return ""
    return "rejected" if "rejected" in match.group(1) else "pass through"


# -- valid arguments ----------------------------------------------------------------------


def _gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


@functools.cache
def _weights() -> dict[str, torch.Tensor]:
    from hw1.jacobian import init_weights

    return init_weights(2, 4, 3, 2, generator=_gen(), dtype=torch.float64)


def weights() -> dict[str, torch.Tensor]:
    return {k: v.clone() for k, v in _weights().items()}


def x_point() -> torch.Tensor:
    return torch.tensor([0.3, -0.2], dtype=torch.float64)


def x_batch() -> torch.Tensor:
    return torch.tensor([[0.3, -0.2], [0.1, 0.5], [-0.4, 0.2]], dtype=torch.float64)


def ls_X() -> torch.Tensor:
    return torch.tensor([[1.0, 0.5], [0.2, 2.0], [1.0, 1.0]], dtype=torch.float64)


def ls_y() -> torch.Tensor:
    return torch.tensor([1.0, -1.0, 0.5], dtype=torch.float64)


def ls_w() -> torch.Tensor:
    return torch.tensor([0.1, -0.3], dtype=torch.float64)


def params() -> dict[str, torch.Tensor]:
    from hw1.logcosh import init_params

    return init_params(3, 4, generator=_gen())


def lc_X() -> torch.Tensor:
    return torch.linspace(-1, 1, 15, dtype=torch.float64).reshape(5, 3)


def lc_y() -> torch.Tensor:
    return torch.linspace(0, 1, 5, dtype=torch.float64)


def quad(t: torch.Tensor) -> torch.Tensor:
    return (t**2).sum()


def sweep_rows() -> list[dict[str, float]]:
    from hw1.finite_diff import step_size_sweep

    t = torch.tensor([0.5, -1.0], dtype=torch.float64)
    return step_size_sweep(lambda v: v.exp().sum(), t, t.exp(), [10.0**-k for k in range(1, 13, 2)])


def images(n: int = 6) -> torch.Tensor:
    return torch.linspace(0, 1, n * 784, dtype=torch.float32).reshape(n, 784)


def labels(n: int = 6) -> torch.Tensor:
    return torch.arange(n, dtype=torch.int64) % 10


def small_images() -> torch.Tensor:
    return torch.linspace(0, 1, 8 * 6, dtype=torch.float32).reshape(8, 6)


def small_labels() -> torch.Tensor:
    return torch.tensor([0, 1, 2, 0, 1, 2, 0, 1])


def mlp_model(depth: int = 3):
    from hw1.init_study import MLP

    torch.manual_seed(0)
    return MLP(depth, 4)


def small_mlp():
    from hw1.init_study import MLP

    torch.manual_seed(0)
    return MLP(2, 4, in_features=6, out_features=3)


def four_axes() -> list:
    from matplotlib.figure import Figure

    fig = Figure()  # not registered with pyplot: nothing to close
    return [fig.add_subplot(1, 4, i) for i in range(1, 5)]


def layer_stats() -> dict:
    from hw1.init_study import layer_statistics

    return layer_statistics(mlp_model(), images(), labels())


@functools.cache
def _bench_doc() -> dict:
    from hw1.bench.results import load_results

    return load_results("cpu")


def bench_doc() -> dict:
    import copy

    return copy.deepcopy(_bench_doc())


def bench_cases() -> list[dict]:
    return bench_doc()["cases"]


def bench_sweep() -> list[dict]:
    return bench_doc()["sweep"]


def timing_calls() -> dict:
    return {"one": (quad, (torch.ones(3),))}


def _tiny_config_fields() -> dict:
    """A benchmark of a second: one run, one depth, one input, one sweep size."""
    return dict(
        runs=1,
        Ls=(1,),
        batches=(None,),
        sweep_Ds=(2,),
        D=2,
        K=4,
        P=3,
        sweep_L=1,
        sweep_N=2,
        big=8,
        dtype=torch.float64,
        min_run_time=0.002,
        rounds=1,
        num_threads=1,
        seed=0,
    )


def tiny_config():
    from hw1.bench.config import BenchConfig

    return BenchConfig(**_tiny_config_fields())


# -- the table ----------------------------------------------------------------------------


@dataclass
class Case:
    """A valid call and the kinds of its arguments.

    ``make`` returns the valid arguments by name (``*args`` under its own name as a
    tuple); ``kinds`` gives each argument checked its kind (see :func:`bad_values`);
    arguments left out are not varied. ``compare`` is False where a result is not
    reproducible (timings). ``slow`` marks calls the test sweep skips beyond the type
    checks. ``values_used`` is False where the result depends on shapes only (NaN in,
    the same result out is then right). ``pending`` says why known failures remain;
    the test then expects the entry to fail, so a fix has to remove it. ``nonfinite``
    overrides the module's NaN policy where the function's docstring says otherwise.
    """

    make: Callable[[], dict]
    kinds: dict[str, str] = field(default_factory=dict)
    compare: bool = True
    slow: bool = False
    values_used: bool = True
    pending: str = ""
    nonfinite: str = ""


def C(make, compare=True, slow=False, values_used=True, pending="", nonfinite="", **kinds):
    """One table row: see :class:`Case`."""
    return Case(make, kinds, compare, slow, values_used, pending, nonfinite)


def nonfinite_of(name: str) -> str:
    """What ``name`` does with NaN: its own docstring's exception, else its module's."""
    return TABLE[name].nonfinite or nonfinite_policy(name.rpartition(".")[0])


T = "tensor"  # floating tensor with a shape tied to other arguments
TA = "tensor:any"  # floating tensor of any shape

TABLE: dict[str, Case] = {
    # finite_diff
    "hw1.finite_diff.numerical_gradient": C(
        lambda: dict(f=quad, t=torch.tensor([0.5, -1.0], dtype=torch.float64), eps=1e-6),
        f="callable",
        t=TA,
        eps="real>0",
    ),
    "hw1.finite_diff.compare_gradients": C(
        lambda: dict(
            computed={"a": torch.tensor([1.0, 2.0 + 1e-8], dtype=torch.float64)},
            reference={"a": torch.tensor([1.0, 2.0], dtype=torch.float64)},
        ),
        computed="grads",
        reference="grads",
    ),
    "hw1.finite_diff.step_size_sweep": C(
        lambda: dict(
            f=quad,
            t=torch.tensor([0.5, -1.0], dtype=torch.float64),
            reference=torch.tensor([1.0, -2.0], dtype=torch.float64),
            steps=[1e-3, 1e-5],
        ),
        f="callable",
        t=TA,
        reference=T,
        steps="reals>0",
    ),
    "hw1.finite_diff.best_step": C(
        lambda: dict(rows=sweep_rows(), key="max_abs"),
        rows="records",
        key="option",
    ),
    "hw1.finite_diff.error_slopes": C(
        lambda: dict(rows=sweep_rows(), key="scaled", max_step=0.1),
        rows="records",
        key="option",
        max_step="real>0",
    ),
    # handcrafted
    "hw1.handcrafted.xnor_sigmoid_error_bound": C(lambda: dict(gain=10.0), gain="real>0"),
    "hw1.handcrafted.xnor": C(
        lambda: dict(x=torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 1.0]])), x="tensor:binary"
    ),
    "hw1.handcrafted.tent": C(lambda: dict(x=torch.linspace(-0.5, 1.5, 9)), x=TA),
    "hw1.handcrafted.soft_threshold": C(
        lambda: dict(x=torch.linspace(-2, 2, 9), s=0.5), x=TA, s="real>=0"
    ),
    "hw1.handcrafted.xnor_net": C(
        lambda: dict(activation="relu", dtype=torch.float64), activation="option", dtype="dtype"
    ),
    "hw1.handcrafted.tent_net": C(lambda: dict(dtype=torch.float64), dtype="dtype"),
    "hw1.handcrafted.soft_threshold_net": C(
        lambda: dict(s=0.5, dtype=torch.float64), s="real>=0", dtype="dtype"
    ),
    "hw1.handcrafted.run_on_grid": C(
        lambda: dict(net=_tent_net(), x=torch.linspace(-0.5, 1.5, 9)), net="module", x="tensor:ndim"
    ),
    "hw1.handcrafted.max_abs_error": C(
        lambda: dict(net=_tent_net(), target=_tent(), x=torch.linspace(-0.5, 1.5, 9)),
        net="module",
        target="callable",
        x="tensor:ndim",
    ),
    "hw1.handcrafted.xnor_truth_table": C(lambda: dict(net=_xnor_net()), net="module"),
    "hw1.handcrafted.parameter_rows": C(lambda: dict(net=_xnor_net()), net="module"),
    # jacobian
    "hw1.jacobian.init_weights": C(
        lambda: dict(D=2, K=4, P=3, L=2, generator=_gen(), dtype=torch.float64),
        D="int>=1",
        K="int>=1",
        P="int>=1",
        L="int>=1",
        generator="generator",
        dtype="dtype",
    ),
    "hw1.jacobian.network_sizes": C(
        lambda: dict(weights=weights()), values_used=False, weights="weights"
    ),
    "hw1.jacobian.mlp": C(lambda: dict(weights=weights(), x=x_batch()), weights="weights", x=T),
    "hw1.jacobian.jacobian_reverse": C(
        lambda: dict(weights=weights(), x=x_batch()), weights="weights", x=T
    ),
    "hw1.jacobian.jacobian_central_difference": C(
        lambda: dict(weights=weights(), x=x_point(), eps=1e-6),
        weights="weights",
        x=T,
        eps="real>0",
    ),
    "hw1.jacobian.jacobian_forward": C(
        lambda: dict(weights=weights(), x=x_batch()), weights="weights", x=T
    ),
    "hw1.jacobian.jacobian_reverse_manual": C(
        lambda: dict(weights=weights(), x=x_batch()), weights="weights", x=T
    ),
    "hw1.jacobian.split_weights": C(lambda: dict(weights=weights()), weights="weights"),
    "hw1.jacobian.check_input": C(
        lambda: dict(x=x_batch(), W1=weights()["W1"]), values_used=False, x=T
    ),
    # Documented as checking nothing: the lean baseline bench times after validating once
    # with split_weights and check_input (both swept above); its result is tested in
    # tests/test_jacobian.py.
    "hw1.jacobian.jacobian_reverse_unchecked": C(
        lambda: dict(hidden=list(weights().values())[:-1], WF=weights()["WF"], x=x_batch())
    ),
    "hw1.jacobian.multiply_counts": C(
        lambda: dict(D=2, K=30, P=10, L=3), D="int>=1", K="int>=1", P="int>=1", L="int>=1"
    ),
    # least_squares
    "hw1.least_squares.loss": C(lambda: dict(X=ls_X(), w=ls_w(), y=ls_y()), X=T, w=T, y=T),
    "hw1.least_squares.gradient": C(lambda: dict(X=ls_X(), w=ls_w(), y=ls_y()), X=T, w=T, y=T),
    "hw1.least_squares.minimizer": C(
        lambda: dict(X=ls_X(), y=ls_y(), rtol=None), X="tensor:rows", y=T, rtol="real>=0?"
    ),
    "hw1.least_squares.numerical_rank": C(
        lambda: dict(X=ls_X(), rtol=None), X="tensor:ndim", rtol="real>=0?"
    ),
    "hw1.least_squares.gd_iterates": C(
        lambda: dict(X=ls_X(), y=ls_y(), w0=ls_w(), alpha=0.1, k=3),
        X=T,
        y=T,
        w0=T,
        alpha="real>0",
        k="int>=0",
    ),
    "hw1.least_squares.closed_form_iterate": C(
        lambda: dict(X=ls_X(), y=ls_y(), w0=ls_w(), alpha=0.1, k=3, method="eigh"),
        X=T,
        y=T,
        w0=T,
        alpha="real>0",
        k="int>=0",
        method="option",
    ),
    "hw1.least_squares.closed_form_discrepancy": C(
        lambda: dict(X=ls_X(), y=ls_y(), w0=ls_w(), alpha=0.1, k_max=3, method="power"),
        X=T,
        y=T,
        w0=T,
        alpha="real>0",
        k_max="int>=0",
        method="option",
    ),
    "hw1.least_squares.gd_limit": C(lambda: dict(X=ls_X(), y=ls_y(), w0=ls_w()), X=T, y=T, w0=T),
    "hw1.least_squares.gram_eigenvalues": C(lambda: dict(X=ls_X()), X="tensor:ndim"),
    "hw1.least_squares.step_size_bound": C(lambda: dict(X=ls_X()), X="tensor:ndim"),
    "hw1.least_squares.optimal_step_size": C(lambda: dict(X=ls_X()), X="tensor:ndim"),
    "hw1.least_squares.contraction_factor": C(
        lambda: dict(X=ls_X(), alpha=0.1), X="tensor:ndim", alpha="real>0"
    ),
    "hw1.least_squares.predicted_error_bound": C(
        lambda: dict(X=ls_X(), y=ls_y(), w0=ls_w(), alpha=0.1, k=3),
        X=T,
        y=T,
        w0=T,
        alpha="real>0",
        k="int>=0",
    ),
    "hw1.least_squares.error_norms": C(
        lambda: dict(iterates=ls_X(), target=ls_w()), iterates=T, target=T
    ),
    "hw1.least_squares.observed_rate": C(
        lambda: dict(
            errors=torch.tensor([1.0, 0.5, 0.25, 0.125], dtype=torch.float64), start=0, stop=3
        ),
        errors="tensor:positive",
        start="int>=0",
        stop="int>=1",
    ),
    "hw1.least_squares.make_problem": C(
        lambda: dict(
            n_samples=4, singular_values=[2.0, 1.0], n_features=3, seed=0, dtype=torch.float64
        ),
        n_samples="int>=1",
        singular_values="reals>=0",
        n_features="int>=1?",
        seed="seed",
        dtype="dtype:linalg",
    ),
    # data
    "hw1.data.DataIntegrityError": C(lambda: dict(args=("message",)), compare=False),
    "hw1.data.load_mnist": C(
        lambda: dict(split="test", root=None), split="option", root="path?", slow=True
    ),
    "hw1.data.load_boston": C(lambda: dict()),
    "hw1.data.find_mnist": C(lambda: dict(), compare=False),
    "hw1.data.feature_summary": C(
        lambda: dict(data=np.arange(6.0).reshape(3, 2), names=["a", "b"]),
        data="array",
        names="names",
    ),
    "hw1.data.split_indices": C(
        lambda: dict(n=10, test_fraction=0.2, seed=0),
        n="int>=2",
        test_fraction="real(0,1)",
        seed="seed",
    ),
    "hw1.data.standardize": C(
        lambda: dict(train=ls_X(), others=(ls_X()[:2] * 2,)), train=T, others="tensors"
    ),
    "hw1.data.boston_split": C(
        lambda: dict(seed=0, test_fraction=0.2, dtype=torch.float64),
        seed="seed",
        test_fraction="real(0,1)",
        dtype="dtype",
    ),
    # report, plotting
    "hw1.report.table": C(
        lambda: dict(rows=[{"a": 1, "b": 0.5}], columns=["a", "b"], formats=".3g"),
        rows="records",
        columns="names?",
        formats="format",
    ),
    "hw1.plotting.image_grid": C(
        lambda: dict(
            images=torch.linspace(0, 1, 8).reshape(2, 4), labels=labels(2), ncols=2, side=2
        ),
        images=T,
        labels="labels:titles",
        ncols="int>=1",
        side="int>=1",
    ),
    "hw1.plotting.layer_profiles": C(
        lambda: dict(axes=four_axes(), profiles={"a": layer_stats()}, title="t", styles={"a": {}}),
        compare=False,
        axes="axes",
        profiles="stats_map",
        title="str",
        styles="mapping?",
    ),
    # init_study (moving: helper gallery splits it)
    "hw1.init_study.MLP": C(
        lambda: dict(depth=2, width=4, in_features=6, out_features=3),
        depth="int>=1",
        width="int>=1",
        in_features="int>=1",
        out_features="int>=1",
    ),
    "hw1.init_study.xavier_bound": C(lambda: dict(n_in=4, n_out=3), n_in="int>=1", n_out="int>=1"),
    "hw1.init_study.layer_bounds": C(lambda: dict(model=small_mlp(), d=0.5), model="mlp", d="d"),
    "hw1.init_study.init_uniform_": C(
        lambda: dict(model=small_mlp(), d="xavier", generator=_gen()),
        model="mlp",
        d="d",
        generator="generator",
    ),
    "hw1.init_study.linear_regime_gain": C(lambda: dict(d=0.5, width=4), d="d", width="int>=1"),
    "hw1.init_study.layer_statistics": C(
        lambda: dict(model=mlp_model(), images=images(), labels=labels()),
        model="mlp",
        images=T,
        labels="labels",
    ),
    "hw1.init_study.check_data": C(
        lambda: dict(images=images(), labels=labels(), model=mlp_model()),
        images=T,
        labels="labels",
    ),
    "hw1.init_study.profile_summary": C(lambda: dict(stats=layer_stats()), stats="stats"),
    "hw1.init_study.spread_over_layers": C(
        lambda: dict(stats=layer_stats(), key="weight_grad_norm"), stats="stats", key="option"
    ),
    "hw1.init_study.rises_towards_input": C(
        lambda: dict(stats=layer_stats(), key="weight_grad_norm"), stats="stats", key="option"
    ),
    "hw1.init_training.accuracy_and_loss": C(
        lambda: dict(model=small_mlp(), images=small_images(), labels=small_labels(), chunk=3),
        model="module",
        images=T,
        labels="labels",
        chunk="int>=1",
    ),
    "hw1.init_training.batch_indices": C(
        lambda: dict(n=10, batch_size=4, generator=_gen()),
        n="int>=1",
        batch_size="int>=1",
        generator="generator!",
    ),
    "hw1.init_training.sgd_step_": C(
        lambda: dict(model=small_mlp(), x=small_images(), y=small_labels(), lr=0.1),
        model="module",
        x=T,
        y="labels",
        lr="real>0",
    ),
    "hw1.init_training.train": C(
        lambda: dict(
            model=small_mlp(),
            epochs=1,
            lr=0.1,
            batch_size=4,
            seed=0,
            train_data=(small_images(), small_labels()),
            test_data=(small_images()[:4], small_labels()[:4]),
            evaluate_train=True,
            train_eval_size=None,
        ),
        model="module",
        epochs="int>=1",
        lr="real>0",
        batch_size="int>=1",
        seed="seed",
        train_data="pair",
        test_data="pair",
        evaluate_train="bool",
    ),
    "hw1.init_training.epoch_overhead": C(
        lambda: dict(
            model=small_mlp(),
            images=small_images(),
            labels=small_labels(),
            lr=0.1,
            batch_size=4,
            seed=0,
            repeats=1,
        ),
        compare=False,
        model="module",
        images=T,
        labels="labels",
        lr="real>0",
        batch_size="int>=1",
        seed="seed",
        repeats="int>=1",
    ),
    "hw1.init_study.study_settings": C(lambda: dict()),
    "hw1.init_study.make_model": C(
        lambda: dict(depth=2, d=0.5, seed=0, width=4),
        depth="int>=1",
        d="d",
        seed="seed",
        width="int>=1",
    ),
    "hw1.init_training.train_from_seed": C(
        lambda: dict(
            depth=2,
            d="xavier",
            seed=0,
            width=4,
            epochs=1,
            lr=0.1,
            batch_size=4,
            train_data=(images(8), labels(8)),
            test_data=(images(4), labels(4)),
        ),
        depth="int>=1",
        d="d",
        seed="seed",
        width="int>=1",
        epochs="int>=1",
        lr="real>0",
        batch_size="int>=1",
        train_data="pair",
        test_data="pair",
    ),
    "hw1.init_training.over_seeds": C(
        lambda: dict(
            records=[{"d": 1, "seed": s, "acc": 0.5 + s / 10} for s in range(3)],
            keys=["acc"],
            by=["d"],
        ),
        records="records",
        keys="names",
        by="names",
    ),
    "hw1.init_study.profile_table": C(
        lambda: dict(profiles={"a": layer_stats()}, key="weight_grad_norm"),
        profiles="stats_map",
        key="option",
    ),
    "hw1.init_training.depth_sweep": C(
        lambda: dict(
            depths=[2],
            settings={"xavier": "xavier"},
            images=images(),
            labels=labels(),
            seeds=(0,),
            width=4,
            train_epochs=0,
        ),
        depths="ints>=1",
        settings="settings",
        images=T,
        labels="labels",
        seeds="seeds",
        width="int>=1",
        train_epochs="int>=0",
    ),
    # logcosh (moving: helper gallery splits it)
    "hw1.logcosh.init_params": C(
        lambda: dict(n_features=3, n_hidden=4, generator=_gen(), dtype=torch.float64),
        n_features="int>=1",
        n_hidden="int>=1",
        generator="generator",
        dtype="dtype",
    ),
    "hw1.logcosh.predict": C(lambda: dict(params=params(), X=lc_X()), params="params", X=T),
    "hw1.logcosh.log_cosh": C(lambda: dict(r=torch.linspace(-3, 3, 7)), r=TA),
    "hw1.logcosh.cost": C(
        lambda: dict(params=params(), X=lc_X(), y=lc_y()), params="params", X=T, y=T
    ),
    "hw1.logcosh.manual_gradients": C(
        lambda: dict(params=params(), X=lc_X(), y=lc_y()), params="params", X=T, y=T
    ),
    "hw1.logcosh.autograd_gradients": C(
        lambda: dict(params=params(), X=lc_X(), y=lc_y()), params="params", X=T, y=T
    ),
    "hw1.logcosh.partial_cost": C(
        lambda: dict(params=params(), X=lc_X(), y=lc_y(), key="W1"),
        compare=False,
        values_used=False,
        params="params",
        X=T,
        y=T,
        key="option",
    ),
    "hw1.logcosh.finite_difference_gradients": C(
        lambda: dict(params=params(), X=lc_X(), y=lc_y(), eps=1e-6),
        params="params",
        X=T,
        y=T,
        eps="real>0",
    ),
    "hw1.logcosh.random_data": C(
        lambda: dict(
            n_samples=4, n_features=3, distribution="uniform", generator=_gen(), dtype=torch.float64
        ),
        n_samples="int>=1",
        n_features="int>=1",
        distribution="option",
        generator="generator",
        dtype="dtype",
    ),
    "hw1.logcosh.random_problem": C(
        lambda: dict(
            n_samples=4,
            n_features=3,
            n_hidden=4,
            distribution="gaussian",
            seed=0,
            target_scale=3.0,
            dtype=torch.float64,
        ),
        n_samples="int>=1",
        n_features="int>=1",
        n_hidden="int>=1",
        distribution="option",
        seed="seed",
        target_scale="real",
        dtype="dtype",
    ),
    "hw1.boston.linear_regression_baseline": C(
        lambda: dict(seed=0, test_fraction=0.2), seed="seed", test_fraction="real(0,1)"
    ),
    "hw1.boston.train_boston": C(
        lambda: dict(
            epochs=1,
            seed=0,
            test_fraction=0.2,
            n_hidden=3,
            optimizer="adam",
            lr=0.01,
            batch_size=64,
        ),
        epochs="int>=1",
        seed="seed",
        test_fraction="real(0,1)",
        n_hidden="int>=1",
        optimizer="option",
        lr="real>0",
        batch_size="int>=1",
    ),
    "hw1.boston.boston_over_splits": C(
        lambda: dict(n_splits=2, epochs=1, seed=0),
        slow=True,
        n_splits="int>=1",
        epochs="int>=1",
        seed="seed",
    ),
    "hw1.boston.summarize_splits": C(lambda: dict(splits=_splits()), splits="records"),
    "hw1.boston.first_epoch_below": C(
        lambda: dict(curves=np.array([[3.0, 2.0, 1.0], [3.0, 1.5, 0.5]]), levels=1.6),
        nonfinite="rejected",
        curves="array",
        levels="real|array",
    ),
    # bench (the subpackage hw1.bench)
    "hw1.bench.config.BenchConfig": C(
        lambda: dict(**_tiny_config_fields()),
        compare=False,
        runs="int>=1",
        Ls="ints>=1",
        batches="batches",
        sweep_Ds="ints>=1:any-length",
        D="int>=1",
        K="int>=1",
        P="int>=1",
        sweep_L="int>=1",
        sweep_N="int>=1",
        big="int>=1",
        dtype="dtype",
        min_run_time="seconds",
        rounds="int>=1",
        num_threads="int>=1",
        seed="seed",
    ),
    "hw1.bench.timing.check_device": C(lambda: dict(device="cpu"), device="option"),
    "hw1.bench.timing.check_calls": C(
        lambda: dict(calls=timing_calls()), compare=False, calls="calls"
    ),
    "hw1.bench.config.check_config": C(lambda: dict(config=tiny_config()), config="config"),
    "hw1.bench.methods.check_pairs": C(
        lambda: dict(pairs=[("jacrev", "rows"), ("jacobian_forward", "columns")]), pairs="pairs"
    ),
    "hw1.bench.timing.time_methods": C(
        lambda: dict(
            calls=timing_calls(), min_run_time=0.004, rounds=1, num_threads=1, block_s=0.001
        ),
        compare=False,
        calls="calls",
        min_run_time="seconds",
        rounds="int>=1",
        num_threads="int>=1",
        block_s="seconds",
    ),
    "hw1.bench.methods.variants": C(
        lambda: dict(methods=("jacobian_forward", "jacrev")), methods="names"
    ),
    "hw1.bench.methods.timed_call": C(
        lambda: dict(method="jacobian_forward", layout="columns", weights=weights(), x=x_batch()),
        compare=False,
        method="option",
        layout="option",
        weights="weights",
        x=T,
    ),
    "hw1.bench.methods.verify_methods": C(
        lambda: dict(weights=weights(), x=x_batch(), pairs=[("jacobian_forward", "columns")]),
        nonfinite="rejected",
        weights="weights",
        x=T,
        pairs="pairs",
    ),
    "hw1.bench.methods.benchmark_problem": C(
        lambda: dict(D=2, K=4, P=3, L=2, N=3, dtype=torch.float64, device="cpu", seed=0),
        D="int>=1",
        K="int>=1",
        P="int>=1",
        L="int>=1",
        N="int>=1?",
        dtype="dtype",
        device="option",
        seed="seed",
    ),
    "hw1.bench.limits.dispatched_ops": C(
        lambda: dict(fn=quad, args=(torch.ones(3),)), fn="callable"
    ),
    "hw1.bench.limits.measure_limits": C(
        lambda: dict(device="cpu", config=tiny_config()),
        compare=False,
        slow=True,
        device="option",
        config="config",
    ),
    "hw1.bench.benchmark.run_cases": C(
        lambda: dict(
            device="cpu",
            config=tiny_config(),
            methods=("jacobian_forward",),
            verify=True,
            progress=None,
        ),
        compare=False,
        slow=True,
        device="option",
        config="config",
        methods="names",
        verify="bool",
        progress="callable?",
    ),
    "hw1.bench.benchmark.run_sweep": C(
        lambda: dict(
            device="cpu",
            config=tiny_config(),
            pairs=(("jacobian_forward", "columns"),),
            verify=True,
            progress=None,
        ),
        compare=False,
        slow=True,
        device="option",
        config="config",
        pairs="pairs",
        verify="bool",
        progress="callable?",
    ),
    "hw1.bench.benchmark.run_benchmark": C(
        lambda: dict(device="cpu", config=tiny_config(), progress=None),
        compare=False,
        slow=True,
        device="option",
        config="config",
        progress="callable?",
    ),
    "hw1.bench.benchmark.load_or_measure": C(
        lambda: dict(device="cpu", path=None, config=tiny_config(), progress=None),
        compare=False,
        device="option",
        path="path?",
        config="config",
        progress="callable?",
    ),
    "hw1.bench.results.provenance": C(
        lambda: dict(device="cpu", dtype=torch.float32, num_threads=1),
        compare=False,
        device="option",
        dtype="dtype",
        num_threads="int>=1",
    ),
    "hw1.bench.results.results_path": C(
        lambda: dict(device="cpu", directory=None), device="option", directory="path?"
    ),
    "hw1.bench.results.check_results": C(lambda: dict(doc=bench_doc()), doc="doc"),
    "hw1.bench.results.check_records": C(
        lambda: dict(records=bench_doc()["cases"], keys=("L", "N")), records="records"
    ),
    "hw1.bench.results.check_doc": C(lambda: dict(doc=bench_doc(), limits=()), doc="doc"),
    "hw1.bench.results.save_results": C(
        lambda: dict(doc=bench_doc(), path=_tmp_json()), compare=False, doc="doc", path="path?"
    ),
    "hw1.bench.results.load_results": C(
        lambda: dict(device="cpu", path=None), device="option", path="path?"
    ),
    "hw1.bench.results.describe": C(
        lambda: dict(doc=bench_doc(), source="stored"), doc="doc", source="option?"
    ),
    "hw1.bench.results.stored_status": C(
        lambda: dict(device="cpu", path=None), device="option", path="path?"
    ),
    "hw1.bench.tables.spread": C(lambda: dict(values=[1.0, 2.0, 4.0]), values="reals"),
    "hw1.bench.tables.format_range": C(
        lambda: dict(median=33.1, low=31.0, high=35.2), median="real", low="real", high="real"
    ),
    "hw1.bench.tables.fastest_layouts": C(lambda: dict(records=bench_cases()), records="records"),
    "hw1.bench.tables.layer_slopes": C(
        lambda: dict(records=bench_cases(), L0=3, L1=10, N=None),
        records="records",
        L0="int>=1",
        L1="int>=1",
        N="int>=1?",
    ),
    "hw1.bench.tables.case_table": C(
        lambda: dict(records=bench_cases(), N=None, per_jacobian=False),
        records="records",
        N="int>=1?",
        per_jacobian="bool",
    ),
    "hw1.bench.tables.layout_table": C(
        lambda: dict(records=bench_cases(), N=None), records="records", N="int>=1?"
    ),
    "hw1.bench.tables.speed_ratios": C(lambda: dict(records=bench_cases()), records="records"),
    "hw1.bench.tables.floor_table": C(
        lambda: dict(doc=bench_doc(), N=None), doc="doc", N="int>=1?"
    ),
    "hw1.bench.tables.gflops_table": C(
        lambda: dict(doc=bench_doc(), L=None), doc="doc", L="int>=1?"
    ),
    "hw1.bench.tables.layer_table": C(lambda: dict(doc=bench_doc()), doc="doc"),
    "hw1.bench.tables.sweep_table": C(
        lambda: dict(records=bench_sweep(), K=30, P=10, L=3),
        records="records",
        K="int>=1",
        P="int>=1",
        L="int>=1",
    ),
    "hw1.bench.tables.sweep_ratio_bands": C(lambda: dict(records=bench_sweep()), records="records"),
    "hw1.bench.tables.sweep_crossovers": C(
        lambda: dict(records=bench_sweep(), K=30, P=10, L=3),
        records="records",
        K="int>=1",
        P="int>=1",
        L="int>=1",
    ),
}


def _tent_net():
    from hw1.handcrafted import tent_net

    return tent_net()


def _tent():
    from hw1.handcrafted import tent

    return tent


def _xnor_net():
    from hw1.handcrafted import xnor_net

    return xnor_net()


def _splits() -> list[dict]:
    keys = ("net_train_mse", "net_test_mse", "linear_train_mse", "linear_test_mse")
    return [{key: 10.0 + s + i for i, key in enumerate(keys)} for s in range(3)]


def _tmp_dir() -> str:
    import tempfile

    return tempfile.mkdtemp(prefix="hw1-policy-")


def _tmp_json() -> str:
    return _tmp_dir() + "/doc.json"


# -- bad values ---------------------------------------------------------------------------


def _noncontiguous(t: torch.Tensor) -> torch.Tensor:
    if t.ndim == 0:
        return t.clone()
    wide = torch.stack([t, torch.zeros_like(t)], dim=-1)  # every other element
    out = wide[..., 0]
    assert not out.is_contiguous() or t.numel() <= 1
    return out


def _with_first(t: torch.Tensor, value: float) -> torch.Tensor:
    out = t.detach().clone()
    out.view(-1)[0] = value
    return out


def tensor_bad(t: torch.Tensor, kind: str) -> list[tuple[str, object, str]]:
    """Bad values for a floating tensor argument ``t`` of the given kind."""
    rows = [
        ("str", "abc", "TE"),
        ("None", None, "TE"),
        ("list", t.tolist(), "TE"),
        ("bool", True, "TE"),
        ("numpy", t.detach().numpy(), "TE"),
        ("int64", t.to(torch.int64), "VE"),  # a wrong dtype is a wrong value
        ("bool-tensor", t.to(torch.bool), "VE"),
        ("complex", t.to(torch.complex128), "VE"),
        ("float16", t.to(torch.float16), "either"),
        ("nan", _with_first(t, float("nan")), "nonfinite"),
        ("inf", _with_first(t, float("inf")), "nonfinite"),
        ("noncontiguous", _noncontiguous(t), "same"),
        ("requires-grad", t.detach().clone().requires_grad_(), "same"),
        ("meta", t.to("meta"), "device"),
    ]
    if kind != "tensor:any":
        rows.append(("extra-dim", t.unsqueeze(0), "VE"))
        if t.ndim >= 1:
            rows.append(("empty", t[:0], "either"))
    if kind in ("tensor", "tensor:binary") and t.ndim >= 1:
        # last size tied to another argument (or fixed, for xnor's two columns)
        rows.append(("mismatched", torch.cat([t, t[..., :1]], dim=-1), "VE"))
    if kind == "tensor:rows":  # first size tied to another argument
        rows.append(("mismatched", torch.cat([t, t[:1]]), "VE"))
    if kind == "tensor:binary":
        rows.append(("not-0-or-1", t + 0.5, "VE"))
        rows = [r for r in rows if r[0] not in ("int64", "bool-tensor", "nan", "inf")]
        rows += [("nan", _with_first(t, float("nan")), "VE")]
    if kind == "tensor:positive":
        rows.append(("zero", torch.zeros_like(t), "VE"))
    return rows


def label_bad(t: torch.Tensor, kind: str = "labels") -> list[tuple[str, object, str]]:
    """Bad class labels; ``labels:titles`` are only shown, so any integers do."""
    rows = [
        ("str", "abc", "TE"),
        ("None", None, "TE"),
        ("list", t.tolist(), "TE"),
        ("numpy", t.numpy(), "TE"),
        ("float", t.to(torch.float32), "VE"),
        ("extra-dim", t.unsqueeze(0), "VE"),
        ("mismatched", t[:-1], "VE"),
        ("noncontiguous", _noncontiguous(t), "same"),
        ("meta", t.to("meta"), "device"),
    ]
    if kind == "labels":
        rows += [
            ("int32", t.to(torch.int32), "VE"),
            ("too-large", _set_label(t, 10_000), "VE"),
            ("negative", _set_label(t, -1), "VE"),
            ("all-ignored", torch.full_like(t, -100), "VE"),
        ]
    return rows


def _set_label(t: torch.Tensor, value: int) -> torch.Tensor:
    out = t.clone()
    out[0] = value
    return out


_INT = re.compile(r"int>=(-?\d+)(\?)?")
_REAL = re.compile(r"real(>=0|>0|\(0,1\))?(\?)?")


def bad_values(kind: str, valid: object) -> list[tuple[str, object, str]]:
    """Bad values (category, value, expectation) for one argument of ``kind``."""
    if kind.startswith("tensor") and kind != "tensors":
        return tensor_bad(valid, kind)
    if kind.startswith("labels"):
        return label_bad(valid, kind)
    if m := _INT.fullmatch(kind):
        low = int(m.group(1))
        rows = [
            ("str", str(valid), "TE"),
            ("float", 2.5, "TE"),
            ("bool", True, "TE"),
            ("list", [valid], "TE"),
            ("below", low - 1, "VE"),
            ("negative", -5, "VE"),
        ]
        if valid is not None:
            rows.append(("numpy-int", np.int64(valid), "same"))
        if not m.group(2):
            rows.append(("None", None, "TE"))
        return rows
    if kind == "seed":
        return [
            ("str", "0", "TE"),
            ("None", None, "TE"),
            ("float", 0.0, "TE"),
            ("bool", False, "TE"),
            ("numpy-int", np.int64(valid), "same"),
            ("negative", -1, "VE"),
            ("too-large", 2**63, "VE"),
        ]
    if kind == "seconds":  # a time budget: positive and bounded
        return [*bad_values("real>0", valid), ("huge", 1e9, "VE")]
    if kind == "real|array":  # a number, or an array of them
        return [r for r in bad_values("real", valid) if r[0] != "list"]
    if m := _REAL.fullmatch(kind):
        rows = [
            ("str", "0.5", "TE"),
            ("bool", True, "TE"),
            ("list", [valid], "TE"),
            ("complex", 1j, "TE"),
            ("nan", float("nan"), "VE"),
            ("inf", float("inf"), "VE"),
        ]
        if valid is not None:
            rows.append(("numpy-float", np.float64(valid), "same"))
        if not m.group(2):
            rows.append(("None", None, "TE"))
        bound = m.group(1)
        if bound in (">0", "(0,1)"):
            rows.append(("zero", 0.0, "VE"))
        if bound:
            rows.append(("negative", -1.0, "VE"))
        if bound == "(0,1)":
            rows.append(("one", 1.0, "VE"))
        return rows
    if kind == "option":
        return [("None", None, "TE"), ("int", 3, "TE"), ("unknown", "bogus", "VE")]
    if kind == "option?":  # None is valid
        return [("int", 3, "TE"), ("unknown", "bogus", "VE")]
    if kind.startswith("dtype"):
        rows = [
            ("str", "float32", "TE"),
            ("None", None, "TE"),
            ("int64", torch.int64, "VE"),
            ("complex", torch.complex64, "VE"),
        ]
        if kind == "dtype:linalg":
            rows.append(("float16", torch.float16, "VE"))
        return rows
    if kind == "callable":
        return [("str", "f", "TE"), ("None", None, "TE"), ("int", 3, "TE")]
    if kind in ("module", "mlp"):
        rows = [("str", "net", "TE"), ("None", None, "TE"), ("dict", {}, "TE")]
        if kind == "mlp":
            rows.append(("other-module", torch.nn.Linear(2, 2), "TE"))
        return rows
    if kind.startswith("generator"):
        rows = [("str", "gen", "TE"), ("int", 3, "TE")]
        if kind.endswith("!"):
            rows.append(("None", None, "TE"))
        return rows
    if kind in ("weights", "params", "grads"):
        return dict_bad(valid, kind)
    if kind in ("records", "stats", "doc", "settings", "stats_map", "calls"):
        return mapping_bad(valid, kind)
    if kind in ("names", "names?"):
        rows = [("str", "abc", "TE"), ("int", 3, "TE"), ("empty", [], "VE")]
        if kind == "names":
            rows.append(("None", None, "TE"))
        return rows
    if kind.startswith("reals") or kind.startswith("ints") or kind == "seeds":
        rows = [
            ("str", "1", "TE"),
            ("None", None, "TE"),
            ("scalar", 1, "TE"),
            ("empty", [], "VE"),
            ("str-entry", ["1"], "TE"),
            ("bad-entry", [-1] if kind != "reals" else [float("nan")], "VE"),
        ]
        if kind.endswith(":any-length"):  # empty is valid (e.g. no sweep)
            rows = [r for r in rows if r[0] != "empty"]
        return rows
    if kind == "batches":  # sizes, or None for one input
        return [
            ("str", "1", "TE"),
            ("scalar", 4, "TE"),
            ("empty", [], "VE"),
            ("str-entry", ["1"], "TE"),
            ("bad-entry", [0], "VE"),
        ]
    if kind == "config":  # a BenchConfig (None is the default)
        return [("str", "quick", "TE"), ("dict", {"runs": 1}, "TE"), ("int", 3, "TE")]
    if kind == "axes":  # four matplotlib Axes
        return [
            ("str", "abcd", "TE"),
            ("None", None, "TE"),
            ("too-few", valid[:3], "VE"),
            ("not-axes", [1, 2, 3, 4], "TE"),
        ]
    if kind == "str":
        return [("None", None, "TE"), ("int", 3, "TE")]
    if kind == "mapping?":  # a dict, or None
        return [("str", "red", "TE"), ("int", 3, "TE")]
    if kind == "callable?":
        return [("str", "f", "TE"), ("int", 3, "TE")]
    if kind == "pairs":  # (method, layout) pairs
        return [
            ("str", "jacrev", "TE"),
            ("int", 3, "TE"),
            ("empty", [], "VE"),
            ("not-pair", ["jacrev"], "TE"),
            ("unknown", [("bogus", "rows")], "VE"),
            ("bad-layout", [("jacobian_forward", "rows")], "VE"),
        ]
    if kind == "tensors":  # *others
        t = valid[0]
        return [
            ("str", ("abc",), "TE"),
            ("numpy", (t.numpy(),), "TE"),
            ("int64", (t.to(torch.int64),), "VE"),
            ("mismatched", (torch.cat([t, t[:, :1]], dim=1),), "VE"),
            ("nan", (_with_first(t, float("nan")),), "nonfinite"),
            ("meta", (t.to("meta"),), "device"),
        ]
    if kind == "array":
        return [
            ("str", "abc", "TE"),
            ("None", None, "TE"),
            ("tensor", torch.as_tensor(valid), "either"),
            ("extra-dim", valid[None], "VE"),
            ("empty", valid[:0], "VE"),
            ("nan", _np_first(valid, np.nan), "nonfinite"),
            ("object", np.array([["a"] * valid.shape[-1]] * valid.shape[0], dtype=object), "TE"),
        ]
    if kind == "pair":
        return [
            ("str", "abc", "TE"),
            ("triple", (*valid, valid[1]), "VE"),
            ("numpy", tuple(v.numpy() for v in valid), "TE"),
            ("bad-labels", (valid[0], torch.full_like(valid[1], 10_000)), "VE"),
        ]
    if kind == "bool":
        return [("str", "yes", "TE"), ("None", None, "TE"), ("int", 1, "TE")]
    if kind == "d":
        return [
            ("None", None, "TE"),
            ("unknown", "bogus", "VE"),
            ("zero", 0.0, "VE"),
            ("nan", float("nan"), "VE"),
            ("bool", True, "TE"),
        ]
    if kind == "format":
        return [
            ("int", 3, "TE"),
            ("None", None, "TE"),
            ("bad-spec", "q", "VE"),
            ("unknown-column", {"zzz": ".3g"}, "VE"),
        ]
    if kind == "path?":  # a missing directory is FileNotFoundError, as documented
        return [("int", 3, "TE"), ("list", ["a"], "TE")]
    raise KeyError(f"no bad values for kind {kind!r}")


def _np_first(a: np.ndarray, value: float) -> np.ndarray:
    out = np.array(a, dtype=np.float64)
    out.flat[0] = value
    return out


def dict_bad(valid: dict, kind: str) -> list[tuple[str, object, str]]:
    first = next(iter(valid))
    t = valid[first]
    rows = [
        ("str", "abc", "TE"),
        ("None", None, "TE"),
        ("list", list(valid.values()), "TE"),
        ("missing-key", {k: v for k, v in valid.items() if k != first}, "VE"),
        ("value-numpy", {**valid, first: t.numpy()}, "TE"),
        ("value-int64", {**valid, first: t.to(torch.int64)}, "VE"),
        ("value-nan", {**valid, first: _with_first(t, float("nan"))}, "nonfinite"),
        ("value-requires-grad", {**valid, first: t.clone().requires_grad_()}, "same"),
        ("value-noncontiguous", {**valid, first: _noncontiguous(t)}, "same"),
        ("value-meta", {**valid, first: t.to("meta")}, "device"),
        ("value-extra-dim", {**valid, first: t.unsqueeze(0)}, "VE"),
    ]
    if kind != "grads":
        rows.append(("extra-key", {**valid, "bogus": t}, "VE"))
    return rows


def mapping_bad(valid: object, kind: str) -> list[tuple[str, object, str]]:
    rows = [("str", "abc", "TE"), ("None", None, "TE"), ("int", 3, "TE")]
    if kind == "records":
        rows += [
            ("empty", [], "VE"),
            ("missing-keys", [{}] * len(valid), "VE"),
            ("not-mappings", [1] * len(valid), "TE"),
        ]
    else:
        rows += [("missing-keys", {}, "VE")]
    if kind == "settings":
        rows += [("bad-value", {"x": "bogus"}, "VE")]
    if kind == "calls":
        rows += [("not-a-call", {"one": 3}, "TE"), ("not-callable", {"one": (3, ())}, "TE")]
    return rows


def bad_calls(name: str) -> list[tuple[str, str, object, str]]:
    """Every bad call of one table entry: (argument, category, value, expectation)."""
    case = TABLE[name]
    valid = case.make()
    out = []
    for arg, kind in case.kinds.items():
        for category, value, expect in bad_values(kind, valid[arg]):
            out.append((arg, category, value, expect))
    on_meta = {arg: _to_meta(valid[arg]) for arg in case.kinds if _has_tensor(valid[arg])}
    if len(on_meta) >= 2:  # every tensor on meta: no mixed devices, but no values either
        out.append(("*", "all-meta", on_meta, "device"))
    return out


def _has_tensor(value: object) -> bool:
    if isinstance(value, torch.Tensor):
        return True
    if isinstance(value, dict):
        return any(isinstance(v, torch.Tensor) for v in value.values())
    return False


def _to_meta(value: object) -> object:
    if isinstance(value, torch.Tensor):
        return value.to("meta")
    return {k: v.to("meta") if isinstance(v, torch.Tensor) else v for k, v in value.items()}


def with_bad(values: dict, arg: str, value: object) -> dict:
    """The valid arguments with one (or, for ``arg == "*"``, several) replaced."""
    return {**values, **value} if arg == "*" else {**values, arg: value}


def resolve(path: str) -> object:
    """The object a dotted path such as ``hw1.data.load_mnist`` names."""
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def outcome(func: Callable, values: dict) -> tuple:
    """``("raised", type, message)`` or ``("returned", summary)`` of one seeded call."""
    torch.manual_seed(0)
    try:
        result = invoke(func, values)
    except Exception as error:
        return ("raised", type(error).__name__, str(error))
    return ("returned", summarize(result))


def invoke(func: Callable, values: dict) -> object:
    """Call ``func`` with the arguments named in ``values`` (``*args`` as a tuple)."""
    try:
        parameters = inspect.signature(func).parameters.values()
    except ValueError:  # a builtin such as an exception class: *args only
        return func(*values.get("args", ()))
    positional, keywords, skipped = [], {}, False
    for p in parameters:
        if p.name not in values:
            skipped = skipped or p.kind is not p.VAR_POSITIONAL
            continue
        if p.kind is p.VAR_POSITIONAL:
            positional.extend(values[p.name])
        elif p.kind is p.POSITIONAL_OR_KEYWORD and not skipped:
            positional.append(values[p.name])
        else:
            keywords[p.name] = values[p.name]
    return func(*positional, **keywords)


# -- comparing and classifying outcomes ---------------------------------------------------


def summarize(result: object) -> object:
    """A plain, comparable form of a result (tensors become float64 numpy arrays)."""
    import pandas as pd
    from matplotlib.figure import Figure

    if isinstance(result, torch.Tensor):
        if result.device.type == "meta":
            return ("meta", tuple(result.shape))
        r = result.detach().cpu()
        r = r.to(torch.complex128) if r.is_complex() else r.to(torch.float64)
        return np.asarray(r)
    if isinstance(result, np.ndarray):
        return np.asarray(result, dtype=object if result.dtype == object else None)
    if isinstance(result, torch.nn.Module):
        return {k: summarize(v) for k, v in result.state_dict().items()}
    if isinstance(result, dict):
        return {k: summarize(v) for k, v in result.items()}
    if isinstance(result, list | tuple):
        return type(result)(summarize(v) for v in result)
    if isinstance(result, pd.DataFrame):
        return ("DataFrame", list(result.columns), result.to_numpy().tolist())
    if isinstance(result, Figure):
        import matplotlib.pyplot as plt

        plt.close(result)
        return ("Figure", len(result.axes))
    if isinstance(result, bool | int | float | str | type(None)):
        return result
    return ("object", type(result).__name__)


def same(a: object, b: object, rtol: float = 1e-6) -> bool:
    """Whether two summaries agree (NaN equals NaN; floats to ``rtol``)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)) or a.shape != b.shape:
            return False
        if a.dtype == object or b.dtype == object:
            return a.tolist() == b.tolist()
        return bool(np.allclose(a, b, rtol=rtol, atol=1e-12, equal_nan=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(same(a[k], b[k], rtol) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(same(x, y, rtol) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float):
        return bool(np.isclose(a, b, rtol=rtol, atol=1e-12, equal_nan=True))
    return a == b


def has_nonfinite(summary: object) -> bool:
    """Whether a summary holds a NaN or inf anywhere."""
    if isinstance(summary, np.ndarray):
        return summary.dtype != object and not bool(np.isfinite(summary).all())
    if isinstance(summary, float):
        return not np.isfinite(summary)
    if isinstance(summary, dict):
        return any(has_nonfinite(v) for v in summary.values())
    if isinstance(summary, list | tuple):
        return any(has_nonfinite(v) for v in summary)
    return False


def _on_meta(summary: object) -> bool:
    if isinstance(summary, tuple) and summary[:1] == ("meta",):
        return True
    if isinstance(summary, dict):
        return any(_on_meta(v) for v in summary.values())
    if isinstance(summary, list | tuple):
        return any(_on_meta(v) for v in summary)
    return False


#: The issue's four rows, and the calls that needed no error.
ROWS = ("policy", "unnamed", "wrong-class", "defect", "accepted")


def classify(
    arg: str,
    category: str,
    expect: str,
    outcome: tuple,
    valid: object,
    *,
    compare: bool,
    nonfinite: str,
    values_used: bool = True,
) -> tuple[str, str]:
    """Sort one bad call's outcome into :data:`ROWS`; return (row, reason).

    ``outcome`` is ``("raised", type name, message)``, ``("returned", summary)`` or
    ``("hang",)`` / ``("crash", detail)``.
    """
    kind = outcome[0]
    if kind in ("hang", "crash"):
        return "defect", kind + (f": {outcome[1]}" if len(outcome) > 1 else "")
    if kind == "raised":
        etype, message = outcome[1], outcome[2]
        if etype not in ("TypeError", "ValueError"):
            return "defect", f"{etype}: {message[:160]}"
        if expect == "same":
            return "defect", f"rejected a valid variant: {etype}: {message[:160]}"
        if expect == "nonfinite" and nonfinite == "pass through" and "inf" not in category:
            # inf may be refused where no answer exists (a step cannot move inf)
            return "defect", f"module lets NaN pass but raised {etype}: {message[:120]}"
        if arg != "*" and arg not in message:  # "*": several arguments at once
            return "unnamed", f"{etype}: {message[:160]}"
        want = {
            "TE": "TypeError",
            "VE": "ValueError",
            "nonfinite": "ValueError",
            "device": "ValueError",
        }.get(expect)
        if want is not None and etype != want:
            return "wrong-class", f"{etype} (want {want}): {message[:160]}"
        return "policy", etype
    result = outcome[1]
    if expect == "either":
        return "accepted", "returned"
    if expect == "same":
        if not compare or same(result, valid):
            return "accepted", "same result"
        return "defect", "silently different result for a valid variant"
    if expect == "nonfinite" and nonfinite != "rejected":
        if category.endswith("inf") or has_nonfinite(result):
            return "accepted", "non-finite passed through"
        if not values_used and (not compare or same(result, valid)):
            return "accepted", "result depends on shapes only"
        return "defect", "NaN in, finite result out"
    if expect == "device" and _on_meta(result):
        return "accepted", "meta in, meta out"
    if category == "all-meta" and not values_used:
        return "accepted", "all on meta, and only shapes are read"
    return "defect", f"returned a result for bad input ({expect})"
