"""Plain-text tables for the numbers the gallery examples print."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def _cell(value: object, floatfmt: str) -> str:
    if isinstance(value, float):
        return format(value, floatfmt)
    return str(value)


def format_table(
    rows: Sequence[Mapping[str, object]],
    columns: Sequence[str] | None = None,
    *,
    floatfmt: str = ".4g",
) -> str:
    """Lay out records as an aligned plain-text table.

    Parameters
    ----------
    rows : sequence of mappings
        One mapping per table row, from column name to value.
    columns : sequence of str, optional
        Which keys to show, in order. Defaults to the keys of the first row.
    floatfmt : str
        Format spec applied to float cells, e.g. ``".3e"``.

    Returns
    -------
    str
        A header line, a rule, and one line per row; numbers are right-aligned.

    Raises
    ------
    ValueError
        If ``rows`` is empty or a row lacks one of ``columns``.
    """
    if not rows:
        raise ValueError("rows must contain at least one mapping")
    columns = list(columns) if columns is not None else list(rows[0])
    for index, row in enumerate(rows):
        missing = [c for c in columns if c not in row]
        if missing:
            raise ValueError(f"rows[{index}] lacks column(s) {missing}")
    cells = [[_cell(row[c], floatfmt) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    numeric = [all(isinstance(row[c], int | float) for row in rows) for c in columns]

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(columns), rule, *(line(r) for r in cells)])
