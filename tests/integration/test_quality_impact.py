"""The data-quality report says what quarantine takes out of the headline measures, per year, stage
and rule, and how complete each mapped field is (issue 16 point 8)."""

from __future__ import annotations

import re

import duckdb
import polars as pl
import pytest

from pipeline.config import load_landlord
from pipeline.ingest import ingest_workspace
from pipeline.reporting.quality_impact import (
    field_completeness,
    impact_sentences,
    quarantine_impact,
)
from pipeline.reporting.render import render_data_quality
from pipeline.workspaces import DEFAULT_WORKSPACES_ROOT

WORKSPACE = DEFAULT_WORKSPACES_ROOT / "housing21"


@pytest.fixture(scope="module")
def loaded():
    landlord = load_landlord(WORKSPACE)
    con = duckdb.connect()
    ingest_workspace(con, WORKSPACE, landlord, "test-key")
    yield con, landlord
    con.close()


def test_every_quarantined_complaint_row_is_accounted_for_once(loaded):
    con, landlord = loaded
    impact = quarantine_impact(con, landlord.landlord_id, WORKSPACE)
    # Rows of complaint exports that were quarantined, bar repeats of a row that loaded.
    expected = con.execute(
        "select count(distinct (source_file, source_row)) from quarantine where landlord_id = ? "
        "and target_table in ('complaint', 'complaint_stage') and rule <> 'duplicate_row'",
        [landlord.landlord_id],
    ).fetchall()[0][0]
    assert expected > 0
    # the rows of one complaint quarantined together (conflicting, or in two files) are one
    clash_rows = con.execute(
        "select count(*) from quarantine where landlord_id = ? "
        "and rule in ('conflicting_rows', 'duplicate_id_across_files')",
        [landlord.landlord_id],
    ).fetchall()[0][0]
    clash_complaints = sum(
        len(_references(con, landlord, rule))
        for rule in ("conflicting_rows", "duplicate_id_across_files")
    )
    assert impact["complaints"].sum() == expected - clash_rows + clash_complaints


def _references(con, landlord, rule: str) -> set[str]:
    """The complaint references of the rows quarantined under ``rule``, read from the exports."""
    import csv

    rows = con.execute(
        "select source_file, source_row from quarantine where landlord_id = ? and rule = ?",
        [landlord.landlord_id, rule],
    ).fetchall()
    references = set()
    for source_file, source_row in rows:
        with open(WORKSPACE / source_file, encoding="latin-1", newline="") as handle:
            lines = list(csv.reader(handle))
        references.add(lines[source_row - 1][0])  # row 1 is the header
    return references


def test_a_stage_quarantined_is_named_with_its_year_stage_rule_and_measures(loaded):
    con, landlord = loaded
    # Independently: stage 1 responses before receipt, by the loaded complaint's reporting year.
    rows = con.execute(
        """
        select case when month(c.received_date) >= 4 then year(c.received_date)
                    else year(c.received_date) - 1 end as y, count(distinct q.source_row)
        from quarantine q join complaint c using (landlord_id, source_file, source_row)
        where q.landlord_id = ? and q.rule = 'response_before_receipt'
          and q.column_name like 'S1 %'
        group by 1
        """,
        [landlord.landlord_id],
    ).fetchall()
    assert rows
    sentences = impact_sentences(quarantine_impact(con, landlord.landlord_id, WORKSPACE))
    for start, n in rows:
        year = f"{start}-{(start + 1) % 100:02d}"
        noun, verb = ("complaint", "was") if n == 1 else ("complaints", "were")
        expected = (
            f"{n} stage 1 {noun} received in {year} {verb} quarantined (response before receipt) "
            f"and {'is' if n == 1 else 'are'} not in CH01 and CH02"
        )
        assert any(s.startswith(expected) for s in sentences), (expected, sentences)
    assert all(s.endswith("at source and rerun.") for s in sentences)


def test_field_completeness_per_mapped_field_matches_the_loaded_rows(loaded):
    con, landlord = loaded
    frame = field_completeness(con, landlord.landlord_id, WORKSPACE)
    row = frame.filter(
        (frame["Level"] == "Complaint stage 1") & (frame["Source column"] == "S1 Response Date")
    ).row(0, named=True)
    total, filled = con.execute(
        "select count(*), count(responded_date) from complaint_stage "
        "where landlord_id = ? and stage = 1",
        [landlord.landlord_id],
    ).fetchall()[0]
    assert (row["Rows loaded"], row["With a value"]) == (total, filled)
    assert row["Complete (%)"] == 100 * filled / total
    # Every mapped source column of the complaint export is listed; constants are not.
    listed = set(frame["Source column"])
    assert {"Date Received", "S2 Response Date", "Tenure"} <= listed
    assert not any("eng" == c for c in listed)


def test_the_report_shows_impact_and_completeness(loaded, tmp_path):
    con, landlord = loaded
    paths = render_data_quality(con, landlord, tmp_path, workspace=WORKSPACE, pdf=False)
    page = paths["html"].read_text(encoding="utf-8")
    assert 'id="dq-impact"' in page and 'id="dq-completeness"' in page
    assert re.search(r"stage 1 complaints? received in 20\d\d-\d\d (was|were) quarantined", page)
    assert "tbl-dq-completeness" in page
    # every year of the exports, as loaded last: titled by the load and its data cut
    assert f"Latest load, data cut {landlord.data_cut_date:%-d %B %Y}" in page


def test_completeness_is_rounded_half_up_and_none_loaded_is_u(monkeypatch):
    """A share of 6.25% shows as 6.3 (half up, as every rate), never Polars' or Python's
    half-to-even 6.2; a table with no rows loaded has no share: [U]; counts have separators."""
    import polars as pl

    from pipeline.reporting import quality

    frame = pl.DataFrame(
        [["Complaint stage 2", "Outcome", "S2 Outcome", 1716, 1, 6.25],
         ["Complaint stage 2", "Handler ref", "S2 Officer", 0, 0, None]],
        schema=["Level", "Field", "Source column", "Rows loaded", "With a value", "Complete (%)"],
        orient="row",
    )  # fmt: skip
    monkeypatch.setattr(quality, "field_completeness", lambda *args: frame)
    table = quality.completeness_section(None, "x", WORKSPACE).blocks[-1].table.html
    cells = re.findall(r'headers="tbl-dq-completeness-Complete[^"]*"[^>]*>([^<]*)<', table)
    assert cells == ["6.3", "[U]"]
    loaded_cells = re.findall(
        r'headers="tbl-dq-completeness-Rows-loaded[^"]*"[^>]*>([^<]*)<', table
    )
    assert loaded_cells == ["1,716", "0"]


def test_an_unknown_year_says_why_it_is_unknown(loaded):
    """housing21: two conflicting rows, two complaints in two files and a code not in the
    mapping read "complaints whose received date could not be read", but no date was read or
    failed: the quarantine keeps only the cell that broke the rule. Only a row whose received
    date itself broke a rule is said to have an unreadable date."""
    con, landlord = loaded
    impact = quarantine_impact(con, landlord.landlord_id, WORKSPACE)
    unknown = impact.filter(pl.col("year") == "unknown")
    assert unknown.height
    # Independently: the rules of the quarantined complaint rows whose entries name no
    # received-date column (the workspace's complaint mappings read 'Date Received').
    not_kept = {
        rule
        for (rule,) in con.execute(
            "select distinct rule from quarantine q where landlord_id = ? "
            "and target_table in ('complaint', 'complaint_stage') and rule <> 'duplicate_row' "
            "and not exists (select 1 from complaint c where c.landlord_id = q.landlord_id "
            "and c.source_file = q.source_file and c.source_row = q.source_row) "
            "and not exists (select 1 from quarantine r where r.landlord_id = q.landlord_id "
            "and r.source_file = q.source_file and r.source_row = q.source_row "
            "and r.column_name = 'Date Received')",
            [landlord.landlord_id],
        ).fetchall()
    }
    assert {"conflicting_rows", "duplicate_id_across_files"} <= not_kept
    for row in unknown.iter_rows(named=True):
        assert row["year_unknown"] == ("not_kept" if row["rule"] in not_kept else "unreadable")
    sentences = impact_sentences(impact)
    for rule in ("two different rows for the same complaint", "the same complaint, different"):
        said = [s for s in sentences if f"({rule}" in s and "quarantined" in s]
        assert said and all("could not be read" not in s for s in said), said
        assert all(
            "whose year is not known (the quarantine keeps no received date" in s for s in said
        )


def test_complaints_received_before_the_first_reporting_year_are_named(tmp_path):
    """A year typed wrongly (1995 for 2025) loads, but in no reporting year: the summary says how
    many complaints that is and the earliest date, and says nothing when there are none."""
    landlord = load_landlord(WORKSPACE)
    con = duckdb.connect()
    ingest_workspace(con, WORKSPACE, landlord, "test-key")
    before = "received before 1 April 2022, when 2022/23, the first reporting year, begins"

    def summary() -> str:
        page = render_data_quality(con, landlord, tmp_path, workspace=WORKSPACE, pdf=False)
        text = page["html"].read_text(encoding="utf-8")
        return re.sub(r"\s+", " ", text.split('id="dq-summary"', 1)[1].split("</section>", 1)[0])

    assert con.execute(
        "select count(*) from complaint where received_date < date '2022-04-01'"
    ).fetchone() == (0,)
    assert before not in summary()
    con.execute(
        "update complaint set received_date = date '1995-05-01' where complaint_id = "
        "(select min(complaint_id) from complaint)"
    )
    assert f"1 loaded complaint was {before} (the earliest on 1 May 1995)" in summary()
    con.close()


def test_rows_of_one_complaint_quarantined_together_count_as_one_complaint(loaded):
    """housing21: rows 893 and 896 of erica_complaints_2024-25.csv are two different rows of
    one complaint (both quarantined, conflicting_rows), and one complaint is in the 2023-24 and
    2024-25 files with different values (duplicate_id_across_files, two rows); the data-quality
    report said '2 complaints ... are not in CH01 and CH02' for each, twice what is missing.
    Independently: the complaint references of the quarantined rows, read from the exports."""
    con, landlord = loaded
    impact = quarantine_impact(con, landlord.landlord_id, WORKSPACE)
    for rule in ("conflicting_rows", "duplicate_id_across_files"):
        rows = con.execute(
            "select count(*) from quarantine where landlord_id = ? and rule = ?",
            [landlord.landlord_id, rule],
        ).fetchall()[0][0]
        references = _references(con, landlord, rule)
        assert rows > len(references) >= 1
        said = impact.filter(pl.col("rule") == rule)["complaints"].sum()
        assert said == len(references), (rule, said, references)
    sentences = impact_sentences(impact)
    assert any(
        s.startswith("1 complaint (every stage) whose year is not known")
        and "(two different rows for the same complaint)" in s
        for s in sentences
    ), sentences
