"""Tests for hw1.init_study, checked against hand-written formulas and plain autograd."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from hw1.data import load_mnist
from hw1.init_study import (
    MLP,
    N_CLASSES,
    N_PIXELS,
    WIDTH,
    init_uniform_,
    layer_bounds,
    layer_statistics,
    linear_regime_gain,
    make_model,
    profile_summary,
    profile_table,
    rises_towards_input,
    spread_over_layers,
    study_settings,
    xavier_bound,
)


def _expected_parameter_count(depth: int, width: int, n_in: int = 784, n_out: int = 10) -> int:
    """Written out from the convention: ``depth`` weight matrices, each with a bias."""
    if depth == 1:
        return n_in * n_out + n_out
    first = n_in * width + width
    middle = (depth - 2) * (width * width + width)
    last = width * n_out + n_out
    return first + middle + last


# -- the model -------------------------------------------------------------------------


@pytest.mark.parametrize("depth", range(1, 11))
def test_output_shape_and_layer_count(depth):
    model = MLP(depth)
    x = torch.rand(7, 784)
    assert model(x).shape == (7, 10)
    assert len(model.layers) == depth
    assert sum(isinstance(m, torch.nn.Linear) for m in model.modules()) == depth
    outputs = model.layer_outputs(x)
    assert len(outputs) == depth
    torch.testing.assert_close(outputs[-1], model(x))


@pytest.mark.parametrize(("depth", "width"), [(1, 50), (2, 50), (8, 50), (10, 50), (4, 7)])
def test_parameter_count_matches_depth_convention(depth, width):
    model = MLP(depth, width)
    assert sum(p.numel() for p in model.parameters()) == _expected_parameter_count(depth, width)


def test_depth_eight_is_eight_linear_layers_with_seven_tanh():
    model = MLP(8)
    shapes = [tuple(layer.weight.shape) for layer in model.layers]
    assert shapes == [(50, 784)] + [(50, 50)] * 6 + [(10, 50)]
    # Hidden outputs pass through tanh, so they lie in [-1, 1]; the logits need not.
    init_uniform_(model, 2.0, generator=torch.Generator().manual_seed(0))
    outputs = model.layer_outputs(torch.rand(16, 784))
    assert all(out.abs().max() <= 1 for out in outputs[:-1])
    assert outputs[-1].abs().max() > 1


def test_forward_matches_functional_composition():
    model = make_model(4, "xavier", seed=3)
    x = torch.rand(5, 784)
    h = x
    for i, layer in enumerate(model.layers):
        h = F.linear(h, layer.weight, layer.bias)
        if i < 3:
            h = torch.tanh(h)
    torch.testing.assert_close(model(x), h)


@pytest.mark.parametrize("depth", [0, -3])
def test_depth_below_one_raises(depth):
    with pytest.raises(ValueError, match="depth"):
        MLP(depth)


@pytest.mark.parametrize("depth", [2.0, True, "8"])
def test_depth_of_wrong_type_raises(depth):
    with pytest.raises(TypeError, match="depth"):
        MLP(depth)


def test_wrong_input_shape_raises():
    with pytest.raises(ValueError, match=r"\(B, 784\)"):
        MLP(2)(torch.rand(3, 28, 28))


# -- initialisation ----------------------------------------------------------------------


@pytest.mark.parametrize("d", [0.01, 0.1, 2.0, 1])
def test_uniform_init_fills_the_interval_and_zeroes_biases(d):
    model = MLP(8)
    with torch.no_grad():
        for p in model.parameters():
            p.fill_(123.0)
    init_uniform_(model, d, generator=torch.Generator().manual_seed(0))
    for layer in model.layers:
        w = layer.weight
        assert w.abs().max() <= d
        # The whole interval is used, not a narrower one (500+ draws per layer).
        assert w.max() > 0.9 * d and w.min() < -0.9 * d
        # exact: the biases are set to 0, which is representable
        assert torch.equal(layer.bias, torch.zeros_like(layer.bias))
    big = model.layers[0].weight
    assert big.mean().abs() < 0.02 * d
    assert big.var().item() == pytest.approx(d * d / 3, rel=0.03)


def test_xavier_uses_each_layers_own_bound():
    model = init_uniform_(MLP(8), "xavier", generator=torch.Generator().manual_seed(1))
    bounds = []
    for layer in model.layers:
        n_out, n_in = layer.weight.shape
        bound = math.sqrt(6.0 / (n_in + n_out))
        bounds.append(bound)
        assert layer.weight.abs().max() <= bound
        assert layer.weight.abs().max() > 0.9 * bound
        # exact: the biases are set to 0, which is representable
        assert torch.equal(layer.bias, torch.zeros_like(layer.bias))
    assert len({round(b, 9) for b in bounds}) == 3  # 784->50, 50->50, 50->10 differ
    assert layer_bounds(model, "xavier") == pytest.approx(bounds)
    # Glorot and Bengio's variance 2 / (n_in + n_out), for the largest layer.
    assert model.layers[0].weight.var().item() == pytest.approx(2 / 834, rel=0.03)


def test_init_is_reproducible_from_the_generator():
    a = make_model(3, 0.1, seed=5)
    b = make_model(3, 0.1, seed=5)
    c = make_model(3, 0.1, seed=6)
    for pa, pb in zip(a.parameters(), b.parameters(), strict=True):
        # exact: the same generator state draws the same numbers
        assert torch.equal(pa, pb)
    # exact: another seed draws other numbers; equality would be a coincidence
    assert not torch.equal(a.layers[0].weight, c.layers[0].weight)


@pytest.mark.parametrize("d", [0, 0.0, -0.1, float("nan"), float("inf"), "he", "Xavier", ""])
def test_bad_d_raises_value_error(d):
    with pytest.raises(ValueError, match="d must be"):
        init_uniform_(MLP(2), d)


@pytest.mark.parametrize("d", [None, True, [0.1]])
def test_d_of_wrong_type_raises_type_error(d):
    with pytest.raises(TypeError, match="d must be"):
        init_uniform_(MLP(2), d)


def test_init_rejects_other_modules():
    with pytest.raises(TypeError, match="model"):
        init_uniform_(torch.nn.Linear(3, 2), 0.1)


# -- per-layer statistics ----------------------------------------------------------------


def _manual_statistics(model, x, y):
    """Forward with F.linear and differentiate with torch.autograd.grad (no retain_grad)."""
    weights = [layer.weight.detach().clone().requires_grad_() for layer in model.layers]
    biases = [layer.bias.detach().clone() for layer in model.layers]
    outputs = []
    h = x
    for i, (w, b) in enumerate(zip(weights, biases, strict=True)):
        h = F.linear(h, w, b)
        if i < len(weights) - 1:
            h = torch.tanh(h)
        outputs.append(h)
    loss = F.cross_entropy(h, y)
    grads = torch.autograd.grad(loss, outputs + weights)
    n = len(weights)
    return loss, outputs, grads[:n], grads[n:]


@pytest.mark.parametrize(("depth", "d"), [(1, "xavier"), (3, 0.1), (8, "xavier"), (8, 2.0)])
def test_layer_statistics_match_manual_autograd(depth, d):
    model = make_model(depth, d, seed=2)
    g = torch.Generator().manual_seed(0)
    x = torch.rand(32, 784, generator=g)
    y = torch.randint(0, 10, (32,), generator=g)
    stats = layer_statistics(model, x, y)
    loss, outputs, out_grads, w_grads = _manual_statistics(model, x, y)

    assert stats["loss"] == pytest.approx(loss.item(), rel=1e-6)
    assert len(stats["layers"]) == depth
    assert [row["layer"] for row in stats["layers"]] == list(range(1, depth + 1))
    assert [row["output"] for row in stats["layers"]] == ["tanh"] * (depth - 1) + ["logits"]
    for row, out, og, wg in zip(stats["layers"], outputs, out_grads, w_grads, strict=True):
        assert row["activation_mean"] == pytest.approx(out.mean().item(), rel=1e-5, abs=1e-9)
        assert row["activation_std"] == pytest.approx(out.std().item(), rel=1e-5)
        assert row["output_grad_norm"] == pytest.approx(og.norm().item(), rel=1e-5)
        assert row["weight_grad_norm"] == pytest.approx(wg.norm().item(), rel=1e-5)


def test_layer_statistics_leave_model_gradients_alone():
    model = make_model(3, "xavier")
    sentinel = [torch.full_like(p, 7.0) for p in model.parameters()]
    for p, s in zip(model.parameters(), sentinel, strict=True):
        p.grad = s.clone()
    layer_statistics(model, torch.rand(4, 784), torch.tensor([0, 1, 2, 3]))
    for p, s in zip(model.parameters(), sentinel, strict=True):
        # exact: the .grad buffers must be left untouched
        assert torch.equal(p.grad, s)


def test_layer_statistics_bad_batch_raises():
    model = MLP(2)
    with pytest.raises(ValueError, match="images"):
        layer_statistics(model, torch.rand(4, 10), torch.zeros(4, dtype=torch.int64))
    with pytest.raises(ValueError, match="labels"):
        layer_statistics(model, torch.rand(4, 784), torch.zeros(3, dtype=torch.int64))
    with pytest.raises(ValueError, match="int64"):
        layer_statistics(model, torch.rand(4, 784), torch.zeros(4))


def test_profile_summary_and_table_read_the_profiles():
    x, y = torch.rand(8, 784), torch.arange(8)
    settings = study_settings()
    profiles = {name: layer_statistics(make_model(4, d), x, y) for name, d in settings.items()}
    table = profile_table(profiles, "output_grad_norm")
    assert [row["layer"] for row in table] == [1, 2, 3, 4]
    for name, stats in profiles.items():
        layers = stats["layers"]
        # exact: the table copies the values
        assert [row[name] for row in table] == [r["output_grad_norm"] for r in layers]
        summary = profile_summary(stats)
        # exact: the same division of the same two floats
        assert (
            summary["grad_ratio"] == layers[0]["output_grad_norm"] / layers[3]["output_grad_norm"]
        )
        # exact: a copied value
        assert summary["last_hidden_std"] == layers[2]["activation_std"]
        # Layers 1, 2, 3 are tanh: two 50 -> 50 steps between them.
        std_steps = layers[2]["activation_std"] / layers[0]["activation_std"]
        assert summary["std_gain"] == pytest.approx(math.sqrt(std_steps))
        grad_steps = layers[0]["output_grad_norm"] / layers[2]["output_grad_norm"]
        assert summary["grad_gain"] == pytest.approx(math.sqrt(grad_steps))
    assert math.isnan(profile_summary(layer_statistics(MLP(2), x, y))["std_gain"])
    with pytest.raises(ValueError, match="key"):
        profile_table(profiles, "output")
    with pytest.raises(ValueError, match="same depth"):
        profile_table({"a": profiles["Xavier"], "b": layer_statistics(MLP(2), x, y)}, "loss")
    with pytest.raises(ValueError, match="stats"):
        profile_summary({})


def test_signal_scales_follow_the_variance_argument():
    """Hidden 50 -> 50 layers scale the activation spread by about sqrt(50 d^2 / 3)."""
    x, y = load_mnist("test")
    x, y = x[:256], y[:256]
    stats = layer_statistics(make_model(8, 0.1), x, y)
    stds = [row["activation_std"] for row in stats["layers"][:-1]]
    grads = [row["output_grad_norm"] for row in stats["layers"][:-1]]
    gain = math.sqrt(50 * 0.1**2 / 3)  # tanh is close to the identity at this scale
    assert all(b / a == pytest.approx(gain, rel=0.15) for a, b in itertools.pairwise(stds))
    assert all(a / b == pytest.approx(gain, rel=0.15) for a, b in itertools.pairwise(grads))


@pytest.mark.parametrize("d", [0.01, 0.1, 2.0, "xavier"])
def test_linear_regime_gain_matches_a_sampled_linear_layer(d):
    """Brute force: the std ratio of W h to h over many random 50x50 layers and inputs."""
    g = torch.Generator().manual_seed(0)
    model = MLP(3, 50)
    ratios = []
    for _ in range(200):
        init_uniform_(model, d, generator=g)
        h = torch.randn(64, 50, generator=g)
        ratios.append((model.layers[1](h).std() / h.std()).item())
    assert sum(ratios) / len(ratios) == pytest.approx(linear_regime_gain(d), rel=0.02)
    if d == "xavier":
        assert linear_regime_gain(d) == pytest.approx(1.0)


def test_layer_statistics_resolve_gradients_far_below_float32_squares():
    """d=0.01 at depth 16: gradients near the input are ~1e-24, their squares underflow."""
    x, y = torch.rand(16, 784, generator=torch.Generator().manual_seed(0)), torch.arange(16) % 10
    stats = layer_statistics(make_model(16, 0.01), x, y)
    _, _, out_grads, _ = _manual_statistics(make_model(16, 0.01), x, y)
    first = out_grads[0].double()
    assert 0 < first.abs().max() < 1e-19
    assert stats["layers"][0]["output_grad_norm"] == pytest.approx(first.norm().item(), rel=1e-6)


# -- defaults and argument checks ---------------------------------------------------------


def test_width_constant_is_the_single_default():
    assert (N_PIXELS, N_CLASSES, WIDTH) == (784, 10, 50)
    assert MLP(3).width == WIDTH
    assert make_model(3, 0.1).layers[0].out_features == WIDTH
    assert linear_regime_gain(0.1) == pytest.approx(math.sqrt(WIDTH * 0.1**2 / 3))


def test_numpy_scalars_are_accepted_and_bool_is_not():
    a = init_uniform_(MLP(2), np.float32(0.5), generator=torch.Generator().manual_seed(0))
    b = init_uniform_(MLP(2), 0.5, generator=torch.Generator().manual_seed(0))
    # exact: np.float32(0.5) is 0.5; same generator, same draws
    assert torch.equal(a.layers[0].weight, b.layers[0].weight)
    assert MLP(np.int64(3)).depth == 3
    with pytest.raises(TypeError, match="width"):
        MLP(3, True)
    with pytest.raises(TypeError, match="n_in"):
        xavier_bound(2.0, 3)
    with pytest.raises(ValueError, match="n_out"):
        xavier_bound(2, 0)


def test_bad_arguments_name_themselves():
    model = make_model(2, 0.1)
    x, y = torch.rand(4, 784), torch.arange(4)
    with pytest.raises(ValueError, match="x must be a floating"):
        model(torch.ones(4, 784, dtype=torch.int64))
    with pytest.raises(TypeError, match="model"):
        layer_statistics(torch.nn.Linear(784, 10), x, y)


# -- profile shape over layers --------------------------------------------------------------


def test_spread_and_rise_over_layers_match_all_pairs():
    """Oracle: max/min is the largest ratio over all pairs of layers; a strict rise
    towards the input means every lower layer beats every higher one."""
    generator = torch.Generator().manual_seed(0)
    x, y = (
        torch.rand(32, 784, generator=generator),
        torch.randint(0, 10, (32,), generator=generator),
    )
    profiles = [
        layer_statistics(make_model(5, d, seed=seed), x, y) for d in (0.1, 2.0) for seed in (0, 1)
    ]
    rng = np.random.default_rng(0)
    for values in ([3.0, 2.0, 1.0], [1.0, 2.0, 3.0], [2.0, 2.0, 1.0], rng.uniform(1, 9, 6)):
        layers = [{"weight_grad_norm": float(v), "activation_std": float(v)} for v in values]
        profiles.append({"layers": layers})
    outcomes = set()
    for stats in profiles:
        for key in ("weight_grad_norm", "activation_std"):
            values = [row[key] for row in stats["layers"]]
            pairs = list(itertools.permutations(values, 2))
            assert spread_over_layers(stats, key) == pytest.approx(max(a / b for a, b in pairs))
            oracle = all(
                values[i] > values[j] for i, j in itertools.combinations(range(len(values)), 2)
            )
            assert rises_towards_input(stats, key) == oracle
            outcomes.add(oracle)
    assert outcomes == {True, False}  # both answers were exercised
    with pytest.raises(ValueError, match="key"):
        spread_over_layers(profiles[0], "loss")
    with pytest.raises(ValueError, match="layers"):
        rises_towards_input({"layers": []})
