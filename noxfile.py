"""One session per job a user runs. List them with ``nox -l``.

Every session that needs PyTorch (tests, docs, pdf, notebook, bench, check, wheel) runs
in one shared environment, ``.nox/hw1``; ``lint`` and ``site`` keep small nox-made
virtualenvs of their own. Delete ``.nox/`` to reset everything.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nox

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: nox depends on tomli there
    import tomli as tomllib

nox.options.reuse_venv = "yes"
nox.options.default_venv_backend = "virtualenv"
nox.options.sessions = ["lint", "tests", "docs"]

ROOT = Path(__file__).parent
DOCS = ROOT / "docs"
BUILD = DOCS / "_build"
PYTHON = "3.11"
# Reproducible numbers across builds; a fork under sphinx-build must not meet a live pool.
ENV = {"OMP_NUM_THREADS": "1", "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0"}

# nox gives each session a virtualenv of its own and cannot share one; with PyTorch in
# each, that is 6 GB and a long install per session. So the heavy sessions say
# venv_backend="none" (nox's way to run in an environment it does not manage) and run the
# interpreter of one virtualenv made here, in .nox/hw1, with the project installed
# editable (an unchanged project is not reinstalled on every run; `nox -s wheel` checks
# the real wheel). A stamp file holds a hash of pyproject.toml's dependency tables: when
# they change, the environment is rebuilt from scratch, so it never serves old ones.
SHARED = ROOT / ".nox" / "hw1"
STAMP = SHARED / "hw1-dependencies.sha256"
EXTRAS = ("test", "docs")
shared_session = nox.session(venv_backend="none")


def _dependency_hash() -> str:
    """Hash what the shared environment is built from."""
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    project = meta["project"]
    recipe = {
        "dependencies": project.get("dependencies", []),
        "optional-dependencies": project.get("optional-dependencies", {}),
        "requires-python": project.get("requires-python"),
        "build-system": meta.get("build-system", {}),
        "extras": EXTRAS,
        "python": PYTHON,
        "root": str(ROOT.resolve()),  # the editable install points here
    }
    return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()


def _shared_env(session: nox.Session) -> Path:
    """Create or refresh .nox/hw1 if needed; put it first on PATH; return its python."""
    bindir = SHARED / ("Scripts" if sys.platform == "win32" else "bin")
    python = bindir / ("python.exe" if sys.platform == "win32" else "python")
    wanted = _dependency_hash()
    current = STAMP.read_text().strip() if STAMP.is_file() else None
    if current != wanted or not python.is_file():
        if SHARED.exists():
            session.log(".nox/hw1 is unfinished or older than pyproject.toml: rebuilding it")
            shutil.rmtree(SHARED)
        # virtualenv ships with nox, so the interpreter running nox can make the env.
        session.run(sys.executable, "-m", "virtualenv", "-q", "--python", PYTHON, str(SHARED))
        spec = f"{ROOT}[{','.join(EXTRAS)}]"
        session.run(str(python), "-m", "pip", "install", "-q", "--editable", spec)
        STAMP.write_text(wanted + "\n")
    session.env.update(ENV)
    session.env["VIRTUAL_ENV"] = str(SHARED)
    session.env["PATH"] = os.pathsep.join([str(bindir), os.environ.get("PATH", "")])
    return python


@shared_session
def tests(session: nox.Session) -> None:
    """Run the test suite (pytest); extra arguments go to pytest."""
    python = _shared_env(session)
    session.run(str(python), "-m", "pytest", *session.posargs)


@shared_session
def docs(session: nox.Session) -> None:
    """Build the HTML site into docs/_build/html, running every gallery example.

    Extra arguments go to sphinx-build. ``nox -s docs -- -D plot_gallery=0`` builds the
    text without running any example; ``nox -s docs -- -D
    sphinx_gallery_conf.filename_pattern=plot_q4`` runs only the matching examples.
    """
    python = _shared_env(session)
    html = BUILD / "html"
    sphinx = [str(python), "-m", "sphinx", "-W", "--keep-going", "-b", "html"]
    session.run(*sphinx, *session.posargs, str(DOCS), str(html))
    session.log(f"Site built: open {html / 'index.html'}")


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """Check style and common mistakes with ruff."""
    session.install("ruff>=0.6")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@shared_session
def bench(session: nox.Session) -> None:
    """Benchmark the Jacobian methods on CPU (and CUDA if present); store the results."""
    python = _shared_env(session)
    session.run(str(python), "-m", "hw1.bench", *session.posargs)


@shared_session
def check(session: nox.Session) -> None:
    """Check your own answers: ``nox -s check -- PATH`` (see docs/check.md)."""
    if not session.posargs:
        session.error("say what to check: nox -s check -- PATH (nox -s check -- --help)")
    python = _shared_env(session)
    session.run(str(python), "-m", "hw1.check", *session.posargs)


# The Debian packages the PDF, the browser check and their tools need; .ci/run installs them.
SYSTEM_PACKAGES = ROOT / ".ci" / "system-packages.txt"


def _apt_install() -> str:
    """Return the command that installs the declared system packages, as .ci/run does."""
    lines = SYSTEM_PACKAGES.read_text().splitlines()
    names = [name for line in lines if (name := line.split("#", 1)[0].strip())]
    return "apt-get update && apt-get install -y --no-install-recommends " + " ".join(names)


@shared_session
def pdf(session: nox.Session) -> None:
    """Build the PDF of every answer, code and output (XeLaTeX; needs Debian's TeX Live).

    Examples already run by ``nox -s docs`` are not run again. The PDF is written to
    docs/_build/hw1-answers.pdf and, when the site is built, beside its home page. After a
    failed LaTeX run the next one starts from scratch. Then it checks that every file,
    font and tool the build used comes from the packages in .ci/system-packages.txt.
    """
    tools = ("make", "latexmk", "xelatex", "pdftotext")
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        session.error(
            f"{' and '.join(missing)} not found. Install the system packages "
            f"(.ci/system-packages.txt): {_apt_install()}"
        )
    python = _shared_env(session)
    latex = BUILD / "latex"
    session.run(
        str(python), "-m", "sphinx", "-W", "--keep-going", "-b", "latex", str(DOCS), str(latex)
    )
    session.run(str(python), ".ci/build_pdf.py", str(latex))
    session.run(str(python), ".ci/system_packages.py", "pdf", str(latex))
    _check_pdf_code(session, latex / "hw1-answers.pdf")
    _publish(session, latex / "hw1-answers.pdf")


# Each programming answer's implementation, which the PDF must print (issue 21).
PDF_DEFINITIONS = [
    "def manual_gradients", "def numerical_gradient", "def jacobian_reverse",
    "def jacobian_forward", "def xnor_net", "def tent_net", "def soft_threshold_net",
    "class MLP", "def init_uniform_", "def gradient", "def minimizer",
    "def closed_form_iterate",
]  # fmt: skip


def _check_pdf_code(session: nox.Session, pdf: Path) -> None:
    """Fail unless the PDF's text holds every answer's implementing code (pdftotext)."""
    if shutil.which("pdftotext") is None:
        session.error(f"pdftotext not found (poppler-utils). Install: {_apt_install()}")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    missing = [d for d in PDF_DEFINITIONS if re.search(rf"{d}\b", text) is None]
    if missing:
        session.error(f"{pdf.name} lacks the code of: {', '.join(missing)}")
    session.log(f"{pdf.name}: the code of all {len(PDF_DEFINITIONS)} answers is in its text")


@shared_session
def notebook(session: nox.Session) -> None:
    """One self-contained notebook with every answer, run top to bottom without hw1.

    The notebook inlines the hw1 code it uses; it and each per-example notebook the
    site offers for download (build the site first, on the other core meanwhile) run in
    a fresh kernel where ``import hw1`` fails, in an empty folder, MNIST via HW1_MNIST.
    The combined notebook goes to docs/_build/hw1-answers.ipynb and beside the site's
    home page. Extra arguments go to pytest (``-- -n 2`` spreads the per-example
    notebooks over two workers).
    """
    python = _shared_env(session)
    out = BUILD / "hw1-answers.ipynb"
    out.parent.mkdir(parents=True, exist_ok=True)
    log = BUILD / "hw1-answers.log"
    builder = [str(python), "docs/build_notebook.py", "--execute", "--out", str(out)]
    session.log(f"{' '.join(builder)} > {log} (in the background)")
    env = dict(os.environ)
    for key, value in session.env.items():  # nox's None means "unset"
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    with log.open("w") as sink:
        combined = subprocess.Popen(builder, cwd=ROOT, env=env, stdout=sink, stderr=sink)
        try:
            tests = ["tests/test_example_notebooks.py", *session.posargs]
            session.run(str(python), "-m", "pytest", "-m", "notebooks", *tests)
        finally:
            returncode = combined.wait()
    print(log.read_text(), end="")
    if returncode:
        session.error(f"the combined notebook failed (exit {returncode}); see above")
    _publish(session, out)
    # The starter notebook (docs/check.md): a stub and a check cell per answer, unexecuted.
    session.run(str(python), "-m", "hw1.check.starter", "--out", str(BUILD))
    for starter in ("hw1-starter.ipynb", "hw1-starter.py"):
        _publish(session, BUILD / starter)


@shared_session
def wheel(session: nox.Session) -> None:
    """Build the wheel, install it apart from the sources, and load the shipped data from it."""
    python = _shared_env(session)
    session.run(str(python), ".ci/check_wheel.py")


@shared_session
def portability(session: nox.Session) -> None:
    """Run every gallery example under each CPU code path this machine has.

    ATEN_CPU_CAPABILITY=default, avx2 and avx512 (those the CPU supports), the docs
    build's native path, and the native path with two threads; two runs at a time.
    Prints a table of example x path; fails if any run fails. Extra arguments go to the
    script (``-- gallery/plot_q5_least_squares.py --paths default,avx2``).
    """
    python = _shared_env(session)
    session.run(str(python), ".ci/portability.py", *session.posargs)


@nox.session(python=PYTHON)
def site(session: nox.Session) -> None:
    """Check the built site in Debian's headless Chromium, with every external request blocked.

    It only reads the built HTML, so it installs pytest and Playwright, not the project
    (Playwright drives /usr/bin/chromium and never downloads a browser). HW1_SITE names
    another built site; screenshots go to HW1_ARTIFACTS (default artifacts/).
    """
    session.install("pytest>=8", "playwright>=1.40")
    env = {**ENV, "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1"}
    if "HW1_CHROMIUM" not in os.environ:  # the declared package's, not one that happens to be here
        session.run("python", ".ci/system_packages.py", "browser", "/usr/bin/chromium")
    session.run(
        "pytest", "-m", "browser", "-v", "tests/test_site_browser.py", *session.posargs, env=env
    )


def _publish(session: nox.Session, path: Path) -> None:
    """Copy a deliverable to docs/_build and, if the site is built, next to index.html."""
    targets = [BUILD / path.name]
    if (BUILD / "html" / "index.html").is_file():
        targets.append(BUILD / "html" / path.name)
    for target in targets:
        if target != path:
            shutil.copy(path, target)
        session.log(f"{path.name} -> {target}")
