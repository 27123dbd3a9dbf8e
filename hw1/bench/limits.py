"""How far from the limit: the dispatch floor, the arithmetic rates, one layer op by op.

:func:`dispatched_ops` counts the ATen operations a call launches; times the cost of
one trivial operation, that count is a method's dispatch floor for one input.
:func:`measure_limits` times, in one run, that trivial operation, the argument checks
of a public function, two reference matrix products (the arithmetic rates) and the
operations of one batched layer of :func:`hw1.jacobian.jacobian_forward` one by one.

Non-finite entries pass through: :func:`dispatched_ops` counts the operations of a call
whatever numbers its arguments hold, and :func:`measure_limits` draws its own data.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping

import torch
from torch.utils._python_dispatch import TorchDispatchMode

from hw1._validation import check_callable
from hw1.bench.config import BenchConfig, check_config
from hw1.bench.methods import benchmark_problem
from hw1.bench.timing import check_device, time_methods
from hw1.jacobian import check_input, split_weights

__all__ = ["dispatched_ops", "measure_limits"]


class _OpRecorder(TorchDispatchMode):
    """Record the name of every ATen operation that reaches the dispatcher's backends."""

    def __init__(self) -> None:
        super().__init__()
        self.ops: list[str] = []

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        self.ops.append(func.overloadpacket.__name__)
        return func(*args, **(kwargs or {}))


def dispatched_ops(fn: Callable[..., object], *args: object) -> list[str]:
    """Return the names of the ATen operations one call ``fn(*args)`` launches, in order.

    Counted with a :class:`torch.utils._python_dispatch.TorchDispatchMode`, which sees
    every operation below autograd and ``vmap``: the forward operations, the ones the
    backward pass runs, views and allocations alike (``"mm"``, ``"tanh_"``,
    ``"empty_like"``, ...). Python work that launches no operation (graph bookkeeping,
    argument checks) is not counted.

    Parameters
    ----------
    fn : callable
        What to call.
    *args :
        Its arguments.

    Returns
    -------
    list of str
        One ATen operation name per launched operation.

    Raises
    ------
    TypeError
        If ``fn`` is not callable.
    """
    check_callable(fn, "fn")
    with _OpRecorder() as recorder:
        fn(*args)
    return recorder.ops


def _validation(weights: Mapping[str, torch.Tensor], x: torch.Tensor) -> None:
    """Run the argument checks every public Jacobian function runs first."""
    hidden, _ = split_weights(weights)
    check_input(x, hidden[0])


def measure_limits(device: str = "cpu", config: BenchConfig | None = None) -> dict[str, dict]:
    """Time what bounds the methods from below, side by side: one run.

    * ``"op"``: one trivial tensor operation, ``torch.neg(v, out=w)`` on ``K`` numbers:
      the fixed price of any operation (the dispatch floor per operation);
    * ``"validation"``: the argument checks of the public functions at depth
      ``config.limits_L``;
    * ``"same_shape"`` and ``"big"``: a ``K x K`` by ``K x DN`` product, the shape of
      ``jacobian_forward``'s tangent product, and a ``big x big x big`` product;
    * ``"layer"``: each operation of one batched hidden layer of ``jacobian_forward``
      (``N = config.limits_N`` inputs), and ``torch.tanh`` on the same data for
      comparison.

    Parameters
    ----------
    device : {"cpu", "cuda"}
        Where to measure.
    config : BenchConfig, optional
        Sizes and timing settings; the defaults of :class:`~hw1.bench.config.BenchConfig`
        if omitted.

    Returns
    -------
    dict of str to dict
        ``"op"`` and ``"validation"``: the statistics of
        :func:`~hw1.bench.timing.time_methods`; ``"same_shape"`` and ``"big"``: those
        plus ``shape`` and ``gflops``; ``"layer"``: operation name to statistics.

    Raises
    ------
    TypeError, ValueError
        If ``device`` is not one of :data:`~hw1.bench.timing.DEVICES` available here,
        or ``config`` is not a :class:`~hw1.bench.config.BenchConfig`.
    """
    device = check_device(device)
    cfg = check_config(config)
    K, D, N, big, dtype = cfg.K, cfg.D, cfg.limits_N, cfg.big, cfg.dtype
    gen = torch.Generator().manual_seed(cfg.seed)

    def randn(*shape: int) -> torch.Tensor:
        return torch.randn(shape, generator=gen, dtype=dtype).to(device)

    weights, x = benchmark_problem(
        D, K, cfg.P, cfg.limits_L, N, dtype=dtype, device=device, seed=cfg.seed
    )
    v, w = randn(K), randn(K)
    W, h, z = randn(K, K) / math.sqrt(K), randn(K, N).tanh(), randn(K, N)
    T, T_out = randn(K, D * N), randn(K, D * N)
    h_out, d_out = randn(K, N), randn(K, N)
    A, B, C = randn(big, big), randn(big, big), randn(big, big)
    one = torch.ones((), dtype=dtype, device=device)
    minus_one = -one
    layer = {
        "product W h (addmm)": (
            functools.partial(torch.addmm, beta=0, alpha=2, out=h_out),
            (h_out, W, h),
        ),
        "sigmoid": (functools.partial(torch.sigmoid, out=h_out), (z,)),
        "2 s - 1 (add)": (functools.partial(torch.add, alpha=2, out=h_out), (minus_one, h)),
        "1 - h^2 (addcmul)": (functools.partial(torch.addcmul, value=-1, out=d_out), (one, h, h)),
        "product W T (mm)": (functools.partial(torch.mm, out=T_out), (W, T)),
        "scale T (mul)": (
            functools.partial(torch.mul, out=T_out.view(K, D, N)),
            (T.view(K, D, N), h.view(K, 1, N)),
        ),
        "torch.tanh (not used)": (functools.partial(torch.tanh, out=h_out), (z,)),
    }
    calls = {
        "op": (functools.partial(torch.neg, out=w), (v,)),
        "validation": (_validation, (weights, x)),
        "same_shape": (functools.partial(torch.mm, out=T_out), (W, T)),
        "big": (functools.partial(torch.mm, out=C), (A, B)),
        **{("layer", name): call for name, call in layer.items()},
    }
    t = time_methods(
        calls, min_run_time=cfg.min_run_time, rounds=cfg.rounds, num_threads=cfg.num_threads
    )
    shapes = {"same_shape": [K, K, D * N], "big": [big, big, big]}
    result: dict[str, dict] = {"op": t["op"], "validation": t["validation"]}
    for key, shape in shapes.items():
        result[key] = {
            **t[key],
            "shape": shape,
            "gflops": 2 * math.prod(shape) / t[key]["median_s"] / 1e9,
        }
    result["layer"] = {name: t[("layer", name)] for name in layer}
    return result
