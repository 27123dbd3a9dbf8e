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


def test_layer_profiles_draws_one_line_per_setting_and_leaves_the_logits_out_of_activations():
    from hw1.init_study import layer_statistics, make_model
    from hw1.plotting import PROFILE_PANELS, layer_profiles

    x, y = torch.rand(8, 784, generator=torch.Generator().manual_seed(0)), torch.arange(8)
    profiles = {
        name: layer_statistics(make_model(3, d), x, y) for name, d in [("a", 0.1), ("b", 2.0)]
    }
    fig, axes = plt.subplots(1, 4)
    layer_profiles(axes, profiles, "t", styles={"a": {"color": "red"}})
    for ax, (key, _, scale, hidden_only) in zip(axes, PROFILE_PANELS, strict=True):
        lines = ax.get_lines()
        assert [line.get_label() for line in lines] == ["a", "b"]
        layers = profiles["b"]["layers"][:-1] if hidden_only else profiles["b"]["layers"]
        assert list(lines[1].get_xdata()) == [r["layer"] for r in layers]
        assert list(lines[1].get_ydata()) == [r[key] for r in layers]  # exact: copied values
        assert ax.get_yscale() == scale
    assert axes[0].get_lines()[0].get_color() == "red"
    with pytest.raises(ValueError, match="axes"):
        layer_profiles(axes[:3], profiles, "t")
    with pytest.raises(ValueError, match="profiles"):
        layer_profiles(axes, {}, "t")
    plt.close(fig)
