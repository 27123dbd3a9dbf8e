"""The shipped data sets: shapes, known facts from their publications, and integrity checks."""

import gzip
import shutil
import statistics

import numpy as np
import pytest
import torch
from sklearn.preprocessing import StandardScaler

from hw1.data import (
    MNIST_DIR,
    MNIST_MD5,
    DataIntegrityError,
    boston_split,
    feature_summary,
    load_boston,
    load_mnist,
    split_indices,
    standardize,
)

# Published facts, from shared/data/mnist/README.md.
TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
FIRST_TRAIN = [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
FIRST_TEST = [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]


@pytest.mark.parametrize(
    ("split", "n", "counts", "first"),
    [("train", 60000, TRAIN_COUNTS, FIRST_TRAIN), ("test", 10000, TEST_COUNTS, FIRST_TEST)],
)
def test_mnist_split_matches_published_facts(split, n, counts, first):
    images, labels = load_mnist(split)
    assert images.shape == (n, 784)
    assert images.dtype == torch.float32
    assert labels.shape == (n,)
    assert labels.dtype == torch.int64
    # exact: 0/255 and 255/255 are exactly 0 and 1, and min/max only select
    assert images.min() == 0.0
    assert images.max() == 1.0
    assert labels.bincount(minlength=10).tolist() == counts
    assert labels[:10].tolist() == first


def test_mnist_pixels_are_bytes_over_255():
    images, _ = load_mnist("test")
    levels = images * 255.0
    # exact: one division and one multiplication per pixel, each correctly rounded the same
    # way on every CPU; for all 256 bytes b, (b / 255) * 255 rounds back to b in float32
    assert torch.equal(levels, levels.round())


def test_mnist_returns_fresh_tensors_each_call():
    images, labels = load_mnist("test")
    images.zero_()
    labels.fill_(-1)
    again_images, again_labels = load_mnist("test")
    assert again_images.max() == 1.0  # exact: 255/255, selected by max
    assert again_labels.min() == 0


def test_mnist_unknown_split_names_the_argument():
    with pytest.raises(ValueError, match="split must be one of"):
        load_mnist("validation")
    with pytest.raises(TypeError, match="split must be a str"):
        load_mnist(0)


@pytest.fixture
def mnist_copy(tmp_path):
    for name in MNIST_MD5:
        shutil.copy(MNIST_DIR / f"{name}.gz", tmp_path / f"{name}.gz")
    return tmp_path


def test_mnist_copy_loads_like_the_original(mnist_copy):
    images, labels = load_mnist("test", root=mnist_copy)
    assert labels.bincount().tolist() == TEST_COUNTS
    assert images.shape == (10000, 784)


def test_mnist_missing_file_names_file_and_checksum(mnist_copy):
    (mnist_copy / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(FileNotFoundError) as info:
        load_mnist("test", root=mnist_copy)
    assert "t10k-labels-idx1-ubyte.gz" in str(info.value)
    assert MNIST_MD5["t10k-labels-idx1-ubyte"] in str(info.value)


def test_mnist_altered_content_is_refused(mnist_copy):
    path = mnist_copy / "t10k-labels-idx1-ubyte.gz"
    raw = bytearray(gzip.decompress(path.read_bytes()))
    raw[100] = (raw[100] + 1) % 10  # one label changed, still a valid IDX file
    path.write_bytes(gzip.compress(bytes(raw)))
    with pytest.raises(DataIntegrityError) as info:
        load_mnist("test", root=mnist_copy)
    assert "t10k-labels-idx1-ubyte.gz" in str(info.value)
    assert MNIST_MD5["t10k-labels-idx1-ubyte"] in str(info.value)


def test_mnist_damaged_gzip_is_refused(mnist_copy):
    path = mnist_copy / "t10k-images-idx3-ubyte.gz"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(DataIntegrityError) as info:
        load_mnist("test", root=mnist_copy)
    assert "t10k-images-idx3-ubyte.gz" in str(info.value)
    assert MNIST_MD5["t10k-images-idx3-ubyte"] in str(info.value)


def test_boston_matches_the_original_table():
    boston = load_boston()
    assert boston.data.shape == (506, 13)
    assert boston.data.dtype == np.float64
    assert boston.target.shape == (506,)
    assert list(boston.feature_names) == [
        "CRIM", "ZN", "INDUS", "CHAS", "NOX", "RM", "AGE",
        "DIS", "RAD", "TAX", "PTRATIO", "B", "LSTAT",
    ]  # fmt: skip
    # First tract of Harrison & Rubinfeld's table, as printed in the 1978 data.
    first = [0.00632, 18.0, 2.31, 0.0, 0.538, 6.575, 65.2, 4.09, 1.0, 296.0, 15.3, 396.9, 4.98]
    np.testing.assert_allclose(boston.data[0], first)
    # exact: values read from the table, no arithmetic; 24 and 50 are representable
    assert boston.target[0] == 24.0
    assert boston.target.max() == 50.0  # MEDV is censored at $50,000
    assert "1.2" in boston.DESCR
    assert "B" in boston.DESCR


def test_feature_summary_matches_a_plain_loop():
    boston = load_boston()
    summary = feature_summary(boston.data, boston.feature_names)
    assert [row["feature"] for row in summary] == list(boston.feature_names)
    for j, row in enumerate(summary):
        column = [float(v) for v in boston.data[:, j]]
        assert row["mean"] == pytest.approx(statistics.fmean(column))
        assert row["std"] == pytest.approx(statistics.pstdev(column))
        assert row["min"] == min(column)  # exact: min and max select, no arithmetic
        assert row["max"] == max(column)


def test_feature_summary_rejects_bad_input():
    with pytest.raises(ValueError, match="data"):
        feature_summary(np.zeros(3), ["a"])
    with pytest.raises(ValueError, match="names"):
        feature_summary(np.zeros((3, 2)), ["a"])


# -- Boston, prepared for Question 1(d) ----------------------------------------------------


def test_split_indices_partition_and_reproducibility():
    train, test = split_indices(506, 0.2, seed=0)
    assert len(test) == 101 and len(train) == 405
    assert torch.equal(torch.cat([train, test]).sort().values, torch.arange(506))
    again = split_indices(506, 0.2, seed=0)
    assert torch.equal(train, again[0]) and torch.equal(test, again[1])
    assert not torch.equal(test, split_indices(506, 0.2, seed=1)[1])
    # Numpy scalars are numbers too.
    assert torch.equal(split_indices(np.int64(506), np.float32(0.2), seed=np.int64(0))[1], test)


def test_split_indices_rejects_bad_arguments():
    with pytest.raises(ValueError, match="test_fraction must be < 1"):
        split_indices(10, 1.0)
    with pytest.raises(ValueError, match="test_fraction must be > 0"):
        split_indices(10, 0.0)
    with pytest.raises(ValueError, match="n must be >= 2"):
        split_indices(1)
    with pytest.raises(TypeError, match="test_fraction must be a real number"):
        split_indices(10, "0.2")
    with pytest.raises(TypeError, match="seed must be an int"):
        split_indices(10, seed=None)


def test_standardize_uses_training_statistics_like_scikit_learn():
    g = torch.Generator().manual_seed(9)
    train = torch.randn(30, 4, generator=g, dtype=torch.float64) * 5 + 2
    test = torch.randn(7, 4, generator=g, dtype=torch.float64)
    train_z, test_z = standardize(train, test)
    scaler = StandardScaler().fit(train.numpy())
    np.testing.assert_allclose(train_z.numpy(), scaler.transform(train.numpy()), rtol=1e-12)
    np.testing.assert_allclose(test_z.numpy(), scaler.transform(test.numpy()), rtol=1e-12)


def test_standardize_only_centres_a_constant_column():
    train = torch.tensor([[1.0, 3.0], [2.0, 3.0], [3.0, 3.0]], dtype=torch.float64)
    (train_z,) = standardize(train)
    assert torch.equal(train_z[:, 1], torch.zeros(3, dtype=torch.float64))


def test_standardize_rejects_bad_tables():
    train = torch.zeros(5, 3, dtype=torch.float64)
    with pytest.raises(ValueError, match=r"others\[0\] must have shape \(M, 3\)"):
        standardize(train, torch.zeros(2, 2, dtype=torch.float64))
    with pytest.raises(ValueError, match=r"train must have shape \(N, F\)"):
        standardize(torch.zeros(5, dtype=torch.float64))
    with pytest.raises(ValueError, match="train must be a floating-point tensor"):
        standardize(torch.zeros(5, 3, dtype=torch.int64))
    with pytest.raises(TypeError, match=r"train must be a torch\.Tensor"):
        standardize(np.zeros((5, 3)))


def test_boston_split_is_the_raw_table_scaled_by_training_statistics():
    boston = load_boston()
    data = boston_split(seed=0)
    train, test = split_indices(506, 0.2, seed=0)
    scaler = StandardScaler().fit(boston.data[train.numpy()])
    np.testing.assert_allclose(
        data["X_test"].numpy(), scaler.transform(boston.data[test.numpy()]), rtol=1e-10
    )
    # exact: the same float64 targets, selected with no arithmetic
    np.testing.assert_array_equal(data["y_train"].numpy(), boston.target[train.numpy()])
    np.testing.assert_array_equal(data["y_test"].numpy(), boston.target[test.numpy()])
    assert boston_split(seed=0, dtype=torch.float32)["X_train"].dtype == torch.float32


def test_boston_split_rejects_bad_arguments():
    with pytest.raises(ValueError, match="dtype must be a floating-point dtype"):
        boston_split(dtype=torch.int64)
    with pytest.raises(TypeError, match="seed must be an int"):
        boston_split(seed=0.5)
    with pytest.raises(ValueError, match="test_fraction must be < 1"):
        boston_split(test_fraction=2.0)
