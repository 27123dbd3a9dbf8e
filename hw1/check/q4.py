"""Graders of Question 4: the MNIST network of a given depth (a) and its initialiser (b)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping

import torch
from torch import nn

from hw1.check.grading import (
    EPS32,
    F64,
    Fail,
    as_float64,
    call_answer,
    generator,
    relative_error,
    tally,
)

__all__ = ["grade_init_uniform_", "grade_model"]

_WIDTH, _PIXELS, _CLASSES = 50, 784, 10
#: Weights drawn in float32 may pass ±d by rounding: d itself rounds to float32 (eps32/2)
#: and a draw a + (b − a)·u rounds twice more; 8·eps32 of d covers that.
_BOUND_SLACK = 1 + 8 * EPS32


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


def grade_model(factory: Callable, name: str) -> str:
    """Grade Q4(a)'s ``MLP(depth)`` (or ``my_model``) for depths 3 and 8 on a random batch.

    Mistakes recognised: a layer count that follows neither convention (``depth`` linear
    layers, or ``depth`` hidden layers) or mixes them; input, output or hidden sizes other
    than 784, 10 and 50; tanh applied to the output logits too; ReLU for tanh; not an
    ``nn.Module``.
    """
    depths = (3, 8)
    found = set()
    for depth in depths:
        model = call_answer(factory, depth, what=f"{name}({depth})")
        if not isinstance(model, nn.Module):
            raise Fail(
                f"{name}({depth}) returned a {type(model).__name__}; expected an nn.Module",
                "not an nn.Module",
            )
        linears = _linear_chain(model)
        n = len(linears)
        if n == depth:
            found.add("linear layers")
        elif n == depth + 1:
            found.add("hidden layers")
        else:
            raise Fail(
                f"{name}({depth}) has {n} linear layers: follows neither convention "
                f"({depth} linear layers if depth counts linear layers, {depth + 1} if it "
                "counts hidden layers)",
                "depth follows neither convention",
            )
        sizes = [linears[0].in_features] + [m.out_features for m in linears]
        chained = all(a.out_features == b.in_features for a, b in itertools.pairwise(linears))
        if sizes[0] != _PIXELS or sizes[-1] != _CLASSES or not chained:
            raise Fail(
                f"{name}({depth}) layer sizes {sizes}: expected 784 inputs, 10 outputs and "
                "layers that chain",
                "wrong layer sizes",
            )
        if any(size != _WIDTH for size in sizes[1:-1]):
            raise Fail(
                f"{name}({depth}) hidden widths {sizes[1:-1]}: the question uses 50",
                "wrong layer sizes",
            )
        dtype = linears[0].weight.dtype
        x = torch.randn(5, _PIXELS, generator=generator(4000 + depth), dtype=F64).to(dtype)
        with torch.no_grad():
            out = as_float64(
                call_answer(model, x, what=f"{name}({depth}) on a batch of shape (5, 784)"), name
            )
            if out.shape != (5, _CLASSES):
                raise Fail(
                    f"{name}({depth}) maps a batch of shape (5, 784) to {tuple(out.shape)}; "
                    "expected (5, 10)"
                )
            ref, ref_last_tanh, ref_relu = x, x, x
            for i, layer in enumerate(linears):
                ref, ref_last_tanh, ref_relu = layer(ref), layer(ref_last_tanh), layer(ref_relu)
                ref_last_tanh = torch.tanh(ref_last_tanh)
                if i < n - 1:
                    ref, ref_relu = torch.tanh(ref), torch.relu(ref_relu)
        tally()
        # The same layers on the same batch, maybe through other kernels (x @ W.T + b for
        # F.linear): up to 9 layers of 50-term sums, at most 9·50 < 2**9 roundings of the
        # dtype's eps. Tanh on the logits, the closest mistake, is off by z²/3 ≥ 2e-3 here.
        tol = 2**9 * torch.finfo(dtype).eps
        if relative_error(out, ref.to(F64)) > tol:
            if relative_error(out, ref_last_tanh.to(F64)) <= tol:
                raise Fail(
                    f"{name}({depth}) applies tanh to the output logits too", "tanh on the logits"
                )
            if relative_error(out, ref_relu.to(F64)) <= tol:
                raise Fail(
                    f"{name}({depth}) uses ReLU; the question asks for tanh", "ReLU for tanh"
                )
            raise Fail(
                f"{name}({depth})'s output is not Linear → tanh → … → tanh → Linear through "
                "its nn.Linear layers"
            )
    if len(found) > 1:
        raise Fail(
            f"{name} mixes conventions: depth counted {' and '.join(sorted(found))}",
            "depth follows neither convention",
        )
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
    out = call_answer(fn, model, d, what=what)
    return out if isinstance(out, nn.Module) else model


def _uniform_problems(w: torch.Tensor, bound: float, label: str) -> str | None:
    """Say what is wrong with weights meant to be U(-bound, bound), or return None."""
    n = w.numel()
    top = float(w.abs().max())
    if not math.isfinite(top):
        return f"{label}: weights not finite"
    if top > bound * _BOUND_SLACK:
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


def _uniform_mistake(problem: str) -> str:
    if "N(0, d²)" in problem:
        return "N(0, d²) for U(−d, d)"
    if "U(0, d)" in problem:
        return "U(0, d) for U(−d, d)"
    return "not U(−d, d)"


def grade_init_uniform_(fn: Callable, namespace: Mapping[str, object]) -> str:
    """Grade Q4(b)'s initialiser for d = 0.01, 0.1, 2 and Xavier, on the reader's own model.

    Mistakes recognised: weights outside ±d, or only well inside it; N(0, d²) instead of
    U(−d, d); U(0, d); a spread (variance, Kolmogorov-Smirnov) unlike a uniform draw; a
    mean off 0; biases not set to zero; a layer left out; for Xavier, a fan-in-only bound
    (√(6/n_in), √(3/n_in), 1/√n_in), a fan-out-only bound or Xavier's normal standard
    deviation for the uniform bound.
    """
    model, model_name = _init_model(namespace)
    for d, seed in ((0.01, 0), (0.1, 1), (2.0, 2), (0.1, 3)):
        what = f"init_uniform_(model, {d}) with seed {seed}"
        net = _apply_init(fn, model, d, seed, what)
        linears = _linear_chain(net)
        tally()
        pooled = []
        for i, layer in enumerate(linears, 1):
            w = layer.weight.detach().to(F64).reshape(-1)
            problem = _uniform_problems(
                w, d, f"layer {i} ({layer.in_features} → {layer.out_features})"
            )
            if problem:
                raise Fail(f"{what}: {problem}", _uniform_mistake(problem))
            # exact: zeroed biases are exactly 0.0, and 7.0 (from _apply_init) is not
            if layer.bias is not None and bool((layer.bias != 0).any()):
                raise Fail(
                    f"{what}: biases not set to zero (layer {i}: max |b| = "
                    f"{float(layer.bias.detach().abs().max()):.3g})",
                    "biases not zeroed",
                )
            pooled.append(w / d)
        u = torch.cat(pooled)
        ks = _ks_uniform(u)
        if ks * math.sqrt(u.numel()) > 2.5:
            raise Fail(
                f"{what}: the {u.numel()} weights are not spread like U(−d, d) "
                f"(Kolmogorov-Smirnov distance {ks:.3g})",
                "not U(−d, d)",
            )
    xavier_note = _grade_xavier(fn, model)
    return (
        f"on {model_name}: every weight within ±d, spread matching U(−d, d) (variance d²/3 "
        f"per layer, Kolmogorov-Smirnov over all weights), biases 0, for d = 0.01, 0.1, 2; "
        f"{xavier_note}"
    )


def _grade_xavier(fn: Callable, model: nn.Module) -> str:
    attempts = []
    for d in ("xavier",):
        try:
            net = _apply_init(fn, model, d, 5, f"init_uniform_(model, {d!r})")
        except Fail as exc:
            attempts.append(f"init_uniform_(model, {d!r}) raised: {str(exc).splitlines()[-1]}")
            continue
        for seed in (5, 6):
            net = _apply_init(fn, model, d, seed, f"init_uniform_(model, {d!r})")
            tally()
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
                        0.9 * other <= top <= other * _BOUND_SLACK
                        and abs(other - bound) > 1e-3 * bound
                    ):
                        raise Fail(
                            f"Xavier bound looks like {looks_like}, {formula}: {label} reaches "
                            f"±{top:.4g} where Xavier's √(6/(n_in + n_out)) = {bound:.4g}",
                            f"Xavier bound {formula}",
                        )
                raise Fail(
                    f"init_uniform_(model, {d!r}), Xavier's bound: {problem}",
                    _uniform_mistake(problem),
                )
        return f"Xavier (d = {d!r}): each layer within and spread over ±√(6/(n_in + n_out))"
    return (
        "Xavier's case not checked: "
        + "; ".join(attempts)
        + " (write it as hw1 does, d = 'xavier')"
    )
