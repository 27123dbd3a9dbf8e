"""The local Sphinx extensions in docs/sphinxext, for the PDF."""

import sys
from pathlib import Path

from docutils import nodes

from hw1.report import table

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "docs" / "sphinxext"))
from html_tables_latex import TableParser, table_nodes
from latex_fixes import plain_text

ROWS = [
    {"method": "jacrev", "time": 2.62e-4, "calls": 7},
    {"method": "forward & co", "time": 3.3e-5, "calls": 12},
]


def _gallery_block(frame) -> str:
    """The raw HTML sphinx-gallery writes for a DataFrame left as a cell's last value."""
    return (
        '<div class="output_subarea output_html rendered_html output_result">\n'
        "<style scoped>.dataframe td { color: red; }</style>\n"
        f"{frame._repr_html_()}\n</div>"
    )


def _parse(html):
    parser = TableParser()
    parser.feed(html)
    parser.close()
    return parser.tables


def _cells(row: nodes.row) -> list[str]:
    return [entry.astext() for entry in row.children]


def test_parser_reads_every_cell_of_a_pandas_table():
    frame = table(ROWS, formats={"time": ".2e"})
    ((head, body),) = _parse(_gallery_block(frame))
    assert head[0][1:] == list(frame.columns)
    expected = [[str(v) for v in row] for row in frame.itertuples(index=False)]
    assert [row[1:] for row in body] == expected
    assert all(row[0] == "" for row in head + body)  # the hidden index


def test_table_nodes_drop_the_empty_index_and_right_align_numbers():
    frame = table(ROWS, formats={"time": ".2e"})
    ((head, body),) = _parse(_gallery_block(frame))
    spec, node = table_nodes(head, body)
    assert spec["spec"] == "|l|r|r|"
    (group,) = node.children
    assert group["cols"] == 3
    thead = next(c for c in group.children if isinstance(c, nodes.thead))
    tbody = next(c for c in group.children if isinstance(c, nodes.tbody))
    assert _cells(thead.children[0]) == list(frame.columns)
    expected = [[str(v) for v in row] for row in frame.itertuples(index=False)]
    assert [_cells(r) for r in tbody.children] == expected


def test_html_without_a_table_gives_nothing():
    assert _parse("<div><p>no table here</p></div>") == []


def test_bookmark_text_keeps_letters_and_symbols_of_the_math():
    assert plain_text(r"X^\top X") == "XᵀX"
    assert plain_text(r"\mathbf{W}_1 \in \mathbb{R}^{20 \times 10}") == "W1 ∈R20 ×10"
    assert plain_text(r"\lambda_{\max} < 2 / \eta") == "λmax < 2 / η"
    assert not set(plain_text(r"\frac{a}{b}^{c}_{d}")) & set("\\{}^_$")
