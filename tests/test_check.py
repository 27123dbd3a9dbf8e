"""hw1.check: right answers pass, each classic mistake fails and is named, bad files end cleanly."""

import contextlib
import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
import torch

import hw1.check as checker
from hw1.check import NAMES, check, check_file, main

ANSWERS = Path(__file__).parent / "check_answers"
PYTHON = [sys.executable, "-m", "hw1.check"]
# Short limits so a broken fixture costs seconds; subprocess.run's timeout guards the test.
FAST = ["--load-timeout", "20", "--timeout", "20"]


def load(name):
    spec = importlib.util.spec_from_file_location(f"answers_{name}", ANSWERS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_cli(*args, timeout=120):
    """Run ``python [-X OPTION] -m hw1.check ARGS``."""
    options = list(args[:2]) if args[:1] == ("-X",) else []
    command = [sys.executable, *options, "-m", "hw1.check", *args[len(options) :]]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)


# -- right answers ----------------------------------------------------------------------


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


def test_project_answers_pass_every_check():
    report = check(load("right_hw1"))
    assert report.passed and report.exit_code == 0, str(report)
    assert [c.name for c in report.checks] == [n for n in NAMES if n != "my_model"]
    assert report.absent == ["my_model"]
    assert all(c.passed and c.cases > 0 and c.message for c in report.checks), str(report)
    assert "12 of 12 checks passed" in str(report)
    assert "depth counts linear layers" in str(report)


def test_answers_written_from_scratch_pass_and_hidden_layer_depth_is_accepted():
    report = check(load("right_student"))
    assert report.passed and report.exit_code == 0, str(report)
    assert report.absent == ["MLP"]
    assert all(isinstance(c.message, str) and c.cases > 0 for c in report.checks)
    by_name = {c.name: c for c in report.checks}
    assert "depth counts hidden layers" in by_name["my_model"].message
    assert "my_model(8) has 9 nn.Linear" in by_name["my_model"].message
    assert "not supported" in by_name["jacobian_forward"].message  # batch is optional
    # Cases per check: 3 shapes x 2 seeds; 4 problems; 3 problems x 5 values of k.
    assert by_name["manual_gradients"].cases == 6
    assert by_name["gradient"].cases == 4
    assert by_name["closed_form_iterate"].cases == 15


def test_init_uniform_alone_is_checked_on_a_reference_model():
    report = check({"init_uniform_": load("right_student").init_uniform_})
    (result,) = report.checks
    assert result.passed, result.message
    assert "reference" in result.message and "Xavier (d = 'xavier')" in result.message


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
        assert set(c) == {"name", "passed", "message", "cases"}
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
    assert "12 of 12 checks passed" in result.stderr


# -- the catalogue of classic mistakes --------------------------------------------------

CATALOGUE = [
    ("wrong_q1_missing_mean", "manual_gradients", "missing 1/N"),
    ("wrong_q1_extra_mean", "manual_gradients", "an extra 1/N"),
    ("wrong_q1_transposed", "manual_gradients", "W1: transposed: shape (3, 5) where (H, D)"),
    ("wrong_q1_tanh_prime", "manual_gradients", "W1, b1, X: tanh′ written as 1 − tanh"),
    ("wrong_q1_sign", "manual_gradients", "W1, b1, w2, b2, X: flipped sign"),
    ("wrong_q1c_not_restored", "numerical_gradient", "perturbed entry was not put back"),
    ("wrong_q1c_divide_by_h", "numerical_gradient", "divided by h instead of 2h"),
    ("wrong_q2_jacobian_dp", "jacobian_reverse", "Jacobian returned as (D, P)"),
    ("wrong_q2_tanh_prime", "jacobian_forward", "tanh′ written as 1 − tanh"),
    ("wrong_q2c_uses_jacfwd", "jacobian_forward", "not forward mode by hand: it uses a torch.func"),
    ("wrong_q2c_dual_tensors", "jacobian_forward", "not forward mode by hand: it uses forward-AD"),
    ("wrong_q2c_autograd_rows", "jacobian_forward", "not forward mode by hand: it uses a tensor"),
    ("wrong_q3_tent_outside", "tent_net", "right on [0, 1] but wrong outside it, for x > 1"),
    ("wrong_q3_soft_one_sided", "soft_threshold_net", "misses the negative side"),
    ("wrong_q3_xor", "xnor_net", "computes XOR, not XNOR"),
    ("wrong_q4_depth", "MLP", "follows neither convention"),
    ("wrong_q4_tanh_logits", "MLP", "applies tanh to the output logits too"),
    ("wrong_q4_xavier_fan_in", "init_uniform_", "looks like a fan-in-only bound, √(6/n_in)"),
    ("wrong_q4_xavier_fan_in_3", "init_uniform_", "looks like a fan-in-only bound, √(3/n_in)"),
    ("wrong_q4_normal", "init_uniform_", "as for N(0, d²), not U(−d, d)"),
    ("wrong_q4_bias", "init_uniform_", "biases not set to zero"),
    ("wrong_q5_gradient_mean", "gradient", "the gradient of the mean (1/2N)‖Xw − y‖²"),
    ("wrong_q5_gradient_sign", "gradient", "flipped sign"),
    ("wrong_q5_off_by_one", "closed_form_iterate", "iterate off by one step: returned w_1 for w_0"),
    ("wrong_q5_iterate_mean", "closed_form_iterate", "gradient of the mean loss"),
    ("wrong_q5_iterate_ignores_w0", "closed_form_iterate", "ignores w0"),
    ("wrong_q5_iterate_plus", "closed_form_iterate", "I − αX^T X written as I + αX^T X"),
    ("wrong_q5_normal_equations", "minimizer", "X^T X is singular here"),
]


@pytest.mark.parametrize(("file", "name", "named"), CATALOGUE, ids=[c[0] for c in CATALOGUE])
def test_each_classic_mistake_fails_and_is_named(file, name, named):
    report = check(load(file), timeout=30)
    (result,) = report.checks
    assert result.name == name
    assert not result.passed
    assert named in result.message, result.message
    assert report.exit_code == 1
    assert "FAIL" in str(report) and "FAIL" in report._repr_html_()


def test_the_catalogue_covers_every_wrong_answer_file():
    files = {p.stem for p in ANSWERS.glob("wrong_*.py")}
    assert files == {c[0] for c in CATALOGUE}
    assert len(files) >= 12


def test_the_same_mistake_in_the_project_answer_is_caught():
    """Break one step of the project's own answer: the check must notice."""
    from hw1.least_squares import gradient

    def halved(X, w, y):
        return gradient(X, w, y) / X.shape[0]

    report = check({"gradient": halved})
    assert not report.checks[0].passed
    assert "gradient of the mean" in report.checks[0].message


# -- files that cannot be checked ---------------------------------------------------------


def test_syntax_error_exits_2_with_the_error_shown(tmp_path):
    # Written here, not shipped: a file that does not parse would break the lint session.
    path = tmp_path / "syntax_error.py"
    path.write_text("def gradient(X, w, y):\n    return X.T @ ((X @ w - y)\n")
    report = check_file(path, load_timeout=20, check_timeout=20)
    assert report.exit_code == 2
    assert "SyntaxError" in report.error and "syntax_error.py" in report.error
    assert "line 2" in report.error
    assert "SyntaxError" in str(report)


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


def test_file_that_never_returns_is_stopped_and_exits_2():
    report = check_file(ANSWERS / "never_returns.py", load_timeout=0.5, check_timeout=1)
    assert report.exit_code == 2
    assert "did not finish within the time limit of 0.5 s" in report.error


def test_file_that_blocks_the_alarm_is_killed(monkeypatch):
    monkeypatch.setattr(checker, "_GRACE", 0.5)
    report = check_file(
        ANSWERS / "ignores_alarm.py", only="gradient", load_timeout=0.5, check_timeout=1
    )
    assert report.exit_code == 2
    assert "loading the file did not finish within the time limit of 0.5 s" in report.error
    assert "stopped after 1 s of loading" in report.error


def test_a_hanging_function_fails_its_check_and_the_others_still_run():
    report = check(load("hangs_in_check"), timeout=1)
    by_name = {c.name: c for c in report.checks}
    assert by_name["gradient"].passed
    assert not by_name["minimizer"].passed
    assert "did not finish within the time limit of 1 s" in by_name["minimizer"].message
    assert report.exit_code == 1


def test_checks_that_block_the_time_limit_are_killed_and_the_rest_still_run(monkeypatch):
    monkeypatch.setattr(checker, "_GRACE", 0.5)
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


def test_float32_answers_are_told_that_the_inputs_are_float64():
    report = check(load("float32_tensors"))
    assert [c.name for c in report.checks] == ["jacobian_forward", "closed_form_iterate"]
    for result in report.checks:
        assert not result.passed
        assert "RuntimeError" in result.message  # the traceback is kept
        assert "_check_cases.py" not in result.message  # without the checker's own frames
        assert "the checker passes float64 tensors" in result.message, result.message
        assert "dtype=x.dtype" in result.message


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


def test_a_sigmoid_network_for_a_kinked_target_is_told_to_use_relu():
    def relu_ish(x):  # x·σ(50x), a smooth stand-in for ReLU
        return x * torch.sigmoid(50 * x)

    def tent_net():
        return lambda x: 2 * (relu_ish(x) - 2 * relu_ish(x - 0.5) + relu_ish(x - 1))

    (result,) = check({"tent_net": tent_net}).checks
    assert not result.passed
    assert "A sigmoid network approximates the kinks" in result.message, result.message
    assert "exact ReLU constructions" in result.message and "fine for XNOR" in result.message


def test_a_minimiser_from_a_singular_normal_system_passes_with_a_plain_note():
    def minimizer(X, y):
        return torch.linalg.solve(X.T @ X, X.T @ y)

    (result,) = check({"minimizer": minimizer}).checks
    # What docs/check.md promises: any minimiser passes; the note names the problem.
    assert result.passed, result.message
    assert "X^T X is singular" in result.message
    assert "not the minimum-norm minimiser" in result.message


def test_file_defining_none_of_the_names_exits_2():
    report = check(load("defines_nothing"))
    assert report.exit_code == 2 and not report.passed
    assert "defines none of the names" in str(report)


# -- the interface ----------------------------------------------------------------------


def test_help_says_that_checking_runs_the_code(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--help"])
    assert stop.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "RUNS the code in PATH" in text
    assert "Exit status: 0" in text and "1 a function fails" in text


def test_only_restricts_the_checks_and_rejects_unknown_names(capsys):
    report = check(load("right_student"), only="gradient, minimizer")
    assert [c.name for c in report.checks] == ["gradient", "minimizer"]
    assert report.absent == []
    with pytest.raises(ValueError, match="only must name functions"):
        check(load("right_student"), only=["gradients"])
    with pytest.raises(SystemExit) as stop:
        main([str(ANSWERS / "right_student.py"), "--only", "gradients"])
    assert stop.value.code == 2
    assert "--only must name functions among" in capsys.readouterr().err


def test_check_file_rejects_other_files(tmp_path):
    with pytest.raises(ValueError, match=r"\.py file or an \.ipynb"):
        check_file(tmp_path / "answers.txt")
    with pytest.raises(FileNotFoundError):
        check_file(tmp_path / "missing.py")


def test_report_html_and_text_name_every_check():
    report = check(load("right_student"), only=["gradient", "tent_net"])
    html = report._repr_html_()
    assert "<table>" in html and html.count("<tr>") == 3  # header + two checks
    text = str(report)
    assert "PASS  gradient" in text and "PASS  tent_net" in text
    assert report.to_dict()["passed"] is True


def test_check_does_not_disturb_the_callers_random_state():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    check(load("right_student"), only="init_uniform_")
    assert torch.equal(torch.rand(3), expected)
