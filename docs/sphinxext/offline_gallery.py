"""Keep sphinx-gallery's pages offline (a Sphinx extension named in conf.py).

sphinx-gallery decorates its execution-time tables with jQuery and DataTables from
CDNs. This extension removes those ``raw:: html`` blocks as the source is read; the
tables still render, just without client-side sorting.
"""

from __future__ import annotations

import re

_CDN_BLOCK = re.compile(r"\n *\.\. raw:: html\n.*</script>\n", flags=re.DOTALL)


def drop_cdn_assets(app, docname: str, source: list[str]) -> None:
    """Remove the CDN script block from an execution-time page's source."""
    if docname.endswith("sg_execution_times"):
        source[0] = _CDN_BLOCK.sub("\n", source[0], count=1)


def setup(app):
    """Register the source-read hook."""
    app.connect("source-read", drop_cdn_assets)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
