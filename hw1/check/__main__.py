"""The command: ``python -m hw1.check PATH [PATH ...] [--json] [--csv FILE]``.

One file gets its report; several files get a report each and a summary per check across
them, and ``--csv`` writes the gradebook. This process imports no PyTorch: the files run,
and are checked, in processes of their own.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path

from hw1.check.gradebook import check_files, summary, write_csv
from hw1.check.names import NAMES, resolve_only
from hw1.check.supervise import CHECK_TIMEOUT, LOAD_TIMEOUT

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m hw1.check",
        description=(
            "Check your own answers to Assignment 1 against the hw1 project's oracles. "
            "WARNING: this RUNS the code in PATH (as python would), in a separate process "
            "with a time limit; check only files you trust. Looks for: "
            + ", ".join(NAMES)
            + ". Each must take the same arguments as the hw1 function of that name. A "
            "function whose first call raises NotImplementedError (a starter's stub) is "
            "reported as not attempted, neither passed nor failed."
        ),
        epilog=(
            "Exit status, for one PATH: 0 no function found fails; 1 a function fails; 2 "
            "nothing checked: a .py file cannot be loaded, or the file defines none of the "
            "names (a notebook's failing cells are notes; the later cells still run). For "
            "several PATHs (a gradebook): 0 once every file has its row."
        ),
    )
    parser.add_argument(
        "paths", metavar="PATH", nargs="+", help="a .py file or an .ipynb notebook (or several)"
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help='write {"passed", "checks": [{"name", "passed", "attempted", "message", '
        '"cases", "mistake"}, ...], "absent", "notes", "error"} to stdout (for several '
        'PATHs, a list of them, each with its "file") and the human report to stderr',
    )
    parser.add_argument(
        "--csv",
        metavar="FILE",
        help="write the gradebook to FILE: a row per PATH, a column per name (pass, fail, "
        "not attempted, absent or error) and the first failure's message",
    )
    parser.add_argument(
        "--only",
        metavar="NAMES",
        action="append",
        help="check only these names (comma-separated; may be repeated)",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=2,
        metavar="N",
        help="files checked at the same time (default 2)",
    )
    parser.add_argument(
        "--load-timeout",
        type=float,
        default=LOAD_TIMEOUT,
        metavar="SECONDS",
        help=f"time a file may take to run before checking (default {LOAD_TIMEOUT:g})",
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
            resolve_only(only)
        except ValueError as exc:
            parser.error("--only" + str(exc).removeprefix("only"))
    if args.jobs < 1:
        parser.error(f"--jobs must be at least 1, got {args.jobs}")
    single = len(args.paths) == 1
    for path in map(Path, args.paths):
        if single and (path.suffix not in (".py", ".ipynb") or not path.is_file()):
            parser.error(f"PATH must be an existing .py or .ipynb file, got {str(path)!r}")
    human = sys.stderr if args.json else sys.stdout

    def show(report: object) -> None:
        print(report, file=human, flush=True)
        if not single:
            print(file=human, flush=True)

    # SIGTERM (kill, timeout) becomes an exception, so the checking processes are killed too.
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminate) if in_main_thread else None
    try:
        reports = check_files(
            args.paths,
            only=only,
            jobs=args.jobs,
            load_timeout=args.load_timeout,
            check_timeout=args.timeout,
            on_report=show,
        )
    except KeyboardInterrupt:
        print("hw1.check: interrupted; the checking processes were stopped", file=sys.stderr)
        return 130
    finally:
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous)
    names = resolve_only(only)
    if not single:
        print(summary(reports, names), file=human)
    if args.csv:
        write_csv(reports, args.csv, names)
        print(f"hw1.check: gradebook written to {args.csv}", file=human)
    if args.json:
        records = [report.to_dict() for report in reports]
        if single:
            print(json.dumps(records[0], indent=2))
        else:
            pairs = zip(reports, records, strict=True)
            print(json.dumps([{"file": r.source, **record} for r, record in pairs], indent=2))
    return reports[0].exit_code if single else 0


if __name__ == "__main__":
    sys.exit(main())
