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
