"""Where load_mnist finds MNIST: installed hw1, $HW1_MNIST or ./mnist/, torchvision."""

import gzip
import shutil

import pytest
import torch

from hw1 import data
from hw1.data import MNIST_DIR, MNIST_ENV, MNIST_MD5, DataIntegrityError, find_mnist, load_mnist


@pytest.fixture
def no_installed_hw1(monkeypatch, tmp_path):
    """As in a standalone notebook: no hw1 to find, an empty working directory."""
    monkeypatch.setattr(data, "_shipped_mnist", lambda: None)
    monkeypatch.delenv(MNIST_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    data._MNIST_CACHE.clear()
    yield tmp_path
    data._MNIST_CACHE.clear()


def _copy(folder, *, compressed=True):
    folder.mkdir(parents=True, exist_ok=True)
    for name in MNIST_MD5:
        if compressed:
            shutil.copy(MNIST_DIR / f"{name}.gz", folder / f"{name}.gz")
        else:
            (folder / name).write_bytes(gzip.decompress((MNIST_DIR / f"{name}.gz").read_bytes()))
    return folder


def _offline(monkeypatch):
    def fail(folder):
        raise OSError("no network in this test")

    monkeypatch.setattr(data, "_download_mnist", fail)


def test_the_installed_package_comes_first(monkeypatch, tmp_path):
    monkeypatch.setenv(MNIST_ENV, str(_copy(tmp_path / "elsewhere")))
    assert find_mnist().resolve() == MNIST_DIR.resolve()


def test_the_shipped_folder_is_found_without_importing_hw1():
    assert data._shipped_mnist().resolve() == MNIST_DIR.resolve()


def test_the_environment_variable_comes_next(no_installed_hw1, monkeypatch):
    folder = _copy(no_installed_hw1 / "somewhere")
    _copy(no_installed_hw1 / "mnist")
    monkeypatch.setenv(MNIST_ENV, str(folder))
    assert find_mnist() == folder
    images, labels = load_mnist("test")
    expected_images, expected_labels = load_mnist("test", root=MNIST_DIR)
    assert torch.equal(images, expected_images)  # exact: same bytes, same conversion
    assert torch.equal(labels, expected_labels)  # exact: integers


def test_a_mnist_folder_beside_the_notebook_with_uncompressed_files(no_installed_hw1):
    _copy(no_installed_hw1 / "mnist", compressed=False)
    assert find_mnist().resolve() == (no_installed_hw1 / "mnist").resolve()
    images, labels = load_mnist("test")
    assert images.shape == (10_000, 784) and labels.shape == (10_000,)


def test_an_uncompressed_file_is_md5_checked_too(no_installed_hw1):
    folder = _copy(no_installed_hw1 / "mnist", compressed=False)
    raw = bytearray((folder / "t10k-labels-idx1-ubyte").read_bytes())
    raw[-1] ^= 1
    (folder / "t10k-labels-idx1-ubyte").write_bytes(bytes(raw))
    with pytest.raises(DataIntegrityError, match=MNIST_MD5["t10k-labels-idx1-ubyte"]):
        load_mnist("test")


def test_the_download_goes_into_the_folder_for_the_next_run(no_installed_hw1, monkeypatch):
    calls = []

    def download(folder):
        calls.append(folder)
        return _copy(folder)

    monkeypatch.setattr(data, "_download_mnist", download)
    assert find_mnist().resolve() == (no_installed_hw1 / "mnist").resolve()
    assert find_mnist().resolve() == (no_installed_hw1 / "mnist").resolve()
    assert len(calls) == 1  # the second call found the downloaded files
    images, _ = load_mnist("test")
    assert images.shape == (10_000, 784)


def test_with_nothing_anywhere_the_error_names_all_three(no_installed_hw1, monkeypatch):
    _offline(monkeypatch)
    with pytest.raises(FileNotFoundError) as info:
        load_mnist("test")
    message = str(info.value)
    assert "installed hw1" in message
    assert f"${MNIST_ENV}" in message and "./mnist/" in message
    assert "torchvision's download" in message and "no network in this test" in message
