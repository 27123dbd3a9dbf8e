"""Tests for hw1.init_training, checked against direct computation, torch.optim and reruns."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from hw1.data import load_mnist
from hw1.init_study import MLP, layer_statistics, make_model, profile_summary
from hw1.init_training import (
    accuracy_and_loss,
    batch_indices,
    depth_sweep,
    epoch_overhead,
    over_seeds,
    sgd_step_,
    train,
    train_from_seed,
)


@pytest.fixture(scope="module")
def mnist_small():
    """2,000 training and 1,000 test digits: enough to learn, fast to train on."""
    train_images, train_labels = load_mnist("train")
    test_images, test_labels = load_mnist("test")
    return (train_images[:2000], train_labels[:2000]), (test_images[:1000], test_labels[:1000])


# -- training ----------------------------------------------------------------------------


def test_batch_indices_cover_every_example_once():
    batches = batch_indices(1000, 128, torch.Generator().manual_seed(0))
    assert [len(b) for b in batches] == [128] * 7 + [104]
    assert torch.equal(torch.cat(batches).sort().values, torch.arange(1000))


def test_accuracy_and_loss_match_direct_computation():
    model = make_model(3, "xavier")
    x, y = torch.rand(50, 784), torch.randint(0, 10, (50,))
    result = accuracy_and_loss(model, x, y, chunk=16)
    with torch.no_grad():
        logits = model(x)
    assert result["accuracy"] == pytest.approx((logits.argmax(1) == y).double().mean().item())
    assert result["loss"] == pytest.approx(F.cross_entropy(logits, y).item(), rel=1e-5)


def test_short_training_lifts_xavier_well_above_chance(mnist_small):
    train_data, test_data = mnist_small
    model = make_model(8, "xavier")
    before = accuracy_and_loss(model, *test_data)["accuracy"]
    history = train(model, epochs=3, lr=0.05, train_data=train_data, test_data=test_data)
    assert [h["epoch"] for h in history] == [1, 2, 3]
    assert before < 0.25
    assert history[-1]["test_accuracy"] > 0.6
    assert history[-1]["train_accuracy"] > 0.6
    assert history[-1]["loss"] < history[0]["loss"]
    # Recorded accuracies are the model's accuracy after the last epoch.
    # exact: a count of correct answers over N, by the same kernels on the same data
    assert history[-1]["test_accuracy"] == accuracy_and_loss(model, *test_data)["accuracy"]


def test_tiny_init_stays_at_chance(mnist_small):
    train_data, test_data = mnist_small
    history = train(make_model(8, 0.01), epochs=2, lr=0.05, train_data=train_data,
                    test_data=test_data)  # fmt: skip
    majority = test_data[1].bincount().max().item() / len(test_data[1])
    assert history[-1]["test_accuracy"] <= majority + 0.02


def test_training_is_reproducible(mnist_small):
    train_data, test_data = mnist_small
    small = (train_data[0][:500], train_data[1][:500])
    runs = [
        train(make_model(4, 0.1, seed=1), epochs=2, seed=3, train_data=small, test_data=test_data)
        for _ in range(2)
    ]
    # exact: the same seed runs the same kernels on the same data in one process
    assert runs[0] == runs[1]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"epochs": 0}, "epochs"), ({"lr": 0.0}, "lr"), ({"lr": -1}, "lr"),
     ({"batch_size": 0}, "batch_size")],
)  # fmt: skip
def test_train_bad_arguments_raise(kwargs, match, mnist_small):
    train_data, test_data = mnist_small
    with pytest.raises(ValueError, match=match):
        train(MLP(2), train_data=train_data, test_data=test_data, **kwargs)


def test_train_bad_data_raises():
    with pytest.raises(ValueError, match="train_data"):
        train(MLP(2), train_data=(torch.rand(5, 784), torch.zeros(4, dtype=torch.int64)),
              test_data=(torch.rand(5, 784), torch.zeros(5, dtype=torch.int64)))  # fmt: skip


def test_epoch_overhead_reports_consistent_times_and_leaves_model(mnist_small):
    (x, y), _ = mnist_small
    model = make_model(3, "xavier")
    before = [p.clone() for p in model.parameters()]
    result = epoch_overhead(model, x[:512], y[:512], repeats=1)
    assert result["epoch_s"] > 0 and result["compute_s"] > 0
    # exact: the same division of the same two floats
    assert result["ratio"] == result["epoch_s"] / result["compute_s"]
    for p, q in zip(model.parameters(), before, strict=True):
        # exact: the same parameters, never changed or changed by the same kernels
        assert torch.equal(p, q)


def test_depth_sweep_rows_match_separate_runs(mnist_small):
    (x, y), test_data = mnist_small
    train_data = (x[:600], y[:600])
    batch = (test_data[0][:64], test_data[1][:64])
    settings = {"Xavier": "xavier", "d=0.1": 0.1}
    rows = depth_sweep(
        [1, 3], settings, *batch, seeds=[4, 5], train_epochs=1, train_data=train_data,
        test_data=test_data,
    )  # fmt: skip
    assert [(r["setting"], r["depth"], r["seed"]) for r in rows] == [
        (name, depth, seed) for name in settings for depth in (1, 3) for seed in (4, 5)
    ]
    for row in rows:
        d = settings[row["setting"]]
        stats = layer_statistics(make_model(row["depth"], d, seed=row["seed"]), *batch)
        # exact: same model, same batch, same kernels
        assert row["loss"] == stats["loss"]
        # exact: same model, same batch, same kernels
        assert row["grad_ratio"] == profile_summary(stats)["grad_ratio"]
        _, history = train_from_seed(
            row["depth"], d, row["seed"], epochs=1, train_data=train_data, test_data=test_data
        )
        # exact: the same seeded run repeated in one process
        assert row["test_accuracy"] == history[-1]["test_accuracy"]
    profiled = depth_sweep([2], settings, *batch, seeds=[4])
    assert "test_accuracy" not in profiled[0]
    with pytest.raises(ValueError, match="train_epochs"):
        depth_sweep([3], settings, *batch, train_epochs=-1)
    with pytest.raises(ValueError, match="non-empty"):
        depth_sweep([], settings, *batch)
    with pytest.raises(ValueError, match="non-empty"):
        depth_sweep([3], settings, *batch, seeds=[])


# -- seeds ---------------------------------------------------------------------------------


def test_seeds_differ_and_one_seed_repeats_exactly(mnist_small):
    """A seed fixes the weights and the batch order: same seed, same run; new seed, new run."""
    (x, y), test_data = mnist_small
    train_data = (x[:1000], y[:1000])
    kwargs = {"epochs": 2, "lr": 0.05, "train_data": train_data, "test_data": test_data}
    model_a, history_a = train_from_seed(4, "xavier", 1, **kwargs)
    model_b, history_b = train_from_seed(4, "xavier", 1, **kwargs)
    _, history_c = train_from_seed(4, "xavier", 2, **kwargs)
    # exact: the same seed runs the same kernels on the same data
    assert history_a == history_b
    for pa, pb in zip(model_a.parameters(), model_b.parameters(), strict=True):
        # exact: the same seed runs the same kernels on the same data
        assert torch.equal(pa, pb)
    for key in ("loss", "train_accuracy", "test_loss", "test_accuracy"):
        # exact: other seeds give other runs; equality would be a coincidence
        assert [r[key] for r in history_a] != [r[key] for r in history_c]
    # exact: other seeds give other runs; equality would be a coincidence
    assert history_a[0]["loss"] != history_c[0]["loss"]


def test_seed_sets_both_the_weights_and_the_batch_order(mnist_small):
    (x, y), test_data = mnist_small
    train_data = (x[:500], y[:500])
    kwargs = {"epochs": 1, "train_data": train_data, "test_data": test_data}
    model, history = train_from_seed(3, 0.1, 7, **kwargs)
    reference = make_model(3, 0.1, seed=7)
    # exact: the same weights and batch order, the same kernels
    assert history == train(reference, seed=7, **kwargs)
    for p, q in zip(model.parameters(), reference.parameters(), strict=True):
        # exact: the same parameters, never changed or changed by the same kernels
        assert torch.equal(p, q)
    # Same weights, other batch order: another run.
    # exact: another batch order; equality would be a coincidence
    assert history != train(make_model(3, 0.1, seed=7), seed=8, **kwargs)


def test_over_seeds_matches_numpy():
    rng = np.random.default_rng(0)
    values = rng.normal(size=(3, 4))  # 3 seeds, 4 epochs
    histories = [
        [{"epoch": e + 1, "acc": float(values[s, e]), "other": "x"} for e in range(4)]
        for s in range(3)
    ]
    rows = over_seeds([r for h in histories for r in h], ["acc"], by=["epoch"])
    assert [r["epoch"] for r in rows] == [1, 2, 3, 4]
    assert all(r["seeds"] == 3 for r in rows)
    np.testing.assert_allclose([r["acc_mean"] for r in rows], values.mean(axis=0), rtol=1e-12)
    # exact: min and max select one of the values
    np.testing.assert_array_equal([r["acc_min"] for r in rows], values.min(axis=0))
    # exact: max selects one of the values
    np.testing.assert_array_equal([r["acc_max"] for r in rows], values.max(axis=0))
    with pytest.raises(ValueError, match="at least one"):
        over_seeds([], ["acc"], by=["epoch"])
    with pytest.raises(ValueError, match="lacks"):
        over_seeds([{"epoch": 1}], ["acc"], by=["epoch"])
    with pytest.raises(ValueError, match="same number"):
        over_seeds(histories[0] + histories[1][:2], ["acc"], by=["epoch"])
    with pytest.raises(TypeError, match="records"):
        over_seeds([3], ["acc"], by=["epoch"])


def test_train_eval_size_scores_a_fixed_sample(mnist_small):
    (x, y), test_data = mnist_small
    train_data = (x[:400], y[:400])
    model_a = make_model(2, "xavier", seed=1)
    model_b = make_model(2, "xavier", seed=1)
    full = train(model_a, epochs=1, train_data=train_data, test_data=test_data)
    sampled = train(model_b, epochs=1, train_data=train_data, test_data=test_data,
                    train_eval_size=100)  # fmt: skip
    # Training itself is unchanged; only the scored rows differ.
    # exact: training is the same run; only the scoring differs
    assert sampled[0]["loss"] == full[0]["loss"]
    # exact: the same run, scored on the same test set
    assert sampled[0]["test_accuracy"] == full[0]["test_accuracy"]
    sample = torch.randperm(400, generator=torch.Generator().manual_seed(0))[:100]
    expected = accuracy_and_loss(model_b, x[sample], y[sample])
    # exact: the same kernels on the same rows
    assert sampled[0]["train_accuracy"] == expected["accuracy"]
    # exact: the same kernels on the same rows
    assert sampled[0]["train_loss"] == expected["loss"]
    with pytest.raises(ValueError, match="train_eval_size"):
        train(make_model(2, 0.1), train_data=train_data, test_data=test_data, train_eval_size=401)
    with pytest.raises(TypeError, match="train_eval_size"):
        train(make_model(2, 0.1), train_data=train_data, test_data=test_data, train_eval_size=1.5)


def test_sgd_step_matches_torch_optim_sgd():
    model = make_model(3, "xavier", seed=4)
    reference = make_model(3, "xavier", seed=4)
    optimizer = torch.optim.SGD(reference.parameters(), lr=0.3)
    g = torch.Generator().manual_seed(1)
    for _ in range(3):
        x, y = torch.rand(16, 784, generator=g), torch.randint(0, 10, (16,), generator=g)
        loss = sgd_step_(model, x, y, lr=0.3)
        optimizer.zero_grad()
        expected = F.cross_entropy(reference(x), y)
        expected.backward()
        optimizer.step()
        torch.testing.assert_close(loss, expected.detach())
    for p, q in zip(model.parameters(), reference.parameters(), strict=True):
        torch.testing.assert_close(p, q)
        assert p.grad is None


def test_train_can_skip_the_train_set_evaluation(mnist_small):
    train_data, test_data = mnist_small
    small = (train_data[0][:300], train_data[1][:300])
    full = train(make_model(2, 0.1), epochs=1, train_data=small, test_data=test_data)
    lean = train(make_model(2, 0.1), epochs=1, train_data=small, test_data=test_data,
                 evaluate_train=False)  # fmt: skip
    assert set(full[0]) - set(lean[0]) == {"train_accuracy", "train_loss"}
    # exact: the same seeded run repeated in one process
    assert {k: full[0][k] for k in lean[0]} == lean[0]


def test_training_arguments_name_themselves():
    model = make_model(2, 0.1)
    x, y = torch.rand(4, 784), torch.arange(4)
    with pytest.raises(TypeError, match="lr"):
        sgd_step_(model, x, y, lr="0.1")
    with pytest.raises(ValueError, match="lr"):
        sgd_step_(model, x, y, lr=-0.1)
    with pytest.raises(ValueError, match="chunk"):
        accuracy_and_loss(model, x, y, chunk=0)
    with pytest.raises(ValueError, match="at least one"):
        accuracy_and_loss(model, x[:0], y[:0])
    with pytest.raises(ValueError, match="labels"):
        accuracy_and_loss(model, x, y.float())
    with pytest.raises(TypeError, match="seed"):
        train_from_seed(2, 0.1, 1.0, train_data=(x, y), test_data=(x, y))
    with pytest.raises(ValueError, match="test_data"):
        train(model, train_data=(x, y), test_data=(x, y.float()))
