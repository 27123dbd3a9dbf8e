"""hw1.check.gradebook: a folder of six submissions gives the expected table, bad files included."""

import csv
import shutil

import pytest
from checker_helpers import ANSWERS, run_cli

from hw1.check.gradebook import cells, check_files, first_failure, summary
from hw1.check.names import NAMES
from hw1.check.results import CheckResult, Report
from hw1.check.starter import write_starter

ALL = list(NAMES)


def test_a_folder_of_six_submissions_gives_the_expected_gradebook(tmp_path):
    folder = tmp_path / "submissions"
    folder.mkdir()
    # The hanging file first, so that its time limit runs out beside the other checks; it
    # waits (as on input() or a socket) rather than spinning, to leave the CPU to them.
    (folder / "hangs.py").write_text("import time\n\nwhile True:\n    time.sleep(1)\n")
    names = ["hangs", "right_student", "wrong_q1_missing_mean", "wrong_q5_gradient_mean"]
    for name in names[1:]:
        shutil.copy(ANSWERS / f"{name}.py", folder / f"{name}.py")
    write_starter(folder)
    (folder / "hw1-starter.py").unlink()
    (folder / "syntax_error.py").write_text("def gradient(X, w, y):\n    return (X.T @ w\n")
    files = [folder / f"{n}.py" for n in names] + [
        folder / "hw1-starter.ipynb",
        folder / "syntax_error.py",
    ]
    grades = tmp_path / "grades.csv"
    limits = ["--load-timeout", "10", "--timeout", "20"]
    result = run_cli(*map(str, files), "--csv", str(grades), *limits, timeout=300)
    assert result.returncode == 0, result.stderr
    with open(grades, newline="") as table:
        rows = list(csv.DictReader(table))
    assert [row["file"] for row in rows] == [str(f) for f in files]
    by_file = {row["file"].rsplit("/", 1)[-1]: row for row in rows}
    for row in rows:
        assert set(row) == {"file", *ALL, "first failure"}

    def cells_of(name):
        return {n: by_file[name][n] for n in ALL}

    hang = by_file["hangs.py"]
    assert set(cells_of("hangs.py").values()) == {"error"}
    assert "did not finish within the time limit of 10 s" in hang["first failure"]
    right = cells_of("right_student.py")
    assert right == {n: "absent" if n == "MLP" else "pass" for n in ALL}
    assert by_file["right_student.py"]["first failure"] == ""
    missing_mean = cells_of("wrong_q1_missing_mean.py")
    assert missing_mean == {n: "fail" if n == "manual_gradients" else "absent" for n in ALL}
    assert by_file["wrong_q1_missing_mean.py"]["first failure"].startswith(
        "manual_gradients: wrong for N=7"
    )
    mean = by_file["wrong_q5_gradient_mean.py"]
    assert cells_of("wrong_q5_gradient_mean.py") == {
        n: "fail" if n == "gradient" else "absent" for n in ALL
    }
    assert mean["first failure"].startswith("gradient: the gradient of the mean (1/2N)")
    starter = cells_of("hw1-starter.ipynb")
    assert starter == {n: "absent" if n == "my_model" else "not attempted" for n in ALL}
    assert set(cells_of("syntax_error.py").values()) == {"error"}
    assert "SyntaxError" in by_file["syntax_error.py"]["first failure"]
    # The text report: each file's report, then one line per check across the files.
    out = result.stdout
    assert out.count("hw1.check: ") >= 7 and "hw1.check: 6 files" in out
    assert (
        "manual_gradients:    1 pass, 1 fail (missing 1/N: 1), 1 not attempted, 1 absent, "
        "2 error" in out
    ), out[out.index("hw1.check: 6 files") :]
    assert "gradient:            1 pass, 1 fail (the gradient of the mean: 1)" in out
    assert f"gradebook written to {grades}" in out


def test_a_missing_file_costs_only_its_row(tmp_path):
    reports = check_files(
        [tmp_path / "missing.py", tmp_path / "notes.txt"], load_timeout=5, check_timeout=5
    )
    assert [cells(r)["gradient"] for r in reports] == ["error", "error"]
    assert "no such file" in first_failure(reports[0])
    assert ".py file or an .ipynb" in first_failure(reports[1])
    with pytest.raises(ValueError, match="jobs must be at least 1"):
        check_files([], jobs=0)


def test_the_summary_counts_each_cell_and_names_the_mistakes():
    def report(status, mistake=None):
        result = CheckResult("gradient", status == "pass", "m", 1, 0.0, status != "todo", mistake)
        return Report("f.py", checks=[result])

    reports = [
        report("pass"),
        report("fail", "flipped sign"),
        report("fail", "flipped sign"),
        report("fail"),
        report("todo"),
        Report("g.py", absent=["gradient"], checks=[CheckResult("minimizer", True, "", 1)]),
        Report("h.py", error="SyntaxError: invalid syntax"),
    ]
    text = summary(reports, ["gradient"])
    assert text.splitlines() == [
        "hw1.check: 7 files",
        "  gradient: 1 pass, 3 fail (flipped sign: 2), 1 not attempted, 1 absent, 1 error",
    ]
