"""The seven timed Jacobian methods, their lean autograd baselines, and the correctness pass.

* ``reverse_loop``: reverse mode, one :func:`torch.autograd.grad` call per output row
  (``P`` backward passes through one recorded graph);
* ``reverse_batched``: reverse mode with all ``P`` rows in one batched backward pass
  (``is_grads_batched=True``, as :func:`hw1.jacobian.jacobian_reverse` does);
* ``jacrev`` and ``jacfwd``: :func:`torch.func.jacrev` and :func:`torch.func.jacfwd`,
  under :func:`torch.vmap` for a batch;
* ``forward_ad``: forward mode with dual numbers (:mod:`torch.autograd.forward_ad`),
  one forward pass per input coordinate (``D`` passes);
* ``jacobian_forward``: the hand-written forward mode,
  :func:`hw1.jacobian.jacobian_forward` (part c);
* ``reverse_manual``: its mirror image, reverse mode written the same way,
  :func:`hw1.jacobian.jacobian_reverse_manual`, for the cost comparison of part (e).

**Lean baselines.** The five autograd methods are timed as a user would write them in a
few lines: the weights are validated once, outside the timed call, and the timed call
differentiates a network function that checks nothing. Each runs in both layouts, rows
(``h @ W.T``, as :func:`hw1.jacobian.mlp`) and columns (``W @ h``). The two
hand-written methods are timed as their public functions, their own argument checks
included. :func:`timed_call` gives the call that is timed; :func:`verify_methods`
checks its result against :func:`torch.func.jacrev` before any timing.

Non-finite entries pass through :func:`timed_call`: a call is timed whatever numbers
its weights and input hold. :func:`verify_methods` rejects them (ValueError), since
NaN cannot be compared with the reference.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Iterable, Mapping

import torch
import torch.autograd.forward_ad as fwAD

from hw1._validation import check_finite, check_option, check_positive_int, check_seed
from hw1.bench.timing import check_device
from hw1.jacobian import (
    check_input,
    init_weights,
    jacobian_forward,
    jacobian_reverse_manual,
    jacobian_reverse_unchecked,
    mlp,
    split_weights,
)

__all__ = [
    "AUTOGRAD_METHODS",
    "LABELS",
    "LAYOUTS",
    "METHODS",
    "MULTIPLY_KEYS",
    "SWEEP_PAIRS",
    "SWEEP_VARIANTS",
    "benchmark_problem",
    "check_pairs",
    "timed_call",
    "variants",
    "verify_methods",
]


def _primal_rows(hidden: list[torch.Tensor], WF: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Evaluate the network in row layout, ``h @ W.T``, checking nothing."""
    h = x
    for W in hidden:
        h = torch.tanh(h @ W.T)
    return h @ WF.T


def _primal_columns(hidden: list[torch.Tensor], WF: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Evaluate the network in column layout, ``W @ h`` (same shapes), checking nothing."""
    h = x.T if x.dim() == 2 else x
    for W in hidden:
        h = torch.tanh(W @ h)
    y = WF @ h
    return y.T if x.dim() == 2 else y


_PRIMALS = {"rows": _primal_rows, "columns": _primal_columns}
#: The two ways of writing a layer: ``"rows"`` (``h @ W.T``) and ``"columns"`` (``W @ h``).
LAYOUTS = tuple(_PRIMALS)

_Primal = Callable[[list[torch.Tensor], torch.Tensor, torch.Tensor], torch.Tensor]


def _reverse_loop(primal: _Primal, hidden: list, WF: torch.Tensor, x: torch.Tensor):
    """Reverse mode, one backward pass per output: ``P`` calls to autograd.grad."""
    with torch.enable_grad():
        xr = x.detach().requires_grad_(True)
        y = primal(hidden, WF, xr)
        eye = torch.eye(y.shape[-1], dtype=y.dtype, device=y.device)
        rows = [
            torch.autograd.grad(y, xr, eye[p].expand_as(y), retain_graph=True)[0]
            for p in range(y.shape[-1])
        ]
    return torch.stack(rows, dim=-2)  # (P, D) or (N, P, D)


def _reverse_batched(primal: _Primal, hidden: list, WF: torch.Tensor, x: torch.Tensor):
    """Reverse mode, all ``P`` identity rows in one batched backward pass."""
    return jacobian_reverse_unchecked(hidden, WF, x, forward=primal)


def _jacrev(primal: _Primal, hidden: list, WF: torch.Tensor, x: torch.Tensor):
    jac = torch.func.jacrev(functools.partial(primal, hidden, WF))
    return jac(x) if x.dim() == 1 else torch.vmap(jac)(x)


def _jacfwd(primal: _Primal, hidden: list, WF: torch.Tensor, x: torch.Tensor):
    jac = torch.func.jacfwd(functools.partial(primal, hidden, WF))
    return jac(x) if x.dim() == 1 else torch.vmap(jac)(x)


def _forward_ad(primal: _Primal, hidden: list, WF: torch.Tensor, x: torch.Tensor):
    """Forward mode with dual numbers, one pass per input coordinate: ``D`` passes."""
    eye = torch.eye(x.shape[-1], dtype=x.dtype, device=x.device)
    columns = []
    with fwAD.dual_level():
        for j in range(x.shape[-1]):
            y = primal(hidden, WF, fwAD.make_dual(x, eye[j].expand_as(x)))
            columns.append(fwAD.unpack_dual(y).tangent)
    return torch.stack(columns, dim=-1)  # (P, D) or (N, P, D)


@functools.cache
def _load_forward_ad() -> None:
    """Make torch load its forward-AD decompositions once, before any timing.

    The first dual tensor makes torch compile a few decompositions with
    ``torch.jit.script``, which emits a deprecation warning from inside torch. It says
    nothing about this code, so it is silenced for that one call.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*torch\.jit\.script.*", category=FutureWarning)
        with fwAD.dual_level():
            fwAD.make_dual(torch.zeros(1), torch.ones(1))


_AUTOGRAD = {
    "reverse_loop": _reverse_loop,
    "reverse_batched": _reverse_batched,
    "jacrev": _jacrev,
    "jacfwd": _jacfwd,
    "forward_ad": _forward_ad,
}
_HAND = {"jacobian_forward": jacobian_forward, "reverse_manual": jacobian_reverse_manual}
#: The methods that use torch's automatic differentiation (timed as lean baselines).
AUTOGRAD_METHODS = tuple(_AUTOGRAD)
#: Every method, in the order of the tables: the autograd ones, then the hand-written
#: ones (timed as their public functions, layout columns).
METHODS = (*AUTOGRAD_METHODS, *_HAND)
#: Short human-readable names for tables and plots.
LABELS = {
    "reverse_loop": "P backward passes",
    "reverse_batched": "batched backward",
    "jacrev": "func.jacrev",
    "jacfwd": "func.jacfwd",
    "forward_ad": "forward_ad",
    "jacobian_forward": "jacobian_forward",
    "reverse_manual": "reverse_manual",
}
#: Which entry of :func:`hw1.jacobian.multiply_counts` each method performs.
MULTIPLY_KEYS = {
    "reverse_loop": "autograd_reverse",
    "reverse_batched": "autograd_reverse",
    "jacrev": "autograd_reverse",
    "jacfwd": "autograd_jacfwd",
    "forward_ad": "autograd_forward_ad",
    "jacobian_forward": "jacobian_forward",
    "reverse_manual": "jacobian_reverse_manual",
}
#: The (method, layout) pairs timed in the ``D`` sweep: two forward/reverse pairs;
#: ``torch.func`` under ``vmap`` in rows (the layout its batched call takes).
SWEEP_VARIANTS = (
    ("jacobian_forward", "columns"),
    ("reverse_manual", "columns"),
    ("jacfwd", "rows"),
    ("jacrev", "rows"),
)
#: The forward/reverse pairs whose time ratio the sweep compares with the prediction.
SWEEP_PAIRS = {
    "by hand": ("jacobian_forward", "reverse_manual"),
    "torch.func": ("jacfwd", "jacrev"),
}


def variants(methods: Iterable[str] = METHODS) -> list[tuple[str, str]]:
    """Return the (method, layout) pairs to time: autograd methods in both layouts.

    Parameters
    ----------
    methods : iterable of str
        Names from :data:`METHODS` (a list or tuple, not one string).

    Returns
    -------
    list of (str, str)
        Each autograd method with ``"rows"`` and ``"columns"``, each hand-written one
        with ``"columns"``, in the order given.

    Raises
    ------
    TypeError
        If ``methods`` is a string or not iterable, or a name is not a string.
    ValueError
        If a method is unknown or ``methods`` is empty.
    """
    if isinstance(methods, str | bytes) or not isinstance(methods, Iterable):
        raise TypeError(f"methods must be a list of method names, got {type(methods).__name__}")
    methods = list(methods)
    for i, m in enumerate(methods):
        if not isinstance(m, str):
            raise TypeError(f"methods[{i}] must be a str, got {type(m).__name__}")
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        raise ValueError(f"methods has unknown name(s) {unknown}; expected some of {METHODS}")
    if not methods:
        raise ValueError(f"methods is empty; expected some of {list(METHODS)}")
    return [
        (m, layout) for m in methods for layout in (LAYOUTS if m in _AUTOGRAD else ("columns",))
    ]


def check_pairs(pairs: object, name: str = "pairs") -> list[tuple[str, str]]:
    """Return ``pairs`` as a list if it holds (method, layout) pairs that can be timed.

    Raises
    ------
    TypeError
        If ``pairs`` is not a list or tuple of (str, str) pairs.
    ValueError
        If it is empty, or a method is unknown or timed in a layout it does not have
        (see :func:`variants`).
    """
    if isinstance(pairs, str | bytes) or not isinstance(pairs, Iterable):
        raise TypeError(f"{name} must be a list of (method, layout), got {type(pairs).__name__}")
    pairs = list(pairs)
    if not pairs:
        raise ValueError(f"{name} is empty; expected at least one (method, layout)")
    for i, pair in enumerate(pairs):
        if not (isinstance(pair, tuple | list) and len(pair) == 2):
            raise TypeError(f"{name}[{i}] must be a (method, layout) pair, got {pair!r:.60}")
        method, layout = pair
        check_option(method, f"{name}[{i}] method", METHODS)
        check_option(
            layout, f"{name}[{i}] layout", LAYOUTS if method in _AUTOGRAD else ("columns",)
        )
    return [tuple(pair) for pair in pairs]


def timed_call(
    method: str, layout: str, weights: Mapping[str, torch.Tensor], x: torch.Tensor
) -> tuple[Callable[..., torch.Tensor], tuple]:
    """Return ``(fn, args)``, the call that is timed for ``method`` in ``layout``.

    For an autograd method the weights and ``x`` are validated here, once, and ``fn``
    differentiates a network function that checks nothing. For a hand-written method
    ``fn`` is its public function, which validates on every call.

    Parameters
    ----------
    method : str
        One of :data:`METHODS`.
    layout : {"rows", "columns"}
        ``"columns"`` only, for a hand-written method.
    weights : dict of str to Tensor
        See :func:`hw1.jacobian.network_sizes`.
    x : Tensor
        ``(D,)`` or ``(N, D)``.

    Returns
    -------
    fn : callable
        ``fn(*args)`` returns the Jacobian, ``(P, D)`` or ``(N, P, D)``.
    args : tuple
        Its arguments.

    Raises
    ------
    TypeError
        If ``method`` or ``layout`` is not a str, or ``weights`` or ``x`` is not valid
        (see :func:`hw1.jacobian.split_weights` and :func:`hw1.jacobian.check_input`).
    ValueError
        If ``method`` or ``layout`` is unknown, the layout is not ``"columns"`` for a
        hand-written method, or a shape, dtype or device does not fit.
    """
    check_option(method, "method", METHODS)
    check_option(layout, "layout", LAYOUTS if method in _AUTOGRAD else ("columns",))
    hidden, WF = split_weights(weights)  # checked here for every method, before any timing
    check_input(x, hidden[0])
    if method in _HAND:
        return _HAND[method], (weights, x)
    if method in ("forward_ad", "jacfwd"):
        _load_forward_ad()
    return functools.partial(_AUTOGRAD[method], _PRIMALS[layout]), (hidden, WF, x)


def verify_methods(
    weights: Mapping[str, torch.Tensor],
    x: torch.Tensor,
    pairs: Iterable[tuple[str, str]] | None = None,
) -> None:
    """Verify that each timed call returns the Jacobian :func:`torch.func.jacrev` gives.

    The methods multiply the same numbers in other orders (two layouts, forward against
    reverse), so they agree to rounding, not bit for bit. Each Jacobian entry is a chain
    of ``L + 1`` products with inner sizes at most ``n = max(D, K, P)``, which rounds
    to within about ``(L + 1) n eps`` of the largest entry; the tolerance is ten times
    that, relative and absolute (scaled by the largest entry), for the factors the
    weights and tanh derivatives add. A wrong row is off by far more.

    Parameters
    ----------
    weights, x :
        The network and its input, one ``(D,)`` or a batch ``(N, D)``.
    pairs : iterable of (method, layout), optional
        What to verify; every pair of :func:`variants` by default.

    Raises
    ------
    TypeError, ValueError
        If ``weights``, ``x`` or ``pairs`` is not valid (see :func:`timed_call` and
        :func:`check_pairs`); ValueError if they hold NaN or inf, which cannot be
        compared.
    AssertionError
        Naming the first method whose result has the wrong shape or values.
    """
    hidden, WF = split_weights(weights)
    check_input(x, hidden[0])
    for key, w in weights.items():
        check_finite(w, f"weights[{key!r}]")
    check_finite(x, "x")
    pairs = variants() if pairs is None else check_pairs(pairs)
    jac = torch.func.jacrev(functools.partial(mlp, weights))
    expected = jac(x) if x.dim() == 1 else torch.vmap(jac)(x)
    n = max(*hidden[0].shape, WF.shape[0])
    tol = 10 * (len(hidden) + 1) * n * torch.finfo(x.dtype).eps
    atol = tol * float(expected.detach().abs().max())
    for method, layout in pairs:
        fn, args = timed_call(method, layout, weights, x)
        got = fn(*args)
        if got.shape != expected.shape or not torch.allclose(got, expected, rtol=tol, atol=atol):
            raise AssertionError(f"method {method!r} ({layout}) disagrees with torch.func.jacrev")


def benchmark_problem(
    D: int,
    K: int,
    P: int,
    L: int,
    N: int | None,
    *,
    dtype: torch.dtype = torch.float32,
    device: str = "cpu",
    seed: int = 0,
) -> tuple[dict[str, torch.Tensor], torch.Tensor]:
    """Return the weights and input of one benchmark case, drawn from ``seed``.

    Parameters
    ----------
    D, K, P, L : int
        Network sizes: input, width, output, tanh layers.
    N : int or None
        ``None`` for one input of shape ``(D,)``, else a batch ``(N, D)``.
    dtype : torch.dtype
        Of the weights and the input.
    device : {"cpu", "cuda"}
        Where they are put (drawn on the CPU, so every device gets the same numbers).
    seed : int
        Seed of both, ``0 <= seed < 2**63``.

    Returns
    -------
    weights : dict of str to Tensor
        From :func:`hw1.jacobian.init_weights`.
    x : Tensor
        Standard normal, ``(D,)`` or ``(N, D)``.

    Raises
    ------
    TypeError, ValueError
        Naming the size, dtype, device or seed of the wrong type or value.
    """
    if N is not None:
        N = check_positive_int(N, "N")
    device = check_device(device)
    gen = torch.Generator().manual_seed(check_seed(seed))
    weights = init_weights(D, K, P, L, generator=gen, dtype=dtype, device=device)
    shape = (D,) if N is None else (N, D)
    return weights, torch.randn(shape, generator=gen, dtype=dtype).to(device)
