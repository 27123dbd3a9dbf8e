"""A gradebook for a folder of submissions: check many files, two at a time, one row each.

Each file is checked by :func:`hw1.check.check_file` in its own processes, so a file that
hangs, crashes or does not parse costs only its own row. Imports no PyTorch.
"""

from __future__ import annotations

import collections
import concurrent.futures
import csv
import os
import threading
from collections.abc import Callable, Iterable, Sequence

from hw1.check.names import NAMES
from hw1.check.results import Report
from hw1.check.supervise import CHECK_TIMEOUT, LOAD_TIMEOUT, check_file

__all__ = ["CELLS", "cells", "check_files", "first_failure", "summary", "write_csv"]

#: What a gradebook cell can say.
CELLS = ("pass", "fail", "not attempted", "absent", "error")


def check_files(
    paths: Sequence[str | os.PathLike],
    *,
    only: Iterable[str] | str | None = None,
    jobs: int = 2,
    load_timeout: float = LOAD_TIMEOUT,
    check_timeout: float | None = CHECK_TIMEOUT,
    on_report: Callable[[Report], None] | None = None,
) -> list[Report]:
    """Check each file, ``jobs`` at a time; return their reports in the order of ``paths``.

    Parameters
    ----------
    paths : sequence of str or path
        The ``.py`` files and ``.ipynb`` notebooks. A missing file or another suffix
        gives a report whose ``error`` says so.
    only : iterable of str or str, optional
        Check only these names.
    jobs : int
        How many files are checked at the same time (each in its own process).
    load_timeout, check_timeout : float
        As for :func:`hw1.check.check_file`.
    on_report : callable, optional
        Called with each report, in the order of ``paths``, as soon as it and those
        before it are done.

    Raises
    ------
    ValueError
        If ``jobs`` is less than 1.
    """
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {jobs}")
    stop = threading.Event()

    def one(path: str | os.PathLike) -> Report:
        try:
            return check_file(
                path,
                only=only,
                load_timeout=load_timeout,
                check_timeout=check_timeout,
                stop=stop,
            )
        except (ValueError, FileNotFoundError) as exc:
            return Report(source=str(path), error=str(exc))

    reports = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(one, path) for path in paths]
        try:
            for future in futures:
                reports.append(future.result())
                if on_report is not None:
                    on_report(reports[-1])
        except BaseException:  # Ctrl-C or SIGTERM: stop every checking process first
            stop.set()
            for future in futures:
                future.cancel()
            raise
    return reports


def cells(report: Report, names: Iterable[str] = NAMES) -> dict[str, str]:
    """Return one gradebook cell per name: pass, fail, not attempted, absent or error."""
    by_name = {c.name: c.status for c in report.checks}
    row = {}
    for name in names:
        if report.error is not None:
            row[name] = "error"
        else:
            row[name] = by_name.get(name, "absent")
    return row


def first_failure(report: Report) -> str:
    """Return the first line of why the file failed: its load error or first failed check."""
    if report.error is not None:
        error = report.error.split("\n--- last lines", 1)[0].strip()
        return error.splitlines()[-1] if error else "error"
    for c in report.failed:
        return f"{c.name}: {c.message.strip().splitlines()[0]}"
    return ""


def write_csv(reports: Iterable[Report], path: str | os.PathLike, names: Sequence[str]) -> None:
    """Write the gradebook: a row per file, a column per name, then the first failure."""
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["file", *names, "first failure"])
        for report in reports:
            row = cells(report, names)
            writer.writerow([report.source, *row.values(), first_failure(report)])


def summary(reports: Sequence[Report], names: Sequence[str]) -> str:
    """Return one line per name, e.g. ``manual_gradients: 12 pass, 3 fail (missing 1/N: 2)``."""
    lines = [f"hw1.check: {len(reports)} files"]
    width = max(map(len, names), default=0)
    for name in names:
        counts = collections.Counter(cells(report, [name])[name] for report in reports)
        mistakes = collections.Counter(
            c.mistake
            for report in reports
            for c in report.failed
            if c.name == name and c.mistake is not None
        )
        parts = []
        for cell in CELLS:
            if counts[cell]:
                part = f"{counts[cell]} {cell}"
                if cell == "fail" and mistakes:
                    part += " (" + ", ".join(f"{m}: {n}" for m, n in mistakes.most_common()) + ")"
                parts.append(part)
        lines.append(f"  {name + ':':<{width + 1}} " + ", ".join(parts))
    return "\n".join(lines)
