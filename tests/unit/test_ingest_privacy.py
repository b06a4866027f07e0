"""Ids in tables are keyed hashes, never the raw references; personal data in unmapped columns
(names, emails, phones, free text) reaches no table, the quarantine included."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures" / "ingest"))

import workspaces as ws  # noqa: E402

from pipeline.config import load_landlord  # noqa: E402
from pipeline.ingest import IngestError, ingest_workspace  # noqa: E402
from pipeline.pseudonymise import pseudonymise, pseudonymise_expr  # noqa: E402

BUILDERS = {
    "wide_cp1252": lambda p: ws.wide_workspace(p, "cp1252"),
    "wide_bom": lambda p: ws.wide_workspace(p, "utf-8-sig"),
    "long": ws.long_workspace,
    "xlsx": ws.xlsx_workspace,
    "generic": ws.generic_workspace,
}


def _all_text(con) -> str:
    """Every text (and text list) cell of every table, in one string."""
    parts = []
    for table, column, dtype in con.execute(
        "select table_name, column_name, data_type from duckdb_columns() "
        "where schema_name = 'main' and not internal and data_type in ('VARCHAR', 'VARCHAR[]')"
    ).fetchall():
        values = con.execute(f'select "{column}"::varchar from "{table}"').fetchall()  # noqa: S608
        parts += [v[0] for v in values if v[0] is not None]
        del dtype
    return "\n".join(parts)


@pytest.mark.parametrize("shape", sorted(BUILDERS))
def test_no_personal_data_and_no_raw_ids(tmp_path, shape):
    root = BUILDERS[shape](tmp_path)
    con = duckdb.connect()
    ingest_workspace(con, root, load_landlord(root), ws.KEY)
    text = _all_text(con)
    for planted in ws.PLANTED_PII:
        assert planted not in text
    for ref in ["C001", "C002", "L001", "P001", "HM-1", "R1", "H01", "LA1"]:
        assert ref not in text


def test_ids_are_keyed_hashes(tmp_path):
    root = ws.wide_workspace(tmp_path)
    con = duckdb.connect()
    ingest_workspace(con, root, load_landlord(root), ws.KEY)
    ids = {r[0] for r in con.execute("select complaint_id from complaint").fetchall()}
    assert ids == {
        pseudonymise(ref, ws.KEY)
        for ref in ["C001", "C002", "C005", "C006", "C007", "C011", "C012"]
    }
    assert all(len(i) == 16 and int(i, 16) >= 0 for i in ids)
    # another key gives other hashes: the key, not the reference, makes the id
    con2 = duckdb.connect()
    ingest_workspace(con2, root, load_landlord(root), "another-key")
    assert not ids & {r[0] for r in con2.execute("select complaint_id from complaint").fetchall()}


def test_sql_and_python_hashes_agree():
    con = duckdb.connect()
    got = con.execute(
        f"select {pseudonymise_expr('x')} from (values (' cmp-001 '), (''), (null)) t(x)",  # noqa: S608
        {"pseudo_key": "k"},
    ).fetchall()
    assert got == [(pseudonymise("CMP-001", "k"),), (None,), (None,)]
    assert pseudonymise(" cmp-001", "k") == pseudonymise("CMP-001", "k")


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("-5", "-5"),
        ("£1,250.50", "£1,250.50"),
        ("31/02/2024", "31/02/2024"),
        ("2024-04-01T10:00:00Z", "2024-04-01T10:00:00Z"),
        ("04-Dec-2023", "04-Dec-2023"),
        ("4 December 2023 14:30", "4 December 2023 14:30"),
        ("Sept 4, 2023", "Sept 4, 2023"),
        ("4 Decker 2023", "text, 13 characters"),  # not a month: could be anything
        ("May Hall", "text, 8 characters"),
        ("#N/A", "#N/A"),
        # a date Excel saved from a column too narrow to show it: shown, so the user sees why
        ("########", "########"),
        ("#1 Hall", "text, 7 characters"),
        ("£50 to Jean Hall", "text, 16 characters"),
        ("Jean Hall 07700 900123", "text, 22 characters"),
        ("07700900123", "text, 11 characters"),  # ten or more digits: a phone, not an amount
        ("jean@example.org", "text, 16 characters"),
        ("AB123456C", "text, 9 characters"),
        ("LE4 2XT", "text, 7 characters"),
        ("x", "text, 1 character"),
    ],
)
def test_quarantine_keeps_a_raw_value_only_when_it_cannot_be_personal_data(value, kept):
    from pipeline.sources.screen import safe_raw_sql, value_shape

    assert value_shape(value) == kept
    sql = f"select {safe_raw_sql('v')} from (select ? as v)"  # noqa: S608
    got = duckdb.connect().execute(sql, [value])
    assert got.fetchone()[0] == kept


def test_text_typed_into_a_number_field_reaches_quarantine_as_its_shape(tmp_path):
    root = ws.wide_workspace(tmp_path)
    path = root / "exports" / "complaints_2024.csv"
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("cp1252"), newline="")))
    rows[1][rows[0].index("Stage 1 Compensation")] = "£50 to Jean Hall 07700 900123"
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode("cp1252"))
    con = duckdb.connect()
    ingest_workspace(con, root, load_landlord(root), ws.KEY)
    raw = con.execute(
        "select raw_value from quarantine where source_row = 2 and rule = 'number_unparseable'"
    ).fetchall()
    assert raw == [("text, 29 characters",)]
    assert "Jean" not in _all_text(con) and "07700" not in _all_text(con)


def _housing21_one_export(tmp_path: Path, edit) -> Path:
    """housing21 with only its complaints mapping and the 2024-25 export, ``edit``ed."""
    import shutil

    source = Path(__file__).resolve().parents[2] / "examples" / "housing21"
    root = tmp_path / "housing21"
    (root / "mappings").mkdir(parents=True)
    (root / "exports").mkdir()
    shutil.copy(source / "landlord.yaml", root / "landlord.yaml")
    shutil.copy(source / "mappings" / "erica_complaints.yaml", root / "mappings")
    text = (source / "exports" / "erica_complaints_2024-25.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))[:40]
    edit(rows)
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    (root / "exports" / "erica_complaints_2024-25.csv").write_text(buffer.getvalue())
    return root


def test_free_text_in_label_fields_becomes_other_and_is_counted(tmp_path):
    planted = {
        "S1 Remedy": "apology; jean.hall@example.org",
        "S1 Not Accepted Reason": "Jean Hall 07700 900123",
        "S1 Extension Reason": "AB123456C asked",
    }

    def edit(rows):
        header = rows[0]
        for column, value in planted.items():
            rows[3][header.index(column)] = value
        rows[4][header.index("S1 Remedy")] = "Process change"

    root = _housing21_one_export(tmp_path, edit)
    con = duckdb.connect()
    summary = ingest_workspace(con, root, load_landlord(root), ws.KEY)
    assert summary.reconciles
    got = con.execute(
        "select source_row, non_financial_remedy, refusal_reason, extension_reason "
        "from complaint_stage where stage = 1 and source_row in (4, 5) order by 1"
    ).fetchall()
    assert got == [(4, "apology; other", "other", "other"), (5, "process_change", None, None)]
    other = con.execute(
        "select field_name, column_name, rows_other from label_other order by 1"
    ).fetchall()
    assert other == [
        ("extension_reason", "S1 Extension Reason", 1),
        ("non_financial_remedy", "S1 Remedy", 1),
        ("refusal_reason", "S1 Not Accepted Reason", 1),
    ]
    text = _all_text(con)
    assert "jean" not in text.lower() and "07700" not in text and "AB123456C" not in text


def test_a_mapping_codes_list_codes_a_label_field(tmp_path):
    root = _housing21_one_export(tmp_path, lambda rows: None)
    mapping = root / "mappings" / "erica_complaints.yaml"
    mapping.write_text(
        mapping.read_text().replace(
            'non_financial_remedy: "S1 Remedy"',
            'non_financial_remedy: {column: "S1 Remedy", codes: {"apology": apology, '
            '"explanation": explanation}}',
        )
    )
    con = duckdb.connect()
    ingest_workspace(con, root, load_landlord(root), ws.KEY)
    values = {
        r[0]
        for r in con.execute(
            "select distinct non_financial_remedy from complaint_stage where stage = 1"
        ).fetchall()
    }
    assert values <= {
        None,
        "apology",
        "explanation",
        "other",
        "apology; other",
        "apology; explanation",
    }
    assert "other" in " ".join(v for v in values if v)


@pytest.mark.parametrize(
    ("written", "planted"),
    [
        ("Oak Court, call {}", ["jean.hall@example.org", "07700 900123", "LE4 2XT", "AB123456C"]),
        ("Oak Court, call {}", ["Mrs Hall"]),
        # a bare name would be a document's breakdown label (the scheme's own page)
        ("{}", ["Peter Smith", "JEAN HALL", "Hall, Jean"]),
        # published by a hostile test before the phone pattern knew 0044 and "(0)"
        ("{}", ["0044 7700 900129", "+44 (0)7700 900130"]),
        # a zero-width and a no-break space; a Cyrillic U+0435 for the "e" of "Jean"
        ("{}", ["Bridge Court\u200b Jean\u00a0Hall", "J\u0435an Hall"]),
    ],
    ids=["contact_details", "titled_name", "bare_names", "international_phones", "unicode_tricks"],
)
def test_personal_data_in_a_free_text_field_becomes_other_and_is_counted(
    tmp_path, written, planted
):
    planted_rows = []

    def edit(rows):
        header = rows[0]
        kind = header.index("Record Type")
        complaints = [i for i, row in enumerate(rows) if i and row[kind] == "Complaint"]
        for at, value in zip(complaints, planted, strict=False):
            rows[at][header.index("Scheme")] = written.format(value)
            planted_rows.append(at + 1)  # the spreadsheet row

    root = _housing21_one_export(tmp_path, edit)
    con = duckdb.connect()
    assert ingest_workspace(con, root, load_landlord(root), ws.KEY).reconciles
    rows = dict(con.execute("select source_row, scheme from complaint").fetchall())
    assert [rows.get(row) for row in planted_rows] == ["other"] * len(planted)
    counts = dict(
        con.execute("select field_name, sum(rows_other) from label_other group by 1").fetchall()
    )
    assert counts == {"scheme": len(planted)}
    text = _all_text(con)
    assert not any(value in text for value in planted)


@pytest.mark.parametrize(
    ("value", "screened"),
    [
        ("Mrs Jean Hall", True),
        ("MR HALL", True),
        ("Ms. Hall", True),
        ("Flat 2, Mx Taylor", True),
        ("Flat 3", True),
        ("14 Gorsebrook Lane", True),
        ("Flat 3, 22 Tillbrook Road", True),
        ("Gorsebrook Lane, 14a Upper Mill Street, Leeds", True),
        ("Flat roof leaks", False),
        ("We now inspect within 10 working days of any damp report", False),
        ("Stage 2 Review", False),
        ("Missed appointment", False),
        ("Oak Court", False),
        ("Ms", False),
    ],
)
def test_a_person_named_with_a_title_or_an_address_is_screened_in_sql_and_python(value, screened):
    import re

    from pipeline.sources.screen import CONTACT_DETAILS

    in_sql = duckdb.connect().execute("select regexp_matches(?, ?)", [value, CONTACT_DETAILS])
    assert in_sql.fetchone()[0] is screened
    assert bool(re.search(CONTACT_DETAILS, value)) is screened


@pytest.mark.parametrize(
    ("value", "screened"),
    [
        ("Jean Hall", True),
        ("JEAN HALL", True),
        ("Hall, Jean", True),
        ("Jean M. Hall", True),
        ("Sarah O'Brien", True),
        ("Holly Smith", True),  # a forename left off the list, with a common surname
        ("J. Patel", True),
        ("Cllr Jones", True),
        ("Dr Hall", True),
        ("Sir John", True),
        ("Apology from Mark Taylor to the resident", True),
        ("Jean Hall at Florence Court", True),  # the place is set aside, the person is not
        ("Florence Court", False),
        ("Abbey Mews", False),
        ("Victoria Park", False),
        ("Peter Smith House", False),
        ("Florence Nightingale Hospice", False),
        ("Joseph Rowntree Housing Trust", False),
        ("Jack Taylor Builders Ltd", False),  # a contractor (managing agent)
        ("Harold Wilson Court", False),
        ("St Thomas", False),
        ("Sir Robert Peel Court", False),
        ("Wilson Court", False),
        ("Village Green", False),
        ("Foster Care", False),
        ("St Hilda's Court (Extra Care)", False),
        ("Holly Lodge", False),
        ("Max Response Time", False),
        ("Repairs - Damp and Mould", False),
        ("Anti-Social Behaviour Handling", False),
        ("Staff Conduct", False),
        ("jean hall", False),  # case is matched: a forename in a sentence is not a name
        ("Jack", False),
        # towns and docks whose names hold a forename (an onboarded landlord's schemes)
        ("King's Lynn South", False),
        ("Kings Lynn North", False),
        ("Bishop's Stortford", False),
        ("Victoria Dock", False),
        ("Barry Island", False),
        ("Lynn Central", False),
        ("Lynn South", True),  # South, North, East and West are surnames too
        ("Stanley North", True),
        ("King's Lynn office, Jean Hall", True),
        ("Queen Jean Hall", True),
    ],
)
def test_a_bare_name_is_screened_and_a_place_named_after_a_person_is_not(value, screened):
    from pipeline.sources.screen import screened_sql

    con = duckdb.connect()
    assert con.execute(f"select {screened_sql('$v')}", {"v": value}).fetchone()[0] is screened


@pytest.mark.parametrize(
    ("value", "screened"),
    [
        ("0044 7700 900129", True),
        ("+44 (0)7700 900130", True),
        ("+44 (0) 7700 900130", True),
        ("(+44) 7700 900130", True),
        ("+447700900123", True),
        ("+44 116 496 0123", True),
        ("0044-20-7946-0000", True),
        ("(0116) 496 0123", True),
        ("0116-496-0123", True),
        ("0116\u2013496\u20130123", True),  # en dashes
        ("07700.900.123", True),
        ("07700 900123", True),
        ("Oak Court, call 020 7946 0000 after 5", True),
        ("016977 4321", True),  # a nine-digit number after the trunk 0
        ("£1,250.50", False),
        ("£10,000,000.00", False),
        ("01/02/2024", False),
        ("01-02-2024 10:30", False),
        ("01.02.2024 10.30am", False),  # the trunk 0 and two digits are never split
        ("2024-04-01T10:00:00Z", False),
        ("2024-2025", False),
        ("2024-25", False),
        ("C-000123", False),
        ("1000000000", False),
        ("012345678901", False),  # eleven digits after the 0: not a UK number
        ("Stage 2 Review", False),
    ],
)
def test_a_uk_phone_number_in_any_usual_format_is_screened_in_sql_and_python(value, screened):
    import re

    from pipeline.sources.screen import CONTACT_DETAILS

    in_sql = duckdb.connect().execute("select regexp_matches(?, ?)", [value, CONTACT_DETAILS])
    assert in_sql.fetchone()[0] is screened
    assert bool(re.search(CONTACT_DETAILS, value)) is screened


def test_a_free_text_cell_too_long_to_be_a_label_is_other_and_counted(tmp_path):
    """A scheme, category or reason is printed in documents: a 1 MB cell (or a pasted letter)
    is no label, so it is stored as 'other' and counted, never printed."""
    from pipeline.sources.screen import MAX_TEXT_CHARS

    longest, too_long = "Oak Court " * 25 + "Annex", "Oak Court " * 100_000
    assert len(longest) <= MAX_TEXT_CHARS < len(too_long)
    planted_rows = []

    def edit(rows):
        header = rows[0]
        kind = header.index("Record Type")
        complaints = [i for i, row in enumerate(rows) if i and row[kind] == "Complaint"]
        for at, value in zip(complaints, [too_long, longest], strict=False):
            rows[at][header.index("Scheme")] = value
            planted_rows.append(at + 1)

    root = _housing21_one_export(tmp_path, edit)
    con = duckdb.connect()
    assert ingest_workspace(con, root, load_landlord(root), ws.KEY).reconciles
    rows = dict(con.execute("select source_row, scheme from complaint").fetchall())
    assert [rows.get(row) for row in planted_rows] == ["other", longest]
    counts = dict(
        con.execute("select field_name, sum(rows_other) from label_other group by 1").fetchall()
    )
    assert counts == {"scheme": 1}


def test_an_excel_error_in_a_free_text_field_is_other_and_counted(tmp_path):
    """A scheme or category that Excel could not work out (a failed lookup saved as '#N/A') is
    no scheme: it was loaded as one, so '#N/A' and '#REF!' had their own breakdown rows and
    scheme reports, and the complaints left their real scheme without a word."""
    planted = {"#N/A": [], "#REF!": [], "#SPILL!": []}

    def edit(rows):
        header = rows[0]
        kind = header.index("Record Type")
        complaints = [i for i, row in enumerate(rows) if i and row[kind] == "Complaint"]
        for at, value in zip(complaints, [*planted, "#N/A"], strict=False):
            rows[at][header.index("Scheme")] = value
            planted[value].append(at + 1)
        rows[complaints[5]][header.index("Scheme")] = (
            "#Repairs Hub"  # a real label beginning with a #
        )

    root = _housing21_one_export(tmp_path, edit)
    con = duckdb.connect()
    assert ingest_workspace(con, root, load_landlord(root), ws.KEY).reconciles
    stored = dict(con.execute("select source_row, scheme from complaint").fetchall())
    assert {stored[row] for rows in planted.values() for row in rows} == {"other"}
    assert "#Repairs Hub" in stored.values()
    counts = dict(
        con.execute("select field_name, sum(rows_other) from label_other group by 1").fetchall()
    )
    assert counts == {"scheme": 4}


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("Bridge Court\u200b Jean\u00a0Hall", "other"),  # zero-width and no-break spaces
        ("Jean\u200bHall", "other"),  # a zero-width space is a word break, not nothing
        ("Jean\u2009Hall", "other"),  # thin space
        ("Jean\u202fHall", "other"),  # narrow no-break space
        ("Je\u00adan Hall", "other"),  # soft hyphen
        ("J\u200dean\u2060 Hall", "other"),  # zero-width joiner, word joiner
        ("\ufeffJean Hall", "other"),
        ("\u202eJean Hall", "other"),  # a direction override
        ("J\u0435an Hall", "other"),  # Cyrillic U+0435 for "e"
        ("Je\u03b1n Court", "other"),  # Greek α inside a Latin word: not a real name
        ("\uff2a\uff45\uff41\uff4e \uff28\uff41\uff4c\uff4c", "other"),  # fullwidth
        ("\uff10\uff17\uff17\uff10\uff10 900123", "other"),  # fullwidth digits
        ("07700\u00a0900123", "other"),
        ("Jean\u00a0Hall\u00a0at Florence Court", "other"),
        ("Sea\u0301n Murphy", "other"),  # a combining accent, composed as the list writes Seán
        ("Oak\u00a0Court", "Oak Court"),  # kept, with a plain space
        ("\u200bOak Court\u2060", "Oak Court"),
        ("Oak\u3000Court", "Oak Court"),
        ("\u200b\u00a0", None),  # nothing left: blank
        # more characters that draw nothing or a gap: they hid a name and a phone number
        ("J\u034fean Hall", "other"),  # combining grapheme joiner
        ("Jean\U000e0041 Hall", "other"),  # a tag character
        ("07700\u061c900123", "other"),  # Arabic letter mark
        ("Mrs\ufe0f Hall", "other"),  # variation selector
        ("Jean\u3164Hall", "other"),  # Hangul filler for the space
        ("07700\u2800900123", "other"),  # blank Braille pattern
        ("Oak\u3164Court\U000e0041", "Oak Court"),
        ("J\u200bean Hall", "other"),  # a zero-width space inside the forename
        ("jean.hall@exa\u200bmple.org", "other"),
        ("Tŷ Newydd", "Tŷ Newydd"),
        ("Café Conduct", "Café Conduct"),
        ("Repairs – Damp and Mould", "Repairs – Damp and Mould"),
        ("Αθήνα House", "Αθήνα House"),  # scripts mixed across words, not inside one
        ("Oak Court", "Oak Court"),
    ],
)
def test_hidden_characters_and_look_alike_letters_do_not_hide_a_name(value, stored):
    from pipeline.sources.screen import normalised_text, screened_sql, screened_text_sql

    con = duckdb.connect()
    got = con.execute(
        f"select {screened_text_sql('$v')}, {screened_sql('$v')}", {"v": value}
    ).fetchone()
    assert (got[0], bool(got[1])) == (stored, stored == "other")  # null (blank) is not screened
    if stored != "other":
        assert normalised_text(value) == stored  # the Python twin folds the same way


def test_every_example_value_of_a_mapped_free_text_field_is_kept():
    """The name screen leaves the examples' schemes, wards, regions, categories, root causes and
    improvement texts alone (they name places and services, never people)."""
    from pipeline.ingest import ingest_workspace as ingest

    examples = Path(__file__).resolve().parents[2] / "examples"
    for root in sorted(p for p in examples.iterdir() if (p / "landlord.yaml").is_file()):
        con = duckdb.connect()
        ingest(con, root, load_landlord(root), ws.KEY)
        other = con.execute(
            "select count(*) from label_other where field_name in "
            "('category', 'scheme', 'root_cause', 'theme', 'description', 'handled_by')"
        ).fetchone()[0]
        assert other == 0, root.name


# A CSV row whose cells differ in number from the header's (design.md section 9: quarantined
# with its reason, never loaded shifted or dropped). The reason gives counts, never a cell.
CAUSE = "a delimiter inside a cell that is not quoted, or a cell missing"


def _wide_with_lines(tmp_path: Path, edit) -> Path:
    """The wide workspace with its export's lines (index 0 = row 1) ``edit``ed as text."""
    root = ws.wide_workspace(tmp_path)
    path = root / "exports" / "complaints_2024.csv"
    lines = path.read_bytes().decode("cp1252").split("\r\n")
    edit(lines)
    path.write_bytes("\r\n".join(lines).encode("cp1252"))
    return root


def _quarantine(con, row: int) -> list[tuple]:
    return con.execute(
        "select target_table, column_name, rule, message, raw_value from quarantine "
        "where source_row = ?",
        [row],
    ).fetchall()


def _loaded(con, ref: str) -> bool:
    found = con.execute(
        "select count(*) from complaint where complaint_id = ?", [pseudonymise(ref, ws.KEY)]
    )
    return found.fetchone()[0] > 0


def _c002_cells(**cells: str) -> list[str]:
    """Row 3 (C002) of the wide export as its cells, ``cells`` replacing some by header name."""
    row = next(csv.reader([ws.wide_csv_bytes("utf-8").decode("utf-8").split("\r\n")[2]]))
    for name, value in cells.items():
        row[ws.WIDE_HEADER.index(name)] = value
    return row


def test_a_row_with_more_cells_than_the_header_is_quarantined_by_counts(tmp_path):
    # "Staff, Rhys Café-Jones rang" unquoted: every cell after it would load one column right.
    cells = _c002_cells(**{"Complaint Type": "Staff, Rhys Café-Jones rang"})

    def edit(lines):
        lines[2] = ",".join(cells)

    root = _wide_with_lines(tmp_path, edit)
    con = duckdb.connect()
    summary = ingest_workspace(con, root, load_landlord(root), ws.KEY)
    message = f"wrong_cell_count: row 3 has 20 cells, the header has 19: {CAUSE}"
    assert _quarantine(con, 3) == [("complaint", None, "wrong_cell_count", message, "20")]
    assert not _loaded(con, "C002")
    (file,) = summary.files
    assert (file.rows_in, file.rows_loaded, file.rows_quarantined) == (14, 2, 12)
    assert summary.reconciles and summary.quarantine_by_rule["wrong_cell_count"] == 1
    text = _all_text(con)
    assert "Rhys" not in text and "Staff" not in text and "Rude" not in text


def test_a_row_cut_short_is_quarantined(tmp_path):
    def edit(lines):
        lines[15] = ",".join(next(csv.reader([lines[15]]))[:8])  # C012, 8 of its 19 cells

    root = _wide_with_lines(tmp_path, edit)
    con = duckdb.connect()
    summary = ingest_workspace(con, root, load_landlord(root), ws.KEY)
    message = f"wrong_cell_count: row 16 has 8 cells, the header has 19: {CAUSE}"
    assert _quarantine(con, 16) == [("complaint", None, "wrong_cell_count", message, "8")]
    assert not _loaded(con, "C012")
    (file,) = summary.files
    assert (file.rows_in, file.rows_loaded, file.rows_quarantined) == (14, 2, 12)
    assert summary.reconciles


def test_a_delimiter_inside_a_quoted_cell_still_loads(tmp_path):
    def edit(lines):
        lines[2] = ws._csv_line(tuple(_c002_cells(Notes="Rang, then wrote, twice")))

    root = _wide_with_lines(tmp_path, edit)
    con = duckdb.connect()
    summary = ingest_workspace(con, root, load_landlord(root), ws.KEY)
    assert _quarantine(con, 3) == [] and _loaded(con, "C002")
    assert (summary.rows_in, summary.rows_loaded, summary.rows_quarantined) == (14, 3, 11)


def test_blank_lines_are_still_not_data_rows(tmp_path):
    # Row 15 is an empty line already; a line of bare delimiters, shorter than the header, too.
    root = _wide_with_lines(tmp_path, lambda lines: lines.insert(-1, ",,,"))
    con = duckdb.connect()
    summary = ingest_workspace(con, root, load_landlord(root), ws.KEY)
    assert "wrong_cell_count" not in summary.quarantine_by_rule
    assert (summary.rows_in, summary.rows_loaded, summary.rows_quarantined) == (14, 3, 11)


def test_a_stray_quote_file_quarantines_its_ragged_row(tmp_path):
    # Quotes inside unquoted cells send the count to Python's csv module (its len(row)).
    def edit(lines):
        lines[2] = ",".join(_c002_cells(Notes='Said "urgent" twice'))
        lines[15] += ',Jean "Hall", LE4 2XT'

    root = _wide_with_lines(tmp_path, edit)
    con = duckdb.connect()
    summary = ingest_workspace(con, root, load_landlord(root), ws.KEY)
    message = f"wrong_cell_count: row 16 has 21 cells, the header has 19: {CAUSE}"
    assert _quarantine(con, 16) == [("complaint", None, "wrong_cell_count", message, "21")]
    assert _quarantine(con, 3) == [] and _loaded(con, "C002")
    assert summary.reconciles and summary.rows_quarantined == 12
    assert "Jean" not in _all_text(con) and "LE4" not in _all_text(con)


def test_a_long_row_with_more_cells_is_quarantined(tmp_path):
    root = ws.long_workspace(tmp_path)
    path = root / "exports" / "stage_events.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    # Row 5 (L002's only stage): an unquoted "Smith, Ann" in the Resident column.
    lines[4] = "L002,Stage 2,2024-06-01,,2024-06-20,upheld,SO,Staff,Smith, Ann,"
    path.write_text("\n".join(lines), encoding="utf-8")
    con = duckdb.connect()
    summary = ingest_workspace(con, root, load_landlord(root), ws.KEY)
    message = f"wrong_cell_count: row 5 has 11 cells, the header has 10: {CAUSE}"
    assert _quarantine(con, 5) == [("complaint", None, "wrong_cell_count", message, "11")]
    assert not _loaded(con, "L002")
    rules = {}
    for row, rule in con.execute("select source_row, rule from quarantine").fetchall():
        rules.setdefault(row, set()).add(rule)
    assert rules == ws.LONG_EXPECTED | {5: {"wrong_cell_count"}}
    assert summary.reconciles
    assert "Smith" not in _all_text(con) and "Ann" not in _all_text(con)


def test_the_screen_is_written_once_per_statement_whatever_the_number_of_fields():
    """DuckDB compiles a pattern for each place a query writes it (the name lists about 12 ms
    each): one screen for every free-text cell of a file, not one per field and case."""
    from pipeline.sources.screen import NAMED_PLACE, PERSON_NAME, screen_flags_sql
    from pipeline.sql import lit

    for sources in (["s1"], ["s1", "s4", "s7", "s9"]):
        sql = screen_flags_sql("_frame", sources)
        assert sql.count(lit(PERSON_NAME)) == 2  # the cheap test, then with places set aside
        assert sql.count(lit(NAMED_PLACE)) == 1
    con = duckdb.connect()
    con.execute(
        "create table _frame as select * from (values ('a', 1, 'Oak Court', 'Mrs Jean Hall'), "
        "('a', 2, 'jean@example.org', null), ('a', 3, null, 'Stage 2 Review')) "
        "t(__file, __row, s1, s4)"
    )
    flagged = con.execute(f"{screen_flags_sql('_frame', ['s1', 's4'])} order by 2").fetchall()
    assert flagged == [("a", 1, ["s4"]), ("a", 2, ["s1"])]


@pytest.mark.parametrize(
    "name",
    ["complaints_Mrs_Hall.csv", "complaints_jean.hall@example.org.csv", "complaints_LE4_2XT.csv"],
)
def test_a_file_named_after_a_person_stops_the_run_without_its_name(tmp_path, name):
    """File names are printed in the data-quality report, quarantine.csv and the manifest: an
    export named after a resident stops the run, before any export is read, with a message
    that finds it (folder, mapping, size, date) without repeating the name."""
    from pipeline.onboarding import workspace_problems

    root = ws.wide_workspace(tmp_path)
    (root / "exports" / "complaints_2024.csv").rename(root / "exports" / name)
    with pytest.raises(IngestError) as caught:
        ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)
    message = str(caught.value)
    assert message.startswith("exports/: the name of a file mappings/complaints.yaml reads")
    assert "Hall" not in message and "hall" not in message and "LE4" not in message
    assert any(p.startswith("exports/: the name of a file") for p in workspace_problems(root))


def test_an_unread_file_named_after_a_person_is_not_named(tmp_path):
    root = ws.wide_workspace(tmp_path)
    (root / "exports" / "Letter to Jean Hall.docx").write_bytes(b"x")
    (root / "exports" / "notes 2024.txt").write_bytes(b"x")
    summary = ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)
    assert summary.unread_files == [
        "exports/(a file whose name looks like a person's name or contact details)",
        "exports/notes 2024.txt",
    ]
