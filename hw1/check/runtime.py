"""What the checking process and the graders share: the time limit and the reader's traceback.

Imports no PyTorch.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
import traceback
from collections.abc import Iterator

__all__ = [
    "CHECKER_DIR",
    "RESULTS_ENV",
    "CheckTimeout",
    "in_checking_process",
    "mark_checking_process",
    "student_traceback",
    "time_limit",
]

#: The folder of the checker itself, whose frames are left out of a reader's traceback.
CHECKER_DIR = os.path.dirname(os.path.abspath(__file__))
#: The environment variable naming the file the checking process writes its records to.
RESULTS_ENV = "HW1_CHECK_RESULTS"

_STATE = {"checking_process": False}


def mark_checking_process() -> None:
    """Record that this process is a checking process started by :func:`hw1.check.check_file`."""
    _STATE["checking_process"] = True


def in_checking_process() -> bool:
    """Whether this process is a checking process (where a file's own check cells do nothing)."""
    return _STATE["checking_process"]


class CheckTimeout(BaseException):
    """The time limit of a check or of loading ran out (not caught by ``except Exception``)."""


@contextlib.contextmanager
def time_limit(seconds: float | None, what: str) -> Iterator[None]:
    """Raise :class:`CheckTimeout` in the main thread once ``seconds`` have passed.

    Nested inside another limit (a notebook's check cell while the file loads), the outer
    limit keeps running: the inner one is skipped if the outer ends first, and otherwise
    the outer's remaining time is set again when the inner block ends.
    """
    usable = (
        seconds is not None
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    outer = signal.getitimer(signal.ITIMER_REAL)[0] if usable else 0.0
    if not usable or 0 < outer <= seconds:
        yield
        return

    def on_alarm(signum: int, frame: object) -> None:
        raise CheckTimeout(f"{what} did not finish within the time limit of {seconds:g} s")

    start = time.monotonic()
    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer > 0:  # give the outer limit back what it had left (at least a moment)
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - start), 1e-3))


def student_traceback(exc: BaseException, frames: int = 6, error_lines: int | None = None) -> str:
    """Return the traceback of ``exc`` without the checker's own frames.

    Parameters
    ----------
    exc : BaseException
        The exception the reader's code raised.
    frames : int
        How many of the last frames to keep.
    error_lines : int or None
        How many lines of the error itself to keep (all of them if ``None``).
    """
    kept = [
        frame
        for frame in traceback.extract_tb(exc.__traceback__)
        if os.path.dirname(os.path.abspath(frame.filename)) != CHECKER_DIR
        and "/torch/" not in frame.filename
    ]
    text = "".join(traceback.format_list(kept[-frames:]))
    last = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    if error_lines is not None and not isinstance(exc, SyntaxError):  # that one is short
        lines = [line.strip() for line in last.splitlines() if line.strip()]
        if len(lines) > 1 and lines[0].endswith(":"):  # "ImportError: " and its message below
            lines[:2] = [f"{lines[0]} {lines[1]}"]
        last = "\n".join(lines[:error_lines]) + (" …" if len(lines) > error_lines else "")
    return (("Traceback (most recent call last):\n" + text) if text else "") + last
