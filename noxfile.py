"""One session per job a user runs. List them with ``nox -l``.

Virtualenvs are reused between runs (torch alone is several GB), and each session
installs the project from pyproject.toml with the extras it needs.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nox

nox.options.reuse_venv = "yes"
nox.options.default_venv_backend = "virtualenv"
nox.options.sessions = ["lint", "tests", "docs"]

ROOT = Path(__file__).parent
DOCS = ROOT / "docs"
BUILD = DOCS / "_build"
PYTHON = "3.11"
# Reproducible numbers across builds; a fork under sphinx-build must not meet a live pool.
ENV = {"OMP_NUM_THREADS": "1", "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0"}


def _install(session: nox.Session, *extras: str) -> None:
    spec = f".[{','.join(extras)}]" if extras else "."
    # Non-editable, so tests and docs see what a user's install gets (package data included).
    session.install("--upgrade-strategy", "only-if-needed", spec)


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Run the test suite (pytest); extra arguments go to pytest."""
    _install(session, "test", "docs")  # docs: the tests read docs/conf.py
    session.run("pytest", *session.posargs, env=ENV)


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    """Build the HTML site into docs/_build/html, running every gallery example.

    ``nox -s docs -- -D plot_gallery=0`` builds the text without running examples.
    """
    _install(session, "docs")
    session.run(
        "sphinx-build", "-W", "--keep-going", "-b", "html",
        *session.posargs, str(DOCS), str(BUILD / "html"),
        env=ENV,
    )  # fmt: skip
    session.log(f"Site built: open {BUILD / 'html' / 'index.html'}")


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """Check style and common mistakes with ruff."""
    session.install("ruff>=0.6")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Benchmark the Jacobian methods on CPU (and CUDA if present); store the results."""
    _install(session, "bench")
    session.run("python", "-m", "hw1.bench", *session.posargs, env=ENV)


@nox.session(python=PYTHON)
def pdf(session: nox.Session) -> None:
    """Build the PDF of every answer, code and output (LaTeX; needs Debian's TeX Live).

    Examples already run by ``nox -s docs`` are not run again. The PDF is written to
    docs/_build/hw1-answers.pdf and, when the site is built, beside its home page.
    """
    if shutil.which("latexmk") is None:
        session.error(
            "latexmk is missing. Install TeX Live from Debian: apt-get update && apt-get "
            "install -y latexmk texlive-latex-recommended texlive-latex-extra "
            "texlive-fonts-recommended tex-gyre"
        )
    _install(session, "docs")
    latex = BUILD / "latex"
    session.run("sphinx-build", "-W", "--keep-going", "-b", "latex", str(DOCS), str(latex), env=ENV)
    session.run(
        "make", "-C", str(latex), "all-pdf", "LATEXMKOPTS=-halt-on-error -interaction=nonstopmode",
        external=True,
    )  # fmt: skip
    _publish(session, latex / "hw1-answers.pdf")


@nox.session(python=PYTHON)
def notebook(session: nox.Session) -> None:
    """One notebook with every programming answer, executed top to bottom in a fresh kernel.

    Also runs each per-example notebook the site offers for download (build the site
    first). The combined notebook goes to docs/_build/hw1-answers.ipynb and beside the
    site's home page.
    """
    _install(session, "test", "docs")
    out = BUILD / "hw1-answers.ipynb"
    session.run("python", "docs/build_notebook.py", "--execute", "--out", str(out), env=ENV)
    _publish(session, out)
    session.run(
        "pytest", "-m", "notebooks", "tests/test_example_notebooks.py", *session.posargs, env=ENV
    )


@nox.session(python=PYTHON)
def site(session: nox.Session) -> None:
    """Check the built site in Debian's headless Chromium, with every external request blocked.

    It only reads the built HTML, so it installs pytest and Playwright, not the project
    (Playwright drives /usr/bin/chromium and never downloads a browser).
    """
    session.install("pytest>=8", "playwright>=1.40")
    session.run(
        "pytest", "-m", "browser", "-v", "tests/test_site_browser.py", *session.posargs,
        env={**ENV, "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1"},
    )  # fmt: skip


def _publish(session: nox.Session, path: Path) -> None:
    """Copy a deliverable to docs/_build and, if the site is built, next to index.html."""
    targets = [BUILD / path.name]
    if (BUILD / "html" / "index.html").is_file():
        targets.append(BUILD / "html" / path.name)
    for target in targets:
        if target != path:
            shutil.copy(path, target)
        session.log(f"{path.name} -> {target}")
