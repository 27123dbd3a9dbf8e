"""The checks behind :mod:`hw1.check`: one per name in ``NAMES``, each against an oracle.

Kept apart from :mod:`hw1.check` because it needs PyTorch: the command's own process
(argument parsing, supervising the checking process, the report) starts without it, and
only the checking process and the in-process :func:`hw1.check.check` import this module.
"""

from __future__ import annotations

import contextlib
import inspect
import itertools
import math
import re
import time
import types
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping

import torch
from torch import nn
from torch.overrides import TorchFunctionMode

from hw1.check import CheckResult, _CheckTimeout, _student_traceback, _time_limit

F64 = torch.float64


class _Fail(Exception):
    """A check found a mistake; the message says which."""


def _dtype_hint(exc: BaseException) -> str:
    """Explain an error that comes from mixing float32 and float64 tensors, else ``""``."""
    text = str(exc)
    if (
        isinstance(exc, RuntimeError | TypeError)
        and re.search(r"dtype|scalar type", text, re.IGNORECASE)
        and re.search(r"float|double|half", text, re.IGNORECASE)
    ):
        return (
            "\nA dtype mismatch: the checker passes float64 tensors, and a tensor made\n"
            "without a dtype (torch.eye(D), torch.zeros(n), torch.tensor([...])) is float32.\n"
            "Create new tensors with dtype=x.dtype (e.g. torch.eye(D, dtype=X.dtype))\n"
            "or with torch.zeros_like(x)."
        )
    return ""


def _raised(what: str, exc: BaseException) -> str:
    """Describe an exception raised by the reader's code, with its traceback."""
    return f"{what} raised {type(exc).__name__}:\n{_student_traceback(exc)}{_dtype_hint(exc)}"


def _call(fn: Callable, *args: object, what: str, **kwargs: object) -> object:
    try:
        return fn(*args, **kwargs)
    except _CheckTimeout:
        raise
    except (Exception, SystemExit) as exc:  # the reader's code may raise anything
        raise _Fail(_raised(what, exc)) from None


def _tensor(value: object, what: str) -> torch.Tensor:
    """Turn a returned tensor, array or number into a float64 tensor."""
    if isinstance(value, torch.Tensor):
        return value.detach().to(device="cpu", dtype=F64)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return torch.tensor(float(value), dtype=F64)
    if type(value).__module__ == "numpy":
        return torch.as_tensor(value).to(F64)
    raise _Fail(f"{what} returned a {type(value).__name__}, expected a tensor")


def _error(got: torch.Tensor, ref: torch.Tensor) -> float:
    """Largest difference relative to the largest reference entry (inf if not finite)."""
    if got.shape != ref.shape:
        return math.inf
    if not bool(torch.isfinite(got).all()):
        return math.inf
    scale = max(float(ref.abs().max()) if ref.numel() else 0.0, 1e-12)
    return float((got - ref).abs().max()) / scale if ref.numel() else 0.0


def _first_match(
    got: torch.Tensor, variants: Iterable[tuple[str, torch.Tensor]], tol: float
) -> str | None:
    for message, variant in variants:
        if _error(got, variant) <= tol:
            return message
    return None


def _scale_variants(ref: torch.Tensor, n: int) -> list[tuple[str, torch.Tensor]]:
    return [
        ("flipped sign (the negative of the gradient)", -ref),
        (f"missing 1/N: a sum over the N = {n} samples where the cost is their mean", n * ref),
        (f"an extra 1/N: divided by N = {n} once too often", ref / n),
    ]


def _shape_mismatch(got: torch.Tensor, ref: torch.Tensor, names: str) -> str:
    """Describe a wrong shape, naming a transpose."""
    want, have = tuple(ref.shape), tuple(got.shape)
    if ref.ndim >= 2 and have == tuple(reversed(want[-2:])) and ref.ndim == got.ndim == 2:
        transposed = _error(got, ref.T) <= 1e-6
        return f"transposed: shape {have} where {names} = {want} is expected" + (
            " (it is the transpose of the right answer)" if transposed else ""
        )
    if got.numel() == ref.numel():
        return f"shape {have} where {names} = {want} is expected (same entries, wrong shape?)"
    return f"shape {have} where {names} = {want} is expected"


_TALLY = [0]  # test cases run by the check in progress


def _tally(n: int = 1) -> None:
    _TALLY[0] += n


def _generator(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


class _AutogradMonitor(TorchFunctionMode):
    """Record any use of autograd, ``torch.func`` or forward-AD dual tensors.

    Every torch function called while the mode is active has its tensor arguments
    inspected: a tensor that requires grad, a ``torch.func`` grad-tracking wrapper, or an
    open forward-AD ``dual_level`` means derivatives are being taken by PyTorch.
    """

    def __init__(self) -> None:
        super().__init__()
        self.uses: set[str] = set()

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        self._visit(args)
        self._visit(kwargs.values())
        return func(*args, **kwargs)

    def _visit(self, values: Iterable[object]) -> None:
        for value in values:
            if isinstance(value, torch.Tensor):
                self._inspect(value)
            elif isinstance(value, list | tuple):
                self._visit(value)

    def _inspect(self, t: torch.Tensor) -> None:
        if t.requires_grad:
            self.uses.add("a tensor with requires_grad=True (torch.autograd)")
        functorch = getattr(torch._C, "_functorch", None)
        if functorch is not None and functorch.is_functorch_wrapped_tensor(t):
            if functorch.is_gradtrackingtensor(t):
                self.uses.add("a torch.func transform (jacfwd, jacrev, jvp, grad, vjp)")
        if getattr(torch.autograd.forward_ad, "_current_level", -1) >= 0:
            self.uses.add("forward-AD dual tensors (torch.autograd.forward_ad)")


_AUTOGRAD_ENTRY_POINTS = {
    torch.autograd: ("grad", "backward", "gradcheck", "gradgradcheck"),
    torch.autograd.functional: ("jacobian", "jvp", "vjp", "hessian", "hvp", "vhp"),
    torch.autograd.forward_ad: ("make_dual", "dual_level"),
    torch.func: ("jacfwd", "jacrev", "jvp", "vjp", "grad", "grad_and_value", "hessian"),
}


@contextlib.contextmanager
def _no_autograd_watch() -> Iterator[set[str]]:
    """Yield a set that fills with the autograd machinery used inside the block."""
    uses: set[str] = set()
    saved = []

    def wrap(module: types.ModuleType, name: str) -> None:
        original = getattr(module, name)

        def recorder(*args: object, **kwargs: object) -> object:
            uses.add(f"{module.__name__}.{name}")
            return original(*args, **kwargs)

        saved.append((module, name, original))
        setattr(module, name, recorder)

    def backward(self: torch.Tensor, *args: object, **kwargs: object) -> object:
        uses.add("Tensor.backward")
        return original_backward(self, *args, **kwargs)

    original_backward = torch.Tensor.backward
    monitor = _AutogradMonitor()
    try:
        for module, names in _AUTOGRAD_ENTRY_POINTS.items():
            for name in names:
                if hasattr(module, name):
                    wrap(module, name)
        torch.Tensor.backward = backward
        with monitor:
            yield uses
    finally:
        torch.Tensor.backward = original_backward
        for module, name, original in reversed(saved):
            setattr(module, name, original)
        uses |= monitor.uses


# -- Q1: the log-cosh network -------------------------------------------------------------

_Q1_KEYS = ("W1", "b1", "w2", "b2", "X")
_Q1_SHAPES = ((7, 3, 5), (5, 4, 9), (13, 10, 20))  # (N, D, H): no two equal
_SEEDS = (0, 1)


def _q1_problem(n: int, d: int, h: int, seed: int) -> tuple[dict[str, torch.Tensor], ...]:
    g = _generator(1000 + seed)
    params = {
        "W1": torch.randn(h, d, generator=g, dtype=F64) / math.sqrt(d),
        "b1": 0.5 * torch.randn(h, generator=g, dtype=F64),
        "w2": torch.randn(h, generator=g, dtype=F64) / math.sqrt(h),
        "b2": 0.5 * torch.randn((), generator=g, dtype=F64),
    }
    X = torch.randn(n, d, generator=g, dtype=F64)
    y = 3 * torch.randn(n, generator=g, dtype=F64)  # residuals on both sides of |r| = 1
    return params, X, y


def _q1_cost(W1, b1, w2, b2, X, y):
    residual = torch.tanh(X @ W1.T + b1) @ w2 + b2 - y
    return torch.log(torch.cosh(residual)).mean()


def _q1_autograd(params: Mapping[str, torch.Tensor], X: torch.Tensor, y: torch.Tensor) -> dict:
    leaves = [t.clone().requires_grad_(True) for t in (*(params[k] for k in _Q1_KEYS[:4]), X)]
    with torch.enable_grad():
        grads = torch.autograd.grad(_q1_cost(*leaves, y), leaves)
    return dict(zip(_Q1_KEYS, grads, strict=True))


def _q1_closed_form(params, X, y, *, act_derivative=None, dl_dr=None) -> dict:
    """Closed-form gradients with one piece swapped, to recognise a mistake."""
    W1, b1, w2, b2 = (params[k] for k in _Q1_KEYS[:4])
    A = torch.tanh(X @ W1.T + b1)
    r = A @ w2 + b2 - y
    g = (torch.tanh(r) if dl_dr is None else dl_dr(r)) / X.shape[0]
    delta = g[:, None] * w2[None, :] * (1 - A * A if act_derivative is None else act_derivative(A))
    return {"W1": delta.T @ X, "b1": delta.sum(0), "w2": A.T @ g, "b2": g.sum(), "X": delta @ W1}


def _check_manual_gradients(fn: Callable) -> str:
    for (n, d, h), seed in itertools.product(_Q1_SHAPES, _SEEDS):
        params, X, y = _q1_problem(n, d, h, seed)
        case = f"N={n}, D={d}, H={h}, seed {seed}"
        out = _call(
            fn,
            {k: v.clone() for k, v in params.items()},
            X.clone(),
            y.clone(),
            what=f"manual_gradients ({case})",
        )
        _tally()
        if isinstance(out, list | tuple) and len(out) == 5:
            out = dict(zip(_Q1_KEYS, out, strict=True))
        if not isinstance(out, Mapping):
            raise _Fail(
                f"returned a {type(out).__name__}; expected a dict with keys "
                f"{list(_Q1_KEYS)} ({case})"
            )
        missing = [k for k in _Q1_KEYS if k not in out]
        if missing:
            raise _Fail(f"the returned dict lacks {missing}; it has {list(out)} ({case})")
        ref = _q1_autograd(params, X, y)
        tanh_variant = _q1_closed_form(params, X, y, act_derivative=lambda A: 1 - A)
        r_variant = _q1_closed_form(params, X, y, dl_dr=lambda r: r)
        names = {"W1": "(H, D)", "b1": "(H,)", "w2": "(H,)", "b2": "()", "X": "(N, D)"}
        problems: dict[str, list[str]] = {}
        for key in _Q1_KEYS:
            got = _tensor(out[key], f"manual_gradients()[{key!r}]")
            if key == "b2" and got.numel() == 1:
                got = got.reshape(())
            if got.shape != ref[key].shape:
                problems.setdefault(_shape_mismatch(got, ref[key], names[key]), []).append(key)
                continue
            err = _error(got, ref[key])
            if err <= 1e-6:
                continue
            variants = [
                *_scale_variants(ref[key], n),
                ("tanh′ written as 1 − tanh instead of 1 − tanh²", tanh_variant[key]),
                ("log cosh′ taken as the residual r instead of tanh(r)", r_variant[key]),
            ]
            named = _first_match(got, variants, 1e-6)
            diagnosis = named or f"differs from autograd (relative error {err:.1e})"
            problems.setdefault(diagnosis, []).append(key)
        if problems:
            lines = [f"{', '.join(keys)}: {diagnosis}" for diagnosis, keys in problems.items()]
            raise _Fail(f"wrong for {case}:\n" + "\n".join(lines))
    return f"all five gradients match autograd ({len(_Q1_SHAPES)} shapes x 2 seeds)"


def _numerical_gradient_problems(seed: int) -> list[tuple[str, Callable, torch.Tensor]]:
    g = _generator(2000 + seed)
    C = torch.randn(3, 4, generator=g, dtype=F64)
    a = torch.randn(7, generator=g, dtype=F64)
    params, X, y = _q1_problem(6, 3, 5, seed)

    def wavy(t: torch.Tensor) -> torch.Tensor:
        return (torch.sin(t) * C).sum() + 0.1 * (t**2).sum()

    def softplus(v: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.softplus(a @ v) + (v**3).sum() / 3

    def q1_cost_of_w1(W1: torch.Tensor) -> torch.Tensor:
        return _q1_cost(W1, params["b1"], params["w2"], params["b2"], X, y)

    return [
        ("f(t) = Σ C∘sin t + 0.1‖t‖², t of shape (3, 4)", wavy, torch.randn(3, 4, generator=g)),
        ("softplus(a·v) + Σv³/3, v of shape (7,)", softplus, torch.randn(7, generator=g)),
        ("the Q1 cost as a function of W1, shape (5, 3)", q1_cost_of_w1, params["W1"].clone()),
    ]


def _check_numerical_gradient(fn: Callable) -> str:
    for seed in _SEEDS:
        for label, f, t in _numerical_gradient_problems(seed):
            t = t.to(F64)
            case = f"{label}, seed {seed}"
            before = t.clone()
            with _no_autograd_watch() as uses:
                out = _call(fn, f, t, what=f"numerical_gradient ({case})")
            _tally()
            if uses:
                raise _Fail(
                    f"not finite differences: it uses {', '.join(sorted(uses))} ({case}); "
                    "the question asks for differences of function values only"
                )
            if not torch.equal(t, before):
                raise _Fail(f"changed its argument t ({case}): a perturbed entry was not put back")
            got = _tensor(out, "numerical_gradient")
            leaf = t.clone().requires_grad_(True)
            with torch.enable_grad():
                (ref,) = torch.autograd.grad(f(leaf), leaf)
            if got.shape != ref.shape:
                raise _Fail(f"{_shape_mismatch(got, ref, 't.shape')} ({case})")
            err = _error(got, ref)
            if err <= 1e-4:
                continue
            variants = [
                ("flipped sign: (f(t − h) − f(t + h)) / 2h", -ref),
                ("divided by h instead of 2h in the central difference", 2 * ref),
                ("half the gradient: a one-sided difference divided by 2h", ref / 2),
            ]
            named = _first_match(got, variants, 1e-4)
            raise _Fail(f"{named or f'differs from autograd (relative error {err:.1e})'} ({case})")
    return "matches autograd on 3 functions x 2 seeds, argument left unchanged"


# -- Q2: Jacobians ------------------------------------------------------------------------

_Q2_SIZES = ((2, 30, 10, 3), (3, 7, 5, 2), (4, 6, 9, 5))  # (D, K, P, L)


def _q2_weights(D: int, K: int, P: int, L: int, seed: int) -> dict[str, torch.Tensor]:
    g = _generator(3000 + seed)
    shapes = {"W1": (K, D), **{f"W{i}": (K, K) for i in range(2, L + 1)}, "WF": (P, K)}
    return {
        key: torch.randn(shape, generator=g, dtype=F64) / math.sqrt(shape[1])
        for key, shape in shapes.items()
    }


def _q2_forward(weights: Mapping[str, torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    L = len(weights) - 1
    h = x
    for i in range(1, L + 1):
        h = torch.tanh(weights[f"W{i}"] @ h)
    return weights["WF"] @ h


def _q2_wrong_tanh(weights: Mapping[str, torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """Return the Jacobian with tanh′ taken as 1 − tanh, to recognise that mistake."""
    L = len(weights) - 1
    h, J = x, torch.eye(x.shape[0], dtype=x.dtype)
    for i in range(1, L + 1):
        W = weights[f"W{i}"]
        h = torch.tanh(W @ h)
        J = (1 - h)[:, None] * (W @ J)
    return weights["WF"] @ J


def _check_jacobian(fn: Callable, name: str, *, by_hand: bool) -> str:
    batch_notes = []
    for (D, K, P, L), seed in itertools.product(_Q2_SIZES, _SEEDS):
        weights = _q2_weights(D, K, P, L, seed)
        x = torch.randn(D, generator=_generator(3100 + seed), dtype=F64)
        case = f"D={D}, K={K}, P={P}, L={L}, seed {seed}"
        watch = _no_autograd_watch() if by_hand else contextlib.nullcontext(set())
        with watch as uses:
            out = _call(fn, {k: w.clone() for k, w in weights.items()}, x.clone(), what=name)
        _tally()
        if uses:
            raise _Fail(
                f"not forward mode by hand: it uses {', '.join(sorted(uses))} ({case}); "
                "part (c) asks for tangents propagated with plain tensor operations"
            )
        got = _tensor(out, name)
        ref = torch.func.jacrev(lambda v, w=weights: _q2_forward(w, v))(x)
        if got.shape != ref.shape:
            if got.shape == (D, P):
                transposed = _error(got, ref.T) <= 1e-6
                raise _Fail(
                    f"Jacobian returned as (D, P) = {(D, P)}, where (P, D) = {(P, D)} is "
                    f"expected{' (it is the transpose of the right answer)' if transposed else ''}"
                    f" ({case})"
                )
            raise _Fail(f"{_shape_mismatch(got, ref, '(P, D)')} ({case})")
        err = _error(got, ref)
        if err > 1e-6:
            variants = [
                ("flipped sign", -ref),
                ("tanh′ written as 1 − tanh instead of 1 − tanh²", _q2_wrong_tanh(weights, x)),
            ]
            named = _first_match(got, variants, 1e-6)
            raise _Fail(
                f"{named or f'differs from torch.func.jacrev (relative error {err:.1e})'} ({case})"
            )
        if seed == _SEEDS[0]:
            batch_notes.append(_check_jacobian_batch(fn, name, weights, D, P, by_hand, case))
            _tally(int(batch_notes[-1] == "batch checked"))
    supported = [note for note in batch_notes if note == "batch checked"]
    message = (
        f"matches torch.func.jacrev for one input of shape (D,) ({len(_Q2_SIZES)} sizes x 2 seeds)"
    )
    if by_hand:
        message += "; no autograd, torch.func or dual tensors used"
    if len(supported) == len(batch_notes):
        message += "; a batch of shape (N, D) gives (N, P, D), also right"
    else:
        message += "; " + next(note for note in batch_notes if note != "batch checked")
    return message


def _check_jacobian_batch(
    fn: Callable, name: str, weights: dict, D: int, P: int, by_hand: bool, case: str
) -> str:
    N = 7  # differs from every D and P used
    X = torch.randn(N, D, generator=_generator(3200), dtype=F64)
    watch = _no_autograd_watch() if by_hand else contextlib.nullcontext(set())
    try:
        with watch as uses:
            out = fn({k: w.clone() for k, w in weights.items()}, X.clone())
        got = _tensor(out, name)
    except _CheckTimeout:
        raise
    except Exception as exc:
        return f"batches of shape (N, D) not supported (optional; it raised {type(exc).__name__})"
    if uses:
        raise _Fail(
            f"not forward mode by hand on a batch: it uses {', '.join(sorted(uses))} ({case})"
        )
    ref = torch.stack([torch.func.jacrev(lambda v: _q2_forward(weights, v))(x) for x in X])
    if got.shape != (N, P, D):
        return (
            f"a batch of shape (N, D) gives shape {tuple(got.shape)}, not (N, P, D): "
            "batches not checked (optional)"
        )
    err = _error(got, ref)
    if err > 1e-6:
        hint = (
            " (N, D, P: each Jacobian transposed)"
            if _error(got, ref.transpose(1, 2)) < 1e-6
            else ""
        )
        raise _Fail(
            f"wrong for a batch of N={N} inputs{hint}: relative error {err:.1e} "
            f"against torch.func.jacrev ({case})"
        )
    return "batch checked"


# -- Q3: hand-built networks --------------------------------------------------------------


def _net_dtype(net: object) -> torch.dtype:
    if isinstance(net, nn.Module):
        for p in net.parameters():
            if p.is_floating_point():
                return p.dtype
    return torch.get_default_dtype()


def _run_scalar_net(net: Callable, x: torch.Tensor, what: str) -> torch.Tensor:
    """Evaluate a 1-in, 1-out network on a column of inputs, tolerating (N,) or (N, 1)."""
    x = x.to(_net_dtype(net))
    attempts = (x[:, None], x)
    errors = []
    with torch.no_grad():
        for inp in attempts:
            try:
                out = _tensor(net(inp), what)
            except _CheckTimeout:
                raise
            except Exception as exc:
                errors.append(exc)
                continue
            if out.numel() == len(x):
                return out.reshape(-1)
            errors.append(ValueError(f"output shape {tuple(out.shape)}"))
    exc = errors[0]
    raise _Fail(
        f"{what} could not be evaluated on inputs of shape (N, 1) or (N,): "
        f"{type(exc).__name__}:\n{_student_traceback(exc)}{_dtype_hint(exc)}"
    )


class _FunctionSpy(TorchFunctionMode):
    """Record the names of the torch functions called while the mode is active."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def __torch_function__(self, func, types, args=(), kwargs=None):
        self.names.add(getattr(func, "__name__", ""))
        return func(*args, **(kwargs or {}))


def _uses_sigmoid(net: Callable, x: torch.Tensor) -> bool:
    """Whether evaluating ``net`` on a few inputs calls a sigmoid."""
    if isinstance(net, nn.Module) and any(isinstance(m, nn.Sigmoid) for m in net.modules()):
        return True
    spy = _FunctionSpy()
    try:
        with spy:
            _run_scalar_net(net, x[:5], "the network")
    except _CheckTimeout:
        raise
    except Exception:  # only a hint: the failure is reported anyway
        return False
    return bool(spy.names & {"sigmoid", "sigmoid_", "expit", "logsigmoid"})


_SIGMOID_HINT = (
    "\nA sigmoid network approximates the kinks; this check asks for exact ReLU "
    "constructions (matching to 1e-4). Sigmoid is fine for XNOR."
)


def _layer_note(net: object) -> str:
    if not isinstance(net, nn.Module):
        return "not an nn.Module, so its layers were not inspected"
    n_linear = sum(isinstance(m, nn.Linear) for m in net.modules())
    return f"{n_linear} linear layer(s)"


def _check_layers(net: object, what: str) -> None:
    if isinstance(net, nn.Module):
        n_linear = sum(isinstance(m, nn.Linear) for m in net.modules())
        if n_linear and not 2 <= n_linear <= 3:
            raise _Fail(
                f"{what} has {n_linear} linear layers; the question allows 1 or 2 hidden "
                "layers (2 or 3 linear layers)"
            )


def _build_net(factory: Callable, args: tuple, what: str) -> Callable:
    net = _call(factory, *args, what=what)
    if not callable(net):
        raise _Fail(f"{what} returned a {type(net).__name__}; expected a network (a callable)")
    _check_layers(net, what)
    return net


def _tent(x: torch.Tensor) -> torch.Tensor:
    return torch.where(
        (x >= 0) & (x <= 0.5), 2 * x, torch.where((x > 0.5) & (x <= 1), 2 * (1 - x), 0 * x)
    )


def _soft_threshold(x: torch.Tensor, s: float) -> torch.Tensor:
    return torch.sign(x) * torch.clamp(x.abs() - s, min=0)


def _grid(low: float, high: float, special: Iterable[float]) -> torch.Tensor:
    large = (-1e6, -1e3, -37.5, 37.5, 1e3, 1e6)
    points = torch.cat(
        [torch.linspace(low, high, 1001, dtype=F64), torch.tensor([*special, *large], dtype=F64)]
    )
    return points.unique()


def _tolerance(x: torch.Tensor) -> torch.Tensor:
    return 1e-4 + 1e-6 * x.abs()  # float32 networks round large inputs


def _worst(x: torch.Tensor, got: torch.Tensor, ref: torch.Tensor, mask: torch.Tensor) -> str:
    """Describe the worst wrong point, preferring a moderate x (|x| <= 10)."""
    moderate = mask & (x.abs() <= 10)
    if bool(moderate.any()):
        mask = moderate
    err = torch.where(mask, (got - ref).abs(), torch.zeros_like(got))
    i = int(err.argmax())
    return f"f({float(x[i]):g}) = {float(got[i]):.4g}, expected {float(ref[i]):.4g}"


def _check_tent_net(factory: Callable) -> str:
    x = _grid(-2.0, 3.0, (0.0, 0.25, 0.5, 0.75, 1.0))
    net = _build_net(factory, (), "tent_net()")
    got = _run_scalar_net(net, x, "the tent network")
    _tally(len(x))
    ref = _tent(x)
    bad = ~((got - ref).abs() <= _tolerance(x))
    if bool(bad.any()):
        hint = _SIGMOID_HINT if _uses_sigmoid(net, x) else ""
        inside = (x >= 0) & (x <= 1)
        if not bool((bad & inside).any()):
            sides = []
            if bool((bad & (x < 0)).any()):
                sides.append("for x < 0")
            if bool((bad & (x > 1)).any()):
                sides.append("for x > 1 (it does not come back to 0 after the kink at 1)")
            raise _Fail(
                "right on [0, 1] but wrong outside it, "
                + " and ".join(sides)
                + f": {_worst(x, got, ref, bad)}{hint}"
            )
        raise _Fail(f"wrong on [0, 1]: {_worst(x, got, ref, bad & inside)}{hint}")
    return (
        f"equals the tent on {len(x)} points: a dense grid of [-2, 3], the kinks 0, 1/2, 1, "
        f"and |x| up to 1e6; {_layer_note(net)}"
    )


def _check_soft_threshold_net(factory: Callable) -> str:
    thresholds = (0.5, 1.3, 0.0)
    right_for = []
    failures = []
    sigmoid = False
    for s in thresholds:
        x = _grid(-4.0, 4.0, (s, -s, 0.0))
        net = _build_net(factory, (s,), f"soft_threshold_net({s})")
        got = _run_scalar_net(net, x, f"the network of soft_threshold_net({s})")
        _tally(len(x))
        ref = _soft_threshold(x, s)
        bad = ~((got - ref).abs() <= _tolerance(x))
        if not bool(bad.any()):
            right_for.append(s)
            continue
        sigmoid = sigmoid or _uses_sigmoid(net, x)
        if not bool((bad & (x >= 0)).any()):
            failures.append(
                f"misses the negative side (s = {s}): right for x ≥ 0, but "
                f"{_worst(x, got, ref, bad)}; below −s the output must be x + s"
            )
        else:
            failures.append(f"wrong for s = {s}: {_worst(x, got, ref, bad)}")
    if failures:
        if len(failures) > 1 and all(f.startswith("misses the negative side") for f in failures):
            failures = [failures[0] + f" (the same for s = {', '.join(map(str, thresholds[1:]))})"]
        if right_for:
            failures.append(
                f"right for s = {', '.join(map(str, right_for))} only: is s used in the weights?"
            )
        raise _Fail("\n".join(failures) + (_SIGMOID_HINT if sigmoid else ""))
    return (
        "equals max(|x| − s, 0)·sign(x) for s = 0.5, 1.3 and 0 on dense grids of [-4, 4], "
        "the kinks ±s, and |x| up to 1e6"
    )


def _check_xnor_net(factory: Callable) -> str:
    inputs = torch.tensor([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=F64)
    target = torch.tensor([1.0, 0.0, 0.0, 1.0], dtype=F64)
    try:
        required = [
            p
            for p in inspect.signature(factory).parameters.values()
            if p.default is inspect.Parameter.empty
            and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
        params = inspect.signature(factory).parameters
    except (TypeError, ValueError):
        required, params = [], {}
    if not required:
        calls = [()]
        if "activation" in params:
            calls = [(), ("relu",), ("sigmoid",)]
    else:
        calls = [("relu",), ("sigmoid",)]
    checked = []
    for args in calls:
        what = f"xnor_net({', '.join(map(repr, args))})"
        try:
            net = factory(*args)
        except _CheckTimeout:
            raise
        except Exception as exc:
            if args and (checked or args != calls[-1]):
                continue  # an activation this answer does not offer
            raise _Fail(_raised(what, exc)) from None
        if not callable(net):
            raise _Fail(f"{what} returned a {type(net).__name__}; expected a network")
        _check_layers(net, what)
        with torch.no_grad():
            out = _tensor(
                _call(net, inputs.to(_net_dtype(net)), what=f"the network of {what}"), what
            )
        if out.numel() != 4:
            raise _Fail(
                f"{what} maps shape (4, 2) to shape {tuple(out.shape)}; expected (4, 1) or (4,)"
            )
        out = out.reshape(-1)
        decision = (out > 0.5).to(F64)
        if bool((decision == 1 - target).all()):
            raise _Fail(
                f"{what} computes XOR, not XNOR: outputs {out.tolist()} "
                "on (0,0), (0,1), (1,0), (1,1)"
            )
        wrong = [
            f"(x1, x2) = {tuple(int(v) for v in inputs[i].tolist())}: "
            f"output {float(out[i]):.3g}, expected {int(target[i])}"
            for i in range(4)
            if decision[i] != target[i]
        ]
        if wrong:
            raise _Fail(f"{what} is wrong (output > 1/2 read as 1) at " + "; ".join(wrong))
        checked.append(what)
        _tally(4)
    return f"{', '.join(checked)}: right on all four inputs (output > 1/2 read as 1)"


# -- Q4: the MNIST network and its initialisation -----------------------------------------

_WIDTH, _PIXELS, _CLASSES = 50, 784, 10


def _linear_chain(model: nn.Module) -> list[nn.Linear]:
    """Return the linear layers from input to output (registration order, input first)."""
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    first = [m for m in linears if m.in_features == _PIXELS]
    if first and linears[0] is not first[0]:
        linears.remove(first[0])
        linears.insert(0, first[0])
    last = [m for m in linears[1:] if m.out_features == _CLASSES]
    if last and linears[-1] is not last[-1]:
        linears.remove(last[-1])
        linears.append(last[-1])
    return linears


def _check_model(factory: Callable, name: str) -> str:
    depths = (3, 8)
    found = set()
    for depth in depths:
        model = _call(factory, depth, what=f"{name}({depth})")
        if not isinstance(model, nn.Module):
            raise _Fail(f"{name}({depth}) returned a {type(model).__name__}; expected an nn.Module")
        linears = _linear_chain(model)
        n = len(linears)
        if n == depth:
            found.add("linear layers")
        elif n == depth + 1:
            found.add("hidden layers")
        else:
            raise _Fail(
                f"{name}({depth}) has {n} linear layers: follows neither convention "
                f"({depth} linear layers if depth counts linear layers, {depth + 1} if it "
                "counts hidden layers)"
            )
        sizes = [linears[0].in_features] + [m.out_features for m in linears]
        chained = all(a.out_features == b.in_features for a, b in itertools.pairwise(linears))
        if sizes[0] != _PIXELS or sizes[-1] != _CLASSES or not chained:
            raise _Fail(
                f"{name}({depth}) layer sizes {sizes}: expected 784 inputs, 10 outputs and "
                "layers that chain"
            )
        if any(size != _WIDTH for size in sizes[1:-1]):
            raise _Fail(f"{name}({depth}) hidden widths {sizes[1:-1]}: the question uses 50")
        dtype = linears[0].weight.dtype
        x = torch.randn(5, _PIXELS, generator=_generator(4000 + depth), dtype=F64).to(dtype)
        with torch.no_grad():
            out = _tensor(
                _call(model, x, what=f"{name}({depth}) on a batch of shape (5, 784)"), name
            )
            if out.shape != (5, _CLASSES):
                raise _Fail(
                    f"{name}({depth}) maps a batch of shape (5, 784) to {tuple(out.shape)}; "
                    "expected (5, 10)"
                )
            ref, ref_last_tanh, ref_relu = x, x, x
            for i, layer in enumerate(linears):
                ref, ref_last_tanh, ref_relu = layer(ref), layer(ref_last_tanh), layer(ref_relu)
                ref_last_tanh = torch.tanh(ref_last_tanh)
                if i < n - 1:
                    ref, ref_relu = torch.tanh(ref), torch.relu(ref_relu)
        _tally()
        tol = 1e-5 if dtype == torch.float32 else 1e-9
        if _error(out, ref.to(F64)) > tol:
            if _error(out, ref_last_tanh.to(F64)) <= tol:
                raise _Fail(f"{name}({depth}) applies tanh to the output logits too")
            if _error(out, ref_relu.to(F64)) <= tol:
                raise _Fail(f"{name}({depth}) uses ReLU; the question asks for tanh")
            raise _Fail(
                f"{name}({depth})'s output is not Linear → tanh → … → tanh → Linear through "
                "its nn.Linear layers"
            )
    if len(found) > 1:
        raise _Fail(f"{name} mixes conventions: depth counted {' and '.join(sorted(found))}")
    convention = found.pop()
    return (
        f"depth counts {convention} (found: {name}(8) has "
        f"{8 if convention == 'linear layers' else 9} nn.Linear); 784 → 50 … → 10 with tanh "
        "between layers and none on the logits"
    )


class _ReferenceMLP(nn.Module):
    """An MNIST tanh network to initialise when the answer defines no model of its own."""

    def __init__(self, depth: int = 8) -> None:
        super().__init__()
        self.depth = depth
        sizes = [_PIXELS] + [_WIDTH] * (depth - 1) + [_CLASSES]
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in itertools.pairwise(sizes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        *hidden, last = self.layers
        for layer in hidden:
            x = torch.tanh(layer(x))
        return last(x)


def _init_model(namespace: Mapping[str, object]) -> tuple[nn.Module, str]:
    for name in ("MLP", "my_model"):
        factory = namespace.get(name)
        if callable(factory):
            try:
                model = factory(8)
            except Exception:  # its own check reports this
                continue
            if isinstance(model, nn.Module) and len(_linear_chain(model)) >= 2:
                return model, f"{name}(8)"
    return _ReferenceMLP(8), "a reference 784-50-…-50-10 tanh network with 8 linear layers"


def _apply_init(fn: Callable, model: nn.Module, d: object, seed: int, what: str) -> nn.Module:
    with torch.no_grad():
        for p in model.parameters():
            p.fill_(7.0)  # a value no initialisation gives, so a skipped layer shows
    torch.manual_seed(seed)
    out = _call(fn, model, d, what=what)
    return out if isinstance(out, nn.Module) else model


def _uniform_problems(w: torch.Tensor, bound: float, label: str) -> str | None:
    """Say what is wrong with weights meant to be U(-bound, bound), or return None."""
    n = w.numel()
    top = float(w.abs().max())
    if not math.isfinite(top):
        return f"{label}: weights not finite"
    if top > bound * (1 + 1e-6):
        std = float(w.std())
        if top > 2.5 * bound and abs(std / bound - 1) < 0.15:
            return (
                f"{label}: weights outside ±{bound:.4g} (max |w| = {top:.4g}); the standard "
                "deviation equals the bound, as for N(0, d²), not U(−d, d)"
            )
        return f"{label}: weights outside ±{bound:.4g} (max |w| = {top:.4g})"
    if n >= 200 and top < 0.9 * bound:
        return f"{label}: weights only reach ±{top:.4g}, well inside ±{bound:.4g}"
    if float(w.min()) >= 0 and n >= 50:
        return f"{label}: all weights ≥ 0: drawn from U(0, d), not U(−d, d)"
    if n >= 500:
        var_ratio = float(w.var()) / (bound**2 / 3)
        if abs(var_ratio - 1) > 0.2:
            return (
                f"{label}: variance {float(w.var()):.3g} where U(−d, d) gives d²/3 = "
                f"{bound**2 / 3:.3g}: spread does not match a uniform draw"
            )
        if abs(float(w.mean())) > 6 * bound / math.sqrt(3 * n):
            return f"{label}: mean {float(w.mean()):.3g}, not centred on 0"
    return None


def _ks_uniform(u: torch.Tensor) -> float:
    """Kolmogorov-Smirnov distance of samples from U(-1, 1)."""
    u = u.sort().values
    n = u.numel()
    cdf = (u + 1) / 2
    upper = torch.arange(1, n + 1, dtype=F64) / n - cdf
    lower = cdf - torch.arange(0, n, dtype=F64) / n
    return float(torch.maximum(upper, lower).max())


def _check_init_uniform_(fn: Callable, namespace: Mapping[str, object]) -> str:
    model, model_name = _init_model(namespace)
    for d, seed in ((0.01, 0), (0.1, 1), (2.0, 2), (0.1, 3)):
        what = f"init_uniform_(model, {d}) with seed {seed}"
        net = _apply_init(fn, model, d, seed, what)
        linears = _linear_chain(net)
        _tally()
        pooled = []
        for i, layer in enumerate(linears, 1):
            w = layer.weight.detach().to(F64).reshape(-1)
            problem = _uniform_problems(
                w, d, f"layer {i} ({layer.in_features} → {layer.out_features})"
            )
            if problem:
                raise _Fail(f"{what}: {problem}")
            if layer.bias is not None and bool((layer.bias != 0).any()):
                raise _Fail(
                    f"{what}: biases not set to zero (layer {i}: max |b| = "
                    f"{float(layer.bias.detach().abs().max()):.3g})"
                )
            pooled.append(w / d)
        u = torch.cat(pooled)
        ks = _ks_uniform(u)
        if ks * math.sqrt(u.numel()) > 2.5:
            raise _Fail(
                f"{what}: the {u.numel()} weights are not spread like U(−d, d) "
                f"(Kolmogorov-Smirnov distance {ks:.3g})"
            )
    xavier_note = _check_xavier(fn, model, namespace)
    return (
        f"on {model_name}: every weight within ±d, spread matching U(−d, d) (variance d²/3 "
        f"per layer, Kolmogorov-Smirnov over all weights), biases 0, for d = 0.01, 0.1, 2; "
        f"{xavier_note}"
    )


def _check_xavier(fn: Callable, model: nn.Module, namespace: Mapping[str, object]) -> str:
    attempts = []
    for d in ("xavier",):
        try:
            net = _apply_init(fn, model, d, 5, f"init_uniform_(model, {d!r})")
        except _Fail as exc:
            attempts.append(f"init_uniform_(model, {d!r}) raised: {str(exc).splitlines()[-1]}")
            continue
        for seed in (5, 6):
            net = _apply_init(fn, model, d, seed, f"init_uniform_(model, {d!r})")
            _tally()
            for i, layer in enumerate(_linear_chain(net), 1):
                n_in, n_out = layer.in_features, layer.out_features
                w = layer.weight.detach().to(F64).reshape(-1)
                bound = math.sqrt(6 / (n_in + n_out))
                label = f"layer {i} ({n_in} → {n_out})"
                problem = _uniform_problems(w, bound, label)
                if problem is None:
                    continue
                top = float(w.abs().max())
                fan_in = "a fan-in-only bound"
                for looks_like, formula, other in (
                    (fan_in, "√(6/n_in)", math.sqrt(6 / n_in)),
                    (fan_in, "√(3/n_in)", math.sqrt(3 / n_in)),
                    (fan_in, "1/√n_in", 1 / math.sqrt(n_in)),
                    ("a fan-out-only bound", "√(6/n_out)", math.sqrt(6 / n_out)),
                    (
                        "Xavier's normal standard deviation",
                        "√(2/(n_in + n_out))",
                        math.sqrt(2 / (n_in + n_out)),
                    ),
                ):
                    if (
                        0.9 * other <= top <= other * (1 + 1e-6)
                        and abs(other - bound) > 1e-3 * bound
                    ):
                        raise _Fail(
                            f"Xavier bound looks like {looks_like}, {formula}: {label} reaches "
                            f"±{top:.4g} where Xavier's √(6/(n_in + n_out)) = {bound:.4g}"
                        )
                raise _Fail(f"init_uniform_(model, {d!r}), Xavier's bound: {problem}")
        return f"Xavier (d = {d!r}): each layer within and spread over ±√(6/(n_in + n_out))"
    return (
        "Xavier's case not checked: "
        + "; ".join(attempts)
        + " (write it as hw1 does, d = 'xavier')"
    )


# -- Q5: least squares --------------------------------------------------------------------


def _q5_problems() -> list[tuple[str, torch.Tensor, torch.Tensor, torch.Tensor]]:
    problems = []
    for label, (n, d, rank), seed in (
        ("tall X, full rank", (9, 4, 4), 0),
        ("tall X, full rank", (11, 6, 6), 1),
        ("wide X (N < D)", (4, 7, 4), 2),
        ("rank-deficient X (rank 3 of 5)", (10, 5, 3), 3),
    ):
        g = _generator(5000 + seed)
        X = torch.randn(n, rank, generator=g, dtype=F64) @ torch.randn(
            rank, d, generator=g, dtype=F64
        )
        X = X / math.sqrt(rank)
        y = torch.randn(n, generator=g, dtype=F64)
        w = torch.randn(d, generator=g, dtype=F64)
        problems.append((f"{label}, N={n}, D={d}", X, y, w))
    return problems


def _singular_hint(label: str) -> str:
    if "wide" in label or "rank-deficient" in label:
        return " X^T X is singular here, so (X^T X)^-1 does not exist."
    return ""


def _check_gradient(fn: Callable) -> str:
    for label, X, y, w in _q5_problems():
        out = _call(fn, X.clone(), w.clone(), y.clone(), what=f"gradient(X, w, y) ({label})")
        _tally()
        got = _tensor(out, "gradient")
        leaf = w.clone().requires_grad_(True)
        with torch.enable_grad():
            (ref,) = torch.autograd.grad(0.5 * ((X @ leaf - y) ** 2).sum(), leaf)
        if got.shape != ref.shape:
            raise _Fail(f"{_shape_mismatch(got, ref, '(D,)')} ({label})")
        err = _error(got, ref)
        if err <= 1e-8:
            continue
        n = X.shape[0]
        variants = [
            ("flipped sign: X^T (y − Xw) is minus the gradient", -ref),
            (
                "the gradient of the mean (1/2N)‖Xw − y‖² instead of ½‖Xw − y‖² "
                f"(1/N too many, N = {n})",
                ref / n,
            ),
            (
                "the gradient of the mean squared error (1/N)‖Xw − y‖², not of ½‖Xw − y‖²",
                2 * ref / n,
            ),
            ("the gradient of ‖Xw − y‖² without the ½ (twice too large)", 2 * ref),
        ]
        named = _first_match(got, variants, 1e-8)
        raise _Fail(f"{named or f'differs from autograd (relative error {err:.1e})'} ({label})")
    return "matches autograd of ½‖Xw − y‖² on tall, wide and rank-deficient X"


def _check_minimizer(fn: Callable) -> str:
    notes = []
    for label, X, y, _ in _q5_problems():
        out = _call(fn, X.clone(), y.clone(), what=f"minimizer(X, y) ({label})")
        _tally()
        got = _tensor(out, "minimizer")
        best = torch.linalg.pinv(X) @ y  # the minimum-norm minimiser
        if got.shape != best.shape:
            raise _Fail(f"{_shape_mismatch(got, best, '(D,)')} ({label})")
        if not bool(torch.isfinite(got).all()):
            raise _Fail(f"returned non-finite entries ({label}).{_singular_hint(label)}")
        loss_got = 0.5 * float(((X @ got - y) ** 2).sum())
        loss_best = 0.5 * float(((X @ best - y) ** 2).sum())
        normal = float((X.T @ (X @ got - y)).norm())
        scale = float(torch.linalg.matrix_norm(X, 2)) ** 2 * max(float(got.norm()), 1.0)
        if loss_got > loss_best + 1e-8 * (1 + loss_best) or normal > 1e-7 * scale:
            raise _Fail(
                f"not a minimiser ({label}): loss {loss_got:.6g} where the least-squares "
                f"solution reaches {loss_best:.6g}; ‖X^T(Xw − y)‖ = {normal:.2g}."
                f"{_singular_hint(label)}"
            )
        if float(got.norm()) > float(best.norm()) * (1 + 1e-6) + 1e-9:
            notes.append(label)
    message = "minimises ½‖Xw − y‖² (the normal equations hold; loss equals torch.linalg.pinv's)"
    message += " on tall, wide and rank-deficient X"
    if notes:
        message += (
            ".\nPasses, as any minimiser answers the question, but X^T X is singular on "
            + " and on ".join(notes)
            + ": solving X^T X w = X^T y there (solve or inv) lands on some minimiser only "
            "by rounding, and this one is not the minimum-norm minimiser X⁺y "
            "(torch.linalg.pinv(X) @ y) that hw1.least_squares.minimizer returns and the "
            "Q5 page derives"
        )
    return message


def _gd(
    X: torch.Tensor,
    y: torch.Tensor,
    w0: torch.Tensor,
    alpha: float,
    k: int,
    sign: float = 1.0,
    scale: float = 1.0,
    matrix_sign: float = 1.0,
) -> torch.Tensor:
    """Take ``k`` steps ``w ← w − sign·α·scale·(matrix_sign·XᵀXw − Xᵀy)`` (1, 1, 1: plain GD)."""
    w = w0.clone()
    for _ in range(k):
        w = w - sign * alpha * scale * (matrix_sign * (X.T @ (X @ w)) - X.T @ y)
    return w


def _check_closed_form_iterate(fn: Callable) -> str:
    for label, X, y, w0 in _q5_problems()[1:]:
        alpha = 1.0 / float(torch.linalg.matrix_norm(X, 2)) ** 2
        for k in (0, 1, 2, 5, 30):
            case = f"k = {k}, α = {alpha:.3g}, {label}"
            out = _call(
                fn, X.clone(), y.clone(), w0.clone(), alpha, k, what=f"closed_form_iterate ({case})"
            )
            _tally()
            got = _tensor(out, "closed_form_iterate")
            ref = _gd(X, y, w0, alpha, k)  # k plain gradient-descent steps
            if got.shape != ref.shape:
                raise _Fail(f"{_shape_mismatch(got, ref, '(D,)')} ({case})")
            err = _error(got, ref)
            if err <= 1e-7:
                continue
            n = X.shape[0]
            off_by_one = [j for j in (k + 1, k - 1) if j >= 0]
            variants = [
                *(
                    (f"iterate off by one step: returned w_{j} for w_{k}", _gd(X, y, w0, alpha, j))
                    for j in off_by_one
                ),
                (
                    "ignores w0: it equals the iterate started from w0 = 0",
                    _gd(X, y, torch.zeros_like(w0), alpha, k),
                ),
                (
                    "steps uphill: the sign of the gradient step is flipped",
                    _gd(X, y, w0, alpha, k, sign=-1.0),
                ),
                (
                    "the matrix I − αX^T X written as I + αX^T X: the sign of the X^T X w "
                    "term in the step is flipped",
                    _gd(X, y, w0, alpha, k, matrix_sign=-1.0),
                ),
                (
                    f"steps along the gradient of the mean loss (1/N, N = {n})",
                    _gd(X, y, w0, alpha, k, scale=1 / n),
                ),
            ]
            named = _first_match(got, variants, 1e-7)
            steps = f"{k} gradient-descent step{'' if k == 1 else 's'}"
            message = named or f"differs from {steps} (relative error {err:.1e})"
            message += f" ({case})."
            if k == 0:
                message += " k = 0 must return w0 (no step taken)."
            elif not named:
                message += _singular_hint(label)
            raise _Fail(message)
    return (
        "equals k plain gradient-descent steps for k = 0, 1, 2, 5, 30 on tall, wide and "
        "rank-deficient X"
    )


# -- running the checks -------------------------------------------------------------------


def _checker(name: str, namespace: Mapping[str, object]) -> Callable[[Callable], str]:
    table: dict[str, Callable[[Callable], str]] = {
        "manual_gradients": _check_manual_gradients,
        "numerical_gradient": _check_numerical_gradient,
        "jacobian_reverse": lambda fn: _check_jacobian(fn, "jacobian_reverse", by_hand=False),
        "jacobian_forward": lambda fn: _check_jacobian(fn, "jacobian_forward", by_hand=True),
        "xnor_net": _check_xnor_net,
        "tent_net": _check_tent_net,
        "soft_threshold_net": _check_soft_threshold_net,
        "MLP": lambda fn: _check_model(fn, "MLP"),
        "my_model": lambda fn: _check_model(fn, "my_model"),
        "init_uniform_": lambda fn: _check_init_uniform_(fn, namespace),
        "gradient": _check_gradient,
        "minimizer": _check_minimizer,
        "closed_form_iterate": _check_closed_form_iterate,
    }
    return table[name]


def run_one(name: str, namespace: Mapping[str, object], timeout: float | None) -> CheckResult:
    """Check ``namespace[name]`` within ``timeout`` seconds; return its result."""
    fn = namespace[name]
    start = time.perf_counter()
    _TALLY[0] = 0
    if not callable(fn):
        return CheckResult(name, False, f"{name} is a {type(fn).__name__}, not a function", 0)
    try:
        with (
            _time_limit(timeout, f"the check of {name}"),
            torch.random.fork_rng(devices=[]),
            torch.enable_grad(),
            warnings.catch_warnings(),
        ):
            # PyTorch's own forward-AD internals warn about torch.jit; not the reader's doing.
            warnings.filterwarnings("ignore", message=".*torch.jit.script.* is deprecated")
            message = _checker(name, namespace)(fn)
        passed = True
    except _Fail as exc:
        message, passed = str(exc), False
    except _CheckTimeout as exc:
        message, passed = f"{exc} (a hang or a very slow answer)", False
    return CheckResult(name, passed, message, _TALLY[0], time.perf_counter() - start)
