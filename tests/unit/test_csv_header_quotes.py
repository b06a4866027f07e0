"""A header cell holding a quote, written as CSV writes it (quoted, the quote doubled)."""

from __future__ import annotations

from pipeline.sources.csv_reader import read_csv_text


def test_a_header_name_with_a_doubled_quote_matches_the_mapping():
    """Excel writes the column 'Resolved "fully"?' as "Resolved ""fully""?": Polars kept the
    doubled quotes in the name, so the mapping's name was reported missing, with the header's
    'looking like' it."""
    data = b'Case Ref,"Resolved ""fully""?",Notes\r\nC1,Yes,x\r\nC2,No,"say ""hi"""\r\n'
    frame, header, width = read_csv_text(
        data, delimiter=",", header_row=1, shown="x.csv", wanted=["Case Ref", 'Resolved "fully"?']
    )
    assert header == ["Case Ref", 'Resolved "fully"?', "Notes"]
    assert width == 3
    assert frame['Resolved "fully"?'].to_list() == ["Yes", "No"]
    assert frame["__row"].to_list() == [2, 3]
