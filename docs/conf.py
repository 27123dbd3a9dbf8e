"""Sphinx configuration for the hw1 site.

Everything the site shows is produced during the build: sphinx-gallery runs each
script in ``gallery/`` and the API pages are generated from ``hw1``'s docstrings.
The build reaches no network: MathJax is vendored under ``_static/mathjax`` and no
intersphinx inventories are fetched.
"""

import os
import re
import sys
from pathlib import Path

# sphinx_gallery must be imported before anything that imports pyplot.
import sphinx_gallery  # noqa: F401

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))  # for sg_reset, named below by qualified string

os.environ.setdefault("MPLBACKEND", "Agg")
# sphinx-build may fork; a BLAS/OpenMP pool started before the fork can hang.
os.environ.setdefault("OMP_NUM_THREADS", "1")

project = "hw1: Assignment 1 answers"
author = "hw1 contributors"
copyright = "2026, hw1 contributors"

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "sphinx-gallery"]
templates_path = ["_templates"]

# -- MyST --------------------------------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3

# -- Math, offline -------------------------------------------------------------
# A relative mathjax_path is served from _static: MathJax 3.2.2 (Apache-2.0) from npm.
mathjax_path = "mathjax/tex-svg-full.js"
mathjax3_config = {"svg": {"fontCache": "global"}}

# -- API reference ---------------------------------------------------------------
autosummary_generate = True
autodoc_typehints = "description"
autodoc_member_order = "bysource"
napoleon_numpy_docstring = True
napoleon_google_docstring = False
napoleon_use_rtype = False

# -- Gallery -------------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": "../gallery",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    # Strings, not objects: a callable here makes every build a full rebuild.
    "within_subsection_order": "FileNameSortKey",
    "reset_modules": ("matplotlib", "sg_reset.reset_seeds"),
    "backreferences_dir": "gen_modules/backreferences",
    "doc_module": ("hw1",),
    "reference_url": {"hw1": None},
    "remove_config_comments": True,
    "min_reported_time": 1,
    "show_memory": False,
    "capture_repr": ("_repr_html_", "__repr__"),
    "matplotlib_animations": False,
    "plot_gallery": "True",
    "junit": "../sphinx-gallery/junit-results.xml",
    "default_thumb_file": None,
}
# A string, so that `-D plot_gallery=0` works under -W.
plot_gallery = "True"

# -- HTML ----------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = "hw1: Assignment 1"
html_static_path = ["_static"]
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "header_links_before_dropdown": 8,
}
html_show_sourcelink = False

suppress_warnings = ["config.cache"]


def _drop_cdn_assets(app, docname, source):
    """Keep the execution-time pages offline.

    sphinx-gallery decorates its timing table with jQuery/DataTables from CDNs; without
    them the table still renders, just without client-side sorting.
    """
    if docname.endswith("sg_execution_times"):
        source[0] = re.sub(
            r"\n *\.\. raw:: html\n.*</script>\n", "\n", source[0], count=1, flags=re.DOTALL
        )


def setup(app):
    app.connect("source-read", _drop_cdn_assets)
