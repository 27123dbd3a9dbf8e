"""hw1.check.check_file: files that cannot be checked end cleanly, limits that hold."""

import nbformat
import pytest
from checker_helpers import ANSWERS

import hw1.check
import hw1.check.supervise as supervise
from hw1.check import check_file


def test_syntax_error_exits_2_with_the_error_shown(tmp_path):
    # Written here, not shipped: a file that does not parse would break the lint session.
    path = tmp_path / "syntax_error.py"
    path.write_text("def gradient(X, w, y):\n    return X.T @ ((X @ w - y)\n")
    report = check_file(path, load_timeout=20, check_timeout=20)
    assert report.exit_code == 2
    assert "SyntaxError" in report.error and "syntax_error.py" in report.error
    assert "line 2" in report.error
    assert "SyntaxError" in str(report)


def test_file_that_never_returns_is_stopped_and_exits_2():
    report = check_file(ANSWERS / "never_returns.py", load_timeout=0.5, check_timeout=1)
    assert report.exit_code == 2
    assert "did not finish within the time limit of 0.5 s" in report.error


def test_file_that_blocks_the_alarm_is_killed(monkeypatch):
    monkeypatch.setattr(supervise, "GRACE", 0.5)
    report = check_file(
        ANSWERS / "ignores_alarm.py", only="gradient", load_timeout=0.5, check_timeout=1
    )
    assert report.exit_code == 2
    assert "loading the file did not finish within the time limit of 0.5 s" in report.error
    assert "stopped after 1 s of loading" in report.error


def test_checks_that_block_the_time_limit_are_killed_and_the_rest_still_run(monkeypatch):
    monkeypatch.setattr(supervise, "GRACE", 0.5)
    report = check_file(ANSWERS / "swallows_time_limit.py", load_timeout=20, check_timeout=1)
    by_name = {c.name: c for c in report.checks}
    assert list(by_name) == ["gradient", "minimizer", "closed_form_iterate"]
    for name in ("gradient", "closed_form_iterate"):  # a swallowed limit; a blocked signal
        assert not by_name[name].passed
        assert "did not finish within the time limit of 1 s" in by_name[name].message
        assert "stopped after 1.5 s" in by_name[name].message
    assert by_name["minimizer"].passed, by_name["minimizer"].message  # run in a new process
    assert any("loaded again in a new process" in note for note in report.notes)
    assert report.exit_code == 1


def test_notebook_that_defines_nothing_checkable_exits_2(tmp_path):
    cells = [nbformat.v4.new_code_cell("raise ValueError('no data')\n\ndef gradient(X, w, y): ...")]
    path = tmp_path / "answers.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    report = check_file(path, only="gradient", load_timeout=20, check_timeout=20)
    assert report.exit_code == 2 and report.checks == []
    assert "ValueError: no data" in report.notes[0]
    assert "defines none of the names" in str(report)


def test_sys_exit_0_ends_the_file_normally_and_other_codes_fail_the_load(tmp_path):
    report = check_file(ANSWERS / "ends_with_sys_exit.py", load_timeout=20, check_timeout=20)
    assert report.exit_code == 0, str(report)
    assert [c.name for c in report.checks] == ["gradient"]
    assert "ends with sys.exit(0) at line 10" in report.notes[0]
    path = tmp_path / "exits_3.py"
    path.write_text("def gradient(X, w, y):\n    return X.T @ (X @ w - y)\n\nraise SystemExit(3)\n")
    report = check_file(path, load_timeout=20, check_timeout=20)
    assert report.exit_code == 2
    assert "running the file raised SystemExit" in report.error


def test_check_file_rejects_other_files(tmp_path):
    with pytest.raises(ValueError, match=r"\.py file or an \.ipynb"):
        check_file(tmp_path / "answers.txt")
    with pytest.raises(FileNotFoundError):
        check_file(tmp_path / "missing.py")


def test_check_calls_inside_the_checked_file_do_nothing_and_never_recurse(monkeypatch):
    monkeypatch.setattr(hw1.check, "in_checking_process", lambda: True)
    note = "not checked here: python -m hw1.check checks the whole file"
    for target in ({"gradient": lambda X, w, y: X.T @ (X @ w - y)}, str(ANSWERS / "right_hw1.py")):
        report = hw1.check.check(target)  # no check run, no checking process started
        assert report.notes == [note] and not report.checks and report.exit_code == 2
