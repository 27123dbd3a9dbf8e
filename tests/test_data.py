"""The shipped data sets: shapes, known facts from their publications, and integrity checks."""

import gzip
import shutil
import statistics

import numpy as np
import pytest
import torch

from hw1.data import (
    MNIST_DIR,
    MNIST_MD5,
    DataIntegrityError,
    feature_summary,
    load_boston,
    load_mnist,
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
    assert images.min() == 0.0
    assert images.max() == 1.0
    assert labels.bincount(minlength=10).tolist() == counts
    assert labels[:10].tolist() == first


def test_mnist_pixels_are_bytes_over_255():
    images, _ = load_mnist("test")
    levels = images * 255.0
    assert torch.equal(levels, levels.round())


def test_mnist_returns_fresh_tensors_each_call():
    images, labels = load_mnist("test")
    images.zero_()
    labels.fill_(-1)
    again_images, again_labels = load_mnist("test")
    assert again_images.max() == 1.0
    assert again_labels.min() == 0


def test_mnist_unknown_split_names_the_argument():
    with pytest.raises(ValueError, match="split"):
        load_mnist("validation")


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
        assert row["min"] == min(column)
        assert row["max"] == max(column)


def test_feature_summary_rejects_bad_input():
    with pytest.raises(ValueError, match="data"):
        feature_summary(np.zeros(3), ["a"])
    with pytest.raises(ValueError, match="names"):
        feature_summary(np.zeros((3, 2)), ["a"])
