"""The results file: its schema, where it is stored, and how it is written and read.

A result document is a plain dict, written as JSON by :func:`save_results` with its
provenance (:func:`provenance`: device, versions, threads, dtype, date) and read back,
validated, by :func:`load_results`. The stored files ship inside the package,
``hw1/data_files/bench/cpu.json`` and ``cuda.json`` (:data:`RESULTS_DIR`).

Non-finite entries are rejected: every stored time must be a positive finite number,
so a NaN or inf in a document's ``runs`` raises ValueError (:func:`check_results`).
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
import platform
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import torch

from hw1._validation import (
    check_floating_dtype,
    check_keys,
    check_option,
    check_path,
    check_positive_int,
    check_real,
)
from hw1.bench.timing import DEVICES

__all__ = [
    "RESULTS_DIR",
    "SCHEMA",
    "TIMES",
    "check_doc",
    "check_records",
    "check_results",
    "describe",
    "load_results",
    "provenance",
    "results_path",
    "save_results",
    "stored_status",
]

#: Where ``python -m hw1.bench`` stores its JSON files (shipped as package data).
RESULTS_DIR = Path(__file__).parent.parent / "data_files" / "bench"
#: Version of the JSON layout written by :func:`hw1.bench.benchmark.run_benchmark`.
SCHEMA = 2


#: The time fields of a record, in seconds: each must be finite and > 0.
TIMES = ("median_s", "min_s", "max_s", "per_jacobian_s")


def check_records(records: object, keys: Sequence[str], name: str = "records") -> list[Mapping]:
    """Return ``records`` as a list of mappings holding ``keys``, with finite times.

    Checks the benchmark records that the tables of :mod:`hw1.bench.tables` read: each
    a dict holding ``keys``, each time (``TIMES``, and every entry of ``"runs"``) a
    finite number > 0.

    Raises
    ------
    TypeError
        If ``records`` is not a list of dicts, or a time is not a number.
    ValueError
        If it is empty, a record lacks a key, or a time is not finite and positive.
    """
    if isinstance(records, str | bytes) or not isinstance(records, Iterable):
        raise TypeError(f"{name} must be a list of dicts, got {type(records).__name__}")
    records = list(records)
    if not records:
        raise ValueError(f"{name} is empty; expected at least one record")
    for i, r in enumerate(records):
        if not isinstance(r, Mapping):
            raise TypeError(f"{name}[{i}] must be a dict, got {type(r).__name__}")
        missing = [k for k in keys if k not in r]
        if missing:
            raise ValueError(f"{name}[{i}] lacks key(s) {missing}; expected {list(keys)}")
        for k in TIMES:
            if k in r:
                check_real(r[k], f"{name}[{i}][{k!r}]", low=0, low_open=True)
        runs = r.get("runs", ())
        if isinstance(runs, str | bytes) or not isinstance(runs, Iterable):
            raise TypeError(f"{name}[{i}]['runs'] must be a list of times")
        for t in runs:
            check_real(t, f"{name}[{i}]['runs']", low=0, low_open=True)
    return records


def check_doc(doc: object, limits: Sequence[str], name: str = "doc") -> Mapping:
    """Return ``doc`` if it holds ``cases`` and ``limits`` with the ``limits`` entries read.

    Raises
    ------
    TypeError
        If ``doc`` or its ``limits`` is not a dict.
    ValueError
        If a key is missing.
    """
    if not isinstance(doc, Mapping):
        raise TypeError(f"{name} must be a result document (a dict), got {type(doc).__name__}")
    for key in ("cases", "limits"):
        if key not in doc:
            raise ValueError(f"{name} lacks the key {key!r}")
    if not isinstance(doc["limits"], Mapping):
        raise TypeError(f"{name}['limits'] must be a dict, got {type(doc['limits']).__name__}")
    missing = [k for k in limits if not isinstance(doc["limits"].get(k), Mapping)]
    if missing:
        raise ValueError(f"{name}['limits'] lacks {missing}")
    return doc


def _device_name(device: str) -> str:
    if device == "cuda":
        return torch.cuda.get_device_name()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def provenance(device: str, *, dtype: torch.dtype, num_threads: int) -> dict[str, object]:
    """Where and when a benchmark ran: device name, versions, threads, dtype and date.

    Raises
    ------
    TypeError, ValueError
        If ``device`` is not one of :data:`~hw1.bench.timing.DEVICES`, ``dtype`` not a
        floating dtype or ``num_threads`` not a positive int.
    """
    check_option(device, "device", DEVICES)
    check_floating_dtype(dtype, "dtype")
    num_threads = check_positive_int(num_threads, "num_threads")
    return {
        "device": device,
        "device_name": _device_name(device),
        "cpu_count": os.cpu_count(),
        "num_threads": num_threads,
        "dtype": str(dtype).removeprefix("torch."),
        "torch_version": torch.__version__,
        "python_version": platform.python_version(),
        "platform": platform.platform(),
        "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
    }


def results_path(device: str = "cpu", directory: str | Path | None = None) -> Path:
    """Return the JSON file for ``device`` (``cpu.json`` or ``cuda.json``) in ``directory``.

    ``directory`` defaults to :data:`RESULTS_DIR`, inside the installed package.

    Raises
    ------
    TypeError, ValueError
        If ``device`` is not one of :data:`~hw1.bench.timing.DEVICES`, or
        ``directory`` is not a path.
    """
    check_option(device, "device", DEVICES)
    directory = check_path(directory, "directory", optional=True)
    return (directory if directory is not None else RESULTS_DIR) / f"{device}.json"


_REQUIRED = {
    "provenance": ("device", "device_name", "num_threads", "dtype", "torch_version", "date"),
    "config": ("D", "K", "P", "runs", "sweep_L", "sweep_N", "big"),
    "cases": (
        "L",
        "N",
        "method",
        "layout",
        "runs",
        "median_s",
        "min_s",
        "max_s",
        "per_jacobian_s",
        "ops",
        "multiplies",
        "gflops_runs",
        "gflops",
    ),
    "sweep": ("D", "method", "layout", "runs", "median_s", "min_s", "max_s"),
    "limits": ("op", "validation", "same_shape", "big", "layer"),
}


def _validate(doc: object, source: str) -> dict:
    if not isinstance(doc, dict):
        raise ValueError(f"{source}: expected a JSON object, got {type(doc).__name__}")
    if doc.get("schema") != SCHEMA:
        raise ValueError(f"{source}: expected schema {SCHEMA}, got {doc.get('schema')!r}")
    for key in ("provenance", "config", "cases", "sweep", "limits"):
        if key not in doc:
            raise ValueError(f"{source}: lacks the key {key!r}")
    for key, kind in (("provenance", dict), ("config", dict), ("limits", dict)):
        if not isinstance(doc[key], kind):
            raise ValueError(f"{source}: {key} must be an object, got {type(doc[key]).__name__}")
    for key in ("cases", "sweep"):
        if not isinstance(doc[key], list) or not all(isinstance(r, dict) for r in doc[key]):
            raise ValueError(f"{source}: {key} must be a list of objects")
    for key in ("op", "validation", "same_shape", "big", "layer"):
        if key in doc["limits"] and not isinstance(doc["limits"][key], dict):
            raise ValueError(f"{source}: limits[{key!r}] must be an object")
    for part in ("provenance", "config", "limits"):
        missing = [k for k in _REQUIRED[part] if k not in doc[part]]
        if missing:
            raise ValueError(f"{source}: {part} lacks {missing}")
    n_runs = doc["config"]["runs"]
    for key in ("same_shape", "big"):
        missing = [k for k in ("shape", "runs", "gflops") if k not in doc["limits"][key]]
        if missing:
            raise ValueError(f"{source}: limits[{key!r}] lacks {missing}")
    for part in ("cases", "sweep"):
        for i, record in enumerate(doc[part]):
            missing = [k for k in _REQUIRED[part] if k not in record]
            if missing:
                raise ValueError(f"{source}: {part}[{i}] lacks {missing}")
            runs = record["runs"]
            if (
                not isinstance(runs, list)
                or len(runs) != n_runs
                or not all(
                    isinstance(t, int | float) and not isinstance(t, bool) and 0 < t < math.inf
                    for t in runs
                )
            ):
                raise ValueError(
                    f"{source}: {part}[{i}]['runs'] must hold {n_runs} positive finite times, "
                    f"one median per run; got {runs!r}"
                )
    return doc


def check_results(doc: object, name: str = "doc") -> dict:
    """Return ``doc`` as a dict if it is a valid result document (schema :data:`SCHEMA`).

    Raises
    ------
    TypeError
        If ``doc`` is not a mapping.
    ValueError
        If it lacks a key, has another schema, or a record's ``runs`` are not
        ``config["runs"]`` positive finite times; the message starts with ``name``.
    """
    if not isinstance(doc, Mapping):
        raise TypeError(f"{name} must be a result document (a dict), got {type(doc).__name__}")
    return _validate(dict(doc), name)


def save_results(doc: Mapping, path: str | Path | None = None) -> Path:
    """Validate a result document, write it as JSON and return the path.

    ``path`` defaults to :func:`results_path` for the document's device.

    Raises
    ------
    TypeError, ValueError
        If ``doc`` is not a valid document (:func:`check_results`) or ``path`` not a
        path.
    """
    doc = check_results(doc, "doc")
    path = check_path(path, "path", optional=True)
    if path is None:
        path = results_path(check_option(doc["provenance"]["device"], "doc device", DEVICES))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    return path


def load_results(device: str = "cpu", *, path: str | Path | None = None) -> dict | None:
    """Read stored benchmark results, or return ``None`` if none were recorded.

    Parameters
    ----------
    device : {"cpu", "cuda"}
        Which stored file to read (ignored when ``path`` is given).
    path : str or Path, optional
        Read this file instead of the one shipped in the package.

    Returns
    -------
    dict or None
        The document written by :func:`save_results`; ``None`` when the file does not
        exist (for ``"cuda"``: no GPU result has been recorded).

    Raises
    ------
    TypeError
        If ``device`` is not a str or ``path`` not a path.
    ValueError
        If ``device`` is unknown, or the file exists but is not a valid result document.
    """
    check_option(device, "device", DEVICES)
    path = check_path(path, "path", optional=True)
    path = path if path is not None else results_path(device)
    if not path.is_file():
        return None
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise ValueError(f"{path}: not valid JSON ({err})") from err
    return _validate(doc, str(path))


_DESCRIBED = ("device", "device_name", "torch_version", "num_threads", "dtype", "date")


def describe(doc: Mapping, source: str | None = None) -> str:
    """Return one line saying where and when a result document was measured.

    Parameters
    ----------
    doc : dict
        A result document, or any dict with its ``"provenance"`` (and, for a live run,
        its ``"config"``): only those are read.
    source : {"stored", "live"}, optional
        Where it came from, as :func:`hw1.bench.benchmark.load_or_measure` says; the
        line then starts by saying which, and for a live run how short it was.

    Returns
    -------
    str
        For example ``"CPU results: AMD EPYC, torch 2.14.1, 1 thread(s), float32,
        recorded 2026-11-29T10:38:34+00:00"``.

    Raises
    ------
    TypeError, ValueError
        If ``doc`` lacks what the line reads or ``source`` is not one of the two.
    """
    if source is not None:
        check_option(source, "source", ("stored", "live"))
    check_keys(doc, "doc", ["provenance", *(["config"] if source == "live" else [])])
    p = check_keys(doc["provenance"], "doc['provenance']", _DESCRIBED)
    if source == "live":
        check_keys(doc["config"], "doc['config']", ("runs", "min_run_time"))
    line = (
        f"{p['device'].upper()} results: {p['device_name']}, torch {p['torch_version']}, "
        f"{p['num_threads']} thread(s), {p['dtype']}, recorded {p['date']}"
    )
    if source is None:
        return line
    if source == "stored":
        return f"Stored {line}"
    cfg = doc["config"]
    return (
        f"Live {line}. No stored file was found, so this is a short run on the machine at "
        f"hand: {cfg['runs']} runs, {cfg['min_run_time']} s of timing per method and case."
    )


def stored_status(device: str = "cuda", *, path: str | Path | None = None) -> str:
    """Say plainly what is stored for ``device``: its provenance, or that nothing is.

    Raises
    ------
    TypeError, ValueError
        As :func:`load_results`.
    """
    doc = load_results(device, path=path)
    if doc is None:
        where = Path(path) if path is not None else results_path(device)
        kind, machine = ("GPU (CUDA)", "a CUDA GPU") if device == "cuda" else ("CPU", "a CPU")
        return (
            f"No {kind} benchmark result has been recorded: {where.name} does not exist. "
            f"Running `nox -s bench` on a machine with {machine} records one."
        )
    return describe(doc)
