"""Helpers shared by the tests of hw1.check: load an answer file, run the command."""

import importlib.util
import subprocess
import sys
from pathlib import Path

ANSWERS = Path(__file__).parent / "check_answers"
PYTHON = [sys.executable, "-m", "hw1.check"]
# Short limits so a broken fixture costs seconds; subprocess.run's timeout guards the test.
FAST = ["--load-timeout", "20", "--timeout", "20"]


def load(name):
    """Import ``tests/check_answers/NAME.py`` as a module."""
    spec = importlib.util.spec_from_file_location(f"answers_{name}", ANSWERS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_cli(*args, timeout=120):
    """Run ``python [-X OPTION] -m hw1.check ARGS``."""
    options = list(args[:2]) if args[:1] == ("-X",) else []
    command = [sys.executable, *options, "-m", "hw1.check", *args[len(options) :]]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
