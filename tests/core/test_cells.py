"""CSV cells a spreadsheet would run as a formula are written quoted, and read back whole."""

from hypothesis import given
from hypothesis import strategies as st

from kratomlog.core.formats.cells import as_written, spreadsheet_safe


def test_cells_beginning_with_a_formula_sign_get_an_apostrophe():
    assert [spreadsheet_safe(c) for c in ["=1+1", "+1", "-1", "@A1", "'=x", "a=b", "'a", ""]] == [
        "'=1+1", "'+1", "'-1", "'@A1", "''=x", "a=b", "'a", "",
    ]  # fmt: skip
    assert spreadsheet_safe(3.5) == 3.5 and spreadsheet_safe(None) is None


@given(st.text(alphabet="'=+-@ab\\n", max_size=8))
def test_what_is_written_reads_back_as_it_was(text):
    assert as_written(spreadsheet_safe(text)) == text
