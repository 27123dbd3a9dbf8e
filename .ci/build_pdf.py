"""Run the LaTeX build Sphinx wrote (``make all-pdf``) so that a failed run does not stick.

latexmk remembers a failed run: when the sources have not changed, the next run answers
"Nothing to do ... gave an error", even after the cause (a missing font package, say)
is fixed on the machine. So a marker file is written before each run and removed only
when the run succeeds; a marker left behind (a failure, or a run that was stopped) makes
the next run clear latexmk's state first (``latexmk -C``) and build from scratch. An
unchanged, successful build stays incremental.

Usage: ``python .ci/build_pdf.py LATEX_DIR`` (run by ``nox -s pdf``).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

UNFINISHED = ".hw1-latex-unfinished"
MAKE = ["make", "all-pdf", "LATEXMKOPTS=-halt-on-error -interaction=nonstopmode"]


def build(latex_dir: Path, command: list[str] = MAKE) -> int:
    """Run ``command`` in ``latex_dir``, from scratch if the last run did not succeed.

    Returns the command's exit status.
    """
    marker = latex_dir / UNFINISHED
    if marker.exists():
        print(
            f"The last LaTeX run in {latex_dir} did not succeed: latexmk -C, then a full build",
            flush=True,
        )
        subprocess.run(["latexmk", "-C"], cwd=latex_dir, check=True, capture_output=True)
    marker.touch()
    returncode = subprocess.run(command, cwd=latex_dir, check=False).returncode
    if returncode == 0:
        marker.unlink()
    return returncode


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(f"usage: {sys.argv[0]} LATEX_DIR")
    sys.exit(build(Path(sys.argv[1])))
