"""The site must render with no network: no CDN in the configuration, MathJax vendored."""

import re
import runpy
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"


@pytest.fixture(scope="module")
def conf():
    return runpy.run_path(str(DOCS / "conf.py"))


def test_mathjax_is_served_from_static_files(conf):
    path = conf["mathjax_path"]
    assert not re.match(r"^(https?:)?//", path), path
    assert (DOCS / "_static" / path).is_file()


def test_no_extension_fetches_from_the_network(conf):
    assert "sphinx.ext.intersphinx" not in conf["extensions"]
    assert not conf.get("intersphinx_mapping")


def test_configuration_names_no_remote_url():
    text = (DOCS / "conf.py").read_text()
    assert not re.search(r"https?://", text)


def test_gallery_options_are_strings_so_rebuilds_stay_incremental(conf):
    sg = conf["sphinx_gallery_conf"]
    assert isinstance(sg["within_subsection_order"], str)
    assert all(isinstance(m, str) for m in sg["reset_modules"])
    assert conf["plot_gallery"] == "True"


def test_copy_buttons_leave_out_prompts_and_output(conf):
    prompt = re.compile(conf["copybutton_prompt_text"])
    assert conf["copybutton_prompt_is_regexp"]
    assert prompt.match(">>> x = 1") and prompt.match("... y")
    assert not prompt.match("x = 1")
    excluded = {s.strip() for s in conf["copybutton_exclude"].split(",")}
    assert {".gp", ".go"} <= excluded  # Pygments' prompt and output tokens
    assert ":not(.sphx-glr-script-out)" in conf["copybutton_selector"]


def test_local_helpers_live_in_sphinxext_and_are_named_by_string(conf):
    local = {p.stem for p in (DOCS / "sphinxext").glob("*.py")}
    assert not list(DOCS.glob("*.py")) or {p.name for p in DOCS.glob("*.py")} == {
        "conf.py",
        "build_notebook.py",
    }
    named = [e for e in conf["extensions"] if e in local]
    assert named, "conf.py names no extension from docs/sphinxext"
    hooks = [m for m in conf["sphinx_gallery_conf"]["reset_modules"] if "." in m]
    assert all(h.split(".")[0] in local for h in hooks), hooks
    assert not callable(conf.get("setup")), "Sphinx hooks belong in docs/sphinxext"


def test_pdf_uses_a_unicode_engine(conf):
    assert conf["latex_engine"] in {"xelatex", "lualatex"}
    assert "DeclareUnicodeCharacter" not in str(conf["latex_elements"])


def test_broken_cross_references_fail_the_build(conf):
    assert conf["nitpicky"] is True
    prose, *_ = (p for kind, p in conf["nitpick_ignore_regex"] if kind == "py:class")
    prose = re.compile(prose)
    assert prose.fullmatch("shape") and prose.fullmatch("N") and prose.fullmatch('{"a", "b"}')
    # hw1's own names are never ignored: a broken link to them fails the build.
    for kind, pattern in conf["nitpick_ignore_regex"]:
        assert not re.fullmatch(pattern, "hw1.data.load_mnist"), (kind, pattern)
        if not re.fullmatch(kind, "py:class"):  # bare lower-case class words are type prose
            assert not re.fullmatch(pattern, "load_mnist"), (kind, pattern)
