"""The two data sets the assignment uses: MNIST, shipped with the package, and Boston.

MNIST (LeCun, Cortes and Burges) is stored in ``hw1/data_files/mnist`` as the four
IDX files of the original distribution, gzip-compressed. Their uncompressed contents
are identical to the original files; the ``.gz`` files themselves were recompressed,
so they differ from the original downloads (train-images: 9,630,634 bytes here,
9,912,422 in the original distribution). Each file is checked against the MD5 sum of
its uncompressed contents before it is decoded with torchvision's IDX reader.
:func:`load_mnist` finds the files where a standalone notebook can too (see
:func:`find_mnist`).

The Boston housing table (Harrison and Rubinfeld, 1978) is not shipped: it comes
from the copy that mlxtend ships; see
:func:`load_boston` for why scikit-learn no longer provides it.
:func:`split_indices`, :func:`standardize` and :func:`boston_split` prepare it for
Question 1(d) (:func:`hw1.boston.train_boston`).

Non-finite entries pass through: a NaN in a table given to :func:`standardize` or
:func:`feature_summary` gives NaN statistics for its column.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import os
import shutil
import tempfile
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from sklearn.utils import Bunch

from hw1._validation import (
    check_floating,
    check_floating_dtype,
    check_int,
    check_option,
    check_real,
    check_seed,
)

__all__ = [
    "BOSTON_FEATURES",
    "MNIST_DIR",
    "MNIST_ENV",
    "MNIST_MD5",
    "DataIntegrityError",
    "boston_split",
    "feature_summary",
    "find_mnist",
    "load_boston",
    "load_mnist",
    "split_indices",
    "standardize",
]

MNIST_DIR = Path(__file__).parent / "data_files" / "mnist"

#: Environment variable naming a folder that holds the four MNIST files.
MNIST_ENV = "HW1_MNIST"

#: MD5 sums of the *uncompressed* IDX files. The ``.gz`` files' own sums are not used:
#: the shipped ones were recompressed, so theirs differ from the original downloads'.
MNIST_MD5 = {
    "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
    "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
    "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
    "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
}

_SPLIT_PREFIX = {"train": "train", "test": "t10k"}

BOSTON_FEATURES = (
    "CRIM", "ZN", "INDUS", "CHAS", "NOX", "RM", "AGE",
    "DIS", "RAD", "TAX", "PTRATIO", "B", "LSTAT",
)  # fmt: skip

# Decoded uint8 images and labels, keyed by (split, directory): a repeat call skips
# decompression, hashing and parsing.
_MNIST_CACHE: dict[tuple[str, Path], tuple[torch.Tensor, torch.Tensor]] = {}


class DataIntegrityError(RuntimeError):
    """A data file is unreadable or its checksum differs from the expected one."""


def _verified_bytes(path: Path, expected_md5: str) -> bytes:
    """Read ``path`` (or, if absent, ``path`` without ``.gz``) and check its MD5 sum.

    The sum is of the uncompressed IDX file, so a ``.gz`` file is decompressed first.
    """
    if not path.is_file() and path.with_suffix("").is_file():
        raw = path.with_suffix("").read_bytes()
    elif not path.is_file():
        raise FileNotFoundError(
            f"MNIST file {path} is missing; expected a gzip file whose contents have "
            f"MD5 {expected_md5}. Reinstall hw1 to restore it."
        )
    else:
        raw = None
    try:
        raw = gzip.decompress(path.read_bytes()) if raw is None else raw
    except (OSError, EOFError, zlib.error) as err:
        raise DataIntegrityError(
            f"MNIST file {path} is not a valid gzip file ({err}); expected contents with "
            f"MD5 {expected_md5}."
        ) from err
    actual = hashlib.md5(raw).hexdigest()
    if actual != expected_md5:
        raise DataIntegrityError(
            f"MNIST file {path} is corrupted: its contents have MD5 {actual}, "
            f"expected {expected_md5}."
        )
    return raw


def _decode_mnist(split: str, root: Path) -> tuple[torch.Tensor, torch.Tensor]:
    # torchvision's IDX reader takes a path to an uncompressed file.
    from torchvision.datasets.mnist import read_image_file, read_label_file

    prefix = _SPLIT_PREFIX[split]
    names = (f"{prefix}-images-idx3-ubyte", f"{prefix}-labels-idx1-ubyte")
    with tempfile.TemporaryDirectory(prefix="hw1-mnist-") as tmp:
        for name in names:
            raw = _verified_bytes(root / f"{name}.gz", MNIST_MD5[name])
            (Path(tmp) / name).write_bytes(raw)
        images = read_image_file(str(Path(tmp) / names[0]))
        labels = read_label_file(str(Path(tmp) / names[1]))
    if images.shape[0] != labels.shape[0]:
        raise DataIntegrityError(
            f"MNIST {split} split has {images.shape[0]} images but {labels.shape[0]} labels."
        )
    return images, labels


def _has_mnist(folder: Path) -> bool:
    """Whether ``folder`` holds the four IDX files, gzip-compressed or not."""
    return all((folder / f"{n}.gz").is_file() or (folder / n).is_file() for n in MNIST_MD5)


def _shipped_mnist() -> Path | None:
    """Return the MNIST folder of an installed hw1, found without importing it, or None."""
    try:
        spec = importlib.util.find_spec("hw1")
    except (ImportError, ValueError):  # hw1 blocked (sys.modules["hw1"] = None) or broken
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "data_files" / "mnist"


def _download_mnist(folder: Path) -> Path:
    """Download the four MNIST files with torchvision into ``folder``; return it."""
    from torchvision.datasets import MNIST

    with tempfile.TemporaryDirectory(prefix="hw1-mnist-") as tmp:
        MNIST(tmp, download=True)
        folder.mkdir(parents=True, exist_ok=True)
        for name in MNIST_MD5:
            shutil.copyfile(Path(tmp) / "MNIST" / "raw" / f"{name}.gz", folder / f"{name}.gz")
    return folder


def find_mnist() -> Path:
    """Return the folder to read MNIST from: the first of three places that has it.

    1. The files shipped inside an installed ``hw1`` (found without importing it).
    2. The folder named by the environment variable ``HW1_MNIST`` or, if it is not
       set, ``./mnist/`` in the working directory (beside a notebook).
    3. torchvision's download, when the machine is online, saved into that folder so
       the next run finds it there.

    A folder counts when it holds the four IDX files, each as ``NAME.gz`` or
    uncompressed ``NAME`` (as torchvision's ``MNIST/raw`` does). :func:`load_mnist`
    checks every file's MD5 sum, wherever it came from.

    Returns
    -------
    Path
        A folder holding the four files.

    Raises
    ------
    FileNotFoundError
        If none of the three works; the message names all three.
    """
    shipped = _shipped_mnist()
    if shipped is not None and _has_mnist(shipped):
        return shipped
    named = os.environ.get(MNIST_ENV)
    folder = Path(named) if named else Path("mnist")
    if _has_mnist(folder):
        return folder
    try:
        return _download_mnist(folder)
    except Exception as err:  # offline, no torchvision, a mirror down: all reported below
        reason = f"{type(err).__name__}: {err}"
    where = "no hw1 found" if shipped is None else f"no files in {shipped}"
    raise FileNotFoundError(
        "MNIST not found. Tried, in order: (1) the files shipped inside an installed "
        f"hw1 ({where}); (2) the folder named by ${MNIST_ENV}, else ./mnist/ "
        f"({folder.resolve()} lacks the four files "
        f"{', '.join(MNIST_MD5)}, each NAME.gz or NAME); (3) torchvision's download "
        f"({reason}). Put the files in one of these places, or go online."
    )


def load_mnist(
    split: str = "train", *, root: str | Path | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """Load an MNIST split, every file checked against its MD5 sum.

    Parameters
    ----------
    split : {"train", "test"}
        ``"train"`` gives the 60,000 training digits, ``"test"`` the 10,000 test digits.
    root : path, optional
        Directory holding the four IDX files (``*-ubyte.gz``, or uncompressed).
        Defaults to the first place :func:`find_mnist` finds: the copy inside an
        installed hw1, ``$HW1_MNIST`` or ``./mnist/``, or torchvision's download.

    Returns
    -------
    images : Tensor, shape (N, 784), float32
        Pixel intensities scaled to [0, 1], one flattened 28x28 image per row.
    labels : Tensor, shape (N,), int64
        Digit classes 0-9.

    Raises
    ------
    TypeError
        If ``split`` is not a string.
    ValueError
        If ``split`` is not ``"train"`` or ``"test"``.
    FileNotFoundError
        If a file is missing; the message names it and its expected MD5 sum. With no
        ``root``, if no place has the files; the message names all three.
    DataIntegrityError
        If a file does not decompress or the MD5 sum of its uncompressed contents
        differs from the expected one.

    Notes
    -----
    The decoded bytes are cached per process, so a repeat call only converts them to
    floats. Each call returns new tensors that the caller may modify.
    """
    check_option(split, "split", _SPLIT_PREFIX)
    if root is not None and not isinstance(root, str | Path):
        raise TypeError(f"root must be a str or pathlib.Path, got {type(root).__name__}")
    directory = Path(root) if root is not None else find_mnist()
    key = (split, directory.resolve())
    if key not in _MNIST_CACHE:
        _MNIST_CACHE[key] = _decode_mnist(split, directory)
    images, labels = _MNIST_CACHE[key]
    return images.reshape(len(images), -1).float().div_(255.0), labels.clone()


_BOSTON_DESCR = """\
Boston house prices (Harrison and Rubinfeld, 1978), 506 census tracts, 13 features.

Target: MEDV, median value of owner-occupied homes in $1000s.

Features: CRIM per-capita crime rate; ZN share of residential land zoned for large
lots; INDUS share of non-retail business acres; CHAS 1 if the tract bounds the
Charles River; NOX nitric-oxide concentration; RM mean rooms per dwelling; AGE share
of units built before 1940; DIS weighted distance to five employment centres; RAD
index of access to radial highways; TAX property-tax rate per $10,000; PTRATIO
pupil-teacher ratio; B = 1000 (Bk - 0.63)^2 where Bk is the share of Black
residents; LSTAT share of lower-status population.

scikit-learn deprecated load_boston in 1.0 and removed it in 1.2 because the B
feature encodes the assumption that racial self-segregation raises house prices,
and because the transform is not invertible, so it cannot be audited. This project
keeps the original 13 columns only so that Question 1(d) can be answered as set;
it treats the data as a regression benchmark and draws no conclusions about people.
Data: the copy shipped by mlxtend (mlxtend.data.boston_housing_data).
"""


def load_boston() -> Bunch:
    """Load the Boston house-price table that scikit-learn used to ship.

    scikit-learn removed ``load_boston`` in version 1.2 (deprecated in 1.0). Its
    ``B`` feature, 1000 (Bk - 0.63)^2 with Bk the share of Black residents, was built
    on the assumption that racial self-segregation affects house prices, and it
    cannot be inverted to recover Bk. This project loads mlxtend's copy of the
    original table so that Question 1(d) can be answered as it was set; it uses the
    data only as a regression benchmark and draws no conclusions about people. The
    :ref:`data page <data-page>` says more, and
    :ref:`sphx_glr_auto_examples_plot_00_data_overview.py` shows the table.

    Returns
    -------
    Bunch
        ``data`` : ndarray, shape (506, 13), float64 — the features, in the original
        column order.
        ``target`` : ndarray, shape (506,), float64 — MEDV, median home value in $1000s.
        ``feature_names`` : ndarray of str, shape (13,) — ``CRIM`` ... ``LSTAT``.
        ``DESCR`` : str — a description of the table and of the concerns above.
    """
    from mlxtend.data import boston_housing_data

    features, target = boston_housing_data()
    features = np.asarray(features, dtype=np.float64)
    target = np.asarray(target, dtype=np.float64)
    if features.shape != (506, 13) or target.shape != (506,):
        raise DataIntegrityError(
            f"mlxtend's Boston table has shape {features.shape} and target "
            f"{target.shape}; expected (506, 13) and (506,)."
        )
    return Bunch(
        data=features,
        target=target,
        feature_names=np.array(BOSTON_FEATURES),
        DESCR=_BOSTON_DESCR,
    )


def feature_summary(data: np.ndarray, names) -> list[dict[str, object]]:
    """Summarise each column of a feature table.

    Parameters
    ----------
    data : ndarray, shape (N, F)
        The table, one sample per row.
    names : sequence of str, length F
        Column names.

    Returns
    -------
    list of dict
        One record per column with keys ``feature``, ``mean``, ``std``, ``min``
        and ``max`` (floats), ready for :func:`hw1.report.table`.

    Raises
    ------
    TypeError
        If ``data`` is not numeric or ``names`` is not a sequence of strings.
    ValueError
        If ``data`` is not 2-D, has no rows, or ``names`` has the wrong length.
    """
    if data is None or isinstance(data, str):
        raise TypeError(f"data must be a numeric array, got {type(data).__name__}")
    try:
        data = np.asarray(data, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise TypeError(f"data must be a numeric array ({error})") from None
    if data.ndim != 2:
        raise ValueError(f"data must be a 2-D array (N, F), got {data.ndim} dimensions")
    if data.shape[0] == 0:
        raise ValueError("data must hold at least one row, got N = 0")
    if isinstance(names, str) or not isinstance(names, Sequence | np.ndarray):
        raise TypeError(f"names must be a sequence of str, got {type(names).__name__}")
    if not all(isinstance(name, str) for name in names):
        raise TypeError("names must be a sequence of str")
    if len(names) != data.shape[1]:
        raise ValueError(f"names must have {data.shape[1]} entries, got {len(names)}")
    return [
        {
            "feature": str(name),
            "mean": float(column.mean()),
            "std": float(column.std()),
            "min": float(column.min()),
            "max": float(column.max()),
        }
        for name, column in zip(names, data.T, strict=True)
    ]


# -- Boston, prepared for Question 1(d) ----------------------------------------------------


def split_indices(
    n: int, test_fraction: float = 0.2, *, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor]:
    """Split ``range(n)`` at random, with a fixed seed, into train and test indices.

    Parameters
    ----------
    n : int
        Number of samples, at least 2.
    test_fraction : float
        Share of samples in the test set, in (0, 1); rounded to the nearest count,
        at least one sample on each side.
    seed : int
        Seed of the permutation.

    Returns
    -------
    train, test : Tensor of int64
        Disjoint index sets covering ``range(n)``, each sorted.

    Raises
    ------
    TypeError
        If ``n`` or ``seed`` is not an int, or ``test_fraction`` not a real number.
    ValueError
        If ``n < 2`` or ``test_fraction`` lies outside (0, 1).
    """
    n = check_int(n, "n", minimum=2)
    test_fraction = check_real(
        test_fraction, "test_fraction", low=0, high=1, low_open=True, high_open=True
    )
    seed = check_seed(seed)
    n_test = min(max(round(n * test_fraction), 1), n - 1)
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    return order[n_test:].sort().values, order[:n_test].sort().values


def standardize(train: torch.Tensor, *others: torch.Tensor) -> tuple[torch.Tensor, ...]:
    """Centre and scale columns by the mean and standard deviation of ``train`` only.

    Parameters
    ----------
    train : Tensor, shape (N, F)
        The training table, floating point; its column statistics are the only
        ones used.
    *others : Tensor, shape (M, F)
        Further tables (e.g. the test set), scaled with the training statistics.

    Returns
    -------
    tuple of Tensor
        ``train`` and each of ``others``, standardized, in the order given. A constant
        training column is only centred.

    Raises
    ------
    TypeError
        If a table is not a tensor.
    ValueError
        If a table is not floating point or its dtype differs from ``train``'s, is not
        2-D, ``train`` has no rows, or a table has a different number of columns or
        another device than ``train``.
    """
    check_floating(train, "train", ndim=2, what="(N, F)")
    if train.shape[0] == 0:
        raise ValueError("train must hold at least one row, got N = 0")
    n_columns = train.shape[1]
    for index, other in enumerate(others):
        check_floating(
            other,
            f"others[{index}]",
            shape=(None, n_columns),
            dtype=train.dtype,
            device=train.device,
            what=f"(M, {n_columns}) like train",
            like="train",
        )
    mean = train.mean(dim=0)
    std = train.std(dim=0, correction=0)
    std = torch.where(std > 0, std, torch.ones_like(std))
    return tuple((table - mean) / std for table in (train, *others))


def boston_split(
    *, seed: int = 0, test_fraction: float = 0.2, dtype: torch.dtype = torch.float64
) -> dict[str, torch.Tensor]:
    """Split the Boston table at random with a fixed seed and standardize its features.

    The preparation for Question 1(d), described on the :ref:`data page <data-page>`
    and used by :func:`hw1.boston.train_boston` and
    :func:`hw1.boston.linear_regression_baseline`.

    Parameters
    ----------
    seed : int
        Seed of the split (:func:`split_indices`).
    test_fraction : float
        Share of the 506 tracts held out for testing.
    dtype : torch.dtype
        Floating dtype of everything returned.

    Returns
    -------
    dict of Tensor
        ``"X_train"`` (n_train, 13) and ``"X_test"`` (n_test, 13), standardized with
        the training mean and standard deviation (:func:`standardize`);
        ``"y_train"`` (n_train,) and ``"y_test"`` (n_test,), the house values in
        $1000s, unscaled.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If ``test_fraction`` lies outside (0, 1) or ``dtype`` is not floating.
    """
    dtype = check_floating_dtype(dtype, "dtype")
    seed = check_seed(seed)
    test_fraction = check_real(
        test_fraction, "test_fraction", low=0, high=1, low_open=True, high_open=True
    )
    boston = load_boston()
    X = torch.as_tensor(boston.data, dtype=dtype)
    y = torch.as_tensor(boston.target, dtype=dtype)
    train, test = split_indices(len(y), test_fraction, seed=seed)
    X_train, X_test = standardize(X[train], X[test])
    return {"X_train": X_train, "X_test": X_test, "y_train": y[train], "y_test": y[test]}
