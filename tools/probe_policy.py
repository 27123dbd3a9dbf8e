"""Probe the input policy of every public hw1 function (issue 23), one forked process per call.

For each entry of ``tests/policy_table.py`` it runs the valid call, then every bad call
followed by the valid call in the same process (to catch leaked state), each in a fork
with a time and memory limit, and sorts the outcomes into the issue's rows::

    PYTHONPATH=$PWD OMP_NUM_THREADS=1 python tools/probe_policy.py [--only SUBSTR] [--show ROW]
        [--out FILE]

Prints the counts per row and, with ``--show``, every call of that row; ``--out``
appends one JSON line per call as it goes. For entries marked ``slow`` (training,
benchmark runs, Boston over splits) the valid call after a *rejected* bad call is
left out: a call that raised at its argument checks did no work that could leak.
"""

from __future__ import annotations

import argparse
import collections
import importlib
import json
import os
import pickle
import resource
import select
import signal
import sys
import time
import traceback
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import policy_table as pt
import torch

TIMEOUT_S = 10.0
WARM_IMPORTS = (
    "torch.func",
    "torch.autograd.forward_ad",
    "torch._functorch.eager_transforms",
    "torchvision.datasets.mnist",
    "mlxtend.data",
    "sklearn.linear_model",
    "matplotlib.pyplot",
    "pandas",
)
MEMORY_BYTES = 4 << 30  # on top of what the parent maps already


def _vm_bytes() -> int:
    return int(Path("/proc/self/statm").read_text().split()[0]) * os.sysconf("SC_PAGE_SIZE")


#: Per-name NaN policy read from another checkout (``--policies-from``), so that code
#: from before the docstrings stated one is judged by what they state now.
NONFINITE: dict[str, str] = {}


def _policies_from(root: str) -> dict[str, str]:
    import ast
    import re

    found = {}
    for name, case in pt.TABLE.items():
        module = name.rpartition(".")[0]
        path = Path(root, *module.split(".")).with_suffix(".py")
        doc = ast.get_docstring(ast.parse(path.read_text())) if path.is_file() else ""
        match = re.search(r"Non-finite entries\s+(are\s+rejected|pass\s+through)", doc or "")
        policy = "" if match is None else ("rejected" if "rejected" in match[1] else "pass through")
        found[name] = case.nonfinite or policy
    return found


def _die_with_parent() -> None:
    import ctypes

    try:
        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def _in_fork(job) -> tuple:
    """Run ``job()`` in a child; return its pickled tuple, ("hang",) or ("crash", ...)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read)
        code = 0
        try:
            _die_with_parent()
            signal.alarm(int(TIMEOUT_S) + 5)  # a backstop should the parent vanish
            limit = _vm_bytes() + MEMORY_BYTES
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            warnings.simplefilter("ignore")
            payload = pickle.dumps(job())
        except BaseException:
            payload = pickle.dumps(("crash", traceback.format_exc(limit=3)[-300:]))
            code = 1
        with os.fdopen(write, "wb") as f:
            f.write(payload)
        os._exit(code)
    os.close(write)
    chunks, deadline = [], time.monotonic() + TIMEOUT_S
    with os.fdopen(read, "rb") as f:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return ("hang",)
            ready, _, _ = select.select([f], [], [], left)
            if ready:
                chunk = os.read(f.fileno(), 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    if not chunks:
        return ("crash", f"exit status {status}")
    return pickle.loads(b"".join(chunks))


def probe(only: str = "", out: str = "") -> list[dict]:
    """Run every table entry (or those whose name contains ``only``); one record per call."""
    found = pt.public_callables()
    missing = sorted(set(found) - set(pt.TABLE))
    if missing:
        print(f"no table entry for: {missing}", file=sys.stderr)
    records = []
    names = [name for name in sorted(pt.TABLE) if not only or only in name]
    # Import what hw1 imports lazily once here, so that each fork does not pay for it;
    # no hw1 function runs in the parent, so no cache is filled before a bad call.
    for module in WARM_IMPORTS:
        importlib.import_module(module)
    for name in names:
        func = pt.resolve(name)
        case = pt.TABLE[name]
        nonfinite = NONFINITE.get(name) or pt.nonfinite_of(name)
        print(f"{name} ...", file=sys.stderr, flush=True)
        try:
            calls = pt.bad_calls(name)
        except Exception as error:
            records.append(
                dict(
                    name=name,
                    arg="-",
                    category="table",
                    row="defect",
                    reason=f"table entry fails: {error!r}",
                )
            )
            continue
        valid = _in_fork(lambda case=case, func=func: pt.outcome(func, case.make()))
        if valid[0] != "returned":
            records.append(
                dict(
                    name=name,
                    arg="-",
                    category="valid",
                    row="defect",
                    reason=f"valid call failed: {valid}",
                )
            )
            continue
        for index, (arg, category, _, expect) in enumerate(calls):

            def job(index=index, func=func, case=case, name=name):
                bad = pt.bad_calls(name)[index]
                first = pt.outcome(func, pt.with_bad(case.make(), bad[0], bad[2]))
                if case.slow and first[0] == "raised":
                    return (first, None)
                after = pt.outcome(func, case.make())
                return (first, after)

            got = _in_fork(job)
            if got[0] in ("hang", "crash"):
                row, reason = "defect", " ".join(map(str, got))[:200]
            else:
                first, after = got
                row, reason = pt.classify(
                    arg,
                    category,
                    expect,
                    first,
                    valid[1],
                    compare=case.compare,
                    values_used=case.values_used,
                    nonfinite=nonfinite,
                )
                if after is None:
                    pass
                elif after[0] != "returned" or (case.compare and not pt.same(after[1], valid[1])):
                    row, reason = "defect", f"leaked state: valid call after it gave {after[:3]}"
            records.append(dict(name=name, arg=arg, category=category, row=row, reason=reason))
            if out:
                with open(out, "a") as f:
                    f.write(json.dumps(records[-1]) + "\n")
    return records


def main() -> None:
    """Parse the command line, probe, print the counts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="probe only names containing this")
    parser.add_argument("--show", default="", help="list the calls of this row")
    parser.add_argument("--out", default="", help="append one JSON line per call here")
    parser.add_argument(
        "--policies-from", default="", help="read the NaN policies from this checkout's hw1"
    )
    args = parser.parse_args()
    torch.set_num_threads(1)
    start = time.monotonic()
    if args.policies_from:
        NONFINITE.update(_policies_from(args.policies_from))
    records = probe(args.only, args.out)
    counts = collections.Counter(r["row"] for r in records)
    print(
        f"{len(records)} bad calls over {len({r['name'] for r in records})} functions "
        f"in {time.monotonic() - start:.0f} s"
    )
    for row in pt.ROWS:
        print(f"  {row:12s} {counts[row]}")
    for r in records:
        if args.show and r["row"] == args.show:
            print(f"{r['name']}({r['arg']}={r['category']}): {r['reason']}")


if __name__ == "__main__":
    main()
