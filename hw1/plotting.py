"""Small figure helpers shared by the gallery examples.

Helpers return the figure and leave it open: sphinx-gallery collects the figures that
are still open at the end of a code block.

Non-finite entries are rejected: a NaN or inf pixel raises ``ValueError`` (matplotlib
would draw it blank, which reads as a white pixel).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import torch

from hw1._validation import check_floating, check_positive_int, check_real, check_tensor


def image_grid(
    images: torch.Tensor,
    labels: torch.Tensor,
    *,
    ncols: int = 10,
    side: int = 28,
) -> plt.Figure:
    """Show flattened square images in a grid, each titled with its label.

    Parameters
    ----------
    images : Tensor, shape (N, side * side)
        Grey-scale images, one per row, values in [0, 1].
    labels : Tensor, shape (N,)
        One label per image.
    ncols : int
        Images per grid row.
    side : int
        Height and width of each image in pixels.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    TypeError
        If ``images`` or ``labels`` is not a tensor, or ``ncols`` or ``side`` not an int.
    ValueError
        If ``images`` is not floating point or ``labels`` not integer, a shape is wrong,
        there are no images, a tensor is not on the CPU, a pixel is not finite, or
        ``ncols`` or ``side`` is below 1.
    """
    ncols = check_positive_int(ncols, "ncols")
    side = check_positive_int(side, "side")
    n_pixels = side * side
    check_floating(images, "images", shape=(None, n_pixels), what=f"(N, {n_pixels})")
    check_tensor(labels, "labels")
    if labels.dtype.is_floating_point or labels.dtype.is_complex or labels.dtype == torch.bool:
        raise ValueError(f"labels must be an integer tensor, got dtype {labels.dtype}")
    if len(images) == 0:
        raise ValueError("images must hold at least one image, got N = 0")
    if labels.shape != images.shape[:1]:
        raise ValueError(f"labels must have shape ({images.shape[0]},), got {tuple(labels.shape)}")
    for name, tensor in (("images", images), ("labels", labels)):
        if tensor.device.type != "cpu":
            raise ValueError(f"{name} must be on the CPU to be drawn, got {tensor.device}")
    check_floating(images, "images", finite=True)
    nrows = -(-len(images) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(ncols * 0.9, nrows * 1.05), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, image, label in zip(axes.flat, images, labels, strict=False):
        ax.imshow(image.detach().reshape(side, side).numpy(), cmap="gray_r", vmin=0.0, vmax=1.0)
        ax.set_title(str(int(label)), fontsize=9)
    fig.tight_layout()
    return fig


#: The four per-layer panels of :func:`layer_profiles`: key of
#: :func:`hw1.init_study.layer_statistics`, axis label, y scale, tanh layers only.
PROFILE_PANELS = (
    ("activation_mean", "mean post-activation", "linear", True),
    ("activation_std", "std of post-activation", "log", True),
    ("output_grad_norm", "‖dL/d(layer output)‖", "log", False),
    ("weight_grad_norm", "‖dL/dW‖", "log", False),
)


def _check_profiles(profiles: object) -> None:
    """Check that each profile holds, per layer, the finite numbers the panels draw."""
    if not isinstance(profiles, Mapping):
        raise TypeError(f"profiles must be a dict, got {type(profiles).__name__}")
    if not profiles:
        raise ValueError("profiles must hold at least one layer_statistics result")
    keys = ("layer", *(panel[0] for panel in PROFILE_PANELS))
    for name, stats in profiles.items():
        where = f"profiles[{name!r}]"
        layers = stats.get("layers") if isinstance(stats, Mapping) else None
        if not isinstance(layers, list) or not layers:
            raise ValueError(f"{where} must be a layer_statistics result with 'layers'")
        for i, row in enumerate(layers):
            if not isinstance(row, Mapping) or any(k not in row for k in keys):
                raise ValueError(f"{where}['layers'][{i}] must hold the keys {list(keys)}")
            for k in keys:
                check_real(row[k], f"{where}['layers'][{i}][{k!r}]")


def layer_profiles(
    axes: Sequence[plt.Axes],
    profiles: Mapping[str, dict],
    title: str,
    *,
    styles: Mapping[str, Mapping[str, object]] | None = None,
) -> None:
    """Draw per-layer profiles of several settings on four axes, one per panel.

    Parameters
    ----------
    axes : sequence of 4 matplotlib Axes
        One per entry of :data:`PROFILE_PANELS`, in that order.
    profiles : mapping
        Setting name -> :func:`hw1.init_study.layer_statistics` result, all of one
        depth. The post-activation panels leave out the last layer (the logits).
    title : str
        Prefix of each panel's title.
    styles : mapping, optional
        Setting name -> keyword arguments of ``Axes.plot`` (colour, marker).

    Raises
    ------
    TypeError
        If ``axes`` does not hold matplotlib Axes, ``profiles`` or ``styles`` is not a
        mapping, or ``title`` is not a str.
    ValueError
        If ``axes`` does not hold 4 axes, ``profiles`` is empty, a profile lacks a key
        a panel reads, or a value is NaN or inf.
    """
    if isinstance(axes, str | bytes | Mapping) or not hasattr(axes, "__iter__"):
        raise TypeError(f"axes must be a sequence of matplotlib Axes, got {type(axes).__name__}")
    axes = list(axes)
    if len(axes) != len(PROFILE_PANELS):
        raise ValueError(f"axes must hold {len(PROFILE_PANELS)} axes, got {len(axes)}")
    for i, ax in enumerate(axes):
        if not isinstance(ax, plt.Axes):
            raise TypeError(f"axes[{i}] must be a matplotlib Axes, got {type(ax).__name__}")
    _check_profiles(profiles)
    if not isinstance(title, str):
        raise TypeError(f"title must be a str, got {type(title).__name__}")
    if styles is not None and not isinstance(styles, Mapping):
        raise TypeError(f"styles must be a dict or None, got {type(styles).__name__}")
    depth = max(len(stats["layers"]) for stats in profiles.values())
    for ax, (key, label, scale, hidden_only) in zip(axes, PROFILE_PANELS, strict=True):
        for name, stats in profiles.items():
            layers = stats["layers"][:-1] if hidden_only else stats["layers"]
            style = dict((styles or {}).get(name, {}))
            ax.plot([r["layer"] for r in layers], [r[key] for r in layers], label=name, **style)
        ax.set_yscale(scale)
        ax.set_xlabel("layer")
        ax.set_ylabel(label)
        ax.set_title(f"{title}: {label}", fontsize=9)
        ax.set_xticks(range(1, depth if hidden_only else depth + 1))
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8)
