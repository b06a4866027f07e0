"""Self-assessment: reference data, input validation, measured evidence, contradictions, outputs.

Fixtures build a ``measures`` table directly in a tmp DuckDB (the self-assessment only reads it).
"""

from __future__ import annotations

import datetime as dt
import io
import re

import duckdb
import openpyxl
import pytest
import yaml

from pipeline.config import Landlord
from pipeline.periods import ReportingYear
from pipeline.self_assessment.build import (
    assemble,
    load_document,
    self_assessment_summary,
    submission_deadline,
)
from pipeline.self_assessment.evidence import evidence_specs, measured_evidence
from pipeline.self_assessment.model import (
    parse_self_assessment,
)
from pipeline.self_assessment.reference import load_provisions
from pipeline.self_assessment.render import (
    ABOUT_SHEET,
    COLUMNS,
    render_html,
    render_xlsx,
)

YEAR = "2024-25"
LANDLORD = "testland"
MEASURES_DDL = """
create table measures (
  landlord_id varchar, period_kind varchar, period varchar, period_start date, period_end date,
  measure varchar, breakdown varchar, breakdown_value varchar, view varchar,
  numerator double, denominator double, value double, display varchar, unit varchar)
"""


def landlord(units: int = 5000, deadline: str | None = None) -> Landlord:
    stage = {"acknowledge_wd": 5, "respond_wd": 10, "extension_wd": 10}
    return Landlord.model_validate(
        {
            "landlord_id": LANDLORD,
            "name": "Test Homes & <Partners>",
            "regimes": ["eng"],
            "stock": [{"year_end": "2025-03-31", "stock_type": "lcra", "units_owned": units}],
            "policy_versions": [
                {
                    "effective_from": "2024-04-01",
                    "timescales": {
                        "eng": {"stage_1": stage, "stage_2": {**stage, "respond_wd": 20}}
                    },
                    "escalation_window": {"months_after_stage1_response": 6},
                }
            ],
            "tsm_summary_of_approach": "Telephone survey",
            "self_assessment_deadline": deadline,
        }
    )


def answers(**overrides: dict) -> dict:
    """A complete, valid self-assessment document: every form provision "yes"."""
    entries = []
    for p in load_provisions().form_provisions:
        entry = {
            "id": p.id,
            "comply": True,
            "evidence": [f"Complaints policy v5, para {p.id}"],
            "commentary": f"Commentary for {p.id}.",
        }
        entry.update(overrides.get(p.id, {}))
        entries.append(entry)
    return {"reporting_year": YEAR, "completed_by": "Complaints manager", "provisions": entries}


def measure_row(measure, display, numerator=None, denominator=None, value=None, **kw):
    return (
        kw.get("landlord_id", LANDLORD),
        kw.get("period_kind", "year"),
        kw.get("period", YEAR),
        dt.date(2024, 4, 1),
        dt.date(2025, 3, 31),
        measure,
        kw.get("breakdown", "none"),
        kw.get("breakdown_value", "all"),
        kw.get("view", "all"),
        numerator,
        denominator,
        value,
        display,
        kw.get("unit", "percent"),
    )


BASE_ROWS = [
    measure_row(
        "ack_in_time_1",
        "91.4",
        914,
        1000,
        91.4,
        breakdown="regime",
        breakdown_value="eng",
        view="regulator",
    ),
    measure_row(
        "response_in_time_1",
        "88.0",
        880,
        1000,
        88.0,
        breakdown="regime",
        breakdown_value="eng",
        view="regulator",
    ),
    measure_row(
        "stage2_different_handler",
        "100.0",
        120,
        120,
        100.0,
        breakdown="regime",
        breakdown_value="eng",
    ),
    measure_row("refusals_with_reason", "100.0", 7, 7, 100.0),
    measure_row("adjustment_requested_1", "4.2", 42, 1000, 4.2),
    measure_row(
        "received_1",
        "600",
        600,
        None,
        600,
        breakdown="channel",
        breakdown_value="phone",
        unit="count",
    ),
    measure_row(
        "received_1",
        "400",
        400,
        None,
        400,
        breakdown="channel",
        breakdown_value="email",
        unit="count",
    ),
    measure_row(
        "CH02_1",
        "87.5",
        700,
        800,
        87.5,
        breakdown="stock_type",
        breakdown_value="lcra",
        view="regulator",
    ),
    # Noise the self-assessment must not read: another landlord, a quarter, the management view.
    measure_row(
        "ack_in_time_1",
        "10.0",
        1,
        10,
        10.0,
        landlord_id="other",
        breakdown="regime",
        breakdown_value="eng",
        view="regulator",
    ),
    measure_row(
        "ack_in_time_1",
        "20.0",
        2,
        10,
        20.0,
        period_kind="quarter",
        period="2024-25-Q1",
        breakdown="regime",
        breakdown_value="eng",
        view="regulator",
    ),
    measure_row(
        "ack_in_time_1",
        "30.0",
        3,
        10,
        30.0,
        breakdown="regime",
        breakdown_value="eng",
        view="management",
    ),
]


@pytest.fixture
def con(tmp_path):
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    connection.execute(MEASURES_DDL)
    connection.executemany(
        "insert into measures values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", BASE_ROWS
    )
    yield connection
    connection.close()


def _set_adjustment_made_2(con, display: str, numerator: int, denominator: int, value) -> None:
    """The year's stage 2 'adjustment made, of those requested' row, replaced by this one."""
    con.execute("delete from measures where measure = 'adjustment_made_2'")
    con.executemany(
        "insert into measures values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [measure_row("adjustment_made_2", display, numerator, denominator, value)],
    )


def document(con, overrides=None, units=5000):
    assessment = parse_self_assessment(answers(**(overrides or {})))
    return assemble(con, landlord(units), assessment, YEAR)


# --- reference data --------------------------------------------------------------------------


def test_reference_has_the_codes_73_provisions_in_nine_sections():
    reference = load_provisions()
    counts = {s.number: len(s.provisions) for s in reference.sections}
    assert counts == {1: 6, 2: 5, 3: 7, 4: 3, 5: 15, 6: 20, 7: 4, 8: 5, 9: 8}
    ids = [p.id for p in reference.provisions]
    assert len(ids) == len(set(ids)) == 73
    assert ids[0] == "1.1" and ids[-1] == "9.8"
    assert [p.id for p in reference.form_provisions][0] == "1.2"
    assert len(reference.form_provisions) == 72
    assert reference.get("5.10").section == 5


def test_design_data_evidenced_provisions_have_evidence_and_a_measure_spec():
    reference = load_provisions()
    specs = evidence_specs()
    for pid in ["5.12", "2.1", "5.10", "6.2", "6.3", "6.4", "6.11", "6.13", "6.14", "6.15"]:
        assert reference.get(pid).evidence_from_data, pid
        assert pid in specs, pid
    # Every spec names a real provision that the reference says data can evidence.
    for pid in specs:
        assert reference.get(pid).evidence_from_data, pid


# --- input validation ------------------------------------------------------------------------


# --- measured evidence and contradictions ----------------------------------------------------


def test_evidence_text_equals_the_measures_rows(con):
    evidence = measured_evidence(con, LANDLORD, YEAR)
    assert evidence["6.2"].lines[0].text == (
        "stage 1: complaints acknowledged in time: 91.4% (914 of 1,000)"
    )
    assert (
        evidence["6.3"]
        .lines[0]
        .text.startswith("stage 1: all answers sent within the Code's time limits: 88.0%")
    )
    assert (
        evidence["6.3"].lines[1].text
        == "CH02 stage 1 (TSM, tenants of owned stock): Low-cost rental (LCRA) 87.5%"
    )
    assert evidence["6.13"].lines[0].text == (
        "stage 2 handled by a different person: 100.0% (120 of 120)"
    )
    assert evidence["2.1"].lines[0].text == "refusals recorded with a reason: 100.0% (7 of 7)"
    assert evidence["5.10"].lines[0].text == "stage 1: adjustment requested: 4.2% (42 of 1,000)"
    assert evidence["3.1"].lines[0].text == (
        "stage 1 complaints received through 2 channels: Email 400; Phone 600"
    )


def test_missing_measure_says_so_and_never_contradicts(con):
    evidence = measured_evidence(con, LANDLORD, YEAR)
    line = evidence["6.14"].lines[0]
    assert not line.available and not line.breached
    # plain words for the board and the public; the measure id stays on the line, not in it
    assert line.text == (
        "stage 2: all answers sent within the Code's time limits (not measured this year)"
    )
    assert line.measure == "response_in_time_2" and "measures table" not in line.text


def test_a_breakdown_with_no_row_in_a_computed_measure_is_no_cases(con):
    """Hollybank 2025/26: no stage 2 extension, so extension_within_limit_2 has only its zero
    "none" row and no England row; it read "not measured this year: extension_within_limit_2
    (regime=eng, view regulator) is not in the measures table"."""
    con.execute(
        "insert into measures values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        measure_row("extension_within_limit_2", "[U]", 0, 0, None, view="regulator"),
    )
    evidence = measured_evidence(con, LANDLORD, YEAR)
    line = next(x for x in evidence["6.15"].lines if x.measure == "extension_within_limit_2")
    assert line.available and not line.breached
    assert line.text == ("stage 2 extensions: none in the year")


def test_the_self_assessment_names_no_file_and_no_measure_id(con):
    html = render_html(document(con))
    assert ".yaml" not in html and "measures table" not in html
    assert "Answers from" not in html and "(not measured this year)" in html


def test_no_measures_table_gives_unavailable_lines():
    evidence = measured_evidence(duckdb.connect(), LANDLORD, YEAR)
    assert all(not line.available for e in evidence.values() for line in e.lines)


@pytest.mark.parametrize(
    ("measure", "value", "flagged"),
    [
        ("response_in_time_1", 88.0, True),  # under 90%: contradicts
        ("response_in_time_1", 90.0, False),  # at the threshold: does not
        ("response_in_time_1", None, False),  # [U]: nothing to judge
        ("stage2_different_handler", 97.0, True),  # any stage 2 by the stage 1 handler
        ("stage2_different_handler", 100.0, False),
    ],
)
def test_contradiction_threshold(con, measure, value, flagged):
    # Baseline: nothing contradicted; then move one measure across (or onto) its threshold.
    con.execute("update measures set value = 95.0 where measure = 'response_in_time_1'")
    con.execute(
        "update measures set value = ? where measure = ? and landlord_id = ?",
        [value, measure, LANDLORD],
    )
    pid = "6.3" if measure == "response_in_time_1" else "6.13"
    doc = document(con)
    row = next(r for r in doc.rows if r.provision.id == pid)
    assert row.contradicted is flagged
    assert [r.provision.id for r in doc.contradicted] == ([pid] if flagged else [])


def test_a_no_is_never_flagged_as_contradicted(con):
    doc = document(
        con,
        {
            "6.3": {
                "comply": "no",
                "actions": [
                    {
                        "what": "Weekly case review",
                        "owner": "Complaints manager",
                        "due": "2025-09-30",
                    }
                ],
            }
        },
    )
    assert doc.contradicted == []


# --- deadline --------------------------------------------------------------------------------


def test_deadline_default_large_small_and_configured():
    year = ReportingYear.parse(YEAR)
    large = submission_deadline(landlord(5000), year)
    assert large.date == dt.date(2025, 9, 30) and "more than 1,000" in large.rule
    small = submission_deadline(landlord(800), year)
    assert small.date == dt.date(2025, 9, 30) and "six months" in small.rule
    assert submission_deadline(landlord(800, "12-31"), year).date == dt.date(2025, 12, 31)
    assert submission_deadline(landlord(800, "03-31"), year).date == dt.date(2026, 3, 31)


# --- outputs ---------------------------------------------------------------------------------


def test_html_has_every_provision_once_escapes_markup_and_flags(con):
    doc = document(
        con,
        {
            "4.1": {
                "commentary": "<script>alert('x')</script> & <b>bold</b>",
                "evidence": ["javascript:alert(1)", "https://example.org/policy?a=1&b=2"],
            },
        },
    )
    html = render_html(doc)
    for provision in load_provisions().provisions:
        assert html.count(f'id="p-{provision.id}"') == 1, provision.id
        assert html.count(f">{provision.id}</th>") == 1, provision.id
    assert "<script>" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    assert 'href="javascript:' not in html
    assert 'href="https://example.org/policy?a=1&amp;b=2"' in html
    assert "Test Homes &amp; &lt;Partners&gt;" in html
    assert "30 September 2025" in html
    row_6_3 = re.search(r'<tr id="p-6\.3" class="(\w+)"', html).group(1)
    row_6_2 = re.search(r'<tr id="p-6\.2" class="(\w+)"', html).group(1)
    assert (row_6_3, row_6_2) == ("contradicted", "yes")
    assert "The data contradicts 1 &ldquo;Yes&rdquo; answer" in html
    # The contradictions are part of the document, not news: no live region (role="alert")
    # that a screen reader would read out, interrupting, as the page loads.
    assert 'role="alert"' not in html and "aria-live" not in html
    assert '<div class="alert">\n    <h3 id="contradictions">' in html
    # Every table has a name for assistive technology: a caption, or the heading of its section.
    ids = set(re.findall(r'<h2 id="([^"]+)"', html))
    for table in re.findall(r"<table\b[^>]*>\s*(?:<caption)?", html):
        named = re.search(r'aria-labelledby="([^"]+)"', table)
        assert table.endswith("<caption") or (named and named.group(1) in ids), table


def test_xlsx_opens_with_five_columns_every_form_provision_once_and_safe_cells(con):
    doc = document(
        con,
        {
            "8.2": {"commentary": '=HYPERLINK("http://evil")'},
            "8.3": {"evidence": ["@SUM(A1)", "+44 300 111 3000"]},  # an organisation's number
        },
    )
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(doc)))
    assert len(book.sheetnames) == 10 and book.sheetnames[0] == ABOUT_SHEET
    seen = []
    cells = {}
    for sheet in book.worksheets[1:]:
        header = [c.value for c in sheet[1]]
        assert header == list(COLUMNS)
        for row in sheet.iter_rows(min_row=2, values_only=True):
            seen.append(row[0])
            cells[row[0]] = row
    assert seen == [p.id for p in load_provisions().form_provisions]
    assert cells["8.2"][4].startswith("'=HYPERLINK")
    # The cell, not each line, is what a spreadsheet evaluates: one quote at its start suffices.
    assert cells["8.3"][3].startswith("'@SUM(A1)\n+44 300 111 3000")
    assert all(c.data_type == "s" for s in book.worksheets for r in s.iter_rows() for c in r)
    assert "DATA CONTRADICTS 'YES'" in cells["6.3"][3]
    assert "acknowledged in time: 91.4%" in cells["6.2"][3] and "CONTRADICTS" not in cells["6.2"][3]
    assert cells["6.2"][2] == "Yes"


def test_summary_counts_contradictions_and_actions(con, tmp_path):
    (tmp_path / "self_assessment.yaml").write_text(
        yaml.safe_dump(
            answers(
                **{
                    "9.8": {
                        "comply": "no",
                        "commentary": "Not yet in objectives",
                        "actions": [{"what": "Add objective", "owner": "HR", "due": "2025-10-31"}],
                    }
                }
            )
        ),
        encoding="utf-8",
    )
    summary = self_assessment_summary(con, tmp_path, landlord(), YEAR)
    assert summary["totals"] == {
        "provisions": 72,
        "yes": 71,
        "no": 1,
        "met": 70,  # the contradicted "yes" (6.3) is not counted as met
        "contradicted": 1,
        # the "yes" answers whose every measure with a threshold is missing from this fixture
        # (5.10, 5.11, 5.12, 6.4, 6.6, 6.11, 6.14, 6.15, 6.17, 7.3): no figures to check them
        "unchecked": 10,
        "actions": 1,
    }
    assert summary["sections"][8] == {
        "number": 9,
        "title": "Scrutiny and oversight: continuous learning and improvement",
        "yes": 7,
        "no": 1,
        "met": 7,
        "contradicted": 0,
    }
    assert summary["contradictions"][0]["provision"] == "6.3"
    assert summary["actions"] == [
        {"provision": "9.8", "what": "Add objective", "owner": "HR", "due": dt.date(2025, 10, 31)}
    ]
    assert summary["deadline"] == dt.date(2025, 9, 30)
    assert self_assessment_summary(con, tmp_path, landlord(), "2023-24") is None
    assert load_document(con, tmp_path / "nowhere", landlord(), YEAR) is None


def test_view_preference_empty_breakdown_value_and_unavailable_rate(con):
    con.execute("delete from measures where measure = 'ack_in_time_1'")
    con.executemany(
        "insert into measures values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            # Acknowledgement has no regulator/management split: the 'all' row is read.
            measure_row(
                "ack_in_time_1", "94.9", 37, 39, 94.9, breakdown="regime", breakdown_value="eng"
            ),
            # Promised actions computed for stage 1 only: stage 2 had none due.
            measure_row(
                "promised_actions_on_time",
                "78.9",
                15,
                19,
                78.9,
                breakdown="stage",
                breakdown_value="1",
            ),
            measure_row("adjustment_made_2", "[U]", 0, 0, None),
        ],
    )
    evidence = measured_evidence(con, LANDLORD, YEAR)
    assert evidence["6.2"].lines[0].text == (
        "stage 1: complaints acknowledged in time: 94.9% (37 of 39)"
    )
    assert evidence["6.17"].lines[0].text == (
        "actions promised in stage 2 responses: none due in the year"
    )
    assert (
        evidence["6.6"]
        .lines[0]
        .text.startswith(
            "actions promised in stage 1 responses completed by their due date: 78.9% (15 of 19)"
        )
    )
    made_2 = next(line for line in evidence["5.10"].lines if line.measure == "adjustment_made_2")
    assert made_2.text == "stage 2: adjustment made, of those requested: [U] (0 of 0)"
    assert not made_2.breached


def test_money_is_the_measures_display_with_separators(con):
    con.executemany(
        "insert into measures values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            measure_row(
                "compensation_offered_gbp",
                "1100.00",
                1100.0,
                None,
                1100.0,
                breakdown="stage",
                breakdown_value="1",
                unit="gbp",
            ),
            measure_row(
                "compensation_offered_gbp",
                "250.50",
                250.5,
                None,
                250.5,
                breakdown="stage",
                breakdown_value="2",
                unit="gbp",
            ),
        ],
    )
    evidence = measured_evidence(con, LANDLORD, YEAR)
    assert evidence["5.13"].lines[0].text == (
        # as the annual report shows money: pence only when there are any
        "compensation offered by stage: stage 1 £1,100; stage 2 £250.50"
    )


def test_reference_that_loses_a_provision_fails_to_load(tmp_path):
    from pipeline.config import ConfigError
    from pipeline.self_assessment.reference import REFERENCE_PATH

    raw = yaml.safe_load(REFERENCE_PATH.read_text(encoding="utf-8"))
    raw["sections"][3]["provisions"].pop()  # section 4 loses 4.3
    broken = tmp_path / "provisions.yaml"
    broken.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(ConfigError, match="section provision counts"):
        load_provisions(broken)


def test_html_names_unmeasured_evidence_and_the_thresholds(con):
    html = render_html(document(con))
    row_2_3 = html[html.index('id="p-2.3"') : html.index('id="p-2.4"')]
    assert "Data could show: refusals on the &#39;over 12 months&#39; ground" in row_2_3
    method = html[html.index('id="method"') :]
    # the evidence in words, never a measure id (issue 16 point 7)
    assert "stage 2 handled by a different person" in method
    assert "stage 1: all answers sent within the Code&#39;s time limits" in method
    assert "</td><td>below 100</td>" in method and "</td><td>below 90</td>" in method
    assert "<code>" not in method
    assert not re.search(r"\b(stage2_different_handler|response_in_time_1)\b", method)


def test_xlsx_is_byte_identical_for_identical_inputs(con):
    import time

    doc = document(con, {})
    first = render_xlsx(doc)
    time.sleep(1.05)  # xlsxwriter's default stamp has a one-second resolution
    assert render_xlsx(doc) == first


def test_every_evidence_view_is_one_the_measure_is_computed_in():
    """A spec asking for a view its measure never has reads "no cases in the year" whatever the
    data: 6.4 and 6.15 asked for extension_within_limit_n in view 'all' while the measure is
    computed in view 'regulator', so 59 extended stage 1 complaints read as none."""
    from pipeline.measures._catalogue import HEADLINE_MEASURES

    views: dict[str, set[str]] = {}
    for measure, view, _ in HEADLINE_MEASURES:
        views.setdefault(measure, set()).add(view)
    for pid, specs in evidence_specs().items():
        for spec in specs:
            if spec.measure not in views or spec.view is None:
                continue
            wanted = [spec.view] if isinstance(spec.view, str) else spec.view
            assert views[spec.measure] & set(wanted), (pid, spec.measure, wanted)


def test_extension_evidence_reads_englands_extensions_against_the_codes_caps(con):
    """Homes Plus: the Code's 10 / 20 working-day extension caps are England's; Scotland's SPSO
    caps (5 / 10) and Scottish stages must not be counted in the Code's 6.4 / 6.15 evidence."""
    rows = [
        ("extension_within_limit_1", "none", "all", "80.0", 8, 10, 80.0),
        ("extension_within_limit_1", "regime", "eng", "75.0", 6, 8, 75.0),
        ("extension_within_limit_1", "regime", "sct", "100.0", 2, 2, 100.0),
        ("extension_within_limit_2", "none", "all", "100.0", 3, 3, 100.0),
        ("extension_within_limit_2", "regime", "eng", "100.0", 2, 2, 100.0),
        ("extension_within_limit_2", "regime", "sct", "100.0", 1, 1, 100.0),
    ]
    for measure, breakdown, value, display, num, den, val in rows:
        con.execute(
            "insert into measures values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            measure_row(
                measure,
                display,
                num,
                den,
                val,
                breakdown=breakdown,
                breakdown_value=value,
                view="regulator",
            ),
        )
    evidence = measured_evidence(con, LANDLORD, YEAR)
    stage1 = next(x for x in evidence["6.4"].lines if x.measure == "extension_within_limit_1")
    stage2 = next(x for x in evidence["6.15"].lines if x.measure == "extension_within_limit_2")
    assert stage1.text == (
        "England: stage 1 extensions that stayed within 10 working days and had a reason "
        "recorded: 75.0% (6 of 8)"
    )
    assert stage1.breached
    assert stage2.text.startswith("England: stage 2 extensions that stayed within 20 working days")
    assert "(2 of 2)" in stage2.text


def test_the_5_10_lines_use_the_annual_reports_names():
    """One figure, one name: the 5.10 lines open with labels.equality_name, the annual report's
    name of the same row."""
    from pipeline.reporting.labels import equality_name

    for spec in evidence_specs()["5.10"]:
        measure, stage = spec.measure.rsplit("_", 1)
        assert spec.template.startswith(f"{equality_name(measure, int(stage)).lower()}: ")


def test_the_annual_reports_form_is_self_assessment_htmls_own(con):
    """Code 8.1: the annual report prints the form through ``render_form``, the template
    ``self_assessment.html`` prints it with: with the published wording and no id prefix the
    fragment is, byte for byte, the document's form; the annual report's prefix and heading level
    change only ids and headings, and the internal wording only the measured figures."""
    from pipeline.reporting.trace import finish, plain, traced_figures, untraced
    from pipeline.self_assessment.render import render_form

    _set_adjustment_made_2(con, "80.0", 4, 5, 80.0)
    doc = document(con)
    page = render_html(doc)
    form = str(render_form(doc))
    # self_assessment.html traces its figures (as the annual report does): the same text
    assert form.strip() and form.strip() in untraced(page)
    assert traced_figures(page)
    appendix = str(render_form(doc, id_prefix="sa-", heading_level=3))
    assert appendix.count('<tr id="sa-p-') == len(doc.rows) == 73
    assert 'id="p-' not in appendix and "<h2" not in appendix
    assert appendix.count("<h3 ") == len(doc.sections)
    assert appendix.replace('"sa-', '"').replace("<h3 ", "<h2 ").replace("</h3>", "</h2>") == form
    internal = str(render_form(doc, published=False))
    assert "stage 2: adjustment made, of those requested: 80.0% (4 of 5)" in internal
    assert "stage 2: adjustment made, of those requested: [c] (&lt;5 of 5)" in form
    # traced: the same text, each figure marked with its measures row for the annual report
    traced = str(render_form(doc, published=False, traced=True))
    assert traced != internal and plain(traced) == internal
    assert untraced(finish(traced)) == internal
    with pytest.raises(ValueError, match="heading_level"):
        render_form(doc, heading_level=1)


def test_evidence_figures_are_marked_with_their_rows(con):
    """``EvidenceLine.wording(traced=True)``: each figure that is a row's display text carries the
    row's key (its own cell and year); the published wording marks the withheld mark instead."""
    from pipeline.reporting.trace import finish, plain, traced_figures

    _set_adjustment_made_2(con, "80.0", 4, 5, 80.0)
    evidence = measured_evidence(con, LANDLORD, YEAR)
    line = next(x for x in evidence["5.10"].lines if x.measure == "adjustment_made_2")
    assert plain(line.wording(False, traced=True)) == line.wording(False) == line.text
    assert plain(line.wording(True, traced=True)) == line.wording(True) == line.shown
    (internal,) = traced_figures(finish(line.wording(False, traced=True)))
    (published,) = traced_figures(finish(line.wording(True, traced=True)))
    assert internal["measure"] == published["measure"] == "adjustment_made_2"
    assert internal["period"] == YEAR and internal["breakdown"] == "none"
    assert internal["text"] == "80.0" and published["text"] == "[c]"


def test_extension_evidence_says_its_base_is_every_extension(con):
    """small_specialist 2025/26: six stage 1 extensions, every one agreed in time with a reason
    (the annual report: 'extensions agreed before the original deadline, with a reason: 100.0'),
    two of them longer than the Code's 10 working days. Provision 6.4 read 'stage 1 extensions of
    at most 10 working days with a reason recorded: 66.7% (4 of 6)', which says that a third of
    the short extensions had no reason: the line now says both conditions and whose share it is."""
    con.execute(
        "insert into measures values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        measure_row(
            "extension_within_limit_1",
            "66.7",
            4,
            6,
            66.7,
            breakdown="regime",
            breakdown_value="eng",
            view="regulator",
        ),
    )
    evidence = measured_evidence(con, LANDLORD, YEAR)
    line = next(x for x in evidence["6.4"].lines if x.measure == "extension_within_limit_1")
    assert line.text == (
        "stage 1 extensions that stayed within 10 working days and had a reason recorded: "
        "66.7% (4 of 6)"
    )
    assert line.breached


def test_an_approved_self_assessment_does_not_send_its_contradictions_to_the_board(con):
    """housing21 2025/26, as published and submitted: 'Approved by: Customer Services Committee,
    on behalf of the Board' in the header, then 'Review these before the self-assessment goes to
    the board' above the two contradicted answers: the Ombudsman reads that the board approved
    something it had not yet seen."""
    contradicted = {"6.3": {"comply": True}}
    draft = render_html(document(con, contradicted))
    assert "Review these before the self-assessment goes to the board" in draft
    approved = answers(**contradicted) | {"approved_by": "Customer Services Committee"}
    html = render_html(assemble(con, landlord(5000), parse_self_assessment(approved), YEAR))
    assert "Approved by</dt><dd>Customer Services Committee" in html
    assert "The data contradicts 1 &ldquo;Yes&rdquo; answer" in html
    assert "before the self-assessment goes to the board" not in html
    assert (
        "were approved as they stand, but our own figures for 2024/25 do not support them" in html
    )


def test_the_stage_2_count_is_named_as_the_annual_report_names_it(con):
    """housing21 2025/26: provision 8.1 said 'stage 2 escalations received in the year: 229', the
    figure the annual report calls 'Stage 2 complaints received (escalated, or begun at stage 2)':
    one figure, two names, one of which miscounts a stage 2 that had no stage 1."""
    con.execute(
        "insert into measures values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        measure_row("received_2", "229", 229, None, 229.0, unit="count"),
    )
    evidence = measured_evidence(con, LANDLORD, YEAR)
    line = next(x for x in evidence["8.1"].lines if x.measure == "received_2")
    assert line.text == (
        "stage 2 complaints received in the year (escalated, or begun at stage 2): 229"
    )


@pytest.mark.parametrize(
    "rule",
    [
        "submitted to the Housing Ombudsman within six months of the year end: 703 homes, 1,000 "
        "or fewer",
        "submitted to the Housing Ombudsman by 30 September: 22,247 homes, more than 1,000",
    ],
)
def test_the_annual_summary_says_due_and_lets_the_rule_say_when_and_to_whom(rule):
    """The summary says 'Due <date> (<rule>)' and leaves the rule (landlords of more than 1,000
    homes by 30 September, smaller ones within six months of the year end) to say it: it said
    'Submission due' before the rule, whatever the rule said."""
    from pipeline.periods import ReportingYear
    from pipeline.reporting.section8 import self_assessment_section

    summary = {
        "year_label": "2025/26",
        "totals": {"provisions": 72, "yes": 72, "no": 0, "contradicted": 0, "actions": 0},
        "deadline": dt.date(2026, 9, 30),
        "deadline_rule": rule,
    }
    section = self_assessment_section(summary, ReportingYear.parse("2025-26"), published=True)
    texts = [block.text for block in section.blocks]
    assert f"Due 30 September 2026 ({rule})." in texts
    assert not any(text.startswith("Submission due") for text in texts)
