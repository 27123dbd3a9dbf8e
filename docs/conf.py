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
    "sphinx_copybutton",
    "sphinx_togglebutton",
    "sphinx_exercise",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "sphinx-gallery"]
templates_path = ["_templates"]

# -- MyST --------------------------------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
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
    "ignore_repr_types": r"matplotlib[_.]",  # figures are shown as images, not reprs
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
    "header_links_before_dropdown": 5,
}
html_show_sourcelink = False
# An explicit mode: with none, the theme logs a console error on a reader's first visit.
html_context = {"default_mode": "light"}

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


# -- PDF (nox -s pdf) ----------------------------------------------------------
# The PDF starts from pdf.md: the written answers with their examples, question by
# question, and no API reference. pdflatex with the TeX Gyre fonts (Debian's tex-gyre).
latex_engine = "pdflatex"
latex_documents = [
    ("pdf", "hw1-answers.tex", "Assignment 1: answers, code and output", author, "howto"),
]
latex_show_urls = "no"
latex_elements = {
    "papersize": "a4paper",
    "pointsize": "10pt",
    "figure_align": "H",
    "preamble": r"""
\usepackage{amssymb}
\DeclareUnicodeCharacter{2264}{\ensuremath{\le}}
\DeclareUnicodeCharacter{2265}{\ensuremath{\ge}}
\DeclareUnicodeCharacter{2260}{\ensuremath{\ne}}
\DeclareUnicodeCharacter{2248}{\ensuremath{\approx}}
\DeclareUnicodeCharacter{00D7}{\ensuremath{\times}}
\DeclareUnicodeCharacter{2212}{\ensuremath{-}}
\DeclareUnicodeCharacter{00B1}{\ensuremath{\pm}}
\DeclareUnicodeCharacter{221A}{\ensuremath{\surd}}
\DeclareUnicodeCharacter{221E}{\ensuremath{\infty}}
\DeclareUnicodeCharacter{2192}{\ensuremath{\to}}
\DeclareUnicodeCharacter{2190}{\ensuremath{\leftarrow}}
\DeclareUnicodeCharacter{2208}{\ensuremath{\in}}
\DeclareUnicodeCharacter{2016}{\ensuremath{\|}}
\DeclareUnicodeCharacter{2211}{\ensuremath{\sum}}
\DeclareUnicodeCharacter{2202}{\ensuremath{\partial}}
\DeclareUnicodeCharacter{2207}{\ensuremath{\nabla}}
\DeclareUnicodeCharacter{2299}{\ensuremath{\odot}}
\DeclareUnicodeCharacter{2218}{\ensuremath{\circ}}
\DeclareUnicodeCharacter{22C5}{\ensuremath{\cdot}}
\DeclareUnicodeCharacter{2026}{\ldots}
\DeclareUnicodeCharacter{1D40}{\ensuremath{^{\top}}}
\DeclareUnicodeCharacter{2080}{\ensuremath{_0}}
\DeclareUnicodeCharacter{2081}{\ensuremath{_1}}
\DeclareUnicodeCharacter{2082}{\ensuremath{_2}}
\DeclareUnicodeCharacter{1D62}{\ensuremath{_i}}
\DeclareUnicodeCharacter{2096}{\ensuremath{_k}}
\DeclareUnicodeCharacter{00B2}{\ensuremath{^2}}
\DeclareUnicodeCharacter{00B9}{\ensuremath{^1}}
\DeclareUnicodeCharacter{207B}{\ensuremath{^-}}
\DeclareUnicodeCharacter{03B1}{\ensuremath{\alpha}}
\DeclareUnicodeCharacter{03B5}{\ensuremath{\varepsilon}}
\DeclareUnicodeCharacter{03BB}{\ensuremath{\lambda}}
\DeclareUnicodeCharacter{03BC}{\ensuremath{\mu}}
\DeclareUnicodeCharacter{03C1}{\ensuremath{\rho}}
\DeclareUnicodeCharacter{03C3}{\ensuremath{\sigma}}
\DeclareUnicodeCharacter{03B7}{\ensuremath{\eta}}
\DeclareUnicodeCharacter{03B8}{\ensuremath{\theta}}
\DeclareUnicodeCharacter{0394}{\ensuremath{\Delta}}
\DeclareUnicodeCharacter{2713}{\ensuremath{\checkmark}}
\DeclareUnicodeCharacter{2717}{x}
\DeclareUnicodeCharacter{2500}{-}
""",
}
