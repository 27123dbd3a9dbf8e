r"""Check a reader's own answers against the project's oracles.

``python -m hw1.check answers.py`` (or ``answers.ipynb``) **runs that file's code** in a
fresh namespace, in a separate Python process with a time limit, then looks in that
namespace for the functions the assignment asks for, under the names the ``hw1`` API
uses, and checks each one it finds on cases the reader cannot tune to: several shapes
(never square where a transpose could hide), several seeds, float64, and the edge cases
of each question. Each answer is compared with an oracle nobody on this project wrote
(autograd, ``torch.func``, plain gradient-descent steps, a dense grid), and the
classic mistakes are recognised and named.

In a notebook, :func:`check` takes the notebook's own namespace (``globals()``) or a
module and returns a :class:`Report`, shown as a table.

Exit status of the command: 0 when every function found passes, 1 when any fails, 2 when
nothing could be checked (a ``.py`` file that cannot be loaded, or a file that defines none
of the names; a notebook's failing cells are reported as notes and the rest still runs).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import html
import itertools
import json
import linecache
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import traceback
import types
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

__all__ = ["NAMES", "CheckResult", "Report", "check", "check_file", "main"]

#: The names looked for, in report order, with the question each answers.
NAMES: dict[str, str] = {
    "manual_gradients": "Q1(b)",
    "numerical_gradient": "Q1(c)",
    "jacobian_reverse": "Q2(b)",
    "jacobian_forward": "Q2(c)",
    "xnor_net": "Q3",
    "tent_net": "Q3",
    "soft_threshold_net": "Q3",
    "MLP": "Q4(a)",
    "my_model": "Q4(a)",
    "init_uniform_": "Q4(b)",
    "gradient": "Q5(a)",
    "minimizer": "Q5(a)",
    "closed_form_iterate": "Q5(c)",
}

#: Seconds a file may take to load, and one check to run, unless told otherwise.
LOAD_TIMEOUT = 300.0
CHECK_TIMEOUT = 60.0

#: Seconds a stage of the checking process (loading, one check) gets beyond its time
#: limit before the process is killed: the limit is an exception the reader's code can block.
_GRACE = 5.0
#: Seconds the checking process may take to start, or to import PyTorch between loading the
#: file and the first check.
_STARTUP = 120.0
#: Seconds between two looks at the checking process's progress.
_POLL = 0.05
#: The files of the checker itself, whose frames are left out of a reader's traceback.
_CHECKER_FILES = frozenset(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), name)
    for name in ("check.py", "_check_cases.py")
)
_RESULTS_ENV = "HW1_CHECK_RESULTS"


# -- results ------------------------------------------------------------------------------


@dataclasses.dataclass
class CheckResult:
    """The outcome of checking one function.

    Attributes
    ----------
    name : str
        The function's name, e.g. ``"manual_gradients"``.
    passed : bool
        Whether every case matched the oracle.
    message : str
        What was found: the mistake, named where it is a known one, or what passed.
    cases : int
        How many test cases ran.
    seconds : float
        Wall time of the check.
    """

    name: str
    passed: bool
    message: str
    cases: int
    seconds: float = 0.0

    def to_dict(self) -> dict[str, object]:
        """Return the JSON record ``{"name", "passed", "message", "cases"}``."""
        return {
            "name": self.name,
            "passed": self.passed,
            "message": self.message,
            "cases": self.cases,
        }


@dataclasses.dataclass
class Report:
    """Everything a check found: one :class:`CheckResult` per function found.

    Its text form (``str(report)``) is the command's report; in a notebook it is shown
    as an HTML table (``_repr_html_``).

    Attributes
    ----------
    source : str
        What was checked: a file path or ``"namespace"``.
    checks : list of CheckResult
        One per function found, in the order the names are looked for.
    absent : list of str
        The names looked for and not found.
    notes : list of str
        Remarks on loading, e.g. notebook lines that were skipped.
    error : str or None
        Why the file could not be loaded (with its traceback), or ``None``.
    """

    source: str
    checks: list[CheckResult] = dataclasses.field(default_factory=list)
    absent: list[str] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)
    error: str | None = None

    @property
    def passed(self) -> bool:
        """Whether the file loaded, defined at least one name and every check passed."""
        return self.error is None and bool(self.checks) and all(c.passed for c in self.checks)

    @property
    def exit_code(self) -> int:
        """Return 0 (all pass), 1 (a check fails) or 2 (not loaded, or no names)."""
        if self.error is not None or not self.checks:
            return 2
        return 0 if self.passed else 1

    def to_dict(self) -> dict[str, object]:
        """Return the ``--json`` record: passed, checks, absent, notes and error."""
        return {
            "passed": self.passed,
            "checks": [c.to_dict() for c in self.checks],
            "absent": list(self.absent),
            "notes": list(self.notes),
            "error": self._error_text(),
        }

    def _error_text(self) -> str | None:
        if self.error is not None:
            return self.error
        if not self.checks:
            return "the file defines none of the names looked for: " + ", ".join(self.absent)
        return None

    def __str__(self) -> str:
        """Return the human-readable report."""
        lines = [f"hw1.check: {self.source}"]
        for note in self.notes:
            first, *rest = note.splitlines() or [""]
            lines.append(f"  note: {first}")
            lines += ["    " + line for line in rest]
        error = self._error_text()
        if self.error is not None:
            lines.append("  could not load the file:")
            lines += ["    " + line for line in self.error.splitlines()]
        for c in self.checks:
            status = "PASS" if c.passed else "FAIL"
            head = f"  {status}  {c.name:<20} {NAMES.get(c.name, ''):<6} {c.cases:>3} cases"
            lines.append(f"{head}  {c.seconds:6.2f} s")
            lines += _indented(c.message, "        ")
        if self.absent and self.error is None and self.checks:
            lines.append("  not defined (not checked): " + ", ".join(self.absent))
        if error is not None and self.error is None:
            lines.append(f"  {error}")
        n_pass = sum(c.passed for c in self.checks)
        verdict = {0: "all passed", 1: "some failed", 2: "nothing checked"}[self.exit_code]
        lines.append(f"  {n_pass} of {len(self.checks)} checks passed: {verdict}.")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        esc = html.escape
        cell = 'style="text-align:left;vertical-align:top;padding:2px 8px"'
        rows = []
        for c in self.checks:
            colour = "#1a7f37" if c.passed else "#cf222e"
            status = "pass" if c.passed else "FAIL"
            rows.append(
                f"<tr><td {cell}><code>{esc(c.name)}</code></td>"
                f"<td {cell}>{esc(NAMES.get(c.name, ''))}</td>"
                f'<td {cell}><b style="color:{colour}">{status}</b></td>'
                f"<td {cell}>{c.cases}</td>"
                f'<td {cell}><pre style="white-space:pre-wrap;margin:0">{esc(c.message)}</pre></td>'
                "</tr>"
            )
        parts = [f"<div><p><b>hw1.check</b>: {esc(self.source)}</p>"]
        parts += [
            f'<p>Note:</p><pre style="white-space:pre-wrap">{esc(note)}</pre>'
            if "\n" in note
            else f"<p>Note: {esc(note)}</p>"
            for note in self.notes
        ]
        if self.error is not None:
            parts.append(f"<p>Could not load the file:</p><pre>{esc(self.error)}</pre>")
        if rows:
            header = "".join(
                f"<th {cell}>{h}</th>" for h in ("function", "question", "result", "cases", "")
            )
            parts.append(f"<table><thead><tr>{header}</tr></thead><tbody>")
            parts += rows
            parts.append("</tbody></table>")
        if self.absent and self.error is None:
            names = ", ".join(f"<code>{esc(n)}</code>" for n in self.absent)
            parts.append(f"<p>Not defined (not checked): {names}</p>")
        n_pass = sum(c.passed for c in self.checks)
        parts.append(f"<p>{n_pass} of {len(self.checks)} checks passed.</p></div>")
        return "\n".join(parts)


def _indented(message: str, indent: str, width: int = 88) -> list[str]:
    """Indent a message, wrapping its prose lines (a traceback is left as it is)."""
    if "Traceback" in message or "File " in message:
        return [indent + line for line in message.splitlines()]
    lines = []
    for line in message.splitlines():
        lines += textwrap.wrap(line, width, initial_indent=indent, subsequent_indent=indent + "  ")
    return lines


# -- small tools shared by the checks -----------------------------------------------------

# -- the time limit, shared by the checking process and the checks -----------------------


class _CheckTimeout(BaseException):
    """The time limit of a check or of loading ran out (not caught by ``except Exception``)."""


@contextlib.contextmanager
def _time_limit(seconds: float | None, what: str) -> Iterator[None]:
    """Raise :class:`_CheckTimeout` in the main thread once ``seconds`` have passed."""
    usable = (
        seconds is not None
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def on_alarm(signum: int, frame: object) -> None:
        raise _CheckTimeout(f"{what} did not finish within the time limit of {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _student_traceback(exc: BaseException, frames: int = 6, error_lines: int | None = None) -> str:
    """Return the traceback of ``exc`` without the checker's own frames.

    Only the last ``frames`` frames are kept, and the first ``error_lines`` lines of the
    error itself (all of them if ``None``).
    """
    kept = [
        frame
        for frame in traceback.extract_tb(exc.__traceback__)
        if os.path.abspath(frame.filename) not in _CHECKER_FILES and "/torch/" not in frame.filename
    ]
    text = "".join(traceback.format_list(kept[-frames:]))
    last = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    if error_lines is not None and not isinstance(exc, SyntaxError):  # that one is short
        lines = [line.strip() for line in last.splitlines() if line.strip()]
        if len(lines) > 1 and lines[0].endswith(":"):  # "ImportError: " and its message below
            lines[:2] = [f"{lines[0]} {lines[1]}"]
        last = "\n".join(lines[:error_lines]) + (" …" if len(lines) > error_lines else "")
    return (("Traceback (most recent call last):\n" + text) if text else "") + last


def _resolve_only(only: Iterable[str] | str | None) -> list[str]:
    if only is None:
        return list(NAMES)
    if isinstance(only, str):
        only = only.replace(",", " ").split()
    names = list(only)
    unknown = [n for n in names if n not in NAMES]
    if unknown:
        raise ValueError(f"only must name functions among {list(NAMES)}, got {unknown}")
    return [n for n in NAMES if n in names]


def check(
    target: object,
    *,
    only: Iterable[str] | str | None = None,
    timeout: float | None = CHECK_TIMEOUT,
) -> Report:
    """Check the answers defined in a namespace, a module or a file.

    Parameters
    ----------
    target : dict, module, object, str or path
        Where the answers are: a namespace such as a notebook's ``globals()``, a module,
        any object with the functions as attributes, or the path of a ``.py`` or
        ``.ipynb`` file (then :func:`check_file` runs it in a separate process).
    only : iterable of str or str, optional
        Check only these names (a comma-separated string works too).
    timeout : float or None
        Seconds each check may run in this process (main thread only); ``None`` for no
        limit.

    Returns
    -------
    Report
        One :class:`CheckResult` per name found; shown as a table in a notebook.

    Raises
    ------
    ValueError
        If ``only`` names a function that is not looked for.
    """
    names = _resolve_only(only)
    if isinstance(target, str | os.PathLike):
        return check_file(target, only=names, check_timeout=timeout)
    if isinstance(target, Mapping):
        namespace, source = target, "namespace"
    else:
        namespace = {n: getattr(target, n) for n in names if hasattr(target, n)}
        source = getattr(target, "__file__", None) or getattr(target, "__name__", "namespace")
    report = Report(source=str(source))
    from hw1._check_cases import run_one  # PyTorch, needed only once there is something to check

    for name in names:
        if name not in namespace:
            report.absent.append(name)
            continue
        report.checks.append(run_one(name, namespace, timeout))
    return report


# -- loading a file in a separate process -------------------------------------------------


def _notebook_cells(path: Path) -> tuple[list[tuple[str, str]], list[str]]:
    """Return a notebook's code cells as (label, source), with magics and shell lines blanked.

    The label is ``"PATH [code cell N]"``, N counting code cells from 1.
    """
    notebook = json.loads(path.read_text(encoding="utf-8"))
    cells, skipped = [], []
    number = 0
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        number += 1
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        lines = []
        for line_number, line in enumerate(source.splitlines(), 1):
            stripped = line.lstrip()
            if stripped.startswith(("%", "!")) and not stripped.startswith("!="):
                indent = line[: len(line) - len(stripped)]
                lines.append(f"{indent}pass")
                skipped.append(f"cell {number} line {line_number}: {stripped[:60]}")
            else:
                lines.append(line)
        cells.append((f"{path} [code cell {number}]", "\n".join(lines) + "\n"))
    notes = []
    if skipped:
        notes.append(
            f"skipped {len(skipped)} notebook line(s) starting with % or ! (magics and "
            "shell commands are not Python): " + "; ".join(skipped)
        )
    return cells, notes


def _run_source(label: str, source: str, namespace: dict[str, object]) -> None:
    linecache.cache[label] = (len(source), None, source.splitlines(True), label)
    exec(compile(source, label, "exec"), namespace)  # running the reader's code is the point


def _load(path: Path) -> tuple[dict[str, object], list[str]]:
    """Run a .py file or a notebook's code cells in a fresh module namespace.

    A ``.py`` file is one unit: an exception stops the load (``sys.exit(0)`` or
    ``sys.exit()`` just ends it, as under ``python``). In a notebook each failing cell
    becomes a note and the later cells still run, as after an error in Jupyter; the load
    time limit running out in a cell becomes a note too, and the later cells do not run.
    """
    module = types.ModuleType("hw1_check_answers")
    module.__file__ = str(path)
    sys.modules[module.__name__] = module
    namespace = module.__dict__
    if path.suffix != ".ipynb":
        try:
            _run_source(str(path), path.read_text(encoding="utf-8"), namespace)
        except SystemExit as exc:
            if exc.code not in (None, 0):
                raise
            lines = [
                f.lineno for f in traceback.extract_tb(exc.__traceback__) if f.filename == str(path)
            ]
            where = f" at line {lines[-1]}" if lines else ""
            return namespace, [
                f"the file ends with sys.exit({'' if exc.code is None else exc.code}){where}, "
                "a normal end as under python; code after it did not run"
            ]
        return namespace, []
    cells, notes = _notebook_cells(path)
    for label, source in cells:
        cell = label[label.rindex("[") + 1 : -1]
        try:
            _run_source(label, source, namespace)
        except _CheckTimeout as exc:
            notes.append(
                f"{cell}: {exc}; the later cells did not run (allow more time with --load-timeout)"
            )
            break
        except (Exception, SystemExit) as exc:  # a failing cell, as Jupyter shows it
            notes.append(
                f"{cell} failed, and the later cells still ran:\n"
                + _student_traceback(exc, frames=2, error_lines=1)
            )
    return namespace, notes


def _worker() -> None:
    """Entry point of the checking process: load the file, run the checks, write JSON lines."""
    status = 0
    try:
        _work()
    except BaseException:  # the checker's own failure: show it in the printed output
        traceback.print_exc()
        status = 1
    sys.stdout.flush()
    sys.stderr.flush()
    # Threads or child processes the reader's code started would keep a normal exit waiting.
    os._exit(status)


def _work() -> None:
    path, only, load_timeout, check_timeout = sys.argv[1:5]
    results = open(os.environ[_RESULTS_ENV], "w", encoding="utf-8", buffering=1)

    def emit(record: dict) -> None:
        results.write(json.dumps(record) + "\n")
        results.flush()

    names = _resolve_only(only)
    file = Path(path)
    emit({"event": "started"})
    try:
        with _time_limit(float(load_timeout), f"loading {file.name}"):
            namespace, notes = _load(file)
    except _CheckTimeout as exc:
        emit({"event": "error", "message": f"{exc}; allow more with --load-timeout"})
        return
    except SyntaxError as exc:
        emit(
            {
                "event": "error",
                "message": "".join(traceback.format_exception_only(type(exc), exc)).rstrip(),
            }
        )
        return
    except BaseException as exc:  # SystemExit too: report it, never exit silently
        emit(
            {
                "event": "error",
                "message": f"running the file raised {type(exc).__name__}:\n"
                + _student_traceback(exc),
            }
        )
        return
    found = [n for n in names if n in namespace]
    emit(
        {
            "event": "loaded",
            "notes": notes,
            "found": found,
            "absent": [n for n in names if n not in namespace],
        }
    )
    if found:  # PyTorch only now: a file that does not load, or defines nothing, needs none
        from hw1._check_cases import run_one
    for name in found:
        emit({"event": "start", "name": name, "time": time.time()})
        result = run_one(name, namespace, float(check_timeout))
        emit({"event": "check", **result.to_dict(), "seconds": result.seconds})
    emit({"event": "done"})


def _tail(text: str, lines: int = 20) -> str:
    kept = text.splitlines()[-lines:]
    return "\n".join(kept)


def check_file(
    path: str | os.PathLike,
    *,
    only: Iterable[str] | str | None = None,
    load_timeout: float = LOAD_TIMEOUT,
    check_timeout: float | None = CHECK_TIMEOUT,
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
    names = _resolve_only(only)
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
            [str(file.parent), str(Path(__file__).resolve().parent.parent)]
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
) -> _Run:
    """Run one checking process, killing it when a stage overruns its time limit.

    The stages are starting (imports), loading the file and each check, which the
    process announces in its records. The process's own time limit is an exception the
    reader's code can swallow (a bare ``except:``) or never see (a hang in C code), so
    here each stage gets ``_GRACE`` seconds more before the process group is killed. The
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
        stage, limit = "starting", _STARTUP
        deadline = time.monotonic() + limit
        unread = ""
        with open(results_path, encoding="utf-8") as results:
            while True:
                try:
                    process.wait(timeout=_POLL)
                    exited = True
                except subprocess.TimeoutExpired:
                    exited = False
                unread += results.read()
                *lines, unread = unread.split("\n")
                for line in filter(None, lines):
                    record = json.loads(line)
                    records.append(record)
                    stage, limit = {
                        "started": ("loading", load_timeout + _GRACE),
                        "start": (record.get("name"), check_timeout + _GRACE),
                        "done": ("exiting", _GRACE),
                        "error": ("exiting", _GRACE),
                    }.get(record["event"], ("between checks", _STARTUP))
                    deadline = time.monotonic() + limit
                if exited:
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
            "from hw1.check import _worker; _worker()",
            str(file),
            ",".join(remaining),
            str(load_timeout),
            str(check_timeout),
        ]
        run = _supervise(
            command,
            cwd=file.parent,
            env={**env, _RESULTS_ENV: str(results_path)},
            output=output,
            results_path=results_path,
            load_timeout=load_timeout,
            check_timeout=check_timeout,
        )
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
        else:
            message = f"{ended} during the check of {name} (os._exit, a crash or out of memory?)"
        finished[name] = CheckResult(name, False, message, 0, time.time() - in_progress["time"])
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


# -- the command --------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m hw1.check",
        description=(
            "Check your own answers to Assignment 1 against the hw1 project's oracles. "
            "WARNING: this RUNS the code in PATH (as python would), in a separate process "
            "with a time limit; check only files you trust. Looks for: "
            + ", ".join(NAMES)
            + ". Each must take the same arguments as the hw1 function of that name."
        ),
        epilog=(
            "Exit status: 0 every function found passes; 1 a function fails; 2 nothing "
            "checked: a .py file cannot be loaded, or the file defines none of the names (a "
            "notebook's failing cells are notes; the later cells still run)."
        ),
    )
    parser.add_argument("path", metavar="PATH", help="a .py file or an .ipynb notebook")
    parser.add_argument(
        "--json",
        action="store_true",
        help='write {"passed", "checks": [{"name", "passed", "message", "cases"}, ...]} '
        "to stdout and the human report to stderr",
    )
    parser.add_argument(
        "--only",
        metavar="NAMES",
        action="append",
        help="check only these names (comma-separated; may be repeated)",
    )
    parser.add_argument(
        "--load-timeout",
        type=float,
        default=LOAD_TIMEOUT,
        metavar="SECONDS",
        help=f"time the file may take to run before checking (default {LOAD_TIMEOUT:g})",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=CHECK_TIMEOUT,
        metavar="SECONDS",
        help=f"time each check may take (default {CHECK_TIMEOUT:g})",
    )
    return parser


def _terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return its exit status.

    Parameters
    ----------
    argv : list of str, optional
        The arguments; ``sys.argv[1:]`` if omitted.

    Returns
    -------
    int
        0, 1 or 2, as described in ``--help``.
    """
    parser = _parser()
    args = parser.parse_args(argv)
    only = None
    if args.only:
        only = ",".join(args.only)
        try:
            _resolve_only(only)
        except ValueError as exc:
            parser.error("--only" + str(exc).removeprefix("only"))
    path = Path(args.path)
    if path.suffix not in (".py", ".ipynb") or not path.is_file():
        parser.error(f"PATH must be an existing .py or .ipynb file, got {args.path!r}")
    # SIGTERM (kill, timeout) becomes an exception, so the checking process is killed too.
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminate) if in_main_thread else None
    try:
        report = check_file(
            path, only=only, load_timeout=args.load_timeout, check_timeout=args.timeout
        )
    except KeyboardInterrupt:
        print("hw1.check: interrupted; the checking process was stopped", file=sys.stderr)
        return 130
    finally:
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
        print(report, file=sys.stderr)
    else:
        print(report)
    return report.exit_code


if __name__ == "__main__":
    sys.exit(main())
