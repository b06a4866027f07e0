"""`other` in a field spec with no `codes` (or `codes: {}`): every filled cell takes `other`.

docs/mapping.md says a non-blank value not in `codes` takes `other`. A register's 'Managed For'
column names the owner of a home the landlord manages for someone else and is blank for its own
homes: `{column: "Managed For", other: false, default: true}` says so without listing every
owner. `other` was ignored when the codes list was empty or absent, so each owner's name was
read as a yes/no and quarantined as unknown_code (Ashdown Vale Homes' onboarding: 65 of 320
rows), while the run's advice said to "give it other:".
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
import yaml

from pipeline.config import load_landlord
from pipeline.ingest import ingest_workspace
from pipeline.mapping import FieldSpec
from tests.fixtures.ingest.workspaces import write_landlord

CSV = (
    "Case No;Logged;Managed For\r\n"
    "A1;03/06/2024;\r\n"
    "A2;04/06/2024;Bramble HA\r\n"
    "A3;05/06/2024;St Cuthbert's Trust\r\n"
)


def _load(tmp_path: Path, spec: str) -> list[tuple]:
    root = tmp_path / "test_homes"
    write_landlord(root)
    (root / "exports").mkdir()
    (root / "mappings").mkdir()
    (root / "exports" / "register.csv").write_text(CSV, encoding="utf-8")
    (root / "mappings" / "register.yaml").write_text(
        'files: ["exports/register.csv"]\ndelimiter: ";"\ntarget: complaint\nshape: wide\n'
        'date_formats: ["%d/%m/%Y"]\ncolumns:\n  complaint_id: "Case No"\n'
        '  received_date: "Logged"\n'
        f'  is_tenant_of_owned_stock: {spec}\nstages:\n  1:\n    received_date: "Logged"\n'
    )
    con = duckdb.connect()
    ingest_workspace(con, root, load_landlord(root), "k")
    quarantined = con.execute("select count(*) from quarantine").fetchone()[0]
    assert quarantined == 0
    return con.execute(
        "select day(received_date), is_tenant_of_owned_stock from complaint order by 1"
    ).fetchall()


@pytest.mark.parametrize(
    "spec",
    [
        '{column: "Managed For", other: false, default: true}',
        '{column: "Managed For", codes: {}, other: false, default: true}',
    ],
)
def test_every_filled_cell_takes_other(tmp_path, spec) -> None:
    assert _load(tmp_path, spec) == [(3, True), (4, False), (5, False)]


def test_listed_codes_still_win_over_other(tmp_path) -> None:
    spec = '{column: "Managed For", codes: {"Bramble HA": true}, other: false, default: true}'
    assert _load(tmp_path, spec) == [(3, True), (4, True), (5, False)]


@pytest.mark.parametrize("spec", ["{value: true, other: false}", "{value: x, other: null}"])
def test_other_beside_a_constant_is_refused(spec) -> None:
    # a constant has no cell for 'other' to replace: `other: false` (falsy) passed unnoticed
    with pytest.raises(ValueError, match="need a 'column'"):
        FieldSpec.model_validate(yaml.safe_load(spec))
