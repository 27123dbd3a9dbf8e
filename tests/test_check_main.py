"""python -m hw1.check: the command's report, --json, and stopping it."""

import contextlib
import json
import os
import signal
import subprocess
import sys
import time

import nbformat
import pytest
from checker_helpers import ANSWERS, FAST, PYTHON, run_cli

from hw1.check import NAMES
from hw1.check.__main__ import main


def imported_by_the_command(stderr):
    """Return the top-level packages in a ``python -X importtime`` log."""
    return {
        line.rsplit("|", 1)[-1].strip().split(".")[0]
        for line in stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }


HEAVY = {"torch", "numpy", "sklearn", "matplotlib"}


def test_importing_the_checker_and_its_help_do_not_import_torch():
    code = "import hw1.check, sys; assert not {'torch', 'numpy'} & set(sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    result = run_cli("-X", "importtime", "--help", timeout=60)  # the command's own process
    assert result.returncode == 0
    assert "RUNS the code in PATH" in result.stdout
    imported = imported_by_the_command(result.stderr)
    assert "hw1" in imported  # the log is read right
    assert not HEAVY & imported, HEAVY & imported


def test_notebook_of_right_answers_passes_the_command_despite_magics_and_failing_cells(
    tmp_path,
):
    """One run of the command: exit 0, the --json record, magics skipped, failing cells noted."""
    source = (ANSWERS / "right_student.py").read_text()
    head, _, rest = source.partition("\n\n\ndef manual_gradients")
    cells = [
        nbformat.v4.new_markdown_cell("# My answers"),
        nbformat.v4.new_code_cell("%matplotlib inline\n!pip install torch\n" + head),
        # Q1(d)'s dataset loader, removed from scikit-learn, fails a cell in many notebooks.
        nbformat.v4.new_code_cell("from sklearn.datasets import load_boston\n\nX = load_boston()"),
        nbformat.v4.new_code_cell("def manual_gradients" + rest + "\n\nundefined_name\n"),
        nbformat.v4.new_code_cell("if True:\n    %time x = 1\nprint('done')"),
    ]
    path = tmp_path / "answers.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    result = run_cli(str(path), "--json", *FAST)
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["passed"] is True and record["error"] is None
    assert [c["name"] for c in record["checks"]] == [n for n in NAMES if n != "MLP"]
    assert record["absent"] == ["MLP"]
    for c in record["checks"]:
        assert set(c) == {"name", "passed", "attempted", "message", "cases", "mistake"}
        assert c["attempted"] is True
        assert c["passed"] is True and c["cases"] > 0, c
        assert isinstance(c["message"], str) and c["message"], c
    skipped, boston, undefined = record["notes"]
    assert "skipped 3 notebook line(s)" in skipped
    assert "cell 1 line 1: %matplotlib inline" in skipped and "!pip install torch" in skipped
    assert boston.startswith("code cell 2 failed, and the later cells still ran:")
    assert "load_boston" in boston and "ImportError" in boston
    assert len(boston.splitlines()) <= 12  # a short traceback, not sklearn's whole essay
    assert undefined.startswith("code cell 3 failed")
    assert "NameError: name 'undefined_name' is not defined" in undefined
    # In --json mode the human report goes to stderr.
    assert "note: code cell 2 failed" in result.stderr
    assert "12 of 12 attempted: 12 passed" in result.stderr


def test_file_raising_on_import_exits_2_with_its_traceback():
    args = ("-X", "importtime", str(ANSWERS / "raises_on_import.py"), "--json", *FAST)
    result = run_cli(*args)
    assert result.returncode == 2
    record = json.loads(result.stdout)
    assert record["passed"] is False and record["checks"] == []
    assert "FileNotFoundError" in record["error"]
    assert 'raises_on_import.py", line 5' in record["error"]
    assert "Traceback" in result.stderr
    # The command's own process never needs PyTorch; only the checking process imports it.
    assert not HEAVY & imported_by_the_command(result.stderr)


@pytest.mark.parametrize(("stop", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_stopping_the_command_kills_the_checking_process(tmp_path, stop, status):
    pid_file = tmp_path / "worker.pid"
    env = {**os.environ, "HW1_CHECK_TEST_PID_FILE": str(pid_file)}
    command = subprocess.Popen(
        [*PYTHON, str(ANSWERS / "reports_pid_and_hangs.py"), *FAST],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        # A shell may start background jobs with SIGINT ignored; Ctrl-C reaches a terminal's.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    worker = None
    try:
        deadline = time.monotonic() + 60
        while not pid_file.exists():
            assert command.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        worker = int(pid_file.read_text())
        assert os.getpgid(worker) == worker  # the file runs in its own process group
        command.send_signal(stop)
        assert command.wait(timeout=30) == status
        with pytest.raises(ProcessLookupError):  # the whole group is gone
            os.killpg(worker, 0)
    finally:  # never leave a process behind, even when the test fails
        if command.poll() is None:
            command.kill()
            command.wait()
        if worker is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(worker, signal.SIGKILL)


def test_help_says_that_checking_runs_the_code(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--help"])
    assert stop.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "RUNS the code in PATH" in text
    assert "Exit status, for one PATH: 0 no function found fails; 1 a function fails" in text
