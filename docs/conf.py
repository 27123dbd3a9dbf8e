"""Sphinx configuration for the hw1 site.

Everything the site shows is produced during the build: sphinx-gallery runs each
script in ``gallery/`` and the API pages are generated from ``hw1``'s docstrings.
The build reaches no network: MathJax is vendored under ``_static/mathjax`` and no
intersphinx inventories are fetched.
"""

import os
import sys
from pathlib import Path

# sphinx_gallery must be imported before anything that imports pyplot.
import sphinx_gallery  # noqa: F401

HERE = Path(__file__).parent
# Local extensions and the gallery reset hook, named below by string.
sys.path.insert(0, str(HERE / "sphinxext"))

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
    "offline_gallery",  # sphinxext/: no CDN scripts on the execution-time pages
    "html_tables_latex",  # sphinxext/: the examples' HTML tables in the PDF
    "latex_fixes",  # sphinxext/: math in PDF bookmarks, links to exercises in the PDF
    "autosummary_cache",  # sphinxext/: no API stub generation when hw1 is unchanged
    "check_names",  # sphinxext/: the table of names on the check page, from hw1.check.names
    "viewcode_source",  # sphinxext/: source pages without importing hw1 on every build
    "standalone",  # sphinxext/: self-contained example notebooks and zips; hw1's wheel
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "sphinx-gallery", "sphinxext"]
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
# Regenerate the API stubs only when one of these changed (sphinxext/autosummary_cache).
autosummary_cache_inputs = ["../hw1", "_templates/autosummary", "api.rst"]
viewcode_source_packages = ["hw1"]
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
    # The search field as an icon, so the header stays on one line at 1280 px.
    "navbar_persistent": ["search-button"],
}
html_show_sourcelink = False
# An explicit mode: with none, the theme logs a console error on a reader's first visit.
html_context = {"default_mode": "light"}

suppress_warnings = ["config.cache"]

# The primary sidebar would be empty on the top-level pages and on the examples (the
# PDF's toctree in pdf.md also claims them), so they drop it and give its width to the
# text; the examples are listed on their index page. The API pages keep theirs.
html_sidebars = {"*": [], "auto_examples/*": [], "api": ["sidebar-nav-bs"]}
# Open all solutions on a page; open a folded solution when a link targets inside it.
html_js_files = ["hw1-solutions.js"]
html_css_files = ["hw1.css"]

# -- Copy buttons: code only ----------------------------------------------------
# Prompts (">>> ", "... ") and doctest output are not copied, and the examples' printed
# output gets no button at all.
copybutton_prompt_text = r">>> |\.\.\. "
copybutton_prompt_is_regexp = True
copybutton_exclude = ".linenos, .gp, .go"
copybutton_selector = "div:not(.sphx-glr-script-out) > div.highlight pre"

# -- Cross-references -------------------------------------------------------------
# Every reference must resolve. With no network there is no intersphinx inventory, so
# references to Python's and third-party types (from type hints and numpy-style
# "Parameters" sections) cannot resolve here; only those are ignored.
nitpicky = True
# Each word of a numpy-style type field ("Tensor, shape (N, 784)", '{"train", "test"}',
# "mapping from str to Tensor") becomes a class reference: words, sizes and option sets
# there are prose, not references.
_TYPE_PROSE = r"[a-z][a-z0-9_ ]*|[A-Z]{1,2}|\d+|.*[\s\"'{}<>*].*"
_THIRD_PARTY = ["torch", "numpy", "pandas", "matplotlib", "sklearn", "mlxtend", "nbformat"]
_NO_INVENTORY = rf"({'|'.join([*_THIRD_PARTY, *sorted(sys.stdlib_module_names)])})(\..+)?"
nitpick_ignore_regex = [
    ("py:class", _TYPE_PROSE),
    # Third-party and standard-library objects: no inventory is reachable offline.
    ("py:.*", _NO_INVENTORY),
    ("py:class", r"Tensor|ndarray|DataFrame|Path|Generator|nn\.Module|Bunch|Figure|dtype|device"),
]


# -- PDF (nox -s pdf) ----------------------------------------------------------
# The PDF starts from pdf.md: the written answers with their examples, question by
# question, and no API reference. XeLaTeX reads the Unicode in the text directly; the
# DejaVu fonts (Debian's fonts-dejavu) cover every symbol used, DejaVu Sans the check
# marks that DejaVu Serif lacks. A glyph missing from the fonts stops the build.
latex_engine = "xelatex"
latex_documents = [
    ("pdf", "hw1-answers.tex", "Assignment 1: answers, code and output", author, "howto"),
]
latex_show_urls = "no"
latex_elements = {
    "papersize": "a4paper",
    "pointsize": "10pt",
    "figure_align": "H",
    "cmappkg": "",  # a pdflatex-only package; XeLaTeX maps Unicode itself
    "fontpkg": r"""
\setmainfont{DejaVu Serif}
\setsansfont{DejaVu Sans}
\setmonofont{DejaVu Sans Mono}[Scale=0.85]
""",
    "preamble": r"""
\usepackage{amssymb}
\usepackage{newunicodechar}
\newfontfamily\hwsymbols{DejaVu Sans}
\newunicodechar{✓}{{\hwsymbols ✓}}
\newunicodechar{✗}{{\hwsymbols ✗}}
\tracinglostchars=3
""",
}
