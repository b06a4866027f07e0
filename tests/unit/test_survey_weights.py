"""TP09 survey weights with a plausibility bound (design.md section 6; docs/measures.md, TP09).

A weight of 0 or below is out_of_range (the pandera model's bound). Above, there was none: a
weight of 1e6 among weights near 1 was used, and TP09 became one respondent's answer. A weight
more than ten times the median of its file's weights of the same stock type, or more than the
landlord's homes, is now quarantined as weight_implausible, naming file, row and column.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures" / "ingest"))

import workspaces as ws  # noqa: E402

from pipeline.config import load_landlord  # noqa: E402
from pipeline.ingest import ingest_workspace  # noqa: E402
from pipeline.reporting.quality import FIX_IN_SOURCE  # noqa: E402
from pipeline.sources.weights import homes  # noqa: E402

HEADER = "Respondent,Date,Tenure,Complained?,Satisfaction,Weight\n"
# respondent, stock type, weight, rule expected (None: loads)
NORMALISED = [
    ("R1", "General needs", "1.0", None),
    ("R2", "General needs", "1.1", None),
    ("R3", "General needs", "0.9", None),
    *[(f"R3{i}", "General needs", f"{0.8 + i / 20:.2f}", None) for i in range(8)],
    ("R4", "General needs", "9.5", None),  # high, but under ten times the median
    ("R5", "General needs", "1000000", "weight_implausible"),
    ("R6", "General needs", "12", "weight_implausible"),
    ("R7", "General needs", "0", "out_of_range"),
    ("R8", "General needs", "-1", "out_of_range"),
    # grossing weights of another stock type: judged against their own median (40)
    ("R9", "Shared ownership", "40", None),
    ("R10", "Shared ownership", "42", None),
    ("R11", "Shared ownership", "38", None),
]
# a weighted survey with a weight left blank: read as 1, it counted as if unweighted
ONE_BLANK = [
    ("W1", "General needs", "31.5", None),
    ("W2", "General needs", "", "weight_missing"),
    ("W3", "General needs", "29.0", None),
]
# no weight at all: an unweighted survey, every response 1
UNWEIGHTED = [("U1", "General needs", "", None), ("U2", "Shared ownership", "", None)]
# every weight alike, but each above the landlord's 1,500 homes
TOO_MANY_HOMES = [(f"S{i}", "General needs", "2000", "weight_implausible") for i in range(3)]


def _survey(path: Path, rows: list[tuple[str, str, str, str | None]]) -> None:
    lines = [f"{ref},01/06/2024,{tenure},Yes,Very satisfied,{w}\n" for ref, tenure, w, _ in rows]
    path.write_text(HEADER + "".join(lines), encoding="utf-8")


def test_implausible_weights_are_quarantined(tmp_path):
    root = ws.generic_workspace(tmp_path)
    mapping = root / "mappings" / "tp09.yaml"
    mapping.write_text(mapping.read_text() + '  weight: "Weight"\n')
    _survey(root / "surveys" / "tsm_2024.csv", NORMALISED)
    _survey(root / "surveys" / "tsm_2025.csv", TOO_MANY_HOMES)
    _survey(root / "surveys" / "tsm_2026a.csv", ONE_BLANK)
    _survey(root / "surveys" / "tsm_2026b.csv", UNWEIGHTED)
    landlord = load_landlord(root)
    assert homes(landlord) == 1500
    con = duckdb.connect()
    summary = ingest_workspace(con, root, landlord, ws.KEY)
    assert summary.reconciles
    files = {
        "tsm_2024.csv": NORMALISED,
        "tsm_2025.csv": TOO_MANY_HOMES,
        "tsm_2026a.csv": ONE_BLANK,
        "tsm_2026b.csv": UNWEIGHTED,
    }
    for name, rows in files.items():
        found = con.execute(
            "select source_row, column_name, rule, message from quarantine "
            "where source_file = ? order by source_row",
            [f"surveys/{name}"],
        ).fetchall()
        expected = [(i + 2, "Weight", rule) for i, (*_, rule) in enumerate(rows) if rule]
        assert [r[:3] for r in found] == expected, name
        assert all(r[3].startswith(f"{r[2]}: ") and "column 'Weight'" in r[3] for r in found)
    loaded = con.execute("select weight from tp09_response").fetchall()
    assert len(loaded) == sum(1 for rows in files.values() for *_, rule in rows if rule is None)
    unweighted = con.execute(
        "select weight from tp09_response where source_file = 'surveys/tsm_2026b.csv'"
    ).fetchall()
    assert unweighted == [(1.0,), (1.0,)]


def test_the_rules_have_advice():
    assert {"weight_implausible", "weight_missing"} <= set(FIX_IN_SOURCE)
