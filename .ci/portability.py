"""Run every gallery example under each CPU code path this machine has; fail if any fails.

A claim asserted in an example must hold on every CPU, but PyTorch picks its vectorised
kernels (and MKL and oneDNN theirs) from the CPU it starts on, and reductions round
differently with each vector width and thread count. One machine can still try the
narrower paths: ``ATEN_CPU_CAPABILITY=default|avx2|avx512`` forces ATen's kernel set
(MKL_ENABLE_INSTRUCTIONS and ONEDNN_MAX_CPU_ISA are capped to match). Each forced path
the CPU supports is run (a probe asks torch which path went live; one the CPU lacks
falls back and is skipped, and said so), plus the native path the docs build uses
(one thread) and the native path with two threads, as a reader's Jupyter kernel has.

A docs rebuild under another path would prove nothing (sphinx-gallery skips unchanged
examples), so each script runs by itself, in a fresh interpreter, the way
sphinx-gallery runs it: in the script's folder, as ``__main__`` with no ``__file__``,
block by block with figures closed after each block, with matplotlib's defaults and
the gallery's seed reset (``docs/sphinxext/sg_reset.py``) before it. Runs go side by
side over a pool of workers (``--jobs``, default 2: the machine's two cores).

Usage: ``python .ci/portability.py [--jobs N] [--paths NAME,...] [--tests ARGS] [SCRIPT ...]``;
``--tests ARGS`` adds a row: pytest with those arguments, under each path.
Run by ``nox -s portability`` and by ``.ci/run``. Prints a table of example x path
(pass/fail and seconds), then the output of each failed run; exits 1 if any failed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GALLERY = ROOT / "gallery"
SPHINXEXT = ROOT / "docs" / "sphinxext"
# What the docs build sets (noxfile.ENV); each path overrides some of it.
BASE_ENV = {"OMP_NUM_THREADS": "1", "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0"}
# Per forced capability, the matching caps for MKL (BLAS) and oneDNN.
FORCED = {
    "default": {"MKL_ENABLE_INSTRUCTIONS": "SSE4_2", "ONEDNN_MAX_CPU_ISA": "SSE41"},
    "avx2": {"MKL_ENABLE_INSTRUCTIONS": "AVX2", "ONEDNN_MAX_CPU_ISA": "AVX2"},
    "avx512": {"MKL_ENABLE_INSTRUCTIONS": "AVX512", "ONEDNN_MAX_CPU_ISA": "AVX512_CORE"},
}
TAIL_LINES = 40

# Runs in the child: the same steps sphinx-gallery takes for one example.
RUNNER = r"""
import importlib.util, os, sys
src, sphinxext = sys.argv[1], sys.argv[2]
import matplotlib
matplotlib.use("agg")
import matplotlib.pyplot as plt
from sphinx_gallery.py_source_parser import split_code_and_text_blocks
sys.path.insert(0, sphinxext)
from sg_reset import reset_seeds

os.chdir(os.path.dirname(src))
sys.path.append(os.getcwd())
sys.argv = [src]
plt.rcdefaults()
reset_seeds(None, src)
main = importlib.util.module_from_spec(importlib.util.spec_from_loader("__main__", None))
main.__dict__["__doc__"] = ""
sys.modules["__main__"] = main
_, blocks = split_code_and_text_blocks(src)
for block in blocks:
    if block.type != "code":
        continue
    code = "\n" * (block.lineno - 1) + block.content  # tracebacks name the file's lines
    exec(compile(code, src, "exec"), main.__dict__)
    plt.close("all")
"""


@dataclass(frozen=True, eq=False)  # hashed by identity: env is a dict
class CodePath:
    """One CPU code path: a name for the table and the environment that selects it."""

    name: str
    env: dict[str, str] = field(default_factory=dict)
    capability: str | None = None  # the forced ATen capability, if any


def all_paths() -> list[CodePath]:
    """Every path the check knows, in table order."""
    forced = [
        CodePath(cap, {"ATEN_CPU_CAPABILITY": cap, **caps, "OMP_NUM_THREADS": "1"}, cap)
        for cap, caps in FORCED.items()
    ]
    return [
        *forced,
        CodePath("native", {"OMP_NUM_THREADS": "1"}),
        CodePath("2 threads", {"OMP_NUM_THREADS": "2"}),
    ]


def probe(capability: str, python: str = sys.executable) -> str:
    """Ask torch which capability goes live when ``capability`` is forced (upper case)."""
    env = {**os.environ, "ATEN_CPU_CAPABILITY": capability}
    code = "import torch; print(torch.backends.cpu.get_cpu_capability())"
    done = subprocess.run([python, "-c", code], env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip().splitlines()[-1].upper()


def supported(paths: list[CodePath], probe=probe) -> tuple[list[CodePath], list[str]]:
    """Split ``paths`` into those this CPU runs and the reasons for those it cannot.

    A forced capability the CPU lacks makes torch fall back to another one, so a path is
    kept only if the probe reports the capability asked for.
    """
    forced = [p for p in paths if p.capability]
    with ThreadPoolExecutor(max(1, len(forced))) as pool:
        live = dict(
            zip(
                [p.name for p in forced],
                pool.map(lambda p: probe(p.capability), forced),
                strict=True,
            )
        )
    kept, skipped = [], []
    for path in paths:
        if path.capability and live[path.name] != path.capability.upper():
            skipped.append(f"{path.name}: this CPU lacks it (torch fell back to {live[path.name]})")
        else:
            kept.append(path)
    return kept, skipped


@dataclass
class Result:
    """The outcome of one example under one path."""

    script: Path
    path: CodePath
    returncode: int
    seconds: float
    output: str

    @property
    def ok(self) -> bool:
        """Whether the example ran to its end."""
        return self.returncode == 0


def run_one(
    script: Path | tuple[str, ...],
    path: CodePath,
    python: str = sys.executable,
    timeout: float = 900,
) -> Result:
    """Run ``script`` as sphinx-gallery would, in a fresh interpreter, under ``path``.

    A tuple instead of a script is a list of pytest arguments: run pytest with them.
    """
    env = {**os.environ, **BASE_ENV, **path.env}
    if not path.capability:
        env.pop("ATEN_CPU_CAPABILITY", None)
    if isinstance(script, tuple):
        command = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", *script]
    else:
        command = [python, "-c", RUNNER, str(script.resolve()), str(SPHINXEXT)]
    start = time.perf_counter()
    try:
        done = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
        code, output = done.returncode, done.stdout + done.stderr
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout or b""
        code, output = -9, (out.decode() if isinstance(out, bytes) else out)
        output += f"\n[timed out after {timeout:.0f} s]"
    return Result(script, path, code, time.perf_counter() - start, output)


def run_all(
    scripts: list[Path | tuple[str, ...]], paths: list[CodePath], jobs: int = 2, **kwargs
) -> list[Result]:
    """Run every script under every path, ``jobs`` at a time; results in table order.

    A path that runs several threads counts for that many jobs: more threads than cores
    makes OpenMP's waiting threads spin against each other, many times slower.
    """
    pairs = [(script, path) for path in paths for script in scripts]
    done = []

    def run(pair):
        result = run_one(*pair, **kwargs)
        done.append(result)  # list.append is atomic: a progress line per finished run
        status = "pass" if result.ok else "FAIL"
        what = f"{_name(result.script, GALLERY)} under {result.path.name}"
        print(f"[{len(done)}/{len(pairs)}] {status} {what} ({result.seconds:.0f} s)", flush=True)
        return result

    results: dict[int, Result] = {}
    for threads in sorted({_threads(path) for path in paths}):
        group = [i for i, (_, path) in enumerate(pairs) if _threads(path) == threads]
        with ThreadPoolExecutor(max(1, jobs // threads)) as pool:
            results.update(zip(group, pool.map(run, [pairs[i] for i in group]), strict=True))
    return [results[i] for i in range(len(pairs))]


def _threads(path: CodePath) -> int:
    return int(path.env.get("OMP_NUM_THREADS", BASE_ENV["OMP_NUM_THREADS"]))


def table(results: list[Result], root: Path = GALLERY) -> str:
    """Format example x path, each cell ``pass``/``FAIL`` and seconds, with a row of sums."""
    paths = list({r.path.name: r.path for r in results}.values())
    scripts = list(dict.fromkeys(r.script for r in results))
    cell = {(r.script, r.path): f"{'pass' if r.ok else 'FAIL'} {r.seconds:5.1f} s" for r in results}
    names = [_name(s, root) for s in scripts]
    header = ["example", *(p.name for p in paths)]
    rows = [[name, *(cell[s, p] for p in paths)] for name, s in zip(names, scripts, strict=True)]
    total = [
        "sum",
        *(f"{sum(r.seconds for r in results if r.path is p):7.1f} s" for p in paths),
    ]
    widths = [max(len(row[i]) for row in [header, *rows, total]) for i in range(len(header))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
        for row in [header, ["-" * w for w in widths], *rows, total]
    ]
    return "\n".join(lines)


def _name(script: Path | tuple[str, ...], root: Path) -> str:
    if isinstance(script, tuple):
        return " ".join(("pytest", *script))
    try:
        return str(script.resolve().relative_to(root.resolve()))
    except ValueError:
        return script.name


def main(argv: list[str] | None = None) -> int:
    """Run the check; print the table, the skipped paths and each failure's output."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("scripts", nargs="*", type=Path, help="default: gallery/**/plot_*.py")
    parser.add_argument("--jobs", type=int, default=2, help="runs at a time (default 2)")
    parser.add_argument("--paths", help="comma-separated path names (default: all)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per run")
    parser.add_argument(
        "--tests",
        metavar="ARGS",
        help="also run pytest with these (space-separated) arguments under each path",
    )
    args = parser.parse_args(argv)

    scripts = args.scripts or sorted(GALLERY.glob("**/plot_*.py"))
    if args.tests is not None:
        scripts = [tuple(args.tests.split()), *scripts]
    paths = all_paths()
    if args.paths:
        wanted = args.paths.split(",")
        unknown = set(wanted) - {p.name for p in paths}
        if unknown:
            parser.error(f"unknown path(s) {sorted(unknown)}; known: {[p.name for p in paths]}")
        paths = [p for p in paths if p.name in wanted]
    paths, skipped = supported(paths)
    print(f"{len(scripts)} example(s) x {len(paths)} path(s), {args.jobs} at a time", flush=True)
    start = time.perf_counter()
    results = run_all(scripts, paths, jobs=args.jobs, timeout=args.timeout)
    wall = time.perf_counter() - start

    print(table(results))
    print(f"wall time {wall:.0f} s")
    for path in paths:
        print(f"  {path.name}: " + (" ".join(f"{k}={v}" for k, v in path.env.items()) or "-"))
    print("skipped: " + ("; ".join(skipped) if skipped else "none"))
    failed = [r for r in results if not r.ok]
    for r in failed:
        tail = "\n".join(r.output.rstrip().splitlines()[-TAIL_LINES:])
        print(f"\n--- FAIL {_name(r.script, GALLERY)} under {r.path.name} (exit {r.returncode})")
        print(tail)
    if failed:
        print(f"\n{len(failed)} of {len(results)} run(s) failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
