"""Question 4 (d)-(e): training the deep tanh network on MNIST, over seeds and depths.

Plain SGD training on tensors held in memory (:func:`train`, one step is
:func:`sgd_step_`), one run per seed, where the seed draws both the weights and the
batch order (:func:`train_from_seed`), a summary over seeds (:func:`over_seeds`), a
depth sweep that profiles and optionally trains (:func:`depth_sweep`) and a measurement
of what the data handling adds to a training epoch (:func:`epoch_overhead`). The model,
its initialisation and the per-layer profiles at initialisation are in
:mod:`hw1.init_study`.

Non-finite entries are rejected: a NaN or inf pixel, or a label outside the classes,
raises ``ValueError`` before any work starts (a NaN loss would otherwise be reported
as a result).
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Mapping, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from hw1._validation import (
    check_keys,
    check_nonnegative_int,
    check_positive_int,
    check_real,
    check_seed,
    check_sequence,
)
from hw1.data import load_mnist
from hw1.init_study import (
    MLP,
    WIDTH,
    check_data,
    layer_bounds,
    layer_statistics,
    make_model,
    profile_summary,
)


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
    TypeError
        If ``model`` is not a module, ``images`` or ``labels`` not a tensor, or
        ``chunk`` not an int.
    ValueError
        If ``images`` is not a floating (N, F) tensor with N >= 1, ``labels`` not an
        int64 (N,) tensor of classes, or ``chunk`` below 1.
    """
    _check_model(model)
    check_data(images, labels, model)
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
    check_data(x, y, model, names=("x", "y"))
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
        check_data(*data, model)
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
    check_data(images, labels, model)
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

    The seed draws the initial weights (:func:`~hw1.init_study.make_model`) and the order of the
    minibatches (:func:`train`), so two seeds give two independent runs and one seed
    always gives the same run.

    Parameters
    ----------
    depth, width : int
        As in :class:`~hw1.init_study.MLP`.
    d : positive real or ``"xavier"``
        As in :func:`~hw1.init_study.init_uniform_`.
    seed : int
        Seed of both random draws.
    epochs, lr, batch_size, train_data, test_data, evaluate_train, train_eval_size
        As in :func:`train`.

    Returns
    -------
    model : hw1.init_study.MLP
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
        Numbers of linear layers (see :class:`~hw1.init_study.MLP`).
    settings : mapping
        Display name -> ``d`` for :func:`~hw1.init_study.init_uniform_`.
    images : Tensor, shape (B, 784)
        The minibatch profiled by :func:`~hw1.init_study.layer_statistics` at initialisation.
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
        :func:`~hw1.init_study.profile_summary` and, when ``train_epochs > 0``, ``test_accuracy``
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
