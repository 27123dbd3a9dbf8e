"""Graders of Question 3: networks built by hand for XNOR, the tent and soft thresholding."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable

import torch
from torch import nn
from torch.overrides import TorchFunctionMode

from hw1.check.grading import (
    EPS32,
    F64,
    Fail,
    as_float64,
    call_answer,
    describe_raised,
    dtype_hint,
    stub_or_none,
    tally,
)
from hw1.check.runtime import CheckTimeout, student_traceback

__all__ = ["grade_soft_threshold_net", "grade_tent_net", "grade_xnor_net"]


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
                out = as_float64(net(inp), what)
            except CheckTimeout:
                raise
            except Exception as exc:
                errors.append(exc)
                continue
            if out.numel() == len(x):
                return out.reshape(-1)
            errors.append(ValueError(f"output shape {tuple(out.shape)}"))
    exc = errors[0]
    raise Fail(
        f"{what} could not be evaluated on inputs of shape (N, 1) or (N,): "
        f"{type(exc).__name__}:\n{student_traceback(exc)}{dtype_hint(exc)}",
        "could not be evaluated",
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
    except CheckTimeout:
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
            raise Fail(
                f"{what} has {n_linear} linear layers; the question allows 1 or 2 hidden "
                "layers (2 or 3 linear layers)",
                "too many layers",
            )


def _build_net(factory: Callable, args: tuple, what: str) -> Callable:
    net = call_answer(factory, *args, what=what)
    if not callable(net):
        raise Fail(
            f"{what} returned a {type(net).__name__}; expected a network (a callable)",
            "not a network",
        )
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
    """Return the allowed error at ``x``: the 1e-4 the question's check asks, plus rounding.

    A float32 ReLU network rounds w·x + b in each of its few units and sums a handful of
    terms of size up to ``4|x|`` (the tent's weights), about ``8·eps32·|x|`` in all; twice
    that keeps right answers right at ``|x| = 1e6``.
    """
    return 1e-4 + 16 * EPS32 * x.abs()


def _worst(x: torch.Tensor, got: torch.Tensor, ref: torch.Tensor, mask: torch.Tensor) -> str:
    """Describe the worst wrong point, preferring a moderate x (|x| <= 10)."""
    moderate = mask & (x.abs() <= 10)
    if bool(moderate.any()):
        mask = moderate
    err = torch.where(mask, (got - ref).abs(), torch.zeros_like(got))
    i = int(err.argmax())
    return f"f({float(x[i]):g}) = {float(got[i]):.4g}, expected {float(ref[i]):.4g}"


def grade_tent_net(factory: Callable) -> str:
    """Grade Q3's tent network on a dense grid of [-2, 3], its kinks and ``|x|`` up to 1e6.

    Mistakes recognised: a network right on [0, 1] but wrong outside it (no unit that
    brings it back to 0 after x = 1, or one that lets x < 0 through); a sigmoid network,
    which only approximates the kinks; more linear layers than the question allows.
    """
    x = _grid(-2.0, 3.0, (0.0, 0.25, 0.5, 0.75, 1.0))
    net = _build_net(factory, (), "tent_net()")
    got = _run_scalar_net(net, x, "the tent network")
    tally(len(x))
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
            raise Fail(
                "right on [0, 1] but wrong outside it, "
                + " and ".join(sides)
                + f": {_worst(x, got, ref, bad)}{hint}",
                "wrong outside [0, 1]",
            )
        raise Fail(
            f"wrong on [0, 1]: {_worst(x, got, ref, bad & inside)}{hint}",
            "a sigmoid network" if hint else None,
        )
    return (
        f"equals the tent on {len(x)} points: a dense grid of [-2, 3], the kinks 0, 1/2, 1, "
        f"and |x| up to 1e6; {_layer_note(net)}"
    )


def grade_soft_threshold_net(factory: Callable) -> str:
    """Grade Q3's soft thresholding for s = 0.5, 1.3, 0 on dense grids and ``|x|`` up to 1e6.

    Mistakes recognised: a network that misses the negative side (right for x ≥ 0 only);
    one right for a single s (s not used in the weights); a sigmoid network, which only
    approximates the kinks; more linear layers than the question allows.
    """
    thresholds = (0.5, 1.3, 0.0)
    right_for = []
    failures = []
    sigmoid = False
    for s in thresholds:
        x = _grid(-4.0, 4.0, (s, -s, 0.0))
        net = _build_net(factory, (s,), f"soft_threshold_net({s})")
        got = _run_scalar_net(net, x, f"the network of soft_threshold_net({s})")
        tally(len(x))
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
        one_sided = failures[0].startswith("misses the negative side")
        mistake = "misses the negative side" if one_sided else None
        raise Fail(
            "\n".join(failures) + (_SIGMOID_HINT if sigmoid else ""),
            mistake or ("a sigmoid network" if sigmoid else None),
        )
    return (
        "equals max(|x| − s, 0)·sign(x) for s = 0.5, 1.3 and 0 on dense grids of [-4, 4], "
        "the kinks ±s, and |x| up to 1e6"
    )


def grade_xnor_net(factory: Callable) -> str:
    """Grade Q3's XNOR network on the four inputs, with each activation it offers.

    Mistakes recognised: XOR computed instead of XNOR; a wrong output at some inputs
    (read as 1 above 1/2); an output of the wrong size; more linear layers than the
    question allows.
    """
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
        except CheckTimeout:
            raise
        except Exception as exc:
            if args and (checked or args != calls[-1]):
                continue  # an activation this answer does not offer
            raise (stub_or_none(exc, what) or describe_raised(what, exc)) from None
        if not callable(net):
            raise Fail(
                f"{what} returned a {type(net).__name__}; expected a network", "not a network"
            )
        _check_layers(net, what)
        with torch.no_grad():
            out = as_float64(
                call_answer(net, inputs.to(_net_dtype(net)), what=f"the network of {what}"), what
            )
        if out.numel() != 4:
            raise Fail(
                f"{what} maps shape (4, 2) to shape {tuple(out.shape)}; expected (4, 1) or (4,)"
            )
        out = out.reshape(-1)
        decision = (out > 0.5).to(F64)
        # exact: decisions and targets are the integers 0 and 1
        if bool((decision == 1 - target).all()):
            raise Fail(
                f"{what} computes XOR, not XNOR: outputs {out.tolist()} "
                "on (0,0), (0,1), (1,0), (1,1)",
                "XOR for XNOR",
            )
        wrong = [
            f"(x1, x2) = {tuple(int(v) for v in inputs[i].tolist())}: "
            f"output {float(out[i]):.3g}, expected {int(target[i])}"
            for i in range(4)
            if decision[i] != target[i]  # exact: integers 0 and 1
        ]
        if wrong:
            raise Fail(f"{what} is wrong (output > 1/2 read as 1) at " + "; ".join(wrong))
        checked.append(what)
        tally(4)
    return f"{', '.join(checked)}: right on all four inputs (output > 1/2 read as 1)"
