r"""The Debian packages hw1 needs (``.ci/system-packages.txt``), and a check that they suffice.

CI installs the list with ``apt-get install --no-install-recommends``; what else happens
to be on the machine must not matter. So after a PDF build this checks that everything
the build used comes from a package the list installs, itself or through its Depends
and Pre-Depends (``apt-cache depends --recurse --no-recommends --no-suggests``, the way
apt installs; every alternative of an ``a | b`` dependency counts, a slight
over-approximation):

- every file XeLaTeX read, from latexmk's recorder file (``NAME.fls``), except the
  build's own files and those made at install time (``MADE_AT_INSTALL``);
- every font the LaTeX sources name (``\setmainfont{...}`` and the like), which XeLaTeX
  finds through fontconfig and the recorder does not list: ``fc-match``, then its file;
- the tools the build runs (``make``, ``latexmk``, ``xelatex``, ``pdftotext``).

Each file's package comes from ``dpkg -S``. A file from any other package fails the check,
which names the package to add to the list. ``browser PATH`` checks the Chromium the site
check launches in the same way.

Usage::

    python .ci/system_packages.py list            # the packages, one a line
    python .ci/system_packages.py command         # the apt-get command that installs them
    python .ci/system_packages.py pdf LATEX_DIR   # after a PDF build
    python .ci/system_packages.py browser PATH    # the browser's executable
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIST = ROOT / ".ci" / "system-packages.txt"
# Files no package owns, written by the packages' install scripts (update-texmf,
# fmtutil, mktexlsr): allowed by path, and named here so the check says what it skips.
MADE_AT_INSTALL = (
    "/etc/texmf/web2c/texmf.cnf",  # update-texmf, from /etc/texmf/texmf.d
    "/var/lib/texmf/",  # the format files (xelatex.fmt) and ls-R databases
)
PDF_TOOLS = ("make", "latexmk", "xelatex", "pdftotext")
FONT_COMMAND = re.compile(
    r"\\(?:set(?:main|sans|mono|math)font|newfontfamily\\\w+|fontspec)\s*(?:\[[^]]*\])?\{([^}]+)\}"
)
Runner = Callable[[list[str]], subprocess.CompletedProcess]


def _run(command: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, check=False)


def declared(path: Path = LIST) -> list[str]:
    """Read the package names from ``path``: one a line, ``#`` starts a comment."""
    names = [line.split("#", 1)[0].strip() for line in path.read_text().splitlines()]
    return [name for name in names if name]


def install_command(packages: Iterable[str]) -> str:
    """Return the apt-get command that installs ``packages`` as CI does."""
    return "apt-get install -y --no-install-recommends " + " ".join(packages)


def closure(packages: Iterable[str], run: Runner = _run) -> set[str]:
    """Return ``packages`` and all they Depend or Pre-Depend on, recursively."""
    packages = list(packages)
    command = ["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests"]
    command += ["--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances", *packages]
    done = run(command)
    if done.returncode:
        raise RuntimeError(f"{' '.join(command[:2])} failed: {done.stderr.strip()}")
    # Each package apt-cache visits starts a line (virtual ones in <angle brackets>).
    names = {_bare(line) for line in done.stdout.splitlines() if line and not line[0].isspace()}
    return names | set(packages)


def owners(files: Iterable[str], run: Runner = _run) -> dict[str, set[str]]:
    """Map each file that a Debian package owns to its packages (``dpkg -S``)."""
    files = list(dict.fromkeys(files))
    found: dict[str, set[str]] = {}
    for start in range(0, len(files), 500):  # keep the command line short
        done = run(["dpkg", "-S", *files[start : start + 500]])
        for line in done.stdout.splitlines():
            if line.startswith("diversion by") or ": " not in line:
                continue
            packages, path = line.split(": ", 1)
            found.setdefault(path, set()).update(_bare(p) for p in packages.split(", "))
    return found


def _bare(name: str) -> str:
    """``<perl:any>`` -> ``perl``; ``libc6:amd64`` -> ``libc6``."""
    return name.strip().strip("<>").split(":", 1)[0]


def made_at_install(path: str) -> bool:
    """Whether ``path`` is one of the files made at install time (``MADE_AT_INSTALL``)."""
    return any(path == a or (a.endswith("/") and path.startswith(a)) for a in MADE_AT_INSTALL)


def recorded_inputs(fls: Path) -> list[str]:
    """List the files outside the build folder that a TeX run read, from its recorder."""
    pwd = fls.parent.resolve()
    inputs = []
    for line in fls.read_text(errors="replace").splitlines():
        if line.startswith("PWD "):
            pwd = Path(line[4:])
        elif line.startswith("INPUT "):
            path = Path(line[6:])
            if not path.is_absolute():
                path = pwd / path
            if not _inside(path, pwd) and not _inside(path, ROOT):
                inputs.append(str(path))
    return list(dict.fromkeys(inputs))


def _inside(path: Path, folder: Path) -> bool:
    try:
        Path(os.path.normpath(path)).relative_to(os.path.normpath(folder))
    except ValueError:
        return False
    return True


def check_files(
    files: Iterable[str],
    packages: Iterable[str],
    what: str = "",
    run: Runner = _run,
    installed: set[str] | None = None,
    seen: Counter | None = None,
) -> list[str]:
    """Problems with ``files``: each should come from ``packages`` or what they depend on.

    A file is looked up as given and, if no package owns that path, with its symbolic
    links resolved. ``installed`` is the closure of ``packages`` (computed if None).
    Returns one sentence per file that fails; an empty list means all is well. ``seen``,
    if given, counts the files per owning package.
    """
    packages = list(packages)
    installed = closure(packages, run) if installed is None else installed
    files = [f for f in dict.fromkeys(files) if not made_at_install(f)]
    real = {f: os.path.realpath(f) for f in files}
    owned = owners([*files, *(r for f, r in real.items() if r != f)], run)
    problems = []
    for name in files:
        if made_at_install(real[name]):
            continue
        found = owned.get(name) or owned.get(real[name])
        label = f"{name}{what}"
        if seen is not None:
            seen.update([", ".join(sorted(found)) if found else "(no package)"])
        if not found:
            problems.append(
                f"{label}: no Debian package owns it; if a package's install script makes "
                "it, add it to MADE_AT_INSTALL in .ci/system_packages.py"
            )
        elif not found & installed:
            package = sorted(found)[0]
            problems.append(
                f"{label} comes from {package}, which the declared packages do not install: "
                f"add {package} to .ci/system-packages.txt"
            )
    return problems


def font_files(latex_dir: Path, run: Runner = _run) -> tuple[dict[str, str], list[str]]:
    """Find the files fontconfig gives for the fonts the LaTeX sources name; and problems."""
    names = sorted(
        {m.group(1).strip() for tex in latex_dir.glob("*.tex") for m in _fonts(tex.read_text())}
    )
    files, problems = {}, []
    for name in names:
        done = run(["fc-match", "--format=%{family}\t%{file}", name])
        family, _, path = done.stdout.partition("\t")
        if done.returncode or name.lower() not in [f.lower() for f in family.split(",")]:
            problems.append(f"font {name!r}: fontconfig has no such font (it offers {family!r})")
        else:
            files[name] = path
    return files, problems


def _fonts(text: str) -> Iterable[re.Match]:
    return FONT_COMMAND.finditer(text)


def check_pdf(
    latex_dir: Path,
    packages: list[str],
    tools: Iterable[str] = PDF_TOOLS,
    run: Runner = _run,
    seen: Counter | None = None,
) -> list[str]:
    """Check a PDF build's files, fonts and tools; return the problems (none: all is well)."""
    recorders = sorted(latex_dir.glob("*.fls"))
    if not recorders:
        return [f"no recorder file (*.fls) in {latex_dir}: build the PDF first"]
    installed = closure(packages, run)
    files = [f for fls in recorders for f in recorded_inputs(fls)]
    problems = check_files(files, packages, " (read by XeLaTeX)", run, installed, seen)
    fonts, font_problems = font_files(latex_dir, run)
    problems += font_problems
    for name, path in fonts.items():
        problems += check_files([path], packages, f" (font {name!r})", run, installed, seen)
    for tool in tools:
        path = shutil.which(tool)
        if path is None:
            problems.append(f"{tool} not found: the declared packages should install it")
        else:
            problems += check_files([path], packages, f" (the {tool} tool)", run, installed, seen)
    return problems


def main(argv: list[str] | None = None) -> int:
    """Print the list or the install command, or check a PDF build or a browser."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--list", type=Path, default=LIST, help="the package list to use")
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("list", help="the declared packages, one a line")
    sub.add_parser("command", help="the apt-get command that installs them")
    pdf = sub.add_parser("pdf", help="check a PDF build (after latexmk -recorder)")
    pdf.add_argument("latex_dir", type=Path)
    browser = sub.add_parser("browser", help="check the browser the site check launches")
    browser.add_argument("path")
    args = parser.parse_args(argv)

    packages = declared(args.list)
    if args.action == "list":
        print("\n".join(packages))
        return 0
    if args.action == "command":
        print(install_command(packages))
        return 0
    if shutil.which("dpkg") is None or shutil.which("apt-cache") is None:
        print("system-package check skipped: no dpkg/apt-cache (not a Debian system)")
        return 0
    seen: Counter = Counter()
    if args.action == "pdf":
        problems = check_pdf(args.latex_dir, packages, seen=seen)
        what = f"{sum(seen.values())} files, fonts and tools of the PDF build"
    else:
        path = shutil.which(args.path) or args.path
        problems = check_files([path], packages, " (the browser)", seen=seen)
        what = f"the browser {path}"
    print(f"{what}, by package: " + ", ".join(f"{p} {n}" for p, n in sorted(seen.items())))
    if problems:
        print(f"The declared system packages ({args.list}) are not enough:")
        print("\n".join(f"  - {p}" for p in problems))
        return 1
    skipped = ", ".join(MADE_AT_INSTALL)
    print(f"All come from the packages {args.list} declares (made at install: {skipped})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
