"""
Question 4: initialising a deep tanh network for MNIST
======================================================

Question 4 asks how the scale of the initial weights of an 8-layer tanh network decides
whether signals survive the trip through it: forward (the activations) and backward
(the gradients), before and after 5 epochs of SGD on MNIST. The weights are drawn from
:math:`\\mathcal{U}(-d, d)` for :math:`d = 0.01, 0.1, 2.0` and for the Xavier bound
:math:`d_\\ell = \\sqrt{6 / (n_{\\text{in}} + n_{\\text{out}})}`, chosen layer by layer.
The :ref:`derivation page <q4-derivation>` predicts, from how variances propagate,
what each setting should do; this example measures it. Every number below, including
those quoted in the closing paragraph, comes from this run.
"""

# %%
# (a) The model
# -------------
# :class:`hw1.init_study.MLP` stacks ``depth`` linear layers in an ``nn.ModuleList``
# with tanh between them. **Depth counts linear layers**, so depth 8 is
# 784 -> 50, six times 50 -> 50, then 50 -> 10: 8 weight matrices, 7 tanh layers and
# 10 logits.
import textwrap

import matplotlib.pyplot as plt

from hw1.data import load_mnist
from hw1.init_study import (
    MLP,
    depth_sweep,
    layer_bounds,
    layer_statistics,
    linear_regime_gain,
    make_model,
    profile_summary,
    profile_table,
    study_settings,
    train,
)
from hw1.report import format_table

DEPTH = 8
net = MLP(DEPTH)
print(net)
print("parameters:", sum(p.numel() for p in net.parameters()))

# %%
# (b) Four initialisations
# ------------------------
# :func:`hw1.init_study.init_uniform_` draws every weight from :math:`\mathcal{U}(-d, d)`
# with ``torch.nn.init`` and sets every bias to zero. For ``"xavier"`` each layer gets
# its own bound, so the first layer (784 inputs) gets a much narrower interval than
# the 50 -> 50 layers. :func:`hw1.init_study.make_model` builds and initialises a model
# from a seeded generator, so every run starts from the same weights.
settings = study_settings()
bounds = {name: layer_bounds(net, d) for name, d in settings.items()}
rows = [
    {"layer": i + 1, "shape": f"{layer.out_features}x{layer.in_features}"}
    | {name: b[i] for name, b in bounds.items()}
    for i, layer in enumerate(net.layers)
]
print(format_table(rows, floatfmt=".4f"))

# %%
# (c) One minibatch through the untrained networks
# ------------------------------------------------
# The first 256 test digits go forward and backward once through each network, with
# the cross-entropy loss. :func:`hw1.init_study.layer_statistics` records, per layer,
# the mean and standard deviation of the layer's output, the norm of the gradient of
# the loss with respect to that output (kept with ``retain_grad``) and the norm of the
# gradient with respect to the layer's weights.
train_images, train_labels = load_mnist("train")
test_images, test_labels = load_mnist("test")
batch = (test_images[:256], test_labels[:256])

untrained = {name: layer_statistics(make_model(DEPTH, d), *batch) for name, d in settings.items()}
for key in ("activation_mean", "activation_std", "output_grad_norm", "weight_grad_norm"):
    print(f"\n{key} (layer {DEPTH} is the logits)")
    print(format_table(profile_table(untrained, key), floatfmt=".3e"))
print("\nloss at initialisation:", {n: round(s["loss"], 4) for n, s in untrained.items()})

# %%
# How much does one 50 -> 50 layer scale the signal? The derivation page predicts
# :math:`\sqrt{50 \, d^2 / 3}` while tanh is close to the identity
# (:func:`hw1.init_study.linear_regime_gain`); :func:`hw1.init_study.profile_summary`
# measures the factor as a geometric mean over layers 2 to 7, for the activation spread
# going up and for the gradient norm going down.
summary = {name: profile_summary(stats) for name, stats in untrained.items()}
print(
    format_table(
        [
            {
                "setting": name,
                "predicted (linear regime)": linear_regime_gain(d),
                "measured: spread, up": summary[name]["std_gain"],
                "measured: gradient, down": summary[name]["grad_gain"],
            }
            for name, d in settings.items()
        ],
        floatfmt=".3f",
    )
)

# %%
# For :math:`d = 0.01`, :math:`0.1` and Xavier the prediction holds (Xavier's factor is
# a little under 1 because tanh compresses). For :math:`d = 2.0` it does not apply:
# the units are saturated, so the spread is pinned near 1 and cannot grow, while the
# gradient grows by the smaller factor that the derivation page estimates for
# saturated units.

# %%
# The mean activation is close to zero for every setting: weights are symmetric about
# zero, so positive and negative units cancel. What tells the settings apart is the
# *spread*, so its panel is drawn beside the mean (log scale). The post-activation
# panels show the 7 tanh layers; the gradient panels include the logits (layer 8).
COLOURS = dict(zip(settings, ["tab:blue", "tab:orange", "tab:red", "tab:green"], strict=True))
MARKERS = dict(zip(settings, ["s", "o", "^", "D"], strict=True))
PANELS = [
    ("activation_mean", "mean post-activation", "linear", True),
    ("activation_std", "std of post-activation", "log", True),
    ("output_grad_norm", "‖dL/d(layer output)‖", "log", False),
    ("weight_grad_norm", "‖dL/dW‖", "log", False),
]


def draw_profiles(axes, profiles, title):
    for ax, (key, label, scale, hidden_only) in zip(axes, PANELS, strict=True):
        for name, stats in profiles.items():
            layers = stats["layers"][:-1] if hidden_only else stats["layers"]
            ax.plot(
                [r["layer"] for r in layers],
                [r[key] for r in layers],
                marker=MARKERS[name],
                color=COLOURS[name],
                label=name,
            )
        ax.set_yscale(scale)
        ax.set_xlabel("layer")
        ax.set_ylabel(label)
        ax.set_title(f"{title}: {label}", fontsize=9)
        ax.set_xticks(range(1, DEPTH if hidden_only else DEPTH + 1))
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8)


fig, axes = plt.subplots(1, 4, figsize=(15, 3.6))
draw_profiles(axes, untrained, "untrained")
fig.tight_layout()

# %%
# (d) Five epochs of SGD
# ----------------------
# :func:`hw1.init_study.train` runs plain SGD (:func:`hw1.init_study.sgd_step_`,
# learning rate 0.01, batches of 128) on the 60,000 training digits, held as tensors
# and indexed per batch, and after every epoch measures accuracy on the whole training
# and test sets under ``torch.inference_mode``.
models = {name: make_model(DEPTH, d) for name, d in settings.items()}
histories = {
    name: train(model, epochs=5, train_data=(train_images, train_labels),
                test_data=(test_images, test_labels))
    for name, model in models.items()
}  # fmt: skip
print(
    format_table(
        [{"setting": name} | record for name, history in histories.items() for record in history],
        ["setting", "epoch", "loss", "train_accuracy", "test_accuracy"],
        floatfmt=".4f",
    )
)

fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), sharey=True)
for ax, key in zip(axes, ["train_accuracy", "test_accuracy"], strict=True):
    for name, history in histories.items():
        ax.plot(
            [r["epoch"] for r in history],
            [r[key] for r in history],
            marker=MARKERS[name],
            color=COLOURS[name],
            label=name,
        )
    ax.axhline(0.1, color="grey", lw=0.8, ls="--")
    ax.set_xlabel("epoch")
    ax.set_title(key.replace("_", " "))
    ax.set_xticks(range(1, 6))
    ax.grid(alpha=0.3)
axes[0].set_ylabel("accuracy (dashed: chance)")
axes[0].set_ylim(0, 1)
axes[0].annotate("d=0.01 and d=0.1 coincide", (3, 0.11), (2.3, 0.025), fontsize=8,
                 arrowprops={"arrowstyle": "->", "lw": 0.8})  # fmt: skip
axes[0].legend(fontsize=8)
fig.tight_layout()

# %%
# The same minibatch through the trained networks, beside the untrained ones (top row
# repeated from (c); each column shares its y axis).
trained = {name: layer_statistics(model, *batch) for name, model in models.items()}
for key in ("activation_std", "output_grad_norm"):
    print(f"\n{key} after training")
    print(format_table(profile_table(trained, key), floatfmt=".3e"))

fig, axes = plt.subplots(2, 4, figsize=(15, 6.6), sharey="col")
draw_profiles(axes[0], untrained, "untrained")
draw_profiles(axes[1], trained, "after 5 epochs")
fig.tight_layout()

# %%
# (e) Depth
# ---------
# :func:`hw1.init_study.depth_sweep` builds each setting at depths 2, 4, 8 and 16,
# profiles the same minibatch at initialisation and, for Xavier and the small
# :math:`d = 0.1`, trains for 2 epochs and scores the test set (the depth-8 runs reuse
# the first 2 epochs of (d); training is deterministic, so that is the same as training
# them again). Two epochs keep the whole example within its time budget; they are
# enough to separate the depths.
# ``grad_ratio`` is the gradient norm at the first layer's output divided by that at
# the logits: far below 1, the gradient vanishes on its way down; far above 1, it
# grows.
DEPTHS = [2, 4, 8, 16]
SWEEP_EPOCHS = 2
trained_sweep = depth_sweep(
    DEPTHS,
    {"Xavier": settings["Xavier"], "d=0.1": settings["d=0.1"]},
    *batch,
    train_epochs=SWEEP_EPOCHS,
    train_data=(train_images, train_labels),
    test_data=(test_images, test_labels),
    histories={(name, DEPTH): histories[name] for name in ("Xavier", "d=0.1")},
)
profile_sweep = depth_sweep(
    DEPTHS, {"d=0.01": settings["d=0.01"], "d=2.0": settings["d=2.0"]}, *batch
)
SWEEP_COLUMNS = ["setting", "depth", "loss", "last_hidden_std", "grad_ratio", "grad_gain"]
print(format_table(trained_sweep, [*SWEEP_COLUMNS, "test_accuracy"], floatfmt=".3g"))
print()
print(format_table(profile_sweep, SWEEP_COLUMNS, floatfmt=".3g"))

sweep = {(r["setting"], r["depth"]): r for r in trained_sweep + profile_sweep}
fig, axes = plt.subplots(1, 3, figsize=(13, 3.6))
for name in settings:
    style = {"marker": MARKERS[name], "color": COLOURS[name], "label": name}
    axes[0].plot(DEPTHS, [sweep[name, k]["grad_ratio"] for k in DEPTHS], **style)
    axes[1].plot(DEPTHS, [sweep[name, k]["last_hidden_std"] for k in DEPTHS], **style)
    if "test_accuracy" in sweep[name, DEPTHS[0]]:
        axes[2].plot(DEPTHS, [sweep[name, k]["test_accuracy"] for k in DEPTHS], **style)
axes[0].set(yscale="log", ylabel="grad norm layer 1 / logits", title="gradient at the input end")
axes[1].set(yscale="log", ylabel="std", title="spread of the last tanh layer")
axes[2].set(ylabel="test accuracy", title=f"after {SWEEP_EPOCHS} epochs", ylim=(0, 1))
axes[2].axhline(0.1, color="grey", lw=0.8, ls="--")
for ax in axes:
    ax.set_xscale("log", base=2)
    ax.set_xticks(DEPTHS, [str(k) for k in DEPTHS])
    ax.minorticks_off()
    ax.set_xlabel("depth (linear layers)")
    ax.grid(alpha=0.3)
axes[0].legend(fontsize=8)
axes[2].legend(fontsize=8)
fig.tight_layout()

# %%
# Findings
# --------
# The paragraph below is assembled from this run's results (see the source), so its
# numbers always match the tables above. The :ref:`derivation page <q4-derivation>`
# explains the mechanisms it names.
final = {name: history[-1] for name, history in histories.items()}
after = {name: profile_summary(stats) for name, stats in trained.items()}


def pct(x):
    return f"{100 * x:.1f}%"


findings = (
    # Activations and gradients at initialisation, depth 8.
    f"At depth {DEPTH} the weight scale decides the outcome before training starts. "
    f"With d=0.01 and d=0.1 every 50->50 layer shrinks both signals, by a measured "
    f"{summary['d=0.01']['std_gain']:.3f} and {summary['d=0.1']['std_gain']:.2f} per "
    f"layer: the last tanh layer's spread is "
    f"{summary['d=0.01']['last_hidden_std']:.0e} and "
    f"{summary['d=0.1']['last_hidden_std']:.0e}, and the gradient reaching the first "
    f"layer is {summary['d=0.01']['grad_ratio']:.0e} and "
    f"{summary['d=0.1']['grad_ratio']:.0e} times the one at the logits. "
    # Convergence.
    f"Neither network learns: after 5 epochs both give "
    f"{pct(final['d=0.01']['test_accuracy'])} and "
    f"{pct(final['d=0.1']['test_accuracy'])} test accuracy, the share of the most "
    f"common digit; d=0.01's first layer has not even moved (output spread "
    f"{untrained['d=0.01']['layers'][0]['activation_std']:.4f} before training, "
    f"{trained['d=0.01']['layers'][0]['activation_std']:.4f} after). "
    f"With d=2.0 the units saturate (spread {summary['d=2.0']['last_hidden_std']:.2f}) "
    f"and the gradient grows downwards by {summary['d=2.0']['grad_gain']:.1f} per "
    f"layer, {summary['d=2.0']['grad_ratio']:.0f} times larger at the first layer than "
    f"at the logits; the initial loss is {untrained['d=2.0']['loss']:.1f} instead of "
    f"ln 10 = 2.3 and SGD stalls at {pct(final['d=2.0']['test_accuracy'])}. Xavier "
    f"keeps both signals at one scale (per-layer factors "
    f"{summary['Xavier']['std_gain']:.2f} and {summary['Xavier']['grad_gain']:.2f}) and "
    f"reaches {pct(final['Xavier']['test_accuracy'])} test accuracy "
    f"({pct(final['Xavier']['train_accuracy'])} train), with a last-layer spread that "
    f"grew from {summary['Xavier']['last_hidden_std']:.2f} to "
    f"{after['Xavier']['last_hidden_std']:.2f} as it learned. "
    # Depth.
    f"Depth raises the per-layer factors to a power: d=0.1 learns at depth 2 "
    f"({pct(sweep['d=0.1', 2]['test_accuracy'])} after {SWEEP_EPOCHS} epochs), more "
    f"slowly at depth 4 ({pct(sweep['d=0.1', 4]['test_accuracy'])}) and not at all at "
    f"8 or 16 ({pct(sweep['d=0.1', 8]['test_accuracy'])} and "
    f"{pct(sweep['d=0.1', 16]['test_accuracy'])}), where its gradient ratio "
    f"falls to {sweep['d=0.1', 16]['grad_ratio']:.0e}; for d=2.0 the ratio climbs from "
    f"{sweep['d=2.0', 2]['grad_ratio']:.1f} at depth 2 to "
    f"{sweep['d=2.0', 16]['grad_ratio']:.0e} at depth 16. Xavier stays between "
    f"{min(sweep['Xavier', k]['grad_ratio'] for k in DEPTHS):.2f} and "
    f"{max(sweep['Xavier', k]['grad_ratio'] for k in DEPTHS):.2f} and trains equally "
    f"well at every depth ({', '.join(pct(sweep['Xavier', k]['test_accuracy']) for k in DEPTHS)}). "
    # Glorot and Bengio.
    f"This is Glorot and Bengio's (2010) point: a layer preserves the variance of the "
    f"activations when n_in Var(w) = 1 and that of the back-propagated gradients when "
    f"n_out Var(w) = 1, and Var(w) = 2/(n_in + n_out) meets both as nearly as the layer "
    f"sizes allow, so in the near-linear range of tanh the signals neither die out nor "
    f"blow up, however many layers are stacked; a scale far too large fails differently, "
    f"by saturating the units."
)
print(textwrap.fill(findings, width=88))
