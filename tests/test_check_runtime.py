"""hw1.check.runtime: time limits that nest, tracebacks without the checker's frames."""

import time

import pytest

from hw1.check.runtime import CheckTimeout, student_traceback, time_limit


def test_a_time_limit_stops_a_loop():
    with pytest.raises(CheckTimeout, match="the loop did not finish within the time limit"):
        with time_limit(0.2, "the loop"):
            while True:
                time.sleep(0.01)


def test_an_inner_limit_gives_the_outer_one_back_its_remaining_time():
    start = time.monotonic()
    with pytest.raises(CheckTimeout, match="loading"):
        with time_limit(0.6, "loading"):
            with time_limit(5, "a check cell"):  # longer than the outer: the outer governs
                pass
            with time_limit(0.1, "a short check"):  # shorter: runs, then the outer resumes
                pass
            while True:
                time.sleep(0.01)
    assert 0.5 < time.monotonic() - start < 3


def test_the_traceback_leaves_out_the_checker_frames():
    def answer():
        raise ValueError("bad")

    from hw1.check.grading import call_answer

    try:
        call_answer(answer, what="answer()")
    except Exception as exc:  # Fail, with the reader's traceback in its message
        text = str(exc)
    assert "ValueError: bad" in text and "in answer" in text
    assert "grading.py" not in text
    try:
        answer()
    except ValueError as exc:
        assert student_traceback(exc, error_lines=1).endswith("ValueError: bad")
