"""Every claim a gallery example asserts must hold on every CPU, not just this one.

Two floating-point computations agree to the last bit only on some CPU code paths
(vector width, MKL path, thread count), so an ``==`` or ``!=`` inside an ``assert`` in
``gallery/**/*.py`` fails this test unless

1. one operand is a str, bytes or None literal, an f-string, a ``str(...)`` or
   ``repr(...)`` call, or a tuple, list or set of them (a float never equals one); or
   both operands are obviously not floats: an int or bool literal (or one negated);
   one of the operands above; ``len(...)``,
   ``type(...)``, ``int(...)``, ``str(...)``, ``bool(...)``, ``repr(...)``, ``id(...)``
   or ``isinstance(...)``; an attribute named ``shape``, ``dtype``, ``ndim``,
   ``device``, ``name``, ``__name__``, ``exit_code`` or ``returncode``; an index into
   ``.shape`` (``x.shape[0]``); a call of the method ``numel``, ``dim``, ``size``,
   ``nelement`` or ``keys``; a dtype constant (``torch.float64``, ``np.int64``); a
   tuple, list or set of such operands; or ``+``, ``-``, ``*``, ``//``, ``%`` of such
   operands; or
2. a comment ``# exact: <why>`` on one of the assert's lines or on the comment lines just
   above it says why the two sides are equal by construction (integer arithmetic, a
   value that is exactly representable, the same kernel on the same data).

Everything else (``row["max_abs"] == 0.0``, ``history == history``, a bare name) needs
the comment, or better a tolerance derived from rounding error.
"""

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

GALLERY = Path(__file__).resolve().parents[1] / "gallery"
INT_CALLS = {"len", "type", "int", "str", "bool", "repr", "id", "isinstance"}
INT_ATTRIBUTES = {"shape", "dtype", "ndim", "device", "name", "__name__", "exit_code", "returncode"}
INT_METHODS = {"numel", "dim", "size", "nelement", "keys"}
DTYPE = re.compile(r"^(u?int\d*|float\d+|bfloat16|complex\d+|bool_?|long|double|half)$")
INT_OPERATORS = (ast.Add, ast.Sub, ast.Mult, ast.FloorDiv, ast.Mod)
EXACT = re.compile(r"#.*\bexact:\s*\S")


def not_a_float(node: ast.expr) -> bool:
    """Whether ``node`` is obviously not a float, by the rule in this module's docstring."""
    if isinstance(node, ast.Constant):
        return node.value is None or isinstance(node.value, str | bytes | int)  # bool is int
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd | ast.Not):
        return not_a_float(node.operand)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Name):
            return node.func.id in INT_CALLS
        return isinstance(node.func, ast.Attribute) and node.func.attr in INT_METHODS
    if isinstance(node, ast.Attribute):
        dtype = isinstance(node.value, ast.Name) and node.value.id in {"torch", "np", "numpy"}
        return node.attr in INT_ATTRIBUTES or (dtype and bool(DTYPE.match(node.attr)))
    if isinstance(node, ast.Subscript):
        return isinstance(node.value, ast.Attribute) and node.value.attr == "shape"
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return all(not_a_float(e) for e in node.elts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, INT_OPERATORS):
        return not_a_float(node.left) and not_a_float(node.right)
    return False


def text(node: ast.expr) -> bool:
    """Whether ``node`` is a str, bytes or None literal, an f-string, ``str()``/``repr()``."""
    if isinstance(node, ast.Constant):
        return node.value is None or isinstance(node.value, str | bytes)
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return bool(node.elts) and all(text(e) for e in node.elts)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return node.func.id in {"str", "repr"}
    return isinstance(node, ast.JoinedStr)


def exact_comment_lines(source: str) -> set[int]:
    """The line numbers that carry an ``# exact: <why>`` comment."""
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return {t.start[0] for t in tokens if t.type == tokenize.COMMENT and EXACT.match(t.string)}


def unexplained_comparisons(source: str) -> list[str]:
    """Each ``==``/``!=`` in an assert that the rule does not clear, as ``line: code``."""
    tree = ast.parse(source)
    lines = source.splitlines()
    exact = exact_comment_lines(source)
    found = []
    for statement in ast.walk(tree):
        if not isinstance(statement, ast.Assert):
            continue
        explained = set(range(statement.lineno, statement.end_lineno + 1))
        above = statement.lineno - 1
        while above >= 1 and lines[above - 1].strip().startswith("#"):
            explained.add(above)
            above -= 1
        if explained & exact:
            continue
        for compare in ast.walk(statement.test):
            if not isinstance(compare, ast.Compare):
                continue
            operands = [compare.left, *compare.comparators]
            for op, left, right in zip(compare.ops, operands, operands[1:], strict=False):
                if isinstance(op, ast.Eq | ast.NotEq) and not (
                    (not_a_float(left) and not_a_float(right)) or text(left) or text(right)
                ):
                    found.append(f"{compare.lineno}: {ast.unparse(compare)}")
    return found


SCRIPTS = sorted(GALLERY.glob("**/*.py"))


def test_the_gallery_has_scripts_to_check():
    assert len(SCRIPTS) >= 9


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: str(p.relative_to(GALLERY)))
def test_gallery_asserts_compare_floats_only_with_a_tolerance_or_a_reason(script):
    found = unexplained_comparisons(script.read_text())
    assert not found, (
        f"{script.name}: ==/!= in an assert with a float-valued side and no '# exact: <why>' "
        "comment; use a tolerance from rounding error or say why it is exact:\n  "
        + "\n  ".join(found)
    )


# --- the rule itself ----------------------------------------------------------------

FLAGGED = [
    'assert row["max_abs"] == 0.0',
    "assert history == history",
    "assert a != b",
    "assert loss == 0",  # an int literal on one side is not enough
    "assert x.sum() == 1.0",
    "assert all(a == b for a, b in pairs)",
    "assert n == 3 and loss == 0.5",
    "assert len(x) / 2 == 1",  # true division gives a float
    "assert x.shape[0] == np.pi",
    "# a comment with no reason\nassert a == b",
    "# exact:\nassert a == b",  # a reason must follow
    "x = 1  # exact: an int\n\nassert a == b",  # not just above the assert
    'assert a == b, "exact: in a string is not a comment"',
]
CLEARED = [
    "assert len(x) == 3",
    "assert x.shape == (2, 3)",
    "assert x.shape[0] == y.shape[1] * 2 // 1 + len(y)",
    "assert x.dtype == torch.float64",
    'assert name == "relu" and f"{x:.3f}" == "0.100" and key != None',
    "assert len(x) != True and len(x) == -1",
    'assert (a, b) == ("NOX", "TAX") and s == {"x", "y"}',
    "assert type(a) == type(b)",
    "assert x.numel() == y.size(0)",
    "assert report.exit_code == 1 and done.returncode != 0",
    "assert a < b and c is None and d in e",  # no == or !=
    "# exact: integer counts of the same labels\nassert a == b",
    "assert a == b  # exact: the same kernel on the same data",
    "# exact: dyadic values;\n# the sums are exact in float64\nassert a == b",
    "assert (\n    a\n    == b  # exact: both are 0.5, a power of two\n)",
]


@pytest.mark.parametrize("snippet", FLAGGED)
def test_rule_flags_float_comparisons_without_a_reason(snippet):
    assert unexplained_comparisons(snippet)


@pytest.mark.parametrize("snippet", CLEARED)
def test_rule_clears_non_floats_and_stated_reasons(snippet):
    assert unexplained_comparisons(snippet) == []
