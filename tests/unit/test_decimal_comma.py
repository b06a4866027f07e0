"""An export whose numbers have a decimal comma ('£1.250,00', survey weights '1,0432'), read with
the mapping's ``decimal: ","`` (docs/mapping.md, "Field specs").

A ';'-separated export of a case system or survey agency set to a European locale writes its
money and weights so. Without a way to say it, every such amount and weight was
number_unparseable: a survey file was 100% quarantined and the run stopped, advised to check the
date formats and codes (the Calder Moor onboarding, tests/integration/test_onboard_calder_moor.py).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from pipeline.config import ConfigError, load_landlord
from pipeline.ingest import ingest_workspace
from pipeline.mapping import load_mapping
from pipeline.sources.canonical import mappable_fields
from pipeline.sources.fields import Context, _parse_date, _parse_number
from tests.fixtures.landlords import ENGLAND_2024_25

MONEY = mappable_fields("complaint_stage")["compensation_offered_gbp"]
DAYS = mappable_fields("complaint_stage")["extension_wd"]
WEIGHT = mappable_fields("tp09_response")["weight"]


def _number(cell: str, column, decimal_comma: bool):
    con = duckdb.connect()
    sql = _parse_number("x", column, decimal_comma)
    return con.execute(f"select {sql} from (select $c as x)", {"c": cell}).fetchone()[0]  # noqa: S608


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("£1.250,00", Decimal("1250.00")),
        ("£ 50,00", Decimal("50.00")),
        ("50,5", Decimal("50.50")),
        ("1 250,50", Decimal("1250.50")),
        ("1.234.567,89", Decimal("1234567.89")),
        ("75", Decimal("75.00")),
        ("1.250", Decimal("1250.00")),  # thousands
        ("1,25 £", Decimal("1.25")),
        ("-£5,00", Decimal("-5.00")),  # read, then out_of_range by the model's bound
        # a decimal point after all, or both marks the other way round: no number, never 125
        ("1.25", None),
        ("1,250.00", None),
        ("£50 £100", None),
        ("1,5E+03", None),
    ],
)
def test_decimal_comma_amounts(cell, expected) -> None:
    assert _number(cell, MONEY, True) == expected


def test_weights_and_days_with_a_decimal_comma() -> None:
    assert _number("1,0432", WEIGHT, True) == pytest.approx(1.0432)
    assert _number("10", DAYS, True) == 10
    assert _number("2,5", DAYS, True) is None  # not a whole number of days
    # the default decimal point is unchanged: a decimal comma is no number
    assert _number("1,0432", WEIGHT, False) is None
    assert _number("£1,250.50", MONEY, False) == Decimal("1250.50")


def test_an_excel_serial_date_time_with_a_decimal_comma() -> None:
    ctx = Context(("%d/%m/%Y",), True, dt.date(2025, 5, 31), None, decimal_comma=True)
    con = duckdb.connect()
    sql = f"select {_parse_date('x', ctx)} from (select $c as x)"  # noqa: S608
    assert con.execute(sql, {"c": "45385,5854"}).fetchone() == (dt.date(2024, 4, 3),)


def test_the_mapping_takes_a_point_or_a_comma_only(tmp_path: Path) -> None:
    path = tmp_path / "mappings" / "m.yaml"
    path.parent.mkdir()
    body = 'files: ["exports/x.csv"]\ntarget: compliment\ncolumns: {compliment_ref: "Ref", received_date: "Date"}\n'
    path.write_text(body + 'decimal: ","\n')
    assert load_mapping(path).decimal == ","
    path.write_text(body + 'decimal: ";"\n')
    with pytest.raises(ConfigError, match="decimal"):
        load_mapping(path)


LANDLORD = ENGLAND_2024_25.format(landlord_id="comma_homes", name="Comma Homes")
MAPPING = """\
files: ["exports/complaints.csv"]
encoding: cp1252
delimiter: ";"
decimal: ","
target: complaint
shape: wide
columns:
  complaint_id: "Ref"
  tenure: {value: lcra}
stages:
  1:
    received_date: "Received"
    compensation_offered_gbp: "Compensation"
"""


def test_a_semicolon_cp1252_export_with_decimal_commas_loads(tmp_path: Path) -> None:
    root = tmp_path / "comma_homes"
    (root / "exports").mkdir(parents=True)
    (root / "mappings").mkdir()
    (root / "landlord.yaml").write_text(LANDLORD)
    (root / "mappings" / "complaints.yaml").write_text(MAPPING)
    rows = ["Ref;Received;Compensation", "A1;01/05/2024;£1.250,00", "A2;02/05/2024;50,00",
            "A3;03/05/2024;", "A4;04/05/2024;1.25"]  # fmt: skip
    (root / "exports" / "complaints.csv").write_bytes(("\r\n".join(rows) + "\r\n").encode("cp1252"))
    con = duckdb.connect()
    summary = ingest_workspace(con, root, load_landlord(root), "key")
    assert (summary.rows_in, summary.rows_loaded) == (4, 3)
    assert con.execute("select sum(compensation_offered_gbp) from complaint_stage").fetchone() == (
        Decimal("1300.00"),
    )
    assert con.execute("select source_row, rule from quarantine").fetchall() == [
        (5, "number_unparseable")
    ]
