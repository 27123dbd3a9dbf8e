import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest
import torch

from hw1.plotting import image_grid


def test_image_grid_titles_each_image_with_its_label():
    images = torch.rand(7, 784)
    labels = torch.arange(7)
    fig = image_grid(images, labels, ncols=3)
    titled = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titled == [str(i) for i in range(7)]
    assert len(fig.axes) == 9  # 3 rows of 3; the two spare cells are blank
    plt.close(fig)


def test_image_grid_rejects_bad_shapes():
    with pytest.raises(ValueError, match="images"):
        image_grid(torch.rand(2, 10), torch.arange(2))
    with pytest.raises(ValueError, match="labels"):
        image_grid(torch.rand(2, 784), torch.arange(3))
    with pytest.raises(ValueError, match="ncols"):
        image_grid(torch.rand(2, 784), torch.arange(2), ncols=0)
