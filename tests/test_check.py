"""hw1.check.check in this process: right answers pass, options, the report's forms."""

import pytest
import torch
from checker_helpers import ANSWERS, load

from hw1.check import NAMES, check
from hw1.check.__main__ import main


def test_project_answers_pass_every_check():
    report = check(load("right_hw1"))
    assert report.passed and report.exit_code == 0, str(report)
    assert [c.name for c in report.checks] == [n for n in NAMES if n != "my_model"]
    assert report.absent == ["my_model"]
    assert all(c.passed and c.cases > 0 and c.message for c in report.checks), str(report)
    assert "12 of 12 attempted: 12 passed" in str(report)
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


def test_a_hanging_function_fails_its_check_and_the_others_still_run():
    report = check(load("hangs_in_check"), timeout=1)
    by_name = {c.name: c for c in report.checks}
    assert by_name["gradient"].passed
    assert not by_name["minimizer"].passed
    assert "did not finish within the time limit of 1 s" in by_name["minimizer"].message
    assert report.exit_code == 1


def test_file_defining_none_of_the_names_exits_2():
    report = check(load("defines_nothing"))
    assert report.exit_code == 2 and not report.passed
    assert "defines none of the names" in str(report)


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


def test_a_stub_is_not_attempted_and_does_not_fail():
    def gradient(X, w, y):
        raise NotImplementedError

    def minimizer(X, y):
        raise NotImplementedError("write me")

    def closed_form_iterate(X, y, w0, alpha, k):
        return w0  # right for k = 0 only: a real failure

    namespace = {"gradient": gradient, "minimizer": minimizer}
    report = check(namespace)
    assert [c.status for c in report.checks] == ["not attempted", "not attempted"]
    assert all(not c.attempted and not c.passed for c in report.checks)
    assert "raises NotImplementedError" in report.checks[0].message
    assert report.exit_code == 0 and report.passed
    assert str(report).endswith("0 of 2 attempted: 0 passed.")
    assert "TODO  gradient" in str(report) and "not attempted" in report._repr_html_()
    record = report.to_dict()["checks"][0]
    assert record["attempted"] is False and record["passed"] is False
    namespace["closed_form_iterate"] = closed_form_iterate
    report = check(namespace)
    assert report.exit_code == 1
    assert str(report).endswith("1 of 3 attempted: 0 passed, 1 failed.")


def test_not_implemented_after_a_first_answer_is_a_failure():
    from hw1.init_study import MLP as Built

    class MLP(Built):  # the layers are there; the forward pass is still a stub
        def forward(self, x):
            raise NotImplementedError

    (result,) = check({"MLP": MLP}).checks
    assert result.attempted and not result.passed
    assert "NotImplementedError" in result.message
