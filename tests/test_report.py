import pytest

from hw1.report import format_table


def test_table_aligns_columns_and_formats_floats():
    text = format_table(
        [{"name": "a", "err": 1.5e-9, "n": 3}, {"name": "long", "err": 2.0, "n": 10}],
        floatfmt=".2e",
    )
    lines = text.splitlines()
    assert lines[0].split() == ["name", "err", "n"]
    assert set(lines[1].replace(" ", "")) == {"-"}
    assert lines[2].split() == ["a", "1.50e-09", "3"]
    assert lines[3].split() == ["long", "2.00e+00", "10"]
    # numbers right-aligned: all rows end at the same column
    assert len({len(line) for line in lines[1:]}) == 1


def test_table_column_selection_and_order():
    text = format_table([{"a": 1, "b": 2}], columns=["b", "a"])
    assert text.splitlines()[0].split() == ["b", "a"]


def test_table_rejects_empty_and_missing_columns():
    with pytest.raises(ValueError, match="rows"):
        format_table([])
    with pytest.raises(ValueError, match=r"rows\[1\]"):
        format_table([{"a": 1}, {"b": 2}], columns=["a"])
