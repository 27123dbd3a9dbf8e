r"""Question 2: the Jacobian of a deep tanh network, by reverse and by forward mode.

The network maps :math:`\mathbb{R}^D \to \mathbb{R}^P` through ``L`` tanh layers of
width ``K`` and a final linear layer, with no biases:

.. math::

    f(x) = W_F \tanh(W_L \cdots \tanh(W_2 \tanh(W_1 x))),

where ``W1`` is ``(K, D)``, ``W2`` ... ``WL`` are ``(K, K)`` and ``WF`` is ``(P, K)``.
The weights travel as a dict with keys ``"W1"`` ... ``"W{L}"`` and ``"WF"``.

Inputs are a single point ``x`` of shape ``(D,)`` or a batch of ``N`` points stored
row by row, shape ``(N, D)``, so a layer applied to a batch reads ``h @ W.T``.
Jacobians have shape ``(P, D)`` for one point and ``(N, P, D)`` for a batch.

:func:`jacobian_reverse` is part (b): it asks torch autograd for the Jacobian, and
:func:`jacobian_central_difference` checks it without any derivatives.
:func:`jacobian_forward` is part (c): forward-mode differentiation written by hand with
plain tensor operations, carrying ``D`` tangent vectors through the layers next to the
activations. :func:`jacobian_reverse_manual` is reverse mode written the same way, and
:func:`multiply_counts` gives the multiply counts of both modes under the assignment's
cost model, for part (e).

Non-finite entries pass through: NaN or inf in ``x`` or the weights gives NaN or inf in
the result, as in any chain of products and tanh; nothing scans for them, so the timed
functions pay nothing for it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping

import torch

from hw1._validation import check_floating_dtype, check_positive_int, check_real

__all__ = [
    "check_input",
    "init_weights",
    "jacobian_central_difference",
    "jacobian_forward",
    "jacobian_reverse",
    "jacobian_reverse_manual",
    "jacobian_reverse_unchecked",
    "mlp",
    "multiply_counts",
    "network_sizes",
    "split_weights",
]

_HIDDEN_KEY = re.compile(r"W([1-9][0-9]*)")

# 0-d tensors holding 1 or -1, one per (device, dtype, value), so that the tanh
# derivative 1 - h*h is a single fused addcmul instead of two or three operations.
# Keyed by the full torch.device: get_device() is -1 for both the CPU and meta.
_CONSTANTS: dict[tuple[torch.device, torch.dtype, float], torch.Tensor] = {}


def _constant(like: torch.Tensor, value: float = 1.0) -> torch.Tensor:
    key = (like.device, like.dtype, value)
    constant = _CONSTANTS.get(key)
    if constant is None:
        constant = torch.full((), value, dtype=like.dtype, device=like.device)
        _CONSTANTS[key] = constant
    return constant


def _sizes(D: object, K: object, P: object, L: object) -> tuple[int, int, int, int]:
    return tuple(check_positive_int(v, n) for n, v in (("D", D), ("K", K), ("P", P), ("L", L)))


def init_weights(
    D: int = 2,
    K: int = 30,
    P: int = 10,
    L: int = 3,
    *,
    generator: torch.Generator | None = None,
    dtype: torch.dtype = torch.float32,
    device: torch.device | str | None = None,
) -> dict[str, torch.Tensor]:
    """Draw random weights for the network of Question 2.

    Each entry is Gaussian with variance ``1 / fan_in``, so the pre-activations stay of
    order one and the tanh layers neither saturate nor stay linear.

    Parameters
    ----------
    D, K, P : int
        Input size, hidden width and output size. The assignment uses 2, 30 and 10.
    L : int
        Number of tanh layers (``L=3`` gives ``W1``, ``W2``, ``W3`` and ``WF``).
    generator : torch.Generator, optional
        CPU random generator, for reproducible weights; the global one if omitted.
    dtype : torch.dtype
        A floating dtype.
    device : torch.device or str, optional
        Where the weights live. They are drawn on the CPU and then moved, so a seed gives
        the same numbers on every device.

    Returns
    -------
    dict of str to Tensor
        ``"W1"`` of shape ``(K, D)``, ``"W2"`` ... ``"W{L}"`` of shape ``(K, K)`` and
        ``"WF"`` of shape ``(P, K)``, in that order.

    Raises
    ------
    TypeError
        If a size is not an int or ``dtype`` is not a ``torch.dtype``.
    ValueError
        If a size is smaller than 1 or ``dtype`` is not a floating dtype.
    """
    D, K, P, L = _sizes(D, K, P, L)
    check_floating_dtype(dtype, "dtype")
    shapes = {"W1": (K, D), **{f"W{i}": (K, K) for i in range(2, L + 1)}, "WF": (P, K)}
    weights = {}
    for key, shape in shapes.items():
        w = torch.randn(shape, generator=generator, dtype=dtype) / math.sqrt(shape[1])
        weights[key] = w.to(device) if device is not None else w
    return weights


def _shape_error(key: str, actual: object, expected: str, why: str) -> ValueError:
    return ValueError(f"weights[{key!r}] has shape {actual}; expected {expected} ({why})")


def _missing_key_error(weights: Mapping[str, object]) -> ValueError:
    """Explain what is wrong with the keys of ``weights`` (the slow path)."""
    keys = list(weights)
    unknown = [
        k for k in keys if k != "WF" and not (isinstance(k, str) and _HIDDEN_KEY.fullmatch(k))
    ]
    if unknown:
        return ValueError(
            f"weights has unexpected key(s) {unknown}; expected 'W1', ..., 'W{{L}}' and 'WF'"
        )
    numbers = sorted(int(k[1:]) for k in keys if k != "WF")
    W1, WF = weights.get("W1"), weights.get("WF")
    D, K = "D", "K"
    if isinstance(W1, torch.Tensor) and W1.dim() == 2:
        K, D = W1.shape
    elif isinstance(WF, torch.Tensor) and WF.dim() == 2:
        K = WF.shape[1]
    if not numbers or numbers[0] != 1:
        return ValueError(f"weights lacks 'W1' (expected shape ({K}, {D}), the first layer)")
    gap = next(i for i in range(1, numbers[-1] + 2) if i not in numbers)
    if gap <= numbers[-1]:
        return ValueError(
            f"weights lacks 'W{gap}' (expected shape ({K}, {K})): the layers are numbered "
            f"{numbers}, with a gap at {gap}"
        )
    return ValueError(f"weights lacks 'WF' (expected shape (P, {K}), the output layer)")


def split_weights(weights: Mapping[str, torch.Tensor]) -> tuple[list[torch.Tensor], torch.Tensor]:
    """Validate ``weights`` and return ``[W1, ..., WL]`` and ``WF`` (runs on every call).

    The common case costs a dict lookup and a few attribute comparisons per layer, a
    few microseconds in all; the keys and shapes are only analysed further, to say
    exactly what is wrong, when a check fails.

    Parameters
    ----------
    weights : dict of str to Tensor
        See :func:`network_sizes`.

    Returns
    -------
    hidden : list of Tensor
        ``[W1, ..., WL]``: ``(K, D)``, then ``(K, K)`` each.
    WF : Tensor
        ``(P, K)``.

    Raises
    ------
    TypeError, ValueError
        As :func:`network_sizes`.
    """
    if type(weights) is not dict and not isinstance(weights, Mapping):
        raise TypeError(f"weights must be a dict of tensors, got {type(weights).__name__}")
    L = len(weights) - 1
    try:
        hidden = [weights[key] for key in _hidden_keys(L)]
        WF = weights["WF"]
    except KeyError:
        raise _missing_key_error(weights) from None
    if L < 1:
        raise _missing_key_error(weights)
    W1 = hidden[0]
    for key, w in (("W1", W1), ("WF", WF)):
        if not isinstance(w, torch.Tensor):
            raise TypeError(f"weights[{key!r}] must be a torch.Tensor, got {type(w).__name__}")
        if w.dim() != 2:
            raise ValueError(f"weights[{key!r}] must be 2-D, got shape {tuple(w.shape)}")
    dtype, where = W1.dtype, W1.device
    if not dtype.is_floating_point:
        raise ValueError(f"weights['W1'] must have a floating dtype, got {dtype}")
    K = W1.shape[0]
    square = (K, K)
    for w in hidden[1:]:
        try:
            ok = w.shape == square and w.dtype is dtype and w.device == where
        except AttributeError:  # not a tensor; named below
            ok = False
        if not ok:
            key = f"W{next(i for i, v in enumerate(hidden, 1) if v is w)}"
            if not isinstance(w, torch.Tensor):
                raise TypeError(f"weights[{key!r}] must be a torch.Tensor, got {type(w).__name__}")
            if w.shape != square:
                raise _shape_error(
                    key, tuple(w.shape), f"({K}, {K})", f"hidden layers are K x K with K={K}"
                )
            raise _mixed_error(key, w, W1)
    if WF.shape[1] != K:
        raise _shape_error(
            "WF", tuple(WF.shape), f"({WF.shape[0]}, {K})", f"WF is P x K with K={K} from W1"
        )
    if WF.dtype is not dtype or WF.device != where:
        raise _mixed_error("WF", WF, W1)
    return hidden, WF


def _hidden_keys(L: int) -> tuple[str, ...]:
    """``("W1", ..., "W{L}")``, built once per depth."""
    keys = _KEYS.get(L)
    if keys is None:
        keys = _KEYS[L] = tuple(f"W{i}" for i in range(1, L + 1))
    return keys


_KEYS: dict[int, tuple[str, ...]] = {}


def _mixed_error(key: str, w: torch.Tensor, W1: torch.Tensor) -> ValueError:
    return ValueError(
        f"weights[{key!r}] is {w.dtype} on {w.device}; expected {W1.dtype} on {W1.device} "
        "like weights['W1']"
    )


def check_input(x: torch.Tensor, W1: torch.Tensor) -> None:
    """Check that ``x`` is an input for a network whose first layer is ``W1``.

    Parameters
    ----------
    x : Tensor
        Should have shape ``(D,)`` or ``(N, D)``, with ``D = W1.shape[1]``, and
        ``W1``'s dtype and device.
    W1 : Tensor
        ``(K, D)``, already validated (see :func:`split_weights`).

    Raises
    ------
    TypeError
        If ``x`` is not a tensor.
    ValueError
        If its shape does not fit ``W1``, or its dtype or device differs from ``W1``'s.
    """
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"x must be a torch.Tensor, got {type(x).__name__}")
    D = W1.shape[1]
    if x.dim() not in (1, 2) or x.shape[-1] != D or x.shape[0] == 0:
        raise ValueError(
            f"x has shape {tuple(x.shape)}; expected ({D},) or (N, {D}) with N >= 1 to "
            f"match W1 of shape {tuple(W1.shape)}"
        )
    if x.dtype is not W1.dtype or x.device != W1.device:
        raise ValueError(
            f"x is {x.dtype} on {x.device}; expected {W1.dtype} on {W1.device} like the weights"
        )


def network_sizes(weights: Mapping[str, torch.Tensor]) -> tuple[int, int, int, int]:
    """Validate a weights dict and read off its sizes.

    Parameters
    ----------
    weights : dict of str to Tensor
        ``"W1"`` ``(K, D)``, ``"W2"`` ... ``"W{L}"`` ``(K, K)`` and ``"WF"`` ``(P, K)``,
        all of one floating dtype and on one device.

    Returns
    -------
    tuple of int
        ``(D, K, P, L)``.

    Raises
    ------
    ValueError
        If a layer is missing, the numbering has a gap, a key is unknown, a shape does
        not chain, the dtype is not floating or differs between entries, or the
        entries lie on different devices; the message names the key.
    TypeError
        If an entry is not a tensor.
    """
    hidden, WF = split_weights(weights)
    K, D = hidden[0].shape
    return D, K, WF.shape[0], len(hidden)


def mlp(weights: Mapping[str, torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """Evaluate the network, written in batched row form ``h @ W.T``.

    Parameters
    ----------
    weights : dict of str to Tensor
        See :func:`network_sizes`.
    x : Tensor
        One input of shape ``(D,)`` or a batch of shape ``(N, D)``.

    Returns
    -------
    Tensor
        Shape ``(P,)`` or ``(N, P)``.
    """
    hidden, WF = split_weights(weights)
    check_input(x, hidden[0])
    return _forward(hidden, WF, x)


def _forward(hidden: list[torch.Tensor], WF: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    h = x
    for W in hidden:
        h = torch.tanh(h @ W.T)
    return h @ WF.T


def _tanh_of_product(
    W: torch.Tensor, h: torch.Tensor, out: torch.Tensor | None = None
) -> torch.Tensor:
    """Return ``tanh(W @ h)`` for ``h`` of shape ``(K_in, N)``, written into ``out`` if given.

    One input (``N = 1``) takes the fewest operations: a product and ``tanh_``. For a
    batch the tanh itself becomes the most expensive step: on the CPUs measured,
    ``torch.tanh`` of ``30 x 1024`` floats takes about three times as long as
    ``torch.sigmoid`` (``hw1.bench`` measures both), so a batch uses
    ``tanh(z) = 2 sigmoid(2 z) - 1``, with the factor 2 folded into the product.
    """
    if h.shape[1] == 1:
        return (torch.mm(W, h) if out is None else torch.mm(W, h, out=out)).tanh_()
    if out is None:
        out = torch.empty((W.shape[0], h.shape[1]), dtype=h.dtype, device=h.device)
    torch.addmm(out, W, h, beta=0, alpha=2, out=out).sigmoid_()  # beta=0: out's old values unused
    return torch.add(_constant(out, -1.0), out, alpha=2, out=out)


def jacobian_reverse(weights: Mapping[str, torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """Return the Jacobian of :func:`mlp` computed by torch autograd (part b).

    One forward pass records the graph; one call to :func:`torch.autograd.grad` with
    ``is_grads_batched=True`` then pulls the ``P`` rows of the identity back through it
    (reverse mode: one cotangent row per output). For a batch the inputs do not interact,
    so cotangent row ``p`` seeded at every sample at once gives row ``p`` of every
    sample's Jacobian.

    Parameters
    ----------
    weights : dict of str to Tensor
        See :func:`network_sizes`.
    x : Tensor
        Shape ``(D,)`` or ``(N, D)``. It is detached; works under ``torch.no_grad()``.

    Returns
    -------
    Tensor
        ``df/dx`` of shape ``(P, D)``, or ``(N, P, D)`` for a batch.
    """
    hidden, WF = split_weights(weights)
    check_input(x, hidden[0])
    return jacobian_reverse_unchecked(hidden, WF, x)


def jacobian_reverse_unchecked(
    hidden: list[torch.Tensor],
    WF: torch.Tensor,
    x: torch.Tensor,
    forward: Callable[[list[torch.Tensor], torch.Tensor, torch.Tensor], torch.Tensor] = _forward,
) -> torch.Tensor:
    """Return :func:`jacobian_reverse`'s Jacobian from validated layers, checking nothing.

    The pull-back of :func:`jacobian_reverse` without its argument checks, for callers
    that validated once with :func:`split_weights` and :func:`check_input`
    (``hw1.bench`` times it as a lean baseline).

    Parameters
    ----------
    hidden : list of Tensor
        ``[W1, ..., WL]``, as :func:`split_weights` returns them.
    WF : Tensor
        ``(P, K)``.
    x : Tensor
        ``(D,)`` or ``(N, D)``.
    forward : callable, optional
        ``forward(hidden, WF, x)`` evaluates the network; the default writes a layer as
        ``h @ W.T``. The benchmark passes another layout.

    Returns
    -------
    Tensor
        ``(P, D)``, or ``(N, P, D)`` for a batch.
    """
    with torch.enable_grad():
        xr = x.detach().requires_grad_(True)
        y = forward(hidden, WF, xr)
        P = y.shape[-1]
        eye = torch.eye(P, dtype=y.dtype, device=y.device)
        seeds = eye if x.dim() == 1 else eye[:, None, :].expand(P, *y.shape)
        (rows,) = torch.autograd.grad(y, xr, seeds, is_grads_batched=True)
    return rows if x.dim() == 1 else rows.transpose(0, 1)


def jacobian_central_difference(
    weights: Mapping[str, torch.Tensor], x: torch.Tensor, eps: float = 1e-6
) -> torch.Tensor:
    """Return the Jacobian of :func:`mlp` at one input by central differences, no derivatives.

    Column ``j`` is ``(f(x + eps e_j) - f(x - eps e_j)) / h_j``, an independent check
    of part (b) with error of order ``eps**2`` plus rounding of order
    ``machine epsilon / eps``; use float64. ``h_j`` is the step actually taken,
    ``(x_j + eps) - (x_j - eps)`` after rounding to the dtype of ``x``, which is ``2 eps``
    up to that rounding. The result is not differentiable (computed under
    ``torch.no_grad()``).

    Parameters
    ----------
    weights : dict of str to Tensor
        See :func:`network_sizes`.
    x : Tensor
        One input, shape ``(D,)``.
    eps : float
        Step size, positive (a Python or numpy real).

    Returns
    -------
    Tensor
        Shape ``(P, D)``.

    Raises
    ------
    TypeError
        If ``eps`` is not a real number.
    ValueError
        If ``eps`` is not positive and finite, too small to move an entry of ``x`` in
        its dtype (the estimate would be silently zero), or ``x`` is a batch or on the
        ``meta`` device.
    """
    hidden, WF = split_weights(weights)
    check_input(x, hidden[0])
    if x.dim() != 1:
        raise ValueError(f"x must be one input of shape (D,), got {tuple(x.shape)}")
    eps = check_real(eps, "eps", low=0, low_open=True)
    if x.device.type == "meta":
        raise ValueError("x is on the meta device: the step taken needs values")
    x = x.detach()
    steps = eps * torch.eye(x.shape[0], dtype=x.dtype, device=x.device)  # row j: eps e_j
    upper, lower = x + steps, x - steps
    # Divide by the step actually taken after rounding to x's dtype; an eps below the
    # resolution of x would otherwise give a silent all-zero column.
    taken = upper.diagonal() - lower.diagonal()
    if bool((taken == 0).any()):
        j = int((taken == 0).nonzero()[0])
        raise ValueError(
            f"eps={eps:g} is below the resolution of {x.dtype} at x[{j}] "
            f"(value {float(x[j]):g}): x + eps and x - eps round to the same number"
        )
    with torch.no_grad():
        ahead, behind = _forward(hidden, WF, upper), _forward(hidden, WF, lower)
    return ((ahead - behind) / taken[:, None]).T  # row j of ahead: f(x + eps e_j)


def jacobian_forward(weights: Mapping[str, torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """Return the Jacobian of :func:`mlp` by forward mode written by hand (part c).

    No autograd is used. Next to each activation ``h`` (shape ``(K, N)``, one column per
    input) the function carries the ``D`` tangents ``dh/dx_j`` as the columns of ``T``,
    shape ``(K, D * N)`` (column ``j * N + n`` is the tangent of input ``n`` along
    ``x_j``). A layer ``h <- tanh(W h)`` maps them by the chain rule to
    ``(W T) * (1 - h**2)``, the tanh derivative written with the new activation: one
    matrix product over all ``N * D`` tangents, next to the product the activations get,
    and two elementwise operations. The first layer starts from ``dz/dx = W1`` and needs
    no product; the output layer gives ``J = WF @ T``.

    For one input a layer costs five tensor operations (two products, ``tanh_``,
    ``1 - h**2`` and the scaling), written into two sets of buffers used in turn, so the
    loop allocates no memory; the time is almost all per-operation overhead, so that
    count is what makes it fast. For a batch the tanh is computed as
    ``2 sigmoid(2 z) - 1``, one operation more per layer and on the CPU much faster than
    ``torch.tanh`` (see ``_tanh_of_product`` in the source).

    Parameters
    ----------
    weights : dict of str to Tensor
        See :func:`network_sizes`.
    x : Tensor
        Shape ``(D,)`` or ``(N, D)``.

    Returns
    -------
    Tensor
        ``df/dx`` of shape ``(P, D)``, or ``(N, P, D)`` for a batch (then a view of a
        ``(P, D, N)`` buffer). It is not differentiable: ``x`` or weights that require
        grad are read under ``torch.no_grad()``, since autograd cannot record the
        ``out=`` buffers the loop writes into.
    """
    hidden, WF = split_weights(weights)
    check_input(x, hidden[0])
    if _records_grad(hidden, WF, x):
        with torch.no_grad():
            return _jacobian_forward(hidden, WF, x)
    return _jacobian_forward(hidden, WF, x)


def _records_grad(hidden: list[torch.Tensor], WF: torch.Tensor, x: torch.Tensor) -> bool:
    """Whether autograd would record a call on these tensors (it cannot follow out=)."""
    return torch.is_grad_enabled() and (
        x.requires_grad or WF.requires_grad or any(w.requires_grad for w in hidden)
    )


def _jacobian_forward(
    hidden: list[torch.Tensor], WF: torch.Tensor, x: torch.Tensor
) -> torch.Tensor:
    W1 = hidden[0]
    one = _constant(x)
    batched = x.dim() == 2
    X = x.T if batched else x.unsqueeze(1)  # inputs as columns, (D, N)
    K, D = W1.shape
    N = X.shape[1]
    h = _tanh_of_product(W1, X)
    d = torch.addcmul(one, h, h, value=-1)  # tanh' = 1 - h^2, eq. (eq-tanh-derivative)
    # Layer 1: dz/dx_j = W1[:, j], so the tangents are W1[:, j] * d[:, n].
    T = (W1[:, :, None] * d[:, None, :]).reshape(K, D * N) if batched else W1 * d
    # Two sets of buffers used in turn, so the loop allocates nothing: allocation churn
    # measurably slows a function this small. Each set holds (h, d, T) and the views
    # that scale every tangent column of input n by that input's d[:, n].
    buffers = [(h, d, T), (torch.empty_like(h), torch.empty_like(d), torch.empty_like(T))]
    if batched:
        buffers = [(h, d, T, T.view(K, D, N), d.view(K, 1, N)) for h, d, T in buffers]
    else:
        buffers = [(h, d, T, T, d) for h, d, T in buffers]  # d is (K, 1): scales columns
    current, following = buffers
    for W in hidden[1:]:
        h, _, T, _, _ = current
        h_next, d_next, T_next, T_scaled, d_scale = following
        _tanh_of_product(W, h, out=h_next)
        torch.addcmul(one, h_next, h_next, value=-1, out=d_next)
        torch.mm(W, T, out=T_next)  # all N * D tangents in one product
        T_scaled.mul_(d_scale)
        current, following = following, current
    J = torch.mm(WF, current[2])  # (P, D * N)
    return J.view(-1, D, N).permute(2, 0, 1) if batched else J


def jacobian_reverse_manual(weights: Mapping[str, torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """Return the Jacobian of :func:`mlp` by reverse mode written by hand, without autograd.

    The mirror image of :func:`jacobian_forward`, written the same way (the same tanh),
    so that the two orders of the chain rule can be timed against each other (part e).
    A forward pass stores each layer's tanh derivative ``d = 1 - h**2``. Then the ``P``
    cotangents ``df_p/dh`` (the rows of the Jacobian with respect to a layer's output,
    stored transposed as the columns of ``G``, shape ``(K, P * N)``) start from ``WF``
    and are pulled back one layer at a time by ``G <- W.T @ (G * d)``: one matrix product
    over all ``N * P`` cotangents per layer. The first layer gives
    ``J.T = W1.T @ (G * d1)``.

    Parameters
    ----------
    weights : dict of str to Tensor
        See :func:`network_sizes`.
    x : Tensor
        Shape ``(D,)`` or ``(N, D)``.

    Returns
    -------
    Tensor
        ``df/dx`` of shape ``(P, D)``, or ``(N, P, D)`` for a batch (views of a
        ``(D, P * N)`` buffer). Not differentiable, like :func:`jacobian_forward`:
        inputs that require grad are read under ``torch.no_grad()``.
    """
    hidden, WF = split_weights(weights)
    check_input(x, hidden[0])
    if _records_grad(hidden, WF, x):
        with torch.no_grad():
            return _jacobian_reverse_manual(hidden, WF, x)
    return _jacobian_reverse_manual(hidden, WF, x)


def _jacobian_reverse_manual(
    hidden: list[torch.Tensor], WF: torch.Tensor, x: torch.Tensor
) -> torch.Tensor:
    W1 = hidden[0]
    one = _constant(x)
    batched = x.dim() == 2
    h = x.T if batched else x.unsqueeze(1)  # inputs as columns, (D, N)
    N = h.shape[1]
    P, K = WF.shape
    D = W1.shape[1]
    derivatives = []
    for W in hidden:
        h = _tanh_of_product(W, h)
        derivatives.append(torch.addcmul(one, h, h, value=-1))
    # Through the output layer and the last tanh: columns of WF.T scaled by d_L.
    if batched:
        G = (WF.T[:, :, None] * derivatives[-1][:, None, :]).reshape(K, P * N)
    else:
        G = WF.T * derivatives[-1]  # (K, P) * (K, 1)
    for W, d in zip(reversed(hidden[1:]), reversed(derivatives[:-1]), strict=True):
        G = torch.mm(W.T, G)  # through W_i: all N * P cotangents in one product
        if batched:
            G.view(K, P, N).mul_(d[:, None, :])  # through the tanh of layer i-1
        else:
            G.mul_(d)
    JT = torch.mm(W1.T, G)  # (D, P * N)
    return JT.view(D, P, N).permute(2, 1, 0) if batched else JT.T


def multiply_counts(D: int = 2, K: int = 30, P: int = 10, L: int = 3) -> dict[str, int | float]:
    """Return the multiplies for one input under the cost model of part (e).

    A product of an ``M1 x M2`` and an ``M2 x M3`` matrix costs ``M1 * M2 * M3``;
    elementwise work (tanh and its derivative) is not counted. The ideal counts
    (``"forward"``, ``"reverse"``) take the Jacobian of the first pre-activation to be
    ``W1`` itself and start the reverse pass from ``WF`` itself, so neither mode pays for
    multiplying by an identity. The implementations timed in part (d) do not all manage
    that; their counts, which the tests check against torch's FLOP counter, are given
    too.

    Parameters
    ----------
    D, K, P, L : int
        Input size, width, output size and number of tanh layers.

    Returns
    -------
    dict of str to int or float
        The ideal counts:

        - ``"primal"``: evaluating ``f`` once, ``K D + (L-1) K^2 + P K``;
        - ``"forward"``: forward mode's extra work, ``D`` tangent columns pushed through
          ``L-1`` hidden layers and the output layer, ``(L-1) K^2 D + P K D``;
        - ``"reverse"``: reverse mode's extra work, ``P`` cotangent rows pulled back
          through ``L-1`` hidden layers and the first layer, ``(L-1) K^2 P + P K D``;
        - ``"forward_total"`` and ``"reverse_total"`` add the primal pass to each, and
          ``"ratio"`` is ``reverse_total / forward_total`` (above 1: forward mode is
          cheaper).

        The counts as implemented:

        - ``"jacobian_forward"`` and ``"jacobian_reverse_manual"``: the totals less
          ``P K``, since neither computes the value ``f(x)`` itself;
        - ``"autograd_reverse"``: :func:`jacobian_reverse`, ``P`` separate backward
          passes and ``torch.func.jacrev`` alike, ``reverse_total + P^2 K``: the seeds
          ``e_p`` are multiplied into ``WF`` (``P K`` per output row) instead of
          starting from ``WF``;
        - ``"autograd_jacfwd"``: ``torch.func.jacfwd``, ``2 primal + forward + K D^2``:
          it evaluates ``f`` once, pushes the identity through ``W1``, and multiplies
          every layer's input by the zero tangent torch gives the weights (another
          ``primal``);
        - ``"autograd_forward_ad"``: ``D`` dual passes of
          :mod:`torch.autograd.forward_ad`, ``2 D primal + forward + K D^2``: each pass
          recomputes ``f``, multiplies its seed ``e_j`` into ``W1``, and multiplies
          every layer's input by the zero tangent torch gives the weights (another
          ``primal`` per pass).
    """
    D, K, P, L = _sizes(D, K, P, L)
    primal = K * D + (L - 1) * K * K + P * K
    forward = (L - 1) * K * K * D + P * K * D
    reverse = (L - 1) * K * K * P + P * K * D
    return {
        "primal": primal,
        "forward": forward,
        "reverse": reverse,
        "forward_total": primal + forward,
        "reverse_total": primal + reverse,
        "ratio": (primal + reverse) / (primal + forward),
        "jacobian_forward": primal + forward - P * K,
        "jacobian_reverse_manual": primal + reverse - P * K,
        "autograd_reverse": primal + reverse + P * P * K,
        "autograd_jacfwd": 2 * primal + forward + K * D * D,
        "autograd_forward_ad": 2 * D * primal + forward + K * D * D,
    }
