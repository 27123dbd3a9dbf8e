"""Small figure helpers shared by the gallery examples.

Helpers return the figure and leave it open: sphinx-gallery collects the figures that
are still open at the end of a code block.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import torch


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
    """
    if images.ndim != 2 or images.shape[1] != side * side:
        raise ValueError(f"images must have shape (N, {side * side}), got {tuple(images.shape)}")
    if labels.shape != images.shape[:1]:
        raise ValueError(f"labels must have shape ({images.shape[0]},), got {tuple(labels.shape)}")
    if ncols < 1:
        raise ValueError(f"ncols must be at least 1, got {ncols}")
    nrows = -(-len(images) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(ncols * 0.9, nrows * 1.05), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, image, label in zip(axes.flat, images, labels, strict=False):
        ax.imshow(image.reshape(side, side).numpy(), cmap="gray_r", vmin=0.0, vmax=1.0)
        ax.set_title(str(int(label)), fontsize=9)
    fig.tight_layout()
    return fig
