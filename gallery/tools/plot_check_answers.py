"""
Check your own answers: a file with two typical mistakes
========================================================

:mod:`hw1.check` grades a reader's own answers against the same kind of oracles the
project's tests use (autograd, ``torch.func``, plain gradient-descent steps, dense
grids). Here we play the student: we write a small answer file holding three answers,
two of them with a classic mistake, run the checker on it exactly as
``python -m hw1.check answers.py`` would, and read its report. The page
:ref:`check-answers` describes the command, the names it looks for and its exit codes.

Checking a file **runs its code** (in a separate Python process with a time limit), so
only check files you trust. Starting from a blank page, the starter notebook (linked from
:ref:`check-answers`) holds a stub and a check cell for every name the checker knows.

Every sentence below that depends on this run's output is checked by an ``assert`` when
the site is built, so a build in which it is false fails; the checks are hidden from this
page but can be read in the downloadable ``.py`` file (bottom of the page) and in the
repository (``gallery/tools/plot_check_answers.py``).
"""

# %%
# A student's answer file
# -----------------------
# Three answers, two to Question 5 and one to Question 3. ``gradient`` divides by
# :math:`N`: it is the gradient of the mean loss rather than of
# :math:`\tfrac12\|Xw - y\|^2`. ``tent_net`` uses only the two ReLU units that shape
# the tent on :math:`[0, 1]` and forgets the one that brings it back to 0 after
# :math:`x = 1`. ``minimizer`` is right.
import tempfile
import textwrap
from pathlib import Path

from hw1.check import check, check_file

ANSWERS = textwrap.dedent(
    """
    import torch
    from torch import nn


    def gradient(X, w, y):
        return X.T @ (X @ w - y) / X.shape[0]


    def minimizer(X, y):
        return torch.linalg.lstsq(X, y, driver="gelsd").solution


    def tent_net():
        net = nn.Sequential(nn.Linear(1, 2), nn.ReLU(), nn.Linear(2, 1))
        with torch.no_grad():
            net[0].weight.fill_(1.0)
            net[0].bias.copy_(torch.tensor([0.0, -0.5]))
            net[2].weight.copy_(torch.tensor([[2.0, -4.0]]))
            net[2].bias.zero_()
        return net
    """
)
folder = Path(tempfile.mkdtemp(prefix="hw1-check-example-"))
answer_file = folder / "answers.py"
answer_file.write_text(ANSWERS)

# %%
# Running the checker
# -------------------
# :func:`hw1.check.check_file` runs the file in a fresh Python process, then checks each
# name it finds. Its text report is what the command prints:
report = check_file(answer_file, load_timeout=120, check_timeout=60)
print(report)

# %%
# In a notebook, a last cell ``hw1.check.check(globals())`` checks the functions the
# notebook has defined and shows the report as a table. Here a dictionary stands in for
# the notebook's globals: the answer file's code runs in it, and it is checked in this
# process.
notebook_globals = {}
exec(ANSWERS, notebook_globals)
check(notebook_globals)

# %%
# The same verdicts, from both ways of running the checker:
results = {c.name: c for c in report.checks}
in_process = {c.name: c.passed for c in check(notebook_globals).checks}
print({name: "pass" if c.passed else "FAIL" for name, c in results.items()})

# sphinx_gallery_start_ignore
# exact: verdicts are booleans
assert in_process == {name: c.passed for name, c in results.items()}, "the same verdicts"
assert set(results) == {"gradient", "minimizer", "tent_net"}, "three answers found"
assert not results["gradient"].passed, "gradient fails"
assert "gradient of the mean" in results["gradient"].message, "named: the mean loss"
assert not results["tent_net"].passed, "tent_net fails"
assert "right on [0, 1] but wrong outside it" in results["tent_net"].message, (
    "named: right on [0, 1], wrong outside"
)
assert results["minimizer"].passed, "minimizer passes"
assert "on tall, wide and rank-deficient X" in results["minimizer"].message, (
    "minimizer checked on tall, wide and rank-deficient X"
)
assert report.exit_code == 1, "the command would exit with status 1"
assert report.absent and not set(report.absent) & set(results), "the others are listed"
assert "not defined (not checked): " + ", ".join(report.absent) in str(report), (
    "the others are listed as not defined"
)
# sphinx_gallery_end_ignore

# %%
# Both mistakes are caught and named: ``gradient`` is recognised as the gradient of the
# mean loss (off by the factor :math:`1/N`), and ``tent_net`` as a network that is right
# on :math:`[0, 1]` and wrong outside it. ``minimizer`` passes on tall, wide and
# rank-deficient :math:`X`, and the command would exit with status 1 (some check
# failed). The functions the file does not define are listed, not counted against it.

# %%
# A stub is not a mistake
# -----------------------
# The starter notebook's stubs raise ``NotImplementedError``. The checker reports such a
# function as *not attempted*, neither passed nor failed, and it does not count against
# the exit status. Here ``closed_form_iterate`` is still the starter's stub, with the
# signature and conventions from :data:`hw1.check.names.ANSWERS`:
from hw1.check.names import answer
from hw1.check.starter import stub_source

print(stub_source(answer("closed_form_iterate")))
exec(stub_source(answer("closed_form_iterate")), notebook_globals)
with_stub = check(notebook_globals, only="minimizer,closed_form_iterate")
print(with_stub)

# sphinx_gallery_start_ignore
statuses = {c.name: c.status for c in with_stub.checks}
# exact: statuses are strings
assert statuses == {"minimizer": "pass", "closed_form_iterate": "not attempted"}, (
    "minimizer passes and closed_form_iterate is not attempted"
)
assert with_stub.exit_code == 0, "a stub does not change the exit status"
assert str(with_stub).endswith("1 of 2 attempted: 1 passed."), "the last line"
# sphinx_gallery_end_ignore

# %%
# ``minimizer`` still passes, ``closed_form_iterate`` is marked TODO, and the last line,
# "1 of 2 attempted: 1 passed", counts only what was attempted.
