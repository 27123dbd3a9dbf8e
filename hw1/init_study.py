"""Question 4 (a)-(c): how the initial weight scale of a deep tanh network shapes its signals.

A fully connected tanh network for MNIST whose depth is a constructor argument
(:class:`MLP`), an initialiser that draws every weight from U(-d, d) or uses the
Glorot-Bengio (Xavier) bound layer by layer (:func:`init_uniform_`), the four settings
of the question (:func:`study_settings`, :func:`make_model`) and per-layer forward and
backward profiles of one minibatch at initialisation (:func:`layer_statistics` and its
summaries). Training, seeds and the depth sweep of parts (d)-(e) are in
:mod:`hw1.init_training`.

**Depth convention (ours; the assignment only says "depth 8").** ``depth`` counts the
linear (feed-forward) layers, that is the weight matrices. ``MLP(8)`` has 8 linear
layers: 784 -> 50, six times 50 -> 50, and 50 -> 10, with tanh after each of the first
7 and none after the last, whose outputs are the logits. ``MLP(1)`` is multinomial
logistic regression, 784 -> 10.

Non-finite entries are rejected: a NaN or inf pixel, or a label outside the classes,
raises ``ValueError`` before any work starts (a NaN loss would otherwise be reported
as a result).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping

import torch
import torch.nn.functional as F
from torch import nn

from hw1._validation import (
    check_floating,
    check_images_labels,
    check_option,
    check_positive_int,
    check_real,
    check_seed,
)

#: MNIST images are flattened to this many pixels.
N_PIXELS = 784
#: Digit classes.
N_CLASSES = 10
#: Hidden units per hidden layer, the width Question 4 prescribes.
WIDTH = 50


class MLP(nn.Module):
    """Fully connected tanh network for flattened MNIST digits.

    Parameters
    ----------
    depth : int
        Number of linear (feed-forward) layers, at least 1. ``depth=8`` means 8 weight
        matrices: input -> width, ``depth - 2`` times width -> width, width -> output,
        with tanh after every layer but the last. ``depth=1`` is a single linear map
        (logistic regression).
    width : int
        Hidden units per hidden layer, :data:`WIDTH` (50) by default.
    in_features, out_features : int
        Input size (784 pixels) and number of logits (10 classes).

    Attributes
    ----------
    layers : nn.ModuleList of nn.Linear, length ``depth``
        ``layers[i].weight`` has shape (n_out, n_in).

    Raises
    ------
    ValueError
        If ``depth``, ``width``, ``in_features`` or ``out_features`` is below 1.
    TypeError
        If one of them is not an int.

    Notes
    -----
    The number of parameters is ``(in_features + 1) * out_features`` for ``depth=1``
    and otherwise ``(in_features + 1) * width + (depth - 2) * (width + 1) * width
    + (width + 1) * out_features``.
    """

    def __init__(
        self,
        depth: int,
        width: int = WIDTH,
        *,
        in_features: int = N_PIXELS,
        out_features: int = N_CLASSES,
    ) -> None:
        super().__init__()
        self.depth = check_positive_int(depth, "depth")
        self.width = check_positive_int(width, "width")
        self.in_features = check_positive_int(in_features, "in_features")
        self.out_features = check_positive_int(out_features, "out_features")
        sizes = [in_features] + [width] * (depth - 1) + [out_features]
        self.layers = nn.ModuleList(
            nn.Linear(n_in, n_out) for n_in, n_out in itertools.pairwise(sizes)
        )

    def _check_input(self, x: torch.Tensor) -> None:
        n = self.in_features
        check_floating(x, "x", shape=(None, n), what=f"(B, {n})")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return the logits of a batch.

        Parameters
        ----------
        x : Tensor, shape (B, in_features)

        Returns
        -------
        Tensor, shape (B, out_features)
        """
        self._check_input(x)
        *hidden, last = self.layers
        # F.linear on the layers' own parameters computes what layer(x) does, without
        # nn.Module's per-call hooks, which cost about 7% of a training step at this size.
        for layer in hidden:
            x = torch.tanh(F.linear(x, layer.weight, layer.bias))
        return F.linear(x, last.weight, last.bias)

    def layer_outputs(self, x: torch.Tensor) -> list[torch.Tensor]:
        """Return every layer's output: the hidden layers' tanh activations, then the logits.

        Parameters
        ----------
        x : Tensor, shape (B, in_features)

        Returns
        -------
        list of Tensor, length ``depth``
            Entry ``i`` has shape (B, width) for a hidden layer and (B, out_features)
            for the last; the last entry equals ``self(x)``.
        """
        self._check_input(x)
        outputs = []
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i < self.depth - 1:
                x = torch.tanh(x)
            outputs.append(x)
        return outputs


def xavier_bound(n_in: int, n_out: int) -> float:
    """Return the Glorot-Bengio uniform bound ``sqrt(6 / (n_in + n_out))`` of one layer.

    A weight drawn from U(-a, a) has variance a^2 / 3, so this bound gives the
    variance ``2 / (n_in + n_out)``.

    Parameters
    ----------
    n_in, n_out : int
        The layer's input and output sizes, at least 1.

    Returns
    -------
    float
    """
    check_positive_int(n_in, "n_in")
    check_positive_int(n_out, "n_out")
    return math.sqrt(6.0 / (n_in + n_out))


def layer_bounds(model: MLP, d: float | str) -> list[float]:
    """Return the half-width of the uniform weight distribution of each layer.

    Parameters
    ----------
    model : MLP
    d : positive real or ``"xavier"``
        A number gives every layer the same bound; ``"xavier"`` gives each layer its
        own :func:`xavier_bound`.

    Returns
    -------
    list of float, length ``model.depth``

    Raises
    ------
    ValueError
        If ``d`` is a string other than ``"xavier"``, or a number that is not finite
        and positive.
    TypeError
        If ``d`` is neither a real number nor a string, or ``model`` is not an
        :class:`MLP`.
    """
    if not isinstance(model, MLP):
        raise TypeError(f"model must be an hw1.init_study.MLP, got {type(model).__name__}")
    if isinstance(d, str):
        check_option(d, "d", {"xavier"})
        return [xavier_bound(layer.in_features, layer.out_features) for layer in model.layers]
    return [check_real(d, "d", low=0, low_open=True)] * model.depth


@torch.no_grad()
def init_uniform_(model: MLP, d: float | str, *, generator: torch.Generator | None = None) -> MLP:
    """Draw every weight from U(-d, d) and set every bias to zero, in place.

    Parameters
    ----------
    model : MLP
    d : positive float or ``"xavier"``
        Half-width of the uniform distribution. ``"xavier"`` uses each layer's own
        bound ``sqrt(6 / (n_in + n_out))`` (Glorot and Bengio, 2010), where n_in and
        n_out are that layer's input and output sizes.
    generator : torch.Generator, optional
        Source of the random numbers; pass a seeded one for reproducible weights.

    Returns
    -------
    MLP
        ``model`` itself, for chaining.

    Raises
    ------
    ValueError, TypeError
        As :func:`layer_bounds`.
    """
    bounds = layer_bounds(model, d)
    for layer, bound in zip(model.layers, bounds, strict=True):
        nn.init.uniform_(layer.weight, -bound, bound, generator=generator)
        nn.init.zeros_(layer.bias)
    return model


def linear_regime_gain(d: float | str, width: int = WIDTH) -> float:
    """Return the predicted factor by which one width -> width layer scales small signals.

    For weights drawn i.i.d. from U(-a, a), Var(w) = a^2 / 3, and while tanh acts like
    the identity (small inputs) one layer multiplies the standard deviation of the
    activations going up, and of the back-propagated gradient going down, by
    ``sqrt(width * Var(w))``.

    Parameters
    ----------
    d : positive float or ``"xavier"``
        As in :func:`init_uniform_`; ``"xavier"`` means the bound
        ``sqrt(6 / (2 * width))``, which makes the factor exactly 1.
    width : int

    Returns
    -------
    float
    """
    check_positive_int(width, "width")
    bound = layer_bounds(MLP(2, width, in_features=width, out_features=width), d)[1]
    return math.sqrt(width * bound**2 / 3)


def check_data(
    images: object,
    labels: object,
    model: nn.Module | None = None,
    names: tuple[str, str] = ("images", "labels"),
) -> None:
    """Check an (N, F) floating images tensor and its (N,) int64 labels, any F.

    With a model: the images' dtype and device are its parameters', and the labels lie
    below its ``out_features`` (when it has that attribute, as :class:`MLP` does).

    Parameters
    ----------
    images : Tensor, shape (N, F)
        Floating, finite.
    labels : Tensor, shape (N,)
        int64 class indices.
    model : torch.nn.Module, optional
        The model the batch is meant for.
    names : tuple of str
        The caller's names for ``images`` and ``labels``, used in error messages.

    Raises
    ------
    TypeError, ValueError
        Naming the argument at fault.
    """
    if model is not None and not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module or None, got {type(model).__name__}")
    check_floating(images, names[0], ndim=2, what="(N, F)")
    n_classes = getattr(model, "out_features", None)
    n_features = getattr(model, "in_features", None) or images.shape[1]
    check_images_labels(images, labels, n_features=n_features, n_classes=n_classes, names=names)
    first = next(model.parameters(), None) if model is not None else None
    if first is not None:
        check_floating(images, names[0], dtype=first.dtype, device=first.device, like="model")


def layer_statistics(model: MLP, images: torch.Tensor, labels: torch.Tensor) -> dict:
    """Forward and backward one minibatch and return a profile of every layer.

    The loss is the mean cross-entropy of the batch. The gradient with respect to
    each layer's output is read from that output's ``.grad`` after
    :meth:`~torch.Tensor.retain_grad`. The model's own ``.grad`` buffers are left as
    they were.

    Parameters
    ----------
    model : MLP
    images : Tensor, shape (B, 784), float
    labels : Tensor, shape (B,), int64

    Returns
    -------
    dict
        ``"loss"`` : float, the mean cross-entropy of the batch.
        ``"layers"`` : list of dict, one per layer (length ``model.depth``), with keys
        ``layer`` (1-based index), ``output`` (``"tanh"`` for a hidden layer,
        ``"logits"`` for the last), ``activation_mean`` and ``activation_std`` (mean
        and standard deviation of the layer's output over batch and units),
        ``output_grad_norm`` (Frobenius norm of dL/d output, a (B, n_out) matrix) and
        ``weight_grad_norm`` (Frobenius norm of dL/dW, an (n_out, n_in) matrix). The
        reductions run in float64, so values far below float32's range of squares
        still come out non-zero.
    """
    if not isinstance(model, MLP):
        raise TypeError(f"model must be an hw1.init_study.MLP, got {type(model).__name__}")
    check_data(images, labels, model)
    params = list(model.parameters())
    saved = [p.grad for p in params]
    for p in params:
        p.grad = None
    try:
        with torch.enable_grad():
            outputs = model.layer_outputs(images)
            for out in outputs:
                out.retain_grad()
            loss = F.cross_entropy(outputs[-1], labels)
            loss.backward()
        rows = []
        for i, (out, layer) in enumerate(zip(outputs, model.layers, strict=True)):
            # Reduce in float64: squares of float32 values below ~1e-19 underflow, and
            # the tiny initialisations produce such gradients in deep networks.
            values = out.detach().double()
            rows.append(
                {
                    "layer": i + 1,
                    "output": "logits" if i == model.depth - 1 else "tanh",
                    "activation_mean": float(values.mean()),
                    "activation_std": float(values.std()),
                    "output_grad_norm": float(out.grad.double().norm()),
                    "weight_grad_norm": float(layer.weight.grad.double().norm()),
                }
            )
    finally:
        for p, g in zip(params, saved, strict=True):
            p.grad = g
    return {"loss": float(loss.detach()), "layers": rows}


def profile_summary(stats: dict) -> dict[str, float]:
    """Condense a :func:`layer_statistics` profile into a few numbers.

    Parameters
    ----------
    stats : dict
        As returned by :func:`layer_statistics`.

    Returns
    -------
    dict
        ``last_hidden_std``: standard deviation of the last tanh layer's output (of
        the logits when the model has no hidden layer).
        ``grad_ratio``: gradient norm at the first layer's output divided by that at
        the logits; far below 1 the gradient vanishes on its way to the input, far
        above 1 it grows.
        ``first_weight_grad_norm``: norm of dL/dW_1.
        ``std_gain`` and ``grad_gain``: the factor by which one width -> width layer
        multiplies the activation spread (going up) and the output-gradient norm
        (going down), as the geometric mean over the tanh layers 2 to ``depth - 1``;
        NaN when the model has fewer than two tanh layers.

    Raises
    ------
    ValueError
        If ``stats`` lacks the ``"layers"`` key or it is empty.
    """
    layers = _check_stats(stats)
    hidden = [row for row in layers if row["output"] == "tanh"]
    steps = len(hidden) - 1
    if steps >= 1:
        std_gain = _ratio(hidden[-1]["activation_std"], hidden[0]["activation_std"]) ** (1 / steps)
        grad_gain = _ratio(hidden[0]["output_grad_norm"], hidden[-1]["output_grad_norm"]) ** (
            1 / steps
        )
    else:
        std_gain = grad_gain = math.nan
    return {
        "last_hidden_std": (hidden or layers)[-1]["activation_std"],
        "grad_ratio": _ratio(layers[0]["output_grad_norm"], layers[-1]["output_grad_norm"]),
        "first_weight_grad_norm": layers[0]["weight_grad_norm"],
        "std_gain": std_gain,
        "grad_gain": grad_gain,
    }


def _ratio(a: float, b: float) -> float:
    # A zero norm (e.g. d=0 zeroes every hidden activation): inf, or NaN for 0/0, as
    # float division in numpy gives, instead of ZeroDivisionError.
    if b == 0:  # exact: only a norm of exactly zero divides by zero
        return math.nan if a == 0 else math.inf
    return a / b


_LAYER_KEYS = ("activation_mean", "activation_std", "output_grad_norm", "weight_grad_norm")


def _check_stats(stats: object, name: str = "stats") -> list[dict]:
    """Return the ``"layers"`` of a :func:`layer_statistics` result."""
    if not isinstance(stats, Mapping):
        raise TypeError(
            f"{name} must be a layer_statistics result (a dict), got {type(stats).__name__}"
        )
    layers = stats.get("layers")
    if not layers:
        raise ValueError(f"{name} must be a layer_statistics result with a non-empty 'layers'")
    return layers


def _layer_values(stats: dict, key: str) -> list[float]:
    layers = _check_stats(stats)
    check_option(key, "key", _LAYER_KEYS)
    return [row[key] for row in layers]


def spread_over_layers(stats: dict, key: str) -> float:
    """Return the largest value of ``key`` over the layers divided by the smallest.

    Parameters
    ----------
    stats : dict
        As returned by :func:`layer_statistics`.
    key : str
        A per-layer entry: ``"activation_std"``, ``"output_grad_norm"``,
        ``"weight_grad_norm"`` or ``"activation_mean"``.

    Returns
    -------
    float
        ``max / min`` over all layers, logits included; 1 for a flat profile.

    Raises
    ------
    ValueError
        If ``stats`` has no layers or ``key`` is not a per-layer entry.
    """
    values = _layer_values(stats, key)
    return max(values) / min(values)


def rises_towards_input(stats: dict, key: str = "weight_grad_norm") -> bool:
    """Return whether ``key`` grows strictly at every step from the logits to layer 1.

    Parameters
    ----------
    stats : dict
        As returned by :func:`layer_statistics`.
    key : str, default "weight_grad_norm"
        A per-layer entry, as in :func:`spread_over_layers`.

    Returns
    -------
    bool
        True when each layer's value exceeds that of the layer above it.

    Raises
    ------
    ValueError
        If ``stats`` has no layers or ``key`` is not a per-layer entry.
    """
    values = _layer_values(stats, key)
    return all(lower > upper for lower, upper in itertools.pairwise(values))


def study_settings() -> dict[str, float | str]:
    """Return the four initialisations of Question 4, by display name.

    Returns
    -------
    dict
        ``{"d=0.01": 0.01, "d=0.1": 0.1, "d=2.0": 2.0, "Xavier": "xavier"}``.
    """
    return {"d=0.01": 0.01, "d=0.1": 0.1, "d=2.0": 2.0, "Xavier": "xavier"}


def make_model(depth: int, d: float | str, *, seed: int = 0, width: int = WIDTH) -> MLP:
    """Build an :class:`MLP` and initialise it by :func:`init_uniform_` from a seed.

    Parameters
    ----------
    depth, width : int
        As in :class:`MLP`.
    d : positive float or ``"xavier"``
        As in :func:`init_uniform_`.
    seed : int
        Seed of the generator that draws the weights.

    Returns
    -------
    MLP
    """
    seed = check_seed(seed)
    model = MLP(depth, width)
    return init_uniform_(model, d, generator=torch.Generator().manual_seed(seed))


def profile_table(profiles: Mapping[str, dict], key: str) -> list[dict]:
    """Lay out one per-layer quantity of several profiles side by side, a row per layer.

    Parameters
    ----------
    profiles : mapping
        Setting name -> :func:`layer_statistics` result; all of the same depth.
    key : str
        A per-layer key of :func:`layer_statistics`, e.g. ``"output_grad_norm"``.

    Returns
    -------
    list of dict
        Row ``i`` is ``{"layer": i + 1, name: value, ...}`` with one entry per
        setting, ready for :func:`hw1.report.table`.

    Raises
    ------
    ValueError
        If ``profiles`` is empty, the depths differ, or ``key`` is not a per-layer
        quantity.
    """
    if not isinstance(profiles, Mapping):
        raise TypeError(
            f"profiles must be a dict of layer_statistics results, got {type(profiles).__name__}"
        )
    if not profiles:
        raise ValueError("profiles must hold at least one layer_statistics result")
    for name, stats in profiles.items():
        _check_stats(stats, f"profiles[{name!r}]")
    depths = {len(stats["layers"]) for stats in profiles.values()}
    if len(depths) != 1:
        raise ValueError(f"profiles must all have the same depth, got depths {sorted(depths)}")
    check_option(key, "key", _LAYER_KEYS)
    (depth,) = depths
    return [
        {"layer": i + 1} | {name: stats["layers"][i][key] for name, stats in profiles.items()}
        for i in range(depth)
    ]
