"""Run a file's checks in separate processes, each stage under a time limit that holds.

:func:`~hw1.check.check_file` starts a checking process (:mod:`hw1.check.worker`), reads
the records it writes, and kills its whole process group when a stage (starting, loading
the file, one check) overruns its limit; the checks left then run in a new process.
Imports no PyTorch.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from pathlib import Path

from hw1.check.names import resolve_only
from hw1.check.results import CheckResult, Report
from hw1.check.runtime import RESULTS_ENV

__all__ = ["CHECK_TIMEOUT", "GRACE", "LOAD_TIMEOUT", "check_file"]

#: Seconds a file may take to load, and one check to run, unless told otherwise.
LOAD_TIMEOUT = 300.0
CHECK_TIMEOUT = 60.0

#: Seconds a stage of the checking process (loading, one check) gets beyond its time
#: limit before the process is killed: the limit is an exception the reader's code can block.
GRACE = 5.0
#: Seconds the checking process may take to start, or to import PyTorch between loading the
#: file and the first check.
STARTUP = 120.0
#: Seconds between two looks at the checking process's progress.
POLL = 0.05


def _tail(text: str, lines: int = 20) -> str:
    kept = text.splitlines()[-lines:]
    return "\n".join(kept)


def check_file(
    path: str | os.PathLike,
    *,
    only: Iterable[str] | str | None = None,
    load_timeout: float = LOAD_TIMEOUT,
    check_timeout: float | None = CHECK_TIMEOUT,
    stop: threading.Event | None = None,
) -> Report:
    """Run a ``.py`` file or ``.ipynb`` notebook in a separate process and check its answers.

    **This runs the file's code**, as ``python`` would, in a fresh Python process whose
    working directory is the file's folder. A notebook's code cells run in order; lines
    starting with ``%`` or ``!`` are skipped, and a failing cell is reported as a note
    while the later cells still run. Code under ``if __name__ == "__main__":`` does not
    run.

    Each stage (loading the file, each check) has its time limit; a stage that blocks
    it is stopped a few seconds later by killing the process, and the checks left are
    run in a new process that loads the file again.

    Parameters
    ----------
    path : str or path
        The answer file.
    only : iterable of str or str, optional
        Check only these names.
    load_timeout : float
        Seconds the file may take to run before the checks start.
    check_timeout : float or None
        Seconds each check may take; ``None`` for no limit (an hour).
    stop : threading.Event, optional
        Set from another thread to stop at once: the checking process is killed and the
        report's ``error`` says so.

    Returns
    -------
    Report
        With ``error`` set when the file could not be loaded (its traceback included).

    Raises
    ------
    ValueError
        If ``path`` is not a ``.py`` or ``.ipynb`` file or ``only`` names an unknown
        function.
    FileNotFoundError
        If ``path`` does not exist.
    """
    file = Path(path).resolve()
    names = resolve_only(only)
    if file.suffix not in (".py", ".ipynb"):
        raise ValueError(f"path must be a .py file or an .ipynb notebook, got {str(path)!r}")
    if not file.is_file():
        raise FileNotFoundError(f"no such file: {str(path)!r}")
    report = Report(source=str(path))
    per_check = check_timeout if check_timeout is not None else 3600.0
    with tempfile.TemporaryDirectory(prefix="hw1-check-") as tmp:
        env = {**os.environ, "MPLBACKEND": "Agg"}
        env.setdefault("OMP_NUM_THREADS", "1")
        env["PYTHONPATH"] = os.pathsep.join(
            [str(file.parent), str(Path(__file__).resolve().parents[2])]
            + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])
        )
        with open(Path(tmp) / "output.txt", "w+", encoding="utf-8") as output:
            _check_in_processes(
                report,
                names,
                file=file,
                folder=Path(tmp),
                env=env,
                output=output,
                load_timeout=load_timeout,
                check_timeout=per_check,
                stop=stop or threading.Event(),
            )
            output.seek(0)
            printed = output.read()
    if report.error is not None and printed.strip():
        report.error += "\n--- last lines the file printed ---\n" + _tail(printed)
    return report


@dataclasses.dataclass
class _Run:
    """The records one checking process wrote, and how it ended."""

    records: list[dict]
    stopped: tuple[str, float] | None  # (stage, its limit in s) if killed for overrunning
    returncode: int


def _supervise(
    command: list[str],
    *,
    cwd: Path,
    env: dict[str, str],
    output: object,
    results_path: Path,
    load_timeout: float,
    check_timeout: float,
    stop: threading.Event,
) -> _Run:
    """Run one checking process, killing it when a stage overruns its time limit.

    The stages are starting (imports), loading the file and each check, which the
    process announces in its records. The process's own time limit is an exception the
    reader's code can swallow (a bare ``except:``) or never see (a hang in C code), so
    here each stage gets ``GRACE`` seconds more before the process group is killed. The
    group is killed at the end in every case, also when this function is interrupted
    (Ctrl-C, SIGTERM turned into ``SystemExit``), so nothing the file started outlives
    the check.
    """
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=output,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, so it can be killed as a whole
    )
    records: list[dict] = []
    stopped = None
    try:
        stage, limit = "starting", STARTUP
        deadline = time.monotonic() + limit
        unread = ""
        with open(results_path, encoding="utf-8") as results:
            while True:
                try:
                    process.wait(timeout=POLL)
                    exited = True
                except subprocess.TimeoutExpired:
                    exited = False
                unread += results.read()
                *lines, unread = unread.split("\n")
                for line in filter(None, lines):
                    record = json.loads(line)
                    records.append(record)
                    stage, limit = {
                        "started": ("loading", load_timeout + GRACE),
                        "start": (record.get("name"), check_timeout + GRACE),
                        "done": ("exiting", GRACE),
                        "error": ("exiting", GRACE),
                    }.get(record["event"], ("between checks", STARTUP))
                    deadline = time.monotonic() + limit
                if exited or stop.is_set():
                    break
                if time.monotonic() > deadline:
                    if stage != "exiting":  # a process that hangs on exit is just ended
                        stopped = (stage, limit)
                    break
    finally:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    return _Run(records, stopped, process.returncode)


def _check_in_processes(
    report: Report,
    names: list[str],
    *,
    file: Path,
    folder: Path,
    env: dict[str, str],
    output: object,
    load_timeout: float,
    check_timeout: float,
    stop: threading.Event,
) -> None:
    """Fill ``report``, starting a new checking process after each stopped check."""
    found: list[str] | None = None  # the names to check, once the file has loaded
    finished: dict[str, CheckResult] = {}
    remaining = names
    why_not_run = ""
    for attempt in itertools.count():
        results_path = folder / f"results-{attempt}.jsonl"
        results_path.touch()
        command = [
            sys.executable,
            "-c",
            "from hw1.check.worker import main; main()",
            str(file),
            ",".join(remaining),
            str(load_timeout),
            str(check_timeout),
        ]
        run = _supervise(
            command,
            cwd=file.parent,
            env={**env, RESULTS_ENV: str(results_path)},
            output=output,
            results_path=results_path,
            load_timeout=load_timeout,
            check_timeout=check_timeout,
            stop=stop,
        )
        if stop.is_set():
            report.error = "stopped before the checks finished (the checker was interrupted)"
            return
        loaded, in_progress, error, done = None, None, None, False
        for record in run.records:
            event = record.pop("event")
            if event == "error":
                error = record["message"]
            elif event == "loaded":
                loaded = record
            elif event == "start":
                in_progress = record
            elif event == "check":
                in_progress = None
                finished[record["name"]] = CheckResult(**record)
            elif event == "done":
                done = True
        ended = f"the checking process ended with status {run.returncode}"
        if found is None:  # the first process
            if error is None and loaded is None:
                error = _not_loaded(run, load_timeout, ended)
            if error is not None:
                report.error = error
                return
            report.notes.extend(loaded["notes"])
            report.absent.extend(loaded["absent"])
            found = list(loaded["found"])
        elif loaded is None:
            why = (error or _not_loaded(run, load_timeout, ended)).splitlines()[0]
            why_not_run = f"loading the file again, in a new process, failed: {why}"
            break
        if done:
            why_not_run = "not defined when the file was loaded again, in a new process"
            break
        if in_progress is None:  # ended between two checks: nothing to blame
            why_not_run = ended
            break
        name = in_progress["name"]
        if run.stopped is not None:
            message = (
                f"the check of {name} did not finish within the time limit of "
                f"{check_timeout:g} s, and the answer blocks that limit (a bare except: "
                "that swallows it, or a hang inside C code): the checking process was "
                f"stopped after {run.stopped[1]:g} s"
            )
            mistake = "time limit"
        else:
            message = f"{ended} during the check of {name} (os._exit, a crash or out of memory?)"
            mistake = "process ended"
        seconds = time.time() - in_progress["time"]
        finished[name] = CheckResult(name, False, message, 0, seconds, mistake=mistake)
        remaining = [n for n in found if n not in finished]
        if not remaining:
            break
        report.notes.append(
            f"the check of {name} was stopped; the file was loaded again in a new process to "
            f"run the remaining checks ({', '.join(remaining)})"
        )
    for name in found or []:
        result = finished.get(name) or CheckResult(name, False, f"not run: {why_not_run}", 0)
        report.checks.append(result)


def _not_loaded(run: _Run, load_timeout: float, ended: str) -> str:
    """Say why a checking process stopped before the file had loaded."""
    if run.stopped is None:
        return f"{ended} before the file finished loading"
    stage, limit = run.stopped
    if stage == "starting":
        return f"the checking process did not start within {limit:g} s"
    return (
        f"loading the file did not finish within the time limit of {load_timeout:g} s, and "
        "its code blocks that limit (signals ignored, a bare except:, or a hang inside C "
        f"code): the checking process was stopped after {limit:g} s of loading; allow more "
        "with --load-timeout"
    )


# Users import and the docs show it as hw1.check.check_file.
check_file.__module__ = "hw1.check"
