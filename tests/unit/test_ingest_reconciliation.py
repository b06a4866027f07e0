"""The reconciliation proves every row is accounted for, and fails when one is lost; a rerun
replaces the landlord's rows (same counts, no duplicates)."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures" / "ingest"))

import workspaces as ws  # noqa: E402

import pipeline.ingest as ingest  # noqa: E402
from pipeline.config import load_landlord  # noqa: E402
from pipeline.defs.ingest.checks import reconciliation_rows  # noqa: E402

TABLES = (
    "complaint",
    "complaint_stage",
    "non_complaint",
    "ombudsman_case",
    "quarantine",
    "ingest_file",
    "stock",
    "ombudsman_publication",
)


def _counts(con) -> dict[str, int]:
    return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLES}  # noqa: S608


def test_a_dropped_row_breaks_the_reconciliation(tmp_path, monkeypatch):
    root = ws.long_workspace(tmp_path)
    real_insert = ingest.insert_sql

    def drop_one_row(record, typed, extra_where="true"):
        # Lose the petition row (row 12) on its way to non_complaint, as a bug would.
        sql = real_insert(record, typed, extra_where)
        return sql + (" and t.__row <> 12" if record.table == "non_complaint" else "")

    monkeypatch.setattr(ingest, "insert_sql", drop_one_row)
    con = duckdb.connect()
    summary = ingest.ingest_workspace(con, root, load_landlord(root), ws.KEY)
    assert not summary.reconciles
    (file,) = summary.files
    assert file.rows_in == file.rows_loaded + file.rows_quarantined + 1
    assert "**NO**" in summary.markdown()
    # the asset check's own count, from the tables, finds the same gap
    ((source_file, rows_in, loaded, quarantined),) = reconciliation_rows(con, "test_homes")
    assert source_file == "exports/stage_events.csv"
    assert rows_in - loaded - quarantined == 1


def test_reconciliation_rows_match_summary(tmp_path):
    root = ws.generic_workspace(tmp_path)
    con = duckdb.connect()
    summary = ingest.ingest_workspace(con, root, load_landlord(root), ws.KEY)
    assert summary.reconciles
    from_tables = {r[0]: r[1:] for r in reconciliation_rows(con, "test_homes")}
    assert from_tables == {
        f.source_file: (f.rows_in, f.rows_loaded, f.rows_quarantined) for f in summary.files
    }
    ledger = con.execute(
        "select source_file, sha256, rows_in from ingest_file order by 1"
    ).fetchall()
    assert [r[0] for r in ledger] == sorted(f.source_file for f in summary.files)
    assert all(len(r[1]) == 64 for r in ledger)


def test_rerun_is_idempotent(tmp_path):
    root = ws.long_workspace(tmp_path)
    db = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(db)) as con:
        first = ingest.ingest_workspace(con, root, load_landlord(root), ws.KEY)
        counts = _counts(con)
        second = ingest.ingest_workspace(con, root, load_landlord(root), ws.KEY)
        assert _counts(con) == counts
        assert [f.rows_loaded for f in first.files] == [f.rows_loaded for f in second.files]
        dupes = con.execute(
            "select count(*) from (select complaint_id, stage from complaint_stage "
            "group by all having count(*) > 1)"
        ).fetchone()
        assert dupes == (0,)


def test_rerun_keeps_other_landlords(tmp_path):
    a = ws.wide_workspace(tmp_path / "a")
    b = ws.long_workspace(tmp_path / "b")
    (b / "landlord.yaml").write_text(ws.LANDLORD_YAML.format(landlord_id="other_homes"))
    con = duckdb.connect()
    ingest.ingest_workspace(con, a, load_landlord(a), ws.KEY)
    ingest.ingest_workspace(con, b, load_landlord(b), ws.KEY)
    ingest.ingest_workspace(con, a, load_landlord(a), ws.KEY)
    by_landlord = dict(
        con.execute("select landlord_id, count(*) from complaint group by 1").fetchall()
    )
    assert set(by_landlord) == {"test_homes", "other_homes"}


def test_failed_load_leaves_previous_rows(tmp_path):
    root = ws.wide_workspace(tmp_path)
    con = duckdb.connect()
    ingest.ingest_workspace(con, root, load_landlord(root), ws.KEY)
    before = _counts(con)
    (root / "exports" / "complaints_2025.csv").write_bytes(b"")
    try:
        ingest.ingest_workspace(con, root, load_landlord(root), ws.KEY)
    except ingest.IngestError:
        pass
    assert _counts(con) == before


def test_an_export_no_mapping_reads_is_named(tmp_path, capsys):
    from types import SimpleNamespace

    from pipeline.run_messages import print_unread_files

    root = ws.long_workspace(tmp_path)
    (root / "exports" / "stage_events_2026.csv").write_text("Ref,Stage\n", encoding="utf-8")
    (root / "exports" / "README.md").write_text("notes, not data\n", encoding="utf-8")
    (root / "surveys").mkdir(exist_ok=True)
    (root / "surveys" / ".~lock.tsm.csv#").write_text("", encoding="utf-8")  # hidden: ignored
    summary = ingest.ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)
    assert summary.unread_files == ["exports/stage_events_2026.csv"]
    assert summary.reconciles  # the files read still reconcile; the unread one is named
    print_unread_files(SimpleNamespace(workspace=lambda _: root), "x")
    printed = capsys.readouterr().out
    assert (
        "exports/stage_events_2026.csv is not read: no mapping's files pattern matches" in printed
    )
    assert "README" not in printed


def test_one_file_reached_by_two_paths_is_read_once(tmp_path):
    """A '**' pattern through a link to a folder above (a link loop) matched the same export
    once per path, up to 40 times, and each copy's rows were counted again (the run stopped with
    90% of 120 files quarantined; second hostile audit). A file is read once, by its shortest
    path; matched by two mappings through two paths, it is still refused as matched twice."""
    import pytest

    from pipeline.mapping import load_mappings
    from pipeline.sources.errors import IngestError

    root = ws.wide_workspace(tmp_path)
    mapping = root / "mappings" / "complaints.yaml"
    text = mapping.read_text()
    assert 'files: ["exports/complaints_*.csv"]' in text
    mapping.write_text(text.replace("exports/complaints_", "exports/**/complaints_", 1))
    (root / "exports" / "loop").symlink_to("..")
    (root / "exports" / "same").symlink_to(".")
    matched = ingest.matched_files(root, load_mappings(root))
    assert matched["mappings/complaints.yaml"] == [root / "exports" / "complaints_2024.csv"]
    con = duckdb.connect()
    summary = ingest.ingest_workspace(con, root, load_landlord(root), ws.KEY)
    assert summary.reconciles and [f.source_file for f in summary.files] == [
        "exports/complaints_2024.csv"
    ]
    copy = text.replace("exports/complaints_", "exports/same/complaints_", 1)
    (root / "mappings" / "copy.yaml").write_text(copy)
    with pytest.raises(IngestError, match="matched by two mappings"):
        ingest.matched_files(root, load_mappings(root))


def test_an_export_named_in_another_case_is_read(tmp_path):
    """Names have no case on Windows, where exports are saved: 'Complaints_2024.CSV' was left
    unread by 'exports/complaints_*.csv' and the run said ok with a return of no complaints
    (third hostile audit). It is read as the pattern's file, its rows counted as before."""
    from pipeline.mapping import load_mappings

    base = ingest.ingest_workspace(
        duckdb.connect(), ws.wide_workspace(tmp_path / "base"), load_landlord(tmp_path / "base"),
        ws.KEY,
    )  # fmt: skip
    root = ws.wide_workspace(tmp_path / "upper")
    export = root / "exports" / "complaints_2024.csv"
    export.rename(root / "exports" / "Complaints_2024.CSV")
    matched = ingest.matched_files(root, load_mappings(root))
    assert matched["mappings/complaints.yaml"] == [root / "exports" / "Complaints_2024.CSV"]
    summary = ingest.ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)
    assert summary.unread_files == []
    assert [f.source_file for f in summary.files] == ["exports/Complaints_2024.CSV"]
    assert (summary.rows_in, summary.rows_loaded) == (base.rows_in, base.rows_loaded)
    assert summary.reconciles and summary.rows_in > 0
