"""One vocabulary of argument checks, shared by every public function in ``hw1``.

The policy, the standard library's:

- a wrong **type** raises :class:`TypeError` (``"eps must be a real number, got str"``);
- a wrong **value, shape, dtype, device, option or missing key** raises
  :class:`ValueError` (``"eps must be > 0, got -1.0"``). A tensor of the wrong dtype,
  or two tensors of different dtypes, is a tensor with the wrong value: ValueError.

Every message names the argument and says what was expected. Real numbers include
numpy scalars; ``bool`` is not a number. Each check returns the value it accepted,
converted to a plain Python type where that helps (``int``, ``float``), so a caller
writes ``eps = check_real(eps, "eps", low=0, low_open=True)``.
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

import numpy as np
import torch


def _type_name(value: object) -> str:
    return type(value).__name__


def check_int(value: object, name: str, *, minimum: int | None = None) -> int:
    """Return ``value`` as an ``int``, checking its type and an optional lower bound.

    Parameters
    ----------
    value : object
        The argument to check. Python and numpy integers are accepted; ``bool`` is not.
    name : str
        The argument's name, used in the error message.
    minimum : int, optional
        Smallest allowed value (inclusive).

    Returns
    -------
    int
        ``value`` as a Python int.

    Raises
    ------
    TypeError
        If ``value`` is not an integer.
    ValueError
        If ``value < minimum``.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {_type_name(value)}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return value


def check_positive_int(value: object, name: str) -> int:
    """Return ``value`` as an ``int >= 1``; see :func:`check_int`."""
    return check_int(value, name, minimum=1)


def check_nonnegative_int(value: object, name: str) -> int:
    """Return ``value`` as an ``int >= 0``; see :func:`check_int`."""
    return check_int(value, name, minimum=0)


#: Seeds are what ``torch.Generator.manual_seed`` and numpy accept alike.
SEED_LIMIT = 2**63


def check_seed(value: object, name: str = "seed") -> int:
    """Return ``value`` as an ``int`` seed, ``0 <= seed < 2**63``; see :func:`check_int`.

    Raises
    ------
    TypeError
        If ``value`` is not an integer (``bool`` and strings included).
    ValueError
        If it is negative or not below ``2**63``.
    """
    value = check_int(value, name, minimum=0)
    if value >= SEED_LIMIT:
        raise ValueError(f"{name} must be < 2**63, got {value}")
    return value


def check_real(
    value: object,
    name: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Return ``value`` as a finite ``float``, checking its type and an optional range.

    Parameters
    ----------
    value : object
        The argument to check. Python and numpy reals are accepted; ``bool`` is not.
    name : str
        The argument's name, used in the error message.
    low, high : float, optional
        Bounds of the allowed interval.
    low_open, high_open : bool
        Whether the bound itself is excluded (``> low`` rather than ``>= low``).

    Returns
    -------
    float
        ``value`` as a Python float.

    Raises
    ------
    TypeError
        If ``value`` is not a real number.
    ValueError
        If ``value`` is not finite or lies outside the interval.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {_type_name(value)}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    # exact: an open interval excludes exactly its end point
    if low is not None and (value < low or (low_open and value == low)):
        raise ValueError(f"{name} must be {'>' if low_open else '>='} {low}, got {value}")
    if high is not None and (value > high or (high_open and value == high)):
        raise ValueError(f"{name} must be {'<' if high_open else '<='} {high}, got {value}")
    return value


def check_option(value: object, name: str, options: Collection[str]) -> str:
    """Return ``value`` if it is one of the string ``options``.

    Raises
    ------
    TypeError
        If ``value`` is not a string.
    ValueError
        If ``value`` is not one of ``options``.
    """
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {_type_name(value)}")
    if value not in options:
        raise ValueError(f"{name} must be one of {sorted(options)}, got {value!r}")
    return value


def check_bool(value: object, name: str) -> bool:
    """Return ``value`` if it is a ``bool`` (numpy's included), else raise ``TypeError``."""
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False, got {_type_name(value)}")
    return bool(value)


def check_callable(value: object, name: str, *, optional: bool = False) -> object:
    """Return ``value`` if it is callable (or ``None`` where ``optional``).

    Raises
    ------
    TypeError
        If ``value`` is not callable.
    """
    if not (callable(value) or (optional and value is None)):
        raise TypeError(f"{name} must be callable, got {_type_name(value)}")
    return value


def check_path(value: object, name: str, *, optional: bool = False) -> Path | None:
    """Return ``value`` as a :class:`~pathlib.Path` (``None`` stays ``None`` where ``optional``).

    Raises
    ------
    TypeError
        If ``value`` is not a ``str`` or ``os.PathLike``.
    """
    if optional and value is None:
        return None
    if not isinstance(value, str | os.PathLike):
        raise TypeError(f"{name} must be a str or path, got {_type_name(value)}")
    return Path(value)


def check_keys(mapping: object, name: str, required: Collection[str]) -> Mapping:
    """Return ``mapping`` if it is a mapping holding every key in ``required``.

    Raises
    ------
    TypeError
        If ``mapping`` is not a mapping.
    ValueError
        If a required key is missing; the message lists the missing and expected keys.
    """
    if not isinstance(mapping, Mapping):
        raise TypeError(f"{name} must be a dict, got {_type_name(mapping)}")
    missing = [key for key in required if key not in mapping]
    if missing:
        raise ValueError(f"{name} lacks key(s) {missing}; expected keys {list(required)}")
    return mapping


def check_sequence(value: object, name: str, item: str = "value") -> Sequence:
    """Return ``value`` if it is a non-empty sequence (list, tuple, ...), not a string.

    Raises
    ------
    TypeError
        If ``value`` is not a sequence, or is a ``str`` or ``bytes``.
    ValueError
        If it is empty.
    """
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise TypeError(f"{name} must be a list or tuple (of {item}s), got {_type_name(value)}")
    if len(value) == 0:
        raise ValueError(f"{name} must hold at least one {item}, got none (non-empty required)")
    return value


def check_tensor(value: object, name: str) -> torch.Tensor:
    """Return ``value`` if it is a :class:`torch.Tensor`, else raise ``TypeError``."""
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {_type_name(value)}")
    return value


def check_floating(
    value: object,
    name: str,
    *,
    ndim: int | None = None,
    shape: tuple[int | None, ...] | None = None,
    dtype: torch.dtype | None = None,
    device: torch.device | None = None,
    what: str = "",
    finite: bool = False,
    like: str = "",
) -> torch.Tensor:
    """Return ``value`` if it is a floating tensor of the expected rank, shape and dtype.

    Parameters
    ----------
    value : object
        The argument to check.
    name : str
        The argument's name, used in the error message.
    ndim : int, optional
        Required number of dimensions.
    shape : tuple of int or None, optional
        Required shape; ``None`` entries match any size. Implies ``ndim``.
    dtype : torch.dtype, optional
        Required dtype, for example the dtype of a companion argument.
    device : torch.device, optional
        Required device, for example the device of a companion argument.
    what : str
        How the expected shape reads in the message, e.g. ``"(N, D)"``; by default
        the shape itself, with ``*`` for a free size.
    finite : bool
        Whether NaN and inf entries are rejected (see :func:`check_finite`).
    like : str
        The companion argument ``dtype`` and ``device`` come from, named in the
        message (``"y must have dtype torch.float64 like X, ..."``).

    Returns
    -------
    torch.Tensor
        ``value``, unchanged.

    Raises
    ------
    TypeError
        If ``value`` is not a tensor.
    ValueError
        If it is not floating point or not of ``dtype``, its rank, shape or device is
        wrong, or ``finite`` and it holds NaN or inf.
    """
    check_tensor(value, name)
    if not value.is_floating_point():
        raise ValueError(f"{name} must be a floating-point tensor, got dtype {value.dtype}")
    source = f" like {like}" if like else ""
    if dtype is not None and value.dtype != dtype:
        raise ValueError(f"{name} must have dtype {dtype}{source}, got {value.dtype}")
    if device is not None and value.device != device:
        raise ValueError(f"{name} must be on device {device}{source}, got {value.device}")
    if shape is not None:
        ok = value.ndim == len(shape) and all(
            want is None or got == want for got, want in zip(value.shape, shape, strict=False)
        )
        if not ok:
            sizes = ", ".join("*" if size is None else str(size) for size in shape)
            expected = what or f"({sizes}{',' if len(shape) == 1 else ''})"
            raise ValueError(f"{name} must have shape {expected}, got {tuple(value.shape)}")
    elif ndim is not None and value.ndim != ndim:
        expected = what or f"{ndim} dimension(s)"
        raise ValueError(f"{name} must have shape {expected}, got {tuple(value.shape)}")
    if finite:
        check_finite(value, name)
    return value


def check_finite(value: torch.Tensor, name: str) -> torch.Tensor:
    """Return the tensor ``value`` if every entry is finite, else raise ``ValueError``.

    A tensor on the ``meta`` device has no entries to read and is rejected too.
    """
    if value.device.type == "meta":
        raise ValueError(f"{name} is on the meta device, which holds no values")
    if not bool(torch.isfinite(value).all()):
        bad = int((~torch.isfinite(value)).sum())
        raise ValueError(f"{name} must hold only finite entries, got {bad} NaN or inf")
    return value


def check_linalg_dtype(value: torch.Tensor, name: str) -> torch.Tensor:
    """Return ``value`` if its dtype is float32 or float64, which linear algebra needs.

    Raises
    ------
    ValueError
        For any other dtype (float16 and bfloat16 pass :func:`check_floating` but
        ``torch.linalg`` has no kernels for them).
    """
    if value.dtype not in (torch.float32, torch.float64):
        raise ValueError(
            f"{name} must have dtype float32 or float64 (linear algebra), got {value.dtype}"
        )
    return value


def check_floating_dtype(value: object, name: str) -> torch.dtype:
    """Return ``value`` if it is a floating :class:`torch.dtype`.

    Raises
    ------
    TypeError
        If ``value`` is not a ``torch.dtype``.
    ValueError
        If it is not a floating-point dtype.
    """
    if not isinstance(value, torch.dtype):
        raise TypeError(f"{name} must be a torch.dtype, got {_type_name(value)}")
    if not value.is_floating_point:
        raise ValueError(f"{name} must be a floating-point dtype, got {value}")
    return value


def check_images_labels(
    images: object,
    labels: object,
    *,
    n_features: int,
    n_classes: int | None = None,
    names: tuple[str, str] = ("images", "labels"),
) -> tuple[torch.Tensor, torch.Tensor]:
    """Check a batch of flattened images and their class labels.

    Parameters
    ----------
    images : object
        Expected: floating tensor of shape ``(B, n_features)``.
    labels : object
        Expected: ``int64`` tensor of shape ``(B,)``.
    n_features : int
        Pixels per image.
    n_classes : int, optional
        Number of classes; labels must lie in ``range(n_classes)``. Without it they
        must still be non-negative (no ignored ``-100`` entries: a batch of them has
        no loss).
    names : tuple of str
        The two arguments' names in the caller, for the messages.

    Returns
    -------
    tuple of torch.Tensor
        ``(images, labels)``, unchanged.

    Raises
    ------
    TypeError
        If either is not a tensor.
    ValueError
        If ``images`` is not floating or ``labels`` not int64, the shapes are wrong or
        disagree, the batch is empty, an image holds NaN
        or inf, the tensors are on different devices, or a label lies outside the
        classes.
    """
    x, y = names
    check_floating(images, x, shape=(None, n_features), what=f"(B, {n_features})")
    check_tensor(labels, y)
    if labels.dtype != torch.int64:
        raise ValueError(f"{y} must be int64 class indices, got {labels.dtype}")
    if labels.shape != images.shape[:1]:
        raise ValueError(
            f"{y} must have shape ({images.shape[0]},) to match {x}, got {tuple(labels.shape)}"
        )
    if images.shape[0] == 0:
        raise ValueError(f"{x} must hold at least one image, got B = 0")
    check_finite(images, x)
    if labels.device != images.device:
        raise ValueError(f"{y} is on {labels.device}, {x} on {images.device}")
    if labels.device.type == "meta":
        raise ValueError(f"{y} is on the meta device, which holds no values to check")
    low, high = int(labels.min()), int(labels.max())
    if low < 0 or (n_classes is not None and high >= n_classes):
        classes = f"0 to {n_classes - 1}" if n_classes is not None else ">= 0"
        raise ValueError(f"{y} must be class indices {classes}, got values {low} to {high}")
    return images, labels
