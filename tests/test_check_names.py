"""hw1.check.names: the one table; the checker and the docs page are generated from it."""

import sys
from pathlib import Path

import pytest

from hw1.check.graders import GRADERS
from hw1.check.names import ANSWERS, NAMES, answer, resolve_only

DOCS = Path(__file__).resolve().parents[1] / "docs"
sys.path.insert(0, str(DOCS / "sphinxext"))
from check_names import row, table_markdown  # noqa: E402


def test_the_checker_grades_exactly_the_names_of_the_table():
    assert list(GRADERS) == list(NAMES) == [a.name for a in ANSWERS]
    assert len(set(NAMES)) == len(ANSWERS) == 13
    assert [a.name for a in ANSWERS if a.alternative_to] == ["my_model"]


def test_the_docs_table_is_generated_from_the_table_row_for_row():
    lines = table_markdown().splitlines()
    assert lines[0] == "| Question | Name and signature | Conventions |"
    assert lines[2:] == [row(a) for a in ANSWERS]
    for entry, line in zip(ANSWERS, lines[2:], strict=True):
        assert line.startswith(f"| {entry.question} | `{entry.signature}` | ")
        assert entry.references[0] in line
    assert "max(\\|x\\| − s, 0)" in table_markdown()  # a pipe would split the cell
    page = (DOCS / "check.md").read_text()
    assert "```{hw1-check-names}\n```" in page
    assert "| Question | Name and signature |" not in page  # no hand-written copy


def test_answer_and_resolve_only_name_what_is_wrong():
    assert answer("gradient").signature == "gradient(X, w, y)"
    assert resolve_only("minimizer, gradient") == ["gradient", "minimizer"]
    assert resolve_only(None) == list(NAMES)
    with pytest.raises(ValueError, match="name must be one of"):
        answer("gradients")
    with pytest.raises(ValueError, match="only must name functions among"):
        resolve_only(["gradients"])
