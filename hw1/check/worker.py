"""The checking process: load the reader's file, run the graders, write one JSON line per event.

:func:`hw1.check.check_file` starts ``python -c "from hw1.check.worker import main; main()"``
and reads the records this module writes (see :mod:`hw1.check.supervise`). PyTorch is
imported only once the file has loaded and defines something to check.
"""

from __future__ import annotations

import json
import linecache
import os
import sys
import time
import traceback
import types
from pathlib import Path

from hw1.check.names import resolve_only
from hw1.check.runtime import (
    RESULTS_ENV,
    CheckTimeout,
    mark_checking_process,
    student_traceback,
    time_limit,
)

__all__ = ["load", "main", "notebook_cells"]


def notebook_cells(path: Path) -> tuple[list[tuple[str, str]], list[str]]:
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


def load(path: Path) -> tuple[dict[str, object], list[str]]:
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
    cells, notes = notebook_cells(path)
    for label, source in cells:
        cell = label[label.rindex("[") + 1 : -1]
        try:
            _run_source(label, source, namespace)
        except CheckTimeout as exc:
            notes.append(
                f"{cell}: {exc}; the later cells did not run (allow more time with --load-timeout)"
            )
            break
        except (Exception, SystemExit) as exc:  # a failing cell, as Jupyter shows it
            notes.append(
                f"{cell} failed, and the later cells still ran:\n"
                + student_traceback(exc, frames=2, error_lines=1)
            )
    return namespace, notes


def main() -> None:
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
    mark_checking_process()  # the file's own check cells do nothing here
    results = open(os.environ[RESULTS_ENV], "w", encoding="utf-8", buffering=1)

    def emit(record: dict) -> None:
        results.write(json.dumps(record) + "\n")
        results.flush()

    names = resolve_only(only)
    file = Path(path)
    emit({"event": "started"})
    try:
        with time_limit(float(load_timeout), f"loading {file.name}"):
            namespace, notes = load(file)
    except CheckTimeout as exc:
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
                + student_traceback(exc),
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
        from hw1.check.graders import run_one
    for name in found:
        emit({"event": "start", "name": name, "time": time.time()})
        result = run_one(name, namespace, float(check_timeout))
        emit({"event": "check", **result.to_dict(), "seconds": result.seconds})
    emit({"event": "done"})
