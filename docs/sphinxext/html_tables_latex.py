"""Show the examples' HTML tables in the PDF (a Sphinx extension named in conf.py).

sphinx-gallery puts a DataFrame's ``_repr_html_`` output into a ``raw:: html`` block,
which the LaTeX builder drops. For that builder only, this post-transform parses each
such block with :mod:`html.parser` and puts a docutils table in its place: the same
cells as the site shows, numbers right-aligned, the (empty) index column left out.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform

_NUMBER = re.compile(r"^[-+−]?(\d[\d,]*\.?\d*|\.\d+)(e[-+]?\d+)?%?$", re.IGNORECASE)


class TableParser(HTMLParser):
    """Collect the cell texts of every ``<table>`` in a piece of HTML.

    After :meth:`feed`, ``tables`` holds one ``(header_rows, body_rows)`` pair per
    table, each row a list of cell texts with white space collapsed.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[tuple[list[list[str]], list[list[str]]]] = []
        self._head: list[list[str]] | None = None
        self._body: list[list[str]] = []
        self._in_head = False
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        """Open a table, section, row or cell."""
        if tag == "table":
            self._head, self._body = [], []
        elif self._head is None:
            return
        elif tag == "thead":
            self._in_head = True
        elif tag == "tbody":
            self._in_head = False
        elif tag == "tr":
            self._row = []
        elif tag in ("th", "td"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        """Close a cell, row, section or table."""
        if self._head is None:
            return
        if tag in ("th", "td") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            (self._head if self._in_head else self._body).append(self._row)
            self._row = None
        elif tag == "thead":
            self._in_head = False
        elif tag == "table":
            self.tables.append((self._head, self._body))
            self._head = None

    def handle_data(self, data: str) -> None:
        """Keep text that sits inside a cell."""
        if self._cell is not None:
            self._cell.append(data)


def _row(cells: list[str]) -> nodes.row:
    row = nodes.row()
    for text in cells:
        entry = nodes.entry()
        entry += nodes.paragraph(text=text)
        row += entry
    return row


def table_nodes(head: list[list[str]], body: list[list[str]]) -> list[nodes.Node]:
    """Build a column spec and a docutils table from parsed header and body rows."""
    rows = head + body
    width = max(len(r) for r in rows)
    head = [r + [""] * (width - len(r)) for r in head]
    body = [r + [""] * (width - len(r)) for r in body]
    keep = [j for j in range(width) if any(r[j] for r in head + body)]
    head = [[r[j] for j in keep] for r in head]
    body = [[r[j] for j in keep] for r in body]
    numeric = [
        bool(body) and all(not r[i] or _NUMBER.match(r[i]) for r in body) for i in range(len(keep))
    ]
    spec = addnodes.tabular_col_spec()
    spec["spec"] = "|" + "|".join("r" if n else "l" for n in numeric) + "|"
    table = nodes.table(classes=["dataframe"])
    group = nodes.tgroup(cols=len(keep))
    table += group
    for _ in keep:
        group += nodes.colspec(colwidth=1)
    if head:
        thead = nodes.thead()
        for r in head:
            thead += _row(r)
        group += thead
    tbody = nodes.tbody()
    for r in body:
        tbody += _row(r)
    group += tbody
    return [spec, table]


class HtmlTablesForLatex(SphinxPostTransform):
    """Replace raw-HTML tables with docutils tables in the LaTeX output."""

    default_priority = 400
    builders = ("latex",)

    def run(self, **kwargs) -> None:
        """Convert every raw HTML node that holds a table."""
        for raw in list(self.document.findall(nodes.raw)):
            if "html" not in raw.get("format", "").split():
                continue
            parser = TableParser()
            parser.feed(raw.astext())
            parser.close()
            replacement = [
                node
                for head, body in parser.tables
                if head or body
                for node in table_nodes(head, body)
            ]
            if replacement:
                raw.replace_self(replacement)


def setup(app):
    """Register the post-transform."""
    app.add_post_transform(HtmlTablesForLatex)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
