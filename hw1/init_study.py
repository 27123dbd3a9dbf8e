"""Question 4: how the initial weight scale of a deep tanh network shapes its signals.

A fully connected tanh network for MNIST whose depth is a constructor argument
(:class:`MLP`), an initialiser that draws every weight from U(-d, d) or uses the
Glorot-Bengio (Xavier) bound layer by layer (:func:`init_uniform_`), per-layer forward
and backward profiles of one minibatch (:func:`layer_statistics`), plain SGD training
on tensors held in memory (:func:`train`), one run per seed, where the seed draws both
the weights and the batch order (:func:`train_from_seed`), a summary over seeds
(:func:`over_seeds`), a depth sweep (:func:`depth_sweep`) and a measurement of what
the data handling adds to a training epoch (:func:`epoch_overhead`).

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

import copy
import itertools
import math
import time
from collections.abc import Mapping, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from hw1._validation import (
    check_floating,
    check_images_labels,
    check_keys,
    check_nonnegative_int,
    check_option,
    check_positive_int,
    check_real,
    check_seed,
    check_sequence,
)
from hw1.data import load_mnist

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
    _check_data(images, labels, model)
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
    if b == 0:
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


@torch.inference_mode()
def accuracy_and_loss(
    model: nn.Module, images: torch.Tensor, labels: torch.Tensor, *, chunk: int = 10_000
) -> dict[str, float]:
    """Return the accuracy and the mean cross-entropy of a model on a data set.

    Runs under :func:`torch.inference_mode`, ``chunk`` rows at a time.

    Parameters
    ----------
    model : nn.Module
        Maps (B, 784) to (B, 10) logits.
    images : Tensor, shape (N, 784)
    labels : Tensor, shape (N,), int64
    chunk : int
        Rows per forward pass, to bound memory.

    Returns
    -------
    dict
        ``accuracy`` (fraction correct, in [0, 1]) and ``loss``.

    Raises
    ------
    TypeError, ValueError
        If ``images`` is not a floating (N, F) tensor with N >= 1, ``labels`` not an
        int64 (N,) tensor, or ``chunk`` not a positive int.
    """
    _check_model(model)
    _check_data(images, labels, model)
    check_positive_int(chunk, "chunk")
    correct = 0
    loss = 0.0
    for start in range(0, len(labels), chunk):
        logits = model(images[start : start + chunk])
        y = labels[start : start + chunk]
        correct += int((logits.argmax(dim=1) == y).sum())
        loss += float(F.cross_entropy(logits, y, reduction="sum"))
    return {"accuracy": correct / len(labels), "loss": loss / len(labels)}


def batch_indices(n: int, batch_size: int, generator: torch.Generator) -> list[torch.Tensor]:
    """Cut a random permutation of ``range(n)`` into one epoch's minibatches.

    Parameters
    ----------
    n : int
        Number of training examples.
    batch_size : int
    generator : torch.Generator
        Draws the permutation.

    Returns
    -------
    list of Tensor
        int64 index tensors of length ``batch_size`` (the last may be shorter) that
        together hold every index once.
    """
    n = check_positive_int(n, "n")
    batch_size = check_positive_int(batch_size, "batch_size")
    if not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator, got {type(generator).__name__}")
    return list(torch.randperm(n, generator=generator).split(batch_size))


def sgd_step_(model: nn.Module, x: torch.Tensor, y: torch.Tensor, *, lr: float) -> torch.Tensor:
    """Take one plain SGD step on the mean cross-entropy of a minibatch, in place.

    Every parameter moves by ``-lr`` times its gradient: the update of
    ``torch.optim.SGD(model.parameters(), lr=lr)`` with no momentum or weight decay.
    Written out because at this model size the optimizer's Python bookkeeping costs
    about a quarter of the step. ``.grad`` buffers are neither read nor written.

    Parameters
    ----------
    model : nn.Module
        Maps (B, F) to (B, C) logits.
    x : Tensor, shape (B, F)
    y : Tensor, shape (B,), int64
    lr : float
        Step size.

    Returns
    -------
    Tensor, shape ()
        The minibatch loss before the step, detached.

    Raises
    ------
    TypeError, ValueError
        If ``model`` is not a module, ``x`` or ``y`` is not a batch the model can
        take (see :func:`train`), or ``lr`` is not a finite real number > 0.
    """
    lr = check_real(lr, "lr", low=0, low_open=True)
    _check_model(model)
    _check_data(x, y, model, names=("x", "y"))
    return _sgd_step(model, x, y, lr)


def _sgd_step(model: nn.Module, x: torch.Tensor, y: torch.Tensor, lr: float) -> torch.Tensor:
    params = [p for p in model.parameters() if p.requires_grad]
    loss = F.cross_entropy(model(x), y)
    grads = torch.autograd.grad(loss, params)
    with torch.no_grad():
        for p, g in zip(params, grads, strict=True):
            p.sub_(g, alpha=lr)
    return loss.detach()


def _train_epoch(
    model: nn.Module,
    lr: float,
    images: torch.Tensor,
    labels: torch.Tensor,
    batches: Sequence[torch.Tensor],
) -> float:
    """One pass over ``batches`` of indices; returns the mean minibatch loss."""
    total = torch.zeros(())
    for idx in batches:
        x, y = images.index_select(0, idx), labels.index_select(0, idx)
        total += _sgd_step(model, x, y, lr) * len(idx)  # checked once, in the caller
    return float(total) / len(images)


def _check_model(model: object) -> None:
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")


def _check_data(
    images: object,
    labels: object,
    model: nn.Module | None = None,
    names: tuple[str, str] = ("images", "labels"),
) -> None:
    """Check an (N, F) floating images tensor and its (N,) int64 labels, any F.

    With a model: the images' dtype and device are its parameters', and the labels lie
    below its ``out_features`` (when it has that attribute, as :class:`MLP` does).
    """
    check_floating(images, names[0], ndim=2, what="(N, F)")
    n_classes = getattr(model, "out_features", None)
    n_features = getattr(model, "in_features", None) or images.shape[1]
    check_images_labels(images, labels, n_features=n_features, n_classes=n_classes, names=names)
    first = next(model.parameters(), None) if model is not None else None
    if first is not None:
        check_floating(images, names[0], dtype=first.dtype, device=first.device, like="model")


def _resolve_data(
    data: tuple[torch.Tensor, torch.Tensor] | None, split: str, model: nn.Module | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    if data is None:
        return load_mnist(split)
    if not isinstance(data, tuple | list):
        raise TypeError(f"{split}_data must be a pair (images, labels) or None")
    if len(data) != 2:
        raise ValueError(f"{split}_data must be a pair (images, labels), got {len(data)} items")
    try:
        _check_data(*data, model)
    except (TypeError, ValueError) as error:
        # Name the argument the caller passed, not its parts.
        raise type(error)(f"{split}_data: {error}") from error
    return data[0], data[1]


def train(
    model: nn.Module,
    *,
    epochs: int = 5,
    lr: float = 0.01,
    batch_size: int = 128,
    seed: int = 0,
    train_data: tuple[torch.Tensor, torch.Tensor] | None = None,
    test_data: tuple[torch.Tensor, torch.Tensor] | None = None,
    evaluate_train: bool = True,
    train_eval_size: int | None = None,
) -> list[dict]:
    """Train with plain SGD on the cross-entropy loss and record accuracy per epoch.

    The data stay as two tensors; each epoch draws a permutation and indexes the
    tensors one minibatch at a time (no DataLoader, no per-image conversion). Each
    step is :func:`sgd_step_`.
    Accuracies are measured after each epoch on the whole test set and on the whole
    training set, or a fixed sample of it, under :func:`torch.inference_mode`.

    Parameters
    ----------
    model : nn.Module
        Maps (B, 784) to (B, 10) logits; trained in place.
    epochs : int
        Passes over the training set.
    lr : float
        SGD step size (no momentum, no weight decay).
    batch_size : int
        Minibatch size; the last batch of an epoch may be smaller.
    seed : int
        Seeds the generator that shuffles the batches.
    train_data, test_data : pair of Tensor, optional
        ``(images (N, 784) float, labels (N,) int64)``. Default: the MNIST train and
        test splits from :func:`hw1.data.load_mnist`.
    evaluate_train : bool
        Whether to score the whole training set after each epoch (a forward pass
        over it, about a fifth of an epoch's cost).
    train_eval_size : int, optional
        Score only this many training examples after each epoch: the first
        ``train_eval_size`` of a permutation drawn from seed 0, so the same examples
        in every epoch and every run, whatever ``seed`` is. Default: all of them.

    Returns
    -------
    list of dict
        One record per epoch with keys ``epoch`` (1-based), ``loss`` (mean minibatch
        loss during the epoch), ``train_accuracy`` and ``train_loss`` (only if
        ``evaluate_train``), ``test_accuracy`` and ``test_loss``, all but ``loss``
        measured after the epoch.

    Raises
    ------
    ValueError
        If ``epochs`` or ``batch_size`` is below 1, ``lr`` is not positive, or the
        data have inconsistent shapes.
    TypeError
        If one of them has the wrong type.
    """
    epochs = check_positive_int(epochs, "epochs")
    batch_size = check_positive_int(batch_size, "batch_size")
    seed = check_seed(seed)
    lr = check_real(lr, "lr", low=0, low_open=True)
    _check_model(model)
    if not isinstance(evaluate_train, bool):
        raise TypeError(f"evaluate_train must be a bool, got {type(evaluate_train).__name__}")
    train_images, train_labels = _resolve_data(train_data, "train", model)
    test_images, test_labels = _resolve_data(test_data, "test", model)
    scored_images, scored_labels = train_images, train_labels
    if train_eval_size is not None:
        size = check_positive_int(train_eval_size, "train_eval_size")
        if size > len(train_labels):
            raise ValueError(
                f"train_eval_size must be <= {len(train_labels)} (the training set), got {size}"
            )
        sample = torch.randperm(len(train_labels), generator=torch.Generator().manual_seed(0))
        sample = sample[:size]
        scored_images, scored_labels = train_images[sample], train_labels[sample]
    generator = torch.Generator().manual_seed(seed)
    history = []
    for epoch in range(1, epochs + 1):
        batches = batch_indices(len(train_labels), batch_size, generator)
        model.train()
        loss = _train_epoch(model, lr, train_images, train_labels, batches)
        model.eval()
        record = {"epoch": epoch, "loss": loss}
        if evaluate_train:
            on_train = accuracy_and_loss(model, scored_images, scored_labels)
            record |= {"train_accuracy": on_train["accuracy"], "train_loss": on_train["loss"]}
        on_test = accuracy_and_loss(model, test_images, test_labels)
        record |= {"test_accuracy": on_test["accuracy"], "test_loss": on_test["loss"]}
        history.append(record)
    return history


def epoch_overhead(
    model: nn.Module,
    images: torch.Tensor,
    labels: torch.Tensor,
    *,
    lr: float = 0.01,
    batch_size: int = 128,
    seed: int = 0,
    repeats: int = 3,
) -> dict[str, float]:
    """Time one training epoch against the pure compute of the same minibatches.

    *Epoch*: what :func:`train` does in one epoch before its evaluation: draw the
    permutation, index the data tensors per batch, forward, backward and SGD step,
    and accumulate the loss. *Compute*: the same batches, sliced out beforehand,
    through :func:`sgd_step_` only (forward, backward, update). Each is run
    ``repeats`` times on a fresh copy of ``model`` (so ``model`` is not changed),
    alternating, and the fastest run of each is kept.

    Parameters
    ----------
    model : nn.Module
        Maps (B, F) to logits; copied, never trained.
    images : Tensor, shape (N, F)
    labels : Tensor, shape (N,), int64
    lr, batch_size, seed
        As in :func:`train`.
    repeats : int
        Timed runs of each kind.

    Returns
    -------
    dict
        ``epoch_s`` and ``compute_s`` (seconds, best of ``repeats``) and their
        ``ratio`` = ``epoch_s / compute_s``.
    """
    _check_model(model)
    _check_data(images, labels, model)
    repeats = check_positive_int(repeats, "repeats")
    batch_size = check_positive_int(batch_size, "batch_size")
    seed = check_seed(seed)
    lr = check_real(lr, "lr", low=0, low_open=True)
    n = len(labels)
    batches = batch_indices(n, batch_size, torch.Generator().manual_seed(seed))
    sliced = [(images.index_select(0, idx), labels.index_select(0, idx)) for idx in batches]
    epoch_times, compute_times = [], []
    for _ in range(repeats):
        net = copy.deepcopy(model)
        start = time.perf_counter()
        generator = torch.Generator().manual_seed(seed)
        _train_epoch(net, lr, images, labels, batch_indices(n, batch_size, generator))
        epoch_times.append(time.perf_counter() - start)

        net = copy.deepcopy(model)
        start = time.perf_counter()
        for x, y in sliced:
            _sgd_step(net, x, y, lr)
        compute_times.append(time.perf_counter() - start)
    epoch_s, compute_s = min(epoch_times), min(compute_times)
    return {"epoch_s": epoch_s, "compute_s": compute_s, "ratio": epoch_s / compute_s}


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


def train_from_seed(
    depth: int,
    d: float | str,
    seed: int,
    *,
    width: int = WIDTH,
    epochs: int = 5,
    lr: float = 0.01,
    batch_size: int = 128,
    train_data: tuple[torch.Tensor, torch.Tensor] | None = None,
    test_data: tuple[torch.Tensor, torch.Tensor] | None = None,
    evaluate_train: bool = True,
    train_eval_size: int | None = None,
) -> tuple[MLP, list[dict]]:
    """Build, initialise and train one model, all of it decided by one seed.

    The seed draws the initial weights (:func:`make_model`) and the order of the
    minibatches (:func:`train`), so two seeds give two independent runs and one seed
    always gives the same run.

    Parameters
    ----------
    depth, width : int
        As in :class:`MLP`.
    d : positive real or ``"xavier"``
        As in :func:`init_uniform_`.
    seed : int
        Seed of both random draws.
    epochs, lr, batch_size, train_data, test_data, evaluate_train, train_eval_size
        As in :func:`train`.

    Returns
    -------
    model : MLP
        The trained model.
    history : list of dict
        As returned by :func:`train`.
    """
    model = make_model(depth, d, seed=check_seed(seed), width=width)
    history = train(
        model,
        epochs=epochs,
        lr=lr,
        batch_size=batch_size,
        seed=seed,
        train_data=train_data,
        test_data=test_data,
        evaluate_train=evaluate_train,
        train_eval_size=train_eval_size,
    )
    return model, history


def over_seeds(
    records: Sequence[Mapping[str, object]], keys: Sequence[str], *, by: Sequence[str]
) -> list[dict]:
    """Summarise repeated records, one per seed, by their mean, minimum and maximum.

    Parameters
    ----------
    records : sequence of mappings
        Records from several seeds, for example the concatenated :func:`train`
        histories of one setting, or the rows of a :func:`depth_sweep`.
    keys : sequence of str
        The numeric keys to summarise.
    by : sequence of str
        Keys that say which records belong together (``("epoch",)`` for histories,
        ``("setting", "depth")`` for a sweep): one group per distinct value, in order
        of first appearance.

    Returns
    -------
    list of dict
        One record per group, with the ``by`` keys, ``seeds`` (the number of records
        in the group) and, for each ``key``, ``key + "_mean"``, ``key + "_min"`` and
        ``key + "_max"``.

    Raises
    ------
    ValueError
        If ``records`` is empty, a record lacks a key, or the groups differ in size.
    TypeError
        If a record is not a mapping.
    """
    check_sequence(records, "records", "record")
    check_sequence(keys, "keys", "key")
    check_sequence(by, "by", "key")
    groups: dict[tuple, list[Mapping[str, object]]] = {}
    for index, record in enumerate(records):
        check_keys(record, f"records[{index}]", [*by, *keys])
        groups.setdefault(tuple(record[k] for k in by), []).append(record)
    sizes = {len(group) for group in groups.values()}
    if len(sizes) != 1:
        raise ValueError(f"every group must hold the same number of records, got {sorted(sizes)}")
    rows = []
    for ids, group in groups.items():
        row = dict(zip(by, ids, strict=True)) | {"seeds": len(group)}
        for key in keys:
            values = [float(record[key]) for record in group]
            row |= {
                f"{key}_mean": math.fsum(values) / len(values),
                f"{key}_min": min(values),
                f"{key}_max": max(values),
            }
        rows.append(row)
    return rows


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


def depth_sweep(
    depths: Sequence[int],
    settings: Mapping[str, float | str],
    images: torch.Tensor,
    labels: torch.Tensor,
    *,
    seeds: Sequence[int] = (0,),
    width: int = WIDTH,
    train_epochs: int = 0,
    train_data: tuple[torch.Tensor, torch.Tensor] | None = None,
    test_data: tuple[torch.Tensor, torch.Tensor] | None = None,
) -> list[dict]:
    """Profile, and optionally train, freshly initialised models of several depths.

    Parameters
    ----------
    depths : sequence of int
        Numbers of linear layers (see :class:`MLP`).
    settings : mapping
        Display name -> ``d`` for :func:`init_uniform_`.
    images : Tensor, shape (B, 784)
        The minibatch profiled by :func:`layer_statistics` at initialisation.
    labels : Tensor, shape (B,), int64
    seeds : sequence of int
        One model per seed, setting and depth; a seed sets the initial weights and
        the batch order, as in :func:`train_from_seed`.
    width : int
    train_epochs : int
        If positive, each model is also trained for this many epochs with
        :func:`train_from_seed` (default learning rate and batch size) on
        ``train_data`` and scored on ``test_data``.
    train_data, test_data : pair of Tensor, optional
        As in :func:`train`.

    Returns
    -------
    list of dict
        One record per (setting, depth, seed), in that nesting order, with keys
        ``setting``, ``depth``, ``seed``, ``loss`` (at initialisation), the entries of
        :func:`profile_summary` and, when ``train_epochs > 0``, ``test_accuracy``
        after ``train_epochs`` epochs. :func:`over_seeds` with
        ``by=("setting", "depth")`` summarises them.

    Raises
    ------
    ValueError
        If ``depths``, ``settings`` or ``seeds`` is empty, or ``train_epochs < 0``.
    """
    check_sequence(depths, "depths", "depth")
    check_sequence(seeds, "seeds", "seed")
    for index, depth in enumerate(depths):
        check_positive_int(depth, f"depths[{index}]")
    for index, seed in enumerate(seeds):
        check_seed(seed, f"seeds[{index}]")
    if not isinstance(settings, Mapping):
        raise TypeError(
            f"settings must be a dict of initialisations, got {type(settings).__name__}"
        )
    if not settings:
        raise ValueError("settings must hold at least one initialisation")
    probe = MLP(1, 1, in_features=1, out_features=1)
    for name, d in settings.items():
        try:
            layer_bounds(probe, d)
        except (TypeError, ValueError) as error:
            raise type(error)(f"settings[{name!r}]: {error}") from None
    check_nonnegative_int(train_epochs, "train_epochs")
    rows = []
    for name, d in settings.items():
        for depth in depths:
            for seed in seeds:
                model = make_model(depth, d, seed=seed, width=width)
                stats = layer_statistics(model, images, labels)
                row = {"setting": name, "depth": depth, "seed": seed, "loss": stats["loss"]}
                row |= profile_summary(stats)
                if train_epochs:
                    _, history = train_from_seed(
                        depth,
                        d,
                        seed,
                        width=width,
                        epochs=train_epochs,
                        train_data=train_data,
                        test_data=test_data,
                        evaluate_train=False,
                    )
                    row["test_accuracy"] = history[-1]["test_accuracy"]
                rows.append(row)
    return rows
