"""A date column with formats of its own (`{column: ..., date_formats: [...]}`).

A register whose own dates are day first ('03/06/2024') and whose stage 2 columns come from a
module that writes them month first ('06/20/2024') could not be mapped: `date_formats` was the
mapping's, so listing both orders read each ambiguous date ('06/07/2024') by the first, and
listing one stopped the run on the other column (month-first guard) or quarantined it. A field's
own `date_formats` now reads that column, and the guard leaves it alone.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import ConfigError, load_landlord
from pipeline.mapping import load_mapping
from tests.fixtures.ingest.workspaces import load_one_export

CSV = (
    "Case No;Logged;S2 Requested\r\n"
    + "".join(f"A{n};0{n}/06/2024;07/{10 + n}/2024\r\n" for n in range(1, 9))
    + "A9;09/06/2024;07/02/2024\r\n"
)

MAPPING = """\
files: ["exports/register.csv"]
delimiter: ";"
target: complaint
shape: wide
date_formats: ["%d/%m/%Y"]
columns:
  complaint_id: "Case No"
stages:
  1:
    received_date: "Logged"
  2:
    received_date: {column: "S2 Requested", date_formats: ["%m/%d/%Y"]}
"""


def test_a_column_reads_with_its_own_formats(tmp_path: Path) -> None:
    con = load_one_export(tmp_path / "test_homes", CSV, MAPPING)
    assert con.execute("select count(*) from quarantine").fetchone() == (0,)
    dates = con.execute(
        "select month(received_date), day(received_date) from complaint_stage where stage = 2 "
        "order by 1, 2"
    ).fetchall()
    # 07/02/2024 is 2 July (month first), not 7 February
    assert dates == [(7, 2)] + [(7, 10 + n) for n in range(1, 9)]
    first = con.execute("select min(received_date) from complaint_stage where stage = 1")
    assert str(first.fetchone()[0]) == "2024-06-01"  # the mapping's own day-first format


def test_a_wrong_format_of_a_column_names_the_key(tmp_path: Path) -> None:
    path = tmp_path / "mappings" / "m.yaml"
    path.parent.mkdir()
    path.write_text(MAPPING.replace('["%m/%d/%Y"]', '["mm/dd/yyyy"]'))
    with pytest.raises(ConfigError, match=r"stages.2.received_date.date_formats.*no % codes"):
        load_mapping(path, tmp_path)


def test_the_quality_impact_reads_a_quarantined_date_with_the_columns_own_formats(
    tmp_path: Path,
) -> None:
    # a long export whose received dates are month first (the column's own formats), one of
    # them after the data cut (30 April 2025): the data-quality report gives the year the
    # quarantined complaint is missing from, reading its date as the load reads it
    from pipeline.reporting.quality_impact import quarantine_impact

    root = tmp_path / "test_homes"
    con = load_one_export(
        root,
        "Ref,Received,Responded\nB1,05/30/2025,\nB2,05/02/2024,10/05/2024\n",
        'files: ["exports/register.csv"]\ntarget: complaint\nshape: long\n'
        'date_formats: ["%d/%m/%Y"]\ncolumns:\n  complaint_id: "Ref"\n  stage: {value: 1}\n'
        '  received_date: {column: "Received", date_formats: ["%m/%d/%Y"]}\n'
        '  responded_date: "Responded"\n',
    )
    landlord = load_landlord(root)
    impact = quarantine_impact(con, landlord.landlord_id, root)
    rows = [(r["year"], r["rule"]) for r in impact.iter_rows(named=True)]
    # 30 May 2025 (read month first) is in 2025-26; read day first it had no year
    assert rows == [("2025-26", "date_in_future")]
