"""Run one grader: the table from each name to its ``grade_*``, and ``run_one``.

Needs PyTorch: only the checking process and the in-process :func:`hw1.check.check`
import it.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Mapping

import torch

from hw1.check import q1, q2, q3, q4, q5
from hw1.check.grading import Fail, NotAttempted, cases_run, reset
from hw1.check.results import CheckResult
from hw1.check.runtime import CheckTimeout, time_limit

__all__ = ["GRADERS", "run_one"]

#: Each name's grader, called with the reader's function and namespace.
GRADERS: dict[str, Callable[[Callable, Mapping[str, object]], str]] = {
    "manual_gradients": lambda fn, ns: q1.grade_manual_gradients(fn),
    "numerical_gradient": lambda fn, ns: q1.grade_numerical_gradient(fn),
    "jacobian_reverse": lambda fn, ns: q2.grade_jacobian_reverse(fn),
    "jacobian_forward": lambda fn, ns: q2.grade_jacobian_forward(fn),
    "xnor_net": lambda fn, ns: q3.grade_xnor_net(fn),
    "tent_net": lambda fn, ns: q3.grade_tent_net(fn),
    "soft_threshold_net": lambda fn, ns: q3.grade_soft_threshold_net(fn),
    "MLP": lambda fn, ns: q4.grade_model(fn, "MLP"),
    "my_model": lambda fn, ns: q4.grade_model(fn, "my_model"),
    "init_uniform_": q4.grade_init_uniform_,
    "gradient": lambda fn, ns: q5.grade_gradient(fn),
    "minimizer": lambda fn, ns: q5.grade_minimizer(fn),
    "closed_form_iterate": lambda fn, ns: q5.grade_closed_form_iterate(fn),
}


def run_one(name: str, namespace: Mapping[str, object], timeout: float | None) -> CheckResult:
    """Check ``namespace[name]`` within ``timeout`` seconds; return its result.

    Parameters
    ----------
    name : str
        One of :data:`hw1.check.names.NAMES`.
    namespace : mapping
        Where the reader's answers are (the grader of ``init_uniform_`` looks for a model).
    timeout : float or None
        Seconds the check may take (main thread only); ``None`` for no limit.
    """
    fn = namespace[name]
    start = time.perf_counter()
    reset()
    if not callable(fn):
        message = f"{name} is a {type(fn).__name__}, not a function"
        return CheckResult(name, False, message, 0, mistake="not a function")
    attempted, mistake = True, None
    try:
        with (
            time_limit(timeout, f"the check of {name}"),
            torch.random.fork_rng(devices=[]),
            torch.enable_grad(),
            warnings.catch_warnings(),
        ):
            # PyTorch's own forward-AD internals warn about torch.jit; not the reader's doing.
            warnings.filterwarnings("ignore", message=".*torch.jit.script.* is deprecated")
            message = GRADERS[name](fn, namespace)
        passed = True
    except Fail as exc:
        message, passed, mistake = str(exc), False, exc.mistake
    except NotAttempted as exc:
        message, passed, attempted = str(exc), False, False
    except CheckTimeout as exc:
        message, passed, mistake = f"{exc} (a hang or a very slow answer)", False, "time limit"
    seconds = time.perf_counter() - start
    return CheckResult(name, passed, message, cases_run(), seconds, attempted, mistake)
