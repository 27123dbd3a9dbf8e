"""
Data overview: Boston house prices and MNIST
============================================

Questions 1(d) and 4 train on two classic data sets. The MNIST files ship inside the
``hw1`` package; the Boston table comes from the copy that the installed ``mlxtend``
package ships. Neither needs a network, so this page, like the rest of the site, was
built without one. The :ref:`data page <data-page>` explains where they come from and
why scikit-learn dropped the Boston table.

Every sentence below that depends on this run's numbers is checked by an ``assert``
when the site is built, so a build in which it is false fails; the checks are hidden
from this page but can be read in the downloadable ``.py`` file (bottom of the page) and
in the repository (``gallery/plot_00_data_overview.py``).
"""

# %%
# Boston house prices
# -------------------
# :func:`hw1.data.load_boston` returns the original 506 x 13 table with its target,
# MEDV (median home value in $1000s). A summary of each column shows how different
# their scales are.
import numpy as np

from hw1.data import feature_summary, load_boston, load_mnist
from hw1.plotting import image_grid
from hw1.report import table

boston = load_boston()
print(f"data {boston.data.shape}, target {boston.target.shape}")
summary = feature_summary(boston.data, boston.feature_names)
table(summary, formats=".3g")

# %%
# The target, MEDV, in $1000s.
table(feature_summary(boston.target[:, None], ["MEDV"]), formats=".3g")
# sphinx_gallery_start_ignore
stds = np.array([row["std"] for row in summary])
assert stds.max() / stds.min() > 1e3, "column standard deviations span over 3 orders"
extremes = (summary[stds.argmin()]["feature"], summary[stds.argmax()]["feature"])
assert extremes == ("NOX", "TAX"), "the smallest std is NOX's, the largest TAX's"
# sphinx_gallery_end_ignore

# %%
# The standard deviations of the columns span more than three orders of magnitude
# (``NOX`` against ``TAX``), which is why Question 1(d) standardises the features
# (:func:`hw1.data.standardize`) before training.
#
# MNIST
# -----
# :func:`hw1.data.load_mnist` verifies each shipped file's MD5 sum, then returns
# float images flattened to 784 values in [0, 1] and integer labels.
train_images, train_labels = load_mnist("train")
test_images, test_labels = load_mnist("test")
print(
    f"train: images {tuple(train_images.shape)} {train_images.dtype}, "
    f"labels {tuple(train_labels.shape)} {train_labels.dtype}"
)
print(f"test:  images {tuple(test_images.shape)}, labels {tuple(test_labels.shape)}")

# %%
# Digits per class, and each class's share of the test set.
train_counts = train_labels.bincount(minlength=10).tolist()
test_counts = test_labels.bincount(minlength=10).tolist()
table(
    [
        {"digit": digit, "train": n_train, "test": n_test, "test share": n_test / len(test_labels)}
        for digit, (n_train, n_test) in enumerate(zip(train_counts, test_counts, strict=True))
    ],
    formats={"test share": ".2%"},
)

# %%
# The first 30 training digits, each titled with its label.
image_grid(train_images[:30], train_labels[:30], ncols=10)
