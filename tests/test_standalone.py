"""The notebook generator (docs/sphinxext/standalone.py) on a small package made here."""

import ast
import contextlib
import io
import os
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "docs" / "sphinxext"))
from standalone import (
    Inliner,
    check_unique_names,
    closure,
    expand_namespaces,
    import_block,
    order,
    standalone_script,
)

PACKAGE = "minipkg_standalone"
FILES = {
    "__init__.py": "from .core import api\n",
    "_util.py": """
        import math

        #: The largest value accepted.
        LIMIT = 3


        def _check(x):
            if x > LIMIT:
                raise ValueError(f"x must be <= {LIMIT}")
            return math.floor(x)


        def unused():
            return "never inlined"
    """,
    "core.py": '''
        import math

        from minipkg_standalone import _util
        from minipkg_standalone._util import _check as validate

        SCALE = 2.0
        OFFSETS = (SCALE, SCALE * 2)


        def helper(x):
            """Twice the square root."""
            return math.sqrt(x) * SCALE


        def api(x):
            """The public answer."""
            validate(x)
            return helper(x) + _util.LIMIT + OFFSETS[1]


        def even(n):
            return n == 0 or odd(n - 1)


        def odd(n):
            return n != 0 and even(n - 1)


        def other():
            return "never inlined"
    ''',
    "sub/__init__.py": "from .deep import deep_fn, lazy\n",
    "sub/deep.py": """
        from ..core import api, even


        def deep_fn(x):
            return api(x) * 2 if even(4) else 0


        def lazy():
            from minipkg_standalone.core import helper as h

            return h(16)
    """,
}
SCRIPT = """
    '''An example script.'''

    import minipkg_standalone.sub
    from minipkg_standalone import api, core
    from minipkg_standalone.sub import deep_fn as deep

    print(api(1), deep(1), core.helper(4), minipkg_standalone.sub.lazy())
"""


@pytest.fixture
def package(tmp_path, monkeypatch):
    for name, text in FILES.items():
        path = tmp_path / PACKAGE / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())
    script = tmp_path / "plot_example.py"
    script.write_text(textwrap.dedent(SCRIPT).lstrip())
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path, script
    for name in [m for m in sys.modules if m.split(".")[0] == PACKAGE]:
        del sys.modules[name]


def _generate(tmp_path, script):
    inliner = Inliner(PACKAGE, [str(tmp_path)])
    parsed = standalone_script(inliner, script)
    expand_namespaces(inliner)
    keys = closure(inliner, parsed.keys)
    return inliner, parsed, order(inliner.definitions, keys)


def _run(code: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<generated>", "exec"), {"__name__": "__main__"})
    return out.getvalue()


def test_closure_holds_what_the_script_reaches_and_nothing_else(package):
    tmp_path, script = package
    _, _, definitions = _generate(tmp_path, script)
    names = {(d.module.removeprefix(PACKAGE), d.name) for d in definitions}
    assert names == {
        (".core", "api"),
        (".core", "helper"),
        (".core", "SCALE"),
        (".core", "OFFSETS"),
        (".core", "even"),
        (".core", "odd"),  # only through even: the closure is transitive
        ("._util", "_check"),  # private, imported under another name
        ("._util", "LIMIT"),  # a constant, reached through `_util.LIMIT` and `_check`
        (".sub.deep", "deep_fn"),  # re-exported by sub/__init__: found where defined
        (".sub.deep", "lazy"),
        ("=", "validate"),  # the alias `validate = _check`
        (f"namespace:{PACKAGE}._util", "_util"),  # `_util.LIMIT` keeps working
    }


def test_each_definition_once_after_everything_it_needs(package):
    tmp_path, script = package
    _, _, definitions = _generate(tmp_path, script)
    keys = [(d.module, d.name) for d in definitions]
    assert len(keys) == len(set(keys))
    check_unique_names(definitions)  # raises if two would share a name
    position = {key: i for i, key in enumerate(keys)}
    cycle = {(f"{PACKAGE}.core", "even"), (f"{PACKAGE}.core", "odd")}
    for definition in definitions:
        for dep in definition.deps:
            if {dep, (definition.module, definition.name)} <= cycle:
                continue  # mutual recursion: function bodies run later, any order works
            assert position[dep] < position[(definition.module, definition.name)], (
                f"{definition.name} comes before {dep[1]}"
            )
    # Definitions keep their docstrings and the comments just above them.
    sources = {d.name: d.source for d in definitions}
    assert '"""The public answer."""' in sources["api"]
    assert sources["LIMIT"].startswith("#: The largest value accepted.")


def test_generated_code_runs_without_the_package_and_prints_the_same(package, monkeypatch):
    tmp_path, script = package
    expected = _run(script.read_text())  # the package is importable here
    _, parsed, definitions = _generate(tmp_path, script)
    code = "\n\n".join(
        [import_block(definitions, parsed.imports), *(d.source for d in definitions)]
    )
    code += "\n\n" + parsed.source
    tree = ast.parse(code)
    imported = [
        alias.name if isinstance(node, ast.Import) else node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    ]
    assert not [m for m in imported if m and m.split(".")[0] == PACKAGE]
    for name in [m for m in sys.modules if m.split(".")[0] == PACKAGE]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, PACKAGE, None)  # any import of it now raises
    assert _run(code) == expected
    assert "never inlined" not in code


def test_an_unknown_name_is_reported(package):
    tmp_path, script = package
    script.write_text(f"from {PACKAGE}.core import missing\n")
    with pytest.raises(LookupError, match="missing"):
        standalone_script(Inliner(PACKAGE, [str(tmp_path)]), script)


def test_two_definitions_sharing_a_name_are_refused(package):
    tmp_path, script = package
    (tmp_path / PACKAGE / "twin.py").write_text("def helper(x):\n    return x\n")
    script.write_text(
        f"from {PACKAGE}.core import helper\nfrom {PACKAGE}.twin import helper as h2\n"
    )
    inliner = Inliner(PACKAGE, [str(tmp_path)])
    parsed = standalone_script(inliner, script)
    with pytest.raises(ValueError, match="share one name"):
        check_unique_names(order(inliner.definitions, closure(inliner, parsed.keys)))


def test_a_star_reexport_is_followed_to_the_defining_module(package):
    tmp_path, script = package
    (tmp_path / PACKAGE / "stars").mkdir()
    (tmp_path / PACKAGE / "stars" / "__init__.py").write_text("from .inner import *\n")
    (tmp_path / PACKAGE / "stars" / "inner.py").write_text(
        "__all__ = ['starred']\n\n\ndef starred():\n    return 7\n"
    )
    script.write_text(f"from {PACKAGE}.stars import starred\nprint(starred())\n")
    inliner = Inliner(PACKAGE, [str(tmp_path)])
    parsed = standalone_script(inliner, script)
    assert parsed.keys == [(f"{PACKAGE}.stars.inner", "starred")]
    assert "import" not in parsed.source


def test_downloads_are_rewritten_only_when_their_contents_change(tmp_path):
    from standalone import _write_if_changed, _zip_if_changed

    notebook, archive = tmp_path / "a.ipynb", tmp_path / "a.zip"
    _write_if_changed(notebook, "one")
    _zip_if_changed(archive, [notebook], relative_to=tmp_path)
    os.utime(notebook, ns=(1, 1))
    os.utime(archive, ns=(1, 1))
    _write_if_changed(notebook, "one")
    _zip_if_changed(archive, [notebook], relative_to=tmp_path)
    assert (notebook.stat().st_mtime_ns, archive.stat().st_mtime_ns) == (1, 1)  # untouched
    _write_if_changed(notebook, "two")
    _zip_if_changed(archive, [notebook], relative_to=tmp_path)
    with zipfile.ZipFile(archive) as opened:
        assert opened.read("a.ipynb") == b"two"
    assert notebook.stat().st_mtime_ns != 1 and archive.stat().st_mtime_ns != 1
