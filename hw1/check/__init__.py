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
module and returns a :class:`~hw1.check.Report`, shown as a table. A function whose first
call raises ``NotImplementedError`` (a stub of the starter notebook) is reported as not
attempted: neither passed nor failed.

Exit status of the command: 0 when no function found fails, 1 when one fails, 2 when
nothing could be checked (a ``.py`` file that cannot be loaded, or a file that defines none
of the names; a notebook's failing cells are reported as notes and the rest still runs).
Given several files, it checks them two at a time and writes a gradebook (``--csv``).

The subpackage: :mod:`~hw1.check.names` (the table of names, signatures and conventions),
:mod:`~hw1.check.results` (the report), :mod:`~hw1.check.supervise` (the checking
processes and their time limits), :mod:`~hw1.check.worker` (what runs in them),
:mod:`~hw1.check.graders` with :mod:`~hw1.check.grading` and one module of ``grade_*``
per question (:mod:`~hw1.check.q1` … :mod:`~hw1.check.q5`), :mod:`~hw1.check.gradebook`,
:mod:`~hw1.check.starter` (the starter notebook) and ``__main__`` (the command). Only the
graders import PyTorch.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

from hw1.check.names import ANSWERS, NAMES, Answer, resolve_only
from hw1.check.results import CheckResult, Report
from hw1.check.runtime import in_checking_process
from hw1.check.supervise import CHECK_TIMEOUT, LOAD_TIMEOUT, check_file

__all__ = [
    "ANSWERS",
    "CHECK_TIMEOUT",
    "LOAD_TIMEOUT",
    "NAMES",
    "Answer",
    "CheckResult",
    "Report",
    "check",
    "check_file",
]


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
        ``.ipynb`` file (then :func:`~hw1.check.check_file` runs it in a separate process).
    only : iterable of str or str, optional
        Check only these names (a comma-separated string works too).
    timeout : float or None
        Seconds each check may run in this process (main thread only); ``None`` for no
        limit.

    Returns
    -------
    Report
        One :class:`~hw1.check.CheckResult` per name found; shown as a table in a notebook. A
        function whose first call raises ``NotImplementedError`` (a starter's stub) is
        reported as not attempted. Inside the process that ``python -m hw1.check`` starts
        to run a file, a namespace is not checked (the command checks the file once, after
        it has run): the report then only says so in a note.

    Raises
    ------
    ValueError
        If ``only`` names a function that is not looked for.
    """
    names = resolve_only(only)
    if in_checking_process():  # a check cell of the file being checked: never recurse
        note = "not checked here: python -m hw1.check checks the whole file"
        return Report(source=str(target) if isinstance(target, str) else "namespace", notes=[note])
    if isinstance(target, str | os.PathLike):
        return check_file(target, only=names, check_timeout=timeout)
    if isinstance(target, Mapping):
        namespace, source = target, "namespace"
    else:
        namespace = {n: getattr(target, n) for n in names if hasattr(target, n)}
        source = getattr(target, "__file__", None) or getattr(target, "__name__", "namespace")
    report = Report(source=str(source))
    from hw1.check.graders import run_one  # PyTorch, needed only once there is something to check

    for name in names:
        if name not in namespace:
            report.absent.append(name)
            continue
        report.checks.append(run_one(name, namespace, timeout))
    return report
