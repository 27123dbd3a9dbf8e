"""Result tables for the numbers the gallery examples show.

:func:`table` turns a list of records into a :class:`pandas.DataFrame` whose numbers are
already formatted, column by column. Left as the last expression of a gallery cell it
renders as an HTML ``<table>`` on the site and in the downloaded notebooks (through
``_repr_html_``); printed, it is an aligned plain-text table for a terminal.

Non-finite entries pass through: a NaN or inf cell is shown as ``nan`` or ``inf``.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence

import pandas as pd


def _cell(value: object, spec: str) -> object:
    # bool is an int subclass but reads better as True/False.
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    return format(float(value), spec)


def table(
    rows: Sequence[Mapping[str, object]],
    columns: Sequence[str] | None = None,
    *,
    formats: str | Mapping[str, str] = ".4g",
) -> pd.DataFrame:
    """Lay out records as a table with per-column number formats.

    Parameters
    ----------
    rows : sequence of mappings
        One mapping per table row, from column name to value.
    columns : sequence of str, optional
        Which keys to show, in order. Defaults to the keys of the first row.
    formats : str or mapping of str to str
        Format spec for real, non-integer cells (for example ``".3e"``): one spec for
        every column, or a mapping from column name to spec. Columns missing from the
        mapping use ``".4g"``. Integers, booleans and strings are shown as they are.

    Returns
    -------
    pandas.DataFrame
        One row per record, the columns in order, every float cell a formatted string
        and the index hidden from the text form.

    Raises
    ------
    TypeError
        If ``rows`` is not a sequence of mappings, ``columns`` not a sequence of
        strings, or ``formats`` neither a string nor a mapping of strings.
    ValueError
        If ``rows`` or ``columns`` is empty, a row lacks one of ``columns``, a format
        spec is invalid, or ``formats`` names a column that is not shown.
    """
    if isinstance(rows, str | Mapping) or not isinstance(rows, Sequence):
        raise TypeError(f"rows must be a sequence of mappings, got {type(rows).__name__}")
    if not rows:
        raise ValueError("rows must contain at least one mapping")
    for index, row in enumerate(rows):
        if not isinstance(row, Mapping):
            raise TypeError(f"rows[{index}] must be a mapping, got {type(row).__name__}")
    if columns is not None and (isinstance(columns, str) or not isinstance(columns, Sequence)):
        raise TypeError(f"columns must be a sequence of str, got {type(columns).__name__}")
    columns = list(columns) if columns is not None else list(rows[0])
    if not columns:
        raise ValueError("columns must name at least one column")
    for index, row in enumerate(rows):
        missing = [c for c in columns if c not in row]
        if missing:
            raise ValueError(f"rows[{index}] lacks column(s) {missing}")
    if isinstance(formats, str):
        specs = dict.fromkeys(columns, formats)
    elif isinstance(formats, Mapping):
        unknown = sorted(set(formats) - set(columns), key=str)
        if unknown:
            raise ValueError(f"formats names column(s) {unknown} not in columns {columns}")
        specs = {c: formats.get(c, ".4g") for c in columns}
    else:
        raise TypeError(f"formats must be a str or a mapping, got {type(formats).__name__}")
    for column, spec in specs.items():
        if not isinstance(spec, str):
            raise TypeError(f"formats[{column!r}] must be a str, got {type(spec).__name__}")
        try:
            format(1.5, spec)
        except ValueError:
            raise ValueError(f"formats has an invalid spec {spec!r} for a real number") from None
    data = {c: [_cell(row[c], specs[c]) for row in rows] for c in columns}
    frame = pd.DataFrame(data, columns=columns)
    frame.index = [""] * len(frame)  # row numbers carry no information here
    return frame
