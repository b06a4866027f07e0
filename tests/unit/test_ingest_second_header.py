"""A second header below the first whose columns come in another order (two exports with
different column orders joined into one file): the rows below it cannot be read by the first
header's columns."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures" / "ingest"))

import workspaces as ws  # noqa: E402

from pipeline.config import load_landlord  # noqa: E402
from pipeline.ingest import IngestError, ingest_workspace  # noqa: E402

EXPORT = "exports/stage_events.csv"


def _swapped(line: str, first: int, second: int) -> str:
    cells = line.split(",")
    cells[first], cells[second] = cells[second], cells[first]
    return ",".join(cells)


@pytest.mark.parametrize("before", ["", "\ufeff"], ids=["header", "header_with_bom"])
def test_a_second_header_in_another_column_order_stops_the_file(tmp_path, before):
    """The second export's 'Acknowledged' and 'Responded' dates swap places: its header row was
    quarantined as a row of unreadable dates, and every row below it loaded with each date in
    the other's field, acknowledged after the response, and the run said ok."""
    root = ws.long_workspace(tmp_path)
    path = root / EXPORT
    lines = path.read_text(encoding="utf-8").splitlines()
    acknowledged, responded = (
        ws.LONG_HEADER.index("Acknowledged"),
        ws.LONG_HEADER.index("Responded"),
    )
    second = [_swapped(line, acknowledged, responded) for line in lines]
    second[0] = before + second[0]
    path.write_text("\n".join([*lines, *second, ""]), encoding="utf-8")
    with pytest.raises(IngestError) as caught:
        ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)
    message = str(caught.value)
    assert message.startswith(
        f"{EXPORT}: row {len(lines) + 1} holds the header's column names in another order"
    )
    assert "take one export per file" in message


def test_the_same_header_repeated_still_loads_the_rows_below_it(tmp_path):
    root = ws.long_workspace(tmp_path)
    path = root / EXPORT
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines, lines[0], ""]), encoding="utf-8")
    summary = ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)
    assert summary.reconciles
