"""Skip autosummary's stub generation when nothing it reads has changed.

autosummary writes the API stub pages (``generated/*.rst``) on every build, and to do
so it imports every ``hw1`` module, and with them PyTorch and scikit-learn: about 4 s
of an otherwise 2 s rebuild of an unchanged site. The stubs depend only on the package's
sources, the autosummary templates and the pages with ``autosummary`` directives, so
this extension hashes those files and, when the hash matches the one stored in the
doctree directory after the last generation and the stubs are there, switches
generation off for this build only. Docstrings still reach the pages as before: autodoc
re-reads a page whenever its module's source changes.

Config: ``autosummary_cache_inputs``, paths relative to the source directory (files, or
directories searched for ``*.py``, ``*.rst`` and ``*.md``), and
``autosummary_cache_output``, the directory the stubs go to.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

_STAMP = "autosummary-inputs.sha256"
_SUFFIXES = {".py", ".rst", ".md"}


def fingerprint(srcdir: Path, inputs: list[str]) -> str:
    """Hash the names and contents of every input file, in a stable order."""
    digest = hashlib.sha256()
    for entry in inputs:
        path = (srcdir / entry).resolve()
        files = (
            sorted(p for p in path.rglob("*") if p.suffix in _SUFFIXES) if path.is_dir() else [path]
        )
        for file in files:
            if "__pycache__" in file.parts or not file.is_file():
                continue
            digest.update(str(file.relative_to(path.parent)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def _before(app) -> None:
    if not app.config.autosummary_generate or not app.config.autosummary_cache_inputs:
        app._autosummary_cache = None
        return
    srcdir = Path(app.srcdir)
    wanted = fingerprint(srcdir, app.config.autosummary_cache_inputs)
    stamp = Path(app.doctreedir) / _STAMP
    stubs = srcdir / app.config.autosummary_cache_output
    fresh = stamp.is_file() and stamp.read_text().strip() == wanted and any(stubs.glob("*.rst"))
    app._autosummary_cache = (app.config.autosummary_generate, fresh, stamp, wanted)
    if fresh:
        app.config.autosummary_generate = False


def _after(app) -> None:
    state = getattr(app, "_autosummary_cache", None)
    if state is None:
        return
    setting, fresh, stamp, wanted = state
    # Restore the setting before the environment (and its config) is pickled, so the
    # next build does not see a changed configuration.
    app.config.autosummary_generate = setting
    if not fresh:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(wanted + "\n")


def setup(app):
    """Run around autosummary's own builder-inited handler (priority 500)."""
    app.add_config_value("autosummary_cache_inputs", [], "", types=[list])
    app.add_config_value("autosummary_cache_output", "generated", "", types=[str])
    app.connect("builder-inited", _before, priority=400)
    app.connect("builder-inited", _after, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
