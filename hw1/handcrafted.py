"""Question 3: small networks whose weights are set by hand, nothing trained.

Each constructor returns a ``torch.nn.Sequential`` of the form
``Linear -> activation -> Linear`` (one hidden layer) with every weight and bias
written out below. The ReLU networks are exact: a ReLU network with one hidden layer is
a continuous piecewise-linear function, and each target here is one, so the weights can
be read off the kinks of the target. The derivations are on the page ``q3-derivation``.

Alongside the networks the module holds the target functions themselves and the small
helpers the gallery example uses to compare the two.

Non-finite entries pass through: :func:`tent`, :func:`soft_threshold` and the networks
map NaN to NaN (and inf to the target's value there); :func:`xnor` accepts only 0 and 1.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Sequence

import torch
from torch import nn

from hw1._validation import (
    check_floating,
    check_floating_dtype,
    check_option,
    check_real,
    check_tensor,
)

__all__ = [
    "XNOR_SIGMOID_GAIN",
    "max_abs_error",
    "parameter_rows",
    "run_on_grid",
    "soft_threshold",
    "soft_threshold_net",
    "tent",
    "tent_net",
    "xnor",
    "xnor_net",
    "xnor_sigmoid_error_bound",
    "xnor_truth_table",
]

#: Gain ``c`` of the sigmoid XNOR network: every pre-activation is ``c`` times a
#: linear form whose value at the four binary inputs is at least 1/2 away from 0.
XNOR_SIGMOID_GAIN = 10.0


def xnor_sigmoid_error_bound(gain: float = XNOR_SIGMOID_GAIN) -> float:
    """Return ``2 sigmoid(-gain / 2)``, the bound on the sigmoid XNOR network's error.

    Each of the two hidden units is at least ``gain / 2`` away from its switching point
    at every binary input, so each is within ``sigmoid(-gain / 2)`` of 0 or 1, and their
    sum within twice that of XNOR (derived on the Question 3 page).

    Parameters
    ----------
    gain : float
        The gain ``c`` of :func:`xnor_net` with ``activation="sigmoid"``, ``> 0``.

    Returns
    -------
    float
        The largest possible ``|network - XNOR|`` over the four binary inputs.
    """
    gain = check_real(gain, "gain", low=0, low_open=True)
    return 2 / (1 + math.exp(gain / 2))


# -- target functions -------------------------------------------------------------------


def xnor(x: torch.Tensor) -> torch.Tensor:
    """Return the XNOR of two binary inputs: 1 when they are equal, 0 otherwise.

    Parameters
    ----------
    x : Tensor, shape (N, 2)
        Rows of two entries, each 0 or 1.

    Returns
    -------
    Tensor, shape (N,)
        ``1.0`` where ``x[:, 0] == x[:, 1]``, else ``0.0``, in the dtype of ``x``
        (float32 for integer or boolean input).

    Raises
    ------
    TypeError
        If ``x`` is not a tensor.
    ValueError
        If ``x`` is complex, not of shape (N, 2), or holds a value other than 0 and 1.
    """
    check_tensor(x, "x")
    if x.is_complex():
        raise ValueError(f"x must be a real tensor, got dtype {x.dtype}")
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"x must have shape (N, 2), got {tuple(x.shape)}")
    if x.device.type == "meta":
        raise ValueError("x is on the meta device, which holds no values to check")
    if not bool(((x == 0) | (x == 1)).all()):  # exact: inputs must be exactly 0 or 1
        raise ValueError("x must hold only the values 0 and 1")
    dtype = x.dtype if x.is_floating_point() else torch.float32
    return (x[:, 0] == x[:, 1]).to(dtype)  # exact: entries are exactly 0 or 1 (checked)


def tent(x: torch.Tensor) -> torch.Tensor:
    """Return the tent of Question 3: ``2x`` on [0, 1/2], ``2(1 - x)`` on [1/2, 1], else 0.

    Parameters
    ----------
    x : Tensor, any shape, floating point

    Returns
    -------
    Tensor, same shape as ``x``

    Raises
    ------
    TypeError
        If ``x`` is not a tensor.
    ValueError
        If ``x`` is not floating point.
    """
    check_floating(x, "x")
    zero = torch.zeros((), dtype=x.dtype, device=x.device)
    rising = (x >= 0) & (x <= 0.5)
    falling = (x > 0.5) & (x <= 1)
    # Every comparison with NaN is False; keep NaN rather than map it to 0.
    outside = torch.where(torch.isnan(x), x, zero)
    return torch.where(rising, 2 * x, torch.where(falling, 2 * (1 - x), outside))


def soft_threshold(x: torch.Tensor, s: float) -> torch.Tensor:
    """Return the soft thresholding ``max(|x| - s, 0) * sign(x)`` of ``x``.

    Parameters
    ----------
    x : Tensor, any shape, floating point
    s : float
        The threshold, ``s >= 0``.

    Returns
    -------
    Tensor, same shape as ``x``

    Raises
    ------
    TypeError
        If ``x`` is not a tensor or ``s`` not a real number.
    ValueError
        If ``x`` is not floating point, or ``s`` is negative or not finite.
    """
    check_floating(x, "x")
    s = _check_threshold(s)
    return torch.clamp(x.abs() - s, min=0) * torch.sign(x)


# -- the networks -----------------------------------------------------------------------


def xnor_net(activation: str = "relu", *, dtype: torch.dtype = torch.float32) -> nn.Sequential:
    """Build a one-hidden-layer network for XNOR on {0, 1}^2, weights set by hand.

    ``"relu"`` (the answer): two hidden units ``relu(x1 - x2)`` and ``relu(x2 - x1)``,
    whose sum is ``|x1 - x2|``; the output is ``1 - |x1 - x2|``, exactly 1 or 0 on the
    four binary inputs.

    ``"sigmoid"``: the classic AND / NOR construction. Hidden units
    ``sigmoid(c (x1 + x2 - 3/2))`` (AND) and ``sigmoid(c (1/2 - x1 - x2))`` (NOR) with gain
    ``c =`` :data:`XNOR_SIGMOID_GAIN` (10); the output is their sum, ``h1 + h2`` (XNOR is
    "AND or NOR", and the two are never on together). Its outputs are never exactly 0 or
    1: read them with the rule "output > 1/2 means 1". On the four binary inputs every
    output lies within ``2 sigmoid(-c/2) < 0.014`` of the target, so each is more than
    0.486 away from the threshold.

    Parameters
    ----------
    activation : {"relu", "sigmoid"}
    dtype : torch.dtype
        Floating dtype of the weights (and so of the expected input).

    Returns
    -------
    torch.nn.Sequential
        Maps a tensor of shape (N, 2) to shape (N, 1). Modules are named ``hidden``,
        ``activation`` and ``output``.

    Raises
    ------
    TypeError
        If ``activation`` is not a string or ``dtype`` not a ``torch.dtype``.
    ValueError
        If ``activation`` is not one of the two names above or ``dtype`` is not floating.
    """
    check_option(activation, "activation", ("relu", "sigmoid"))
    if activation == "relu":
        w1 = [[1.0, -1.0], [-1.0, 1.0]]
        b1 = [0.0, 0.0]
        w2 = [[-1.0, -1.0]]
        b2 = [1.0]
        act: nn.Module = nn.ReLU()
    else:
        c = XNOR_SIGMOID_GAIN
        w1 = [[c, c], [-c, -c]]
        b1 = [-1.5 * c, 0.5 * c]
        w2 = [[1.0, 1.0]]
        b2 = [0.0]
        act = nn.Sigmoid()
    return _one_hidden_layer(w1, b1, w2, b2, act, dtype)


def tent_net(*, dtype: torch.dtype = torch.float32) -> nn.Sequential:
    """Build a one-hidden-layer ReLU network equal to :func:`tent` on the whole real line.

    ``f(x) = 2 relu(x) - 4 relu(x - 1/2) + 2 relu(x - 1)``: one hidden unit per kink
    (0, 1/2, 1), each scaled by the change of slope there (+2, -4, +2).

    Parameters
    ----------
    dtype : torch.dtype
        Floating dtype of the weights.

    Returns
    -------
    torch.nn.Sequential
        Maps shape (N, 1) to shape (N, 1); three hidden units.

    Raises
    ------
    TypeError
        If ``dtype`` is not a ``torch.dtype``.
    ValueError
        If ``dtype`` is not floating.
    """
    return _one_hidden_layer(
        [[1.0], [1.0], [1.0]], [0.0, -0.5, -1.0], [[2.0, -4.0, 2.0]], [0.0], nn.ReLU(), dtype
    )


def soft_threshold_net(s: float, *, dtype: torch.dtype = torch.float32) -> nn.Sequential:
    """Build a one-hidden-layer ReLU network equal to :func:`soft_threshold` on the real line.

    ``f(x) = relu(x - s) - relu(-x - s)``: the first unit carries the part above ``s``,
    the second the part below ``-s``. With ``s = 0`` it is ``relu(x) - relu(-x) = x``,
    the identity.

    Parameters
    ----------
    s : float
        The threshold, ``s >= 0``. A negative ``s`` would make the target jump at 0
        (from ``-|s|`` to ``+|s|``), which no network of continuous units can do.
    dtype : torch.dtype
        Floating dtype of the weights.

    Returns
    -------
    torch.nn.Sequential
        Maps shape (N, 1) to shape (N, 1); two hidden units.

    Raises
    ------
    TypeError
        If ``s`` is not a real number or ``dtype`` not a ``torch.dtype``.
    ValueError
        If ``s`` is negative or not finite, or ``dtype`` is not floating.
    """
    s = _check_threshold(s)
    return _one_hidden_layer([[1.0], [-1.0]], [-s, -s], [[1.0, -1.0]], [0.0], nn.ReLU(), dtype)


# -- helpers for comparing a network with its target ------------------------------------


def run_on_grid(net: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """Run a scalar-input, scalar-output network on a 1-D grid of inputs.

    Parameters
    ----------
    net : torch.nn.Module
        Maps shape (N, 1) to shape (N, 1).
    x : Tensor, shape (N,)

    Returns
    -------
    Tensor, shape (N,)
        The network's outputs, computed without recording gradients.

    Raises
    ------
    TypeError
        If ``net`` is not a module or ``x`` not a tensor.
    ValueError
        If ``x`` is not floating point or lacks the dtype of the network's parameters,
        is not one-dimensional or not on the device of the network's
        parameters, or the network does not return shape (N, 1).
    """
    _check_net(net)
    check_floating(x, "x", ndim=1, what="(N,)")
    first = next(net.parameters(), None)
    if first is not None:
        check_floating(x, "x", dtype=first.dtype, device=first.device)
    with torch.no_grad():
        out = net(x[:, None])
    if not isinstance(out, torch.Tensor) or out.shape != (x.shape[0], 1):
        got = tuple(out.shape) if isinstance(out, torch.Tensor) else type(out).__name__
        raise ValueError(f"net must map shape (N, 1) to (N, 1), got {got} for N={x.shape[0]}")
    return out.squeeze(1)


def max_abs_error(
    net: nn.Module, target: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor
) -> float:
    """Return the largest ``|net(x) - target(x)|`` over a 1-D grid.

    Parameters
    ----------
    net : torch.nn.Module
        Maps shape (N, 1) to shape (N, 1).
    target : callable
        Maps a tensor of shape (N,) to shape (N,).
    x : Tensor, shape (N,)

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If ``net`` is not a module, ``target`` not callable or ``x`` not a tensor.
    ValueError
        If ``x`` is not floating point, not one-dimensional or empty, or ``target`` does
        not return a tensor of shape (N,) (an (N, 1) result would broadcast to an (N, N)
        error).
    """
    if not callable(target):
        raise TypeError(f"target must be callable, got {type(target).__name__}")
    outputs = run_on_grid(net, x)
    if x.shape[0] == 0:
        raise ValueError("x must hold at least one point, got N = 0")
    with torch.no_grad():  # the result is a float; nothing to differentiate
        expected = target(x)
    if not isinstance(expected, torch.Tensor) or expected.shape != x.shape:
        got = tuple(expected.shape) if isinstance(expected, torch.Tensor) else type(expected)
        raise ValueError(f"target must return shape {tuple(x.shape)} like x, got {got}")
    return float((outputs - expected).abs().max())


def xnor_truth_table(net: nn.Module) -> list[dict[str, object]]:
    """Run an XNOR network on the four binary inputs.

    Parameters
    ----------
    net : torch.nn.Module
        Maps shape (4, 2) to shape (4, 1).

    Returns
    -------
    list of dict
        One row per input with keys ``x1``, ``x2`` (int), ``target`` (int),
        ``output`` (float) and ``decision`` (int, ``output > 1/2``).

    Raises
    ------
    TypeError
        If ``net`` is not a module.
    """
    _check_net(net)
    first = next(net.parameters(), None)
    dtype = first.dtype if first is not None else torch.float32
    inputs = torch.tensor([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=dtype)
    with torch.no_grad():
        outputs = net(inputs).squeeze(1)
    targets = xnor(inputs)
    return [
        {
            "x1": int(a),
            "x2": int(b),
            "target": int(t),
            "output": float(o),
            "decision": int(o > 0.5),
        }
        for (a, b), t, o in zip(inputs.tolist(), targets.tolist(), outputs.tolist(), strict=True)
    ]


def parameter_rows(net: nn.Sequential) -> list[dict[str, object]]:
    """List the weights and bias of every unit of every linear layer.

    Parameters
    ----------
    net : torch.nn.Sequential
        A network whose linear layers are ``torch.nn.Linear``.

    Returns
    -------
    list of dict
        One row per unit with keys ``layer`` (the module's name), ``unit`` (int),
        ``weights`` (str, the row of the weight matrix) and ``bias`` (float).

    Raises
    ------
    TypeError
        If ``net`` is not a module.
    """
    _check_net(net)
    rows: list[dict[str, object]] = []
    for name, module in net.named_children():
        if isinstance(module, nn.Linear):
            weight = module.weight.detach()
            bias = module.bias.detach() if module.bias is not None else torch.zeros(len(weight))
            for unit, (w_row, b) in enumerate(zip(weight.tolist(), bias.tolist(), strict=True)):
                cells = ", ".join(f"{v:g}" for v in w_row)
                rows.append({"layer": name, "unit": unit, "weights": f"[{cells}]", "bias": b})
    return rows


# -- private ----------------------------------------------------------------------------


def _one_hidden_layer(
    w1: Sequence[Sequence[float]],
    b1: Sequence[float],
    w2: Sequence[Sequence[float]],
    b2: Sequence[float],
    activation: nn.Module,
    dtype: torch.dtype,
) -> nn.Sequential:
    check_floating_dtype(dtype, "dtype")
    hidden = nn.Linear(len(w1[0]), len(w1), dtype=dtype)
    output = nn.Linear(len(w2[0]), len(w2), dtype=dtype)
    with torch.no_grad():
        hidden.weight.copy_(torch.tensor(w1, dtype=dtype))
        hidden.bias.copy_(torch.tensor(b1, dtype=dtype))
        output.weight.copy_(torch.tensor(w2, dtype=dtype))
        output.bias.copy_(torch.tensor(b2, dtype=dtype))
    return nn.Sequential(OrderedDict(hidden=hidden, activation=activation, output=output))


def _check_threshold(s: object) -> float:
    return check_real(s, "s", low=0)


def _check_net(net: object) -> None:
    if not isinstance(net, nn.Module):
        raise TypeError(f"net must be a torch.nn.Module, got {type(net).__name__}")
