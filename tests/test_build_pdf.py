"""A PDF build recovers from a failed LaTeX run (.ci/build_pdf.py)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / ".ci"))
import build_pdf

pytestmark = pytest.mark.skipif(
    not (shutil.which("latexmk") and shutil.which("pdflatex")), reason="needs latexmk and pdflatex"
)
LATEXMK = ["latexmk", "-pdf", "-halt-on-error", "-interaction=nonstopmode", "doc.tex"]


@pytest.fixture
def document(tmp_path, monkeypatch):
    """A document that fails until the machine gains a file it needs, as with a missing font.

    Its source never changes: only TEXINPUTS (the machine) does, so latexmk, which
    remembers the failure, sees no reason to run again.
    """
    (tmp_path / "doc.tex").write_text(
        "\\documentclass{article}\\begin{document}\\input{extra}\\end{document}\n"
    )
    machine = tmp_path / "machine"
    machine.mkdir()
    (machine / "extra.tex").write_text("Hello.\n")
    monkeypatch.delenv("TEXINPUTS", raising=False)
    return tmp_path, f"{machine}{os.pathsep}"


def test_latexmk_alone_keeps_failing_after_the_cause_is_fixed(document, monkeypatch):
    folder, texinputs = document
    assert subprocess.run(LATEXMK, cwd=folder, capture_output=True).returncode != 0
    monkeypatch.setenv("TEXINPUTS", texinputs)
    again = subprocess.run(LATEXMK, cwd=folder, capture_output=True, text=True)
    assert again.returncode != 0  # the bug the builder works around
    assert not (folder / "doc.pdf").exists()


def test_the_next_build_after_a_failure_starts_from_scratch_and_succeeds(document, monkeypatch):
    folder, texinputs = document
    assert build_pdf.build(folder, LATEXMK) != 0
    assert (folder / build_pdf.UNFINISHED).exists()
    monkeypatch.setenv("TEXINPUTS", texinputs)
    assert build_pdf.build(folder, LATEXMK) == 0
    assert (folder / "doc.pdf").stat().st_size > 0
    assert not (folder / build_pdf.UNFINISHED).exists()


def test_a_successful_build_stays_incremental(document, monkeypatch, capsys):
    folder, texinputs = document
    monkeypatch.setenv("TEXINPUTS", texinputs)
    assert build_pdf.build(folder, LATEXMK) == 0
    pdf = (folder / "doc.pdf").stat().st_mtime_ns
    assert build_pdf.build(folder, LATEXMK) == 0
    assert (folder / "doc.pdf").stat().st_mtime_ns == pdf  # latexmk had nothing to do
    assert "did not succeed" not in capsys.readouterr().out
