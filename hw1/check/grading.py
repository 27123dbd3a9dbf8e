"""Tools every grader uses: calling the reader's code, comparing with an oracle, naming mistakes.

A grader (``grade_*`` in :mod:`hw1.check.q1` … :mod:`hw1.check.q5`) takes the reader's
function, runs it on cases, and returns a sentence saying what passed, or raises
:class:`Fail` naming the mistake, or :class:`NotAttempted` when the function is still a
stub.
"""

from __future__ import annotations

import contextlib
import math
import re
import types
from collections.abc import Callable, Iterable, Iterator

import torch
from torch.overrides import TorchFunctionMode

from hw1.check.runtime import CheckTimeout, student_traceback

__all__ = [
    "EPS32",
    "EPS64",
    "F64",
    "RTOL",
    "SEEDS",
    "Fail",
    "NotAttempted",
    "as_float64",
    "autograd_watch",
    "call_answer",
    "cases_run",
    "describe_raised",
    "dtype_hint",
    "first_match",
    "generator",
    "mistake_name",
    "relative_error",
    "reset",
    "scale_variants",
    "shape_mismatch",
    "stub_or_none",
    "tally",
]

F64 = torch.float64
EPS64 = torch.finfo(torch.float64).eps
EPS32 = torch.finfo(torch.float32).eps

#: Relative error (to the largest reference entry) a right float64 answer may show.
#: Rounding alone stays near eps64 times the operations per entry (at most a few hundred
#: here, on entries of order 1), below 1e4·eps64; a reader's other right formula may lose
#: more, e.g. (XᵀX)⁻¹ squares X's condition number (up to about 1e2 here) and k = 30
#: iterates compound it, hence 2**30·eps64 ≈ 2.4e-7. Every mistake named is off by a
#: relative O(1) (a sign, a factor N ≤ 13, 1 − tanh for 1 − tanh²), far above it.
RTOL = 2.0**30 * EPS64
#: The seeds each shape is checked with.
SEEDS = (0, 1)

_STATE = {"cases": 0, "answered": 0}


class Fail(Exception):
    """A check found a mistake; the message says which.

    Parameters
    ----------
    message : str
        What is wrong, for the report.
    mistake : str, optional
        The short name of the classic mistake, for a gradebook's summary.
    """

    def __init__(self, message: str, mistake: str | None = None) -> None:
        super().__init__(message)
        self.mistake = mistake


class NotAttempted(Exception):
    """The reader's function is still a stub: its first call raised ``NotImplementedError``."""


def reset() -> None:
    """Start counting the cases and the answered calls of a new check."""
    _STATE.update(cases=0, answered=0)


def tally(n: int = 1) -> None:
    """Count ``n`` test cases run by the check in progress."""
    _STATE["cases"] += n


def cases_run() -> int:
    """Return the test cases run by the check in progress."""
    return _STATE["cases"]


def mistake_name(message: str) -> str:
    """Return the short name of a named mistake: its text before the first ``:`` or ``(``."""
    return re.split(r":| \(", message, maxsplit=1)[0].strip()


def dtype_hint(exc: BaseException) -> str:
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


def describe_raised(what: str, exc: BaseException) -> Fail:
    """Return the :class:`Fail` for an exception the reader's code raised, with its traceback."""
    hint = dtype_hint(exc)
    mistake = "float32 tensors among float64 inputs" if hint else f"raised {type(exc).__name__}"
    return Fail(f"{what} raised {type(exc).__name__}:\n{student_traceback(exc)}{hint}", mistake)


def stub_or_none(exc: BaseException, what: str) -> NotAttempted | None:
    """Return :class:`NotAttempted` if ``exc`` says the function is still a stub.

    That is a ``NotImplementedError`` before any call of the reader's code has returned;
    later, it means a part is missing and the check fails.
    """
    if isinstance(exc, NotImplementedError) and _STATE["answered"] == 0:
        name = what.split(" (", 1)[0]
        return NotAttempted(f"not attempted: {name} raises NotImplementedError (still a stub)")
    return None


def call_answer(fn: Callable, *args: object, what: str, **kwargs: object) -> object:
    """Call the reader's ``fn``; turn what it raises into :class:`Fail` or :class:`NotAttempted`."""
    try:
        out = fn(*args, **kwargs)
    except CheckTimeout:
        raise
    except (Exception, SystemExit) as exc:  # the reader's code may raise anything
        raise (stub_or_none(exc, what) or describe_raised(what, exc)) from None
    _STATE["answered"] += 1
    return out


def as_float64(value: object, what: str) -> torch.Tensor:
    """Turn a returned tensor, array or number into a float64 tensor."""
    if isinstance(value, torch.Tensor):
        return value.detach().to(device="cpu", dtype=F64)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return torch.tensor(float(value), dtype=F64)
    if type(value).__module__ == "numpy":
        return torch.as_tensor(value).to(F64)
    raise Fail(f"{what} returned a {type(value).__name__}, expected a tensor", "not a tensor")


def relative_error(got: torch.Tensor, ref: torch.Tensor) -> float:
    """Largest difference relative to the largest reference entry (inf if not finite).

    An all-zero reference gives the largest difference itself.
    """
    if got.shape != ref.shape:
        return math.inf
    if not bool(torch.isfinite(got).all()):
        return math.inf
    if not ref.numel():
        return 0.0
    difference = float((got - ref).abs().max())
    scale = float(ref.abs().max())
    return difference / scale if scale > 0 else difference  # all-zero reference: absolute


def first_match(
    got: torch.Tensor, variants: Iterable[tuple[str, torch.Tensor]], tol: float
) -> str | None:
    """Return the message of the first mistaken ``variant`` that ``got`` matches, else ``None``."""
    for message, variant in variants:
        if relative_error(got, variant) <= tol:
            return message
    return None


def scale_variants(ref: torch.Tensor, n: int) -> list[tuple[str, torch.Tensor]]:
    """Return a gradient's sign and 1/N mistakes, as (message, wrong answer) pairs."""
    return [
        ("flipped sign (the negative of the gradient)", -ref),
        (f"missing 1/N: a sum over the N = {n} samples where the cost is their mean", n * ref),
        (f"an extra 1/N: divided by N = {n} once too often", ref / n),
    ]


def shape_mismatch(got: torch.Tensor, ref: torch.Tensor, names: str) -> str:
    """Describe a wrong shape, naming a transpose."""
    want, have = tuple(ref.shape), tuple(got.shape)
    if ref.ndim >= 2 and have == tuple(reversed(want[-2:])) and ref.ndim == got.ndim == 2:
        transposed = relative_error(got, ref.T) <= RTOL
        return f"transposed: shape {have} where {names} = {want} is expected" + (
            " (it is the transpose of the right answer)" if transposed else ""
        )
    if got.numel() == ref.numel():
        return f"shape {have} where {names} = {want} is expected (same entries, wrong shape?)"
    return f"shape {have} where {names} = {want} is expected"


def generator(seed: int) -> torch.Generator:
    """Return a CPU generator seeded with ``seed``."""
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
def autograd_watch() -> Iterator[set[str]]:
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
