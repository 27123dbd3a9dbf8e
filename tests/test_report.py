import numpy as np
import pandas as pd
import pytest

from hw1.report import table

ROWS = [
    {"name": "a", "err": 1.5e-9, "n": 3, "ok": True, "ratio": np.float32(0.25)},
    {"name": "long name", "err": 2.0, "n": np.int64(10), "ok": False, "ratio": 12.5},
]


def _expected(rows, columns, specs):
    """Cell by cell, what each column should show: floats formatted, the rest as given."""
    out = {}
    for column in columns:
        cells = []
        for row in rows:
            value = row[column]
            if isinstance(value, bool | np.bool_ | str):
                cells.append(value)
            elif isinstance(value, int | np.integer):
                cells.append(int(value))
            else:
                cells.append(format(float(value), specs[column]))
        out[column] = cells
    return out


def test_table_formats_each_float_column_with_its_own_spec():
    formats = {"err": ".2e", "ratio": ".1f"}
    frame = table(ROWS, formats=formats)
    columns = list(ROWS[0])
    assert list(frame.columns) == columns
    specs = {c: formats.get(c, ".4g") for c in columns}
    assert frame.to_dict(orient="list") == _expected(ROWS, columns, specs)
    assert list(frame.index) == ["", ""]  # row numbers hidden


def test_table_one_spec_for_every_column_and_chosen_order():
    frame = table(ROWS, columns=["ratio", "name"], formats=".3g")
    assert list(frame.columns) == ["ratio", "name"]
    assert frame.to_dict(orient="list") == _expected(
        ROWS, ["ratio", "name"], {"ratio": ".3g", "name": ".3g"}
    )


def test_text_form_is_aligned_and_holds_the_formatted_cells():
    frame = table(ROWS, columns=["name", "err", "n"], formats={"err": ".1e"})
    lines = frame.to_string(index=False).splitlines()
    assert len(lines) == 1 + len(ROWS)
    assert lines[0].split() == ["name", "err", "n"]
    for line, row in zip(lines[1:], ROWS, strict=True):
        assert row["name"] in line
        assert line.split()[-2:] == [format(row["err"], ".1e"), str(int(row["n"]))]
    assert len({len(line) for line in lines}) == 1  # every line padded to one width


def test_html_form_is_a_table_with_the_same_cells():
    html = table(ROWS, formats={"err": ".2e"})._repr_html_()
    assert "<table" in html
    for row in ROWS:
        assert format(row["err"], ".2e") in html


def test_table_rejects_bad_input():
    with pytest.raises(ValueError, match="rows"):
        table([])
    with pytest.raises(ValueError, match=r"rows\[1\]"):
        table([{"a": 1}, {"b": 2}], columns=["a"])
    with pytest.raises(ValueError, match="formats"):
        table([{"a": 1.0}], formats={"b": ".2f"})
    with pytest.raises(TypeError, match="formats"):
        table([{"a": 1.0}], formats=3)
    assert isinstance(table([{"a": 1.0}]), pd.DataFrame)
