"""The timing harness: interleaved rounds of back-to-back calls, on the CPU or a GPU.

:func:`time_methods` times several calls side by side, so that a burst of load on a
shared machine hits all of them alike and the ratios between them stay fair. It knows
nothing about Jacobians; :mod:`hw1.bench.benchmark` hands it the calls of
:func:`hw1.bench.methods.timed_call` and :mod:`hw1.bench.limits` its reference
operations.

Non-finite entries pass through: a call is timed whatever numbers its arguments hold.
The time budgets themselves are bounded (:data:`MAX_RUN_TIME`, :data:`MAX_BLOCK_S`), so
that a typo such as ``block_s=1e9`` is refused instead of timing for ever.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

import numpy as np
import torch

from hw1._validation import check_option, check_positive_int, check_real

__all__ = [
    "DEVICES",
    "MAX_BLOCK_S",
    "MAX_RUN_TIME",
    "check_calls",
    "check_device",
    "time_methods",
]

#: The devices a benchmark can run on.
DEVICES = ("cpu", "cuda")
#: Longest ``min_run_time`` accepted, in seconds (ten minutes per measurement).
MAX_RUN_TIME = 600.0
#: Longest ``block_s`` accepted, in seconds.
MAX_BLOCK_S = 1.0


def check_device(device: object) -> str:
    """Return ``device`` if it is one of :data:`DEVICES` and available here.

    Raises
    ------
    TypeError
        If ``device`` is not a str.
    ValueError
        If it is unknown, or ``"cuda"`` when :func:`torch.cuda.is_available` is False.
    """
    check_option(device, "device", DEVICES)
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError("device 'cuda' was asked for, but torch.cuda.is_available() is False")
    return device


def check_calls(calls: object, name: str = "calls") -> dict:
    """Return ``calls`` as a dict if it maps names to ``(callable, tuple)`` pairs.

    Raises
    ------
    TypeError
        If ``calls`` is not a mapping, or an entry is not a callable and a tuple.
    ValueError
        If it is empty.
    """
    if not isinstance(calls, Mapping):
        raise TypeError(f"{name} must be a dict of (callable, tuple), got {type(calls).__name__}")
    if not calls:
        raise ValueError(f"{name} must hold at least one (callable, tuple) to time")
    for key, call in calls.items():
        if not (isinstance(call, tuple) and len(call) == 2):
            raise TypeError(f"{name}[{key!r}] must be a (callable, tuple) pair, got {call!r:.60}")
        if not callable(call[0]) or not isinstance(call[1], tuple):
            raise TypeError(
                f"{name}[{key!r}] must be a (callable, tuple) pair, got "
                f"({type(call[0]).__name__}, {type(call[1]).__name__})"
            )
    return dict(calls)


def _time_block(fn: Callable[..., object], args: tuple, number: int, sync: Callable) -> float:
    """Return the seconds per call over ``number`` back-to-back calls."""
    start = time.perf_counter()
    for _ in range(number):
        fn(*args)
    sync()
    return (time.perf_counter() - start) / number


def time_methods(
    calls: Mapping[str, tuple[Callable[..., object], tuple]],
    *,
    min_run_time: float = 0.2,
    rounds: int = 4,
    num_threads: int = 1,
    block_s: float = 5e-3,
) -> dict[str, dict[str, float]]:
    """Time several calls, interleaved, in blocks of back-to-back calls.

    Each call gets ``rounds`` turns, in turn with the others, so that a burst of load on
    a shared machine hits all of them alike and the ratios between them stay fair. In
    each turn blocks of calls are timed with ``time.perf_counter``, each block about
    ``block_s`` long, until the turn has lasted ``min_run_time / rounds``. Every call
    is first run twice untimed (warm-up); CUDA, once in use, is synchronised at the end of
    each block; torch uses ``num_threads`` threads.

    Parameters
    ----------
    calls : mapping of str to (callable, tuple)
        What to time, by name: a function and its arguments.
    min_run_time : float
        Seconds of measurement per call, split over the rounds; at most
        :data:`MAX_RUN_TIME`.
    rounds : int
        How many turns each call gets.
    num_threads : int
        Torch intra-op threads while timing.
    block_s : float
        Target length of one timed block, in seconds; at most :data:`MAX_BLOCK_S`.

    Returns
    -------
    dict of str to dict
        Per name: ``median_s``, ``iqr_s`` (interquartile range) and ``min_s`` of the time
        per call in seconds, over all timed blocks, and ``blocks``, their number.

    Raises
    ------
    TypeError
        If ``calls`` is not a mapping of (callable, tuple), or a setting has the wrong type.
    ValueError
        If ``calls`` is empty or a setting is out of range (budgets are bounded).
    """
    calls = check_calls(calls)
    min_run_time = check_real(min_run_time, "min_run_time", low=0, high=MAX_RUN_TIME, low_open=True)
    rounds = check_positive_int(rounds, "rounds")
    num_threads = check_positive_int(num_threads, "num_threads")
    block_s = check_real(block_s, "block_s", low=0, high=MAX_BLOCK_S, low_open=True)
    sync = torch.cuda.synchronize if torch.cuda.is_initialized() else (lambda: None)
    threads = torch.get_num_threads()
    torch.set_num_threads(num_threads)
    try:
        block = {}
        for name, (fn, args) in calls.items():
            _time_block(fn, args, 2, sync)  # warm-up
            once = max(_time_block(fn, args, 1, sync), 1e-9)  # a clock tick can read 0
            block[name] = max(1, round(block_s / once))
        times: dict[str, list[float]] = {name: [] for name in calls}
        budget = min_run_time / rounds
        for _ in range(rounds):
            for name, (fn, args) in calls.items():
                spent = 0.0
                while spent < budget:
                    times[name].append(_time_block(fn, args, block[name], sync))
                    spent += times[name][-1] * block[name]
    finally:
        torch.set_num_threads(threads)
    result = {}
    for name, t in times.items():
        q1, median, q3 = np.percentile(t, [25, 50, 75])
        result[name] = {
            "median_s": float(median),
            "iqr_s": float(q3 - q1),
            "min_s": min(t),
            "blocks": len(t),
        }
    return result
