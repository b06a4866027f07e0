"""The self-assessment read beside the annual report: the same date and the same names.

The evidence column quotes figures from the measures table, which are as at the data cut (open
complaints count as not answered in time until then). The annual report, committee pack and
learning summary print the data cut; the self-assessment published beside them must too. And the
annual report quotes the evidence lines in its own self-assessment section, next to its timeliness
table: a figure keeps the report's name in both (design.md s7, one name per figure).
"""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl

from pipeline.reporting.labels import HANDLING_NAMES, ack_name, in_time_name
from pipeline.self_assessment.build import assemble
from pipeline.self_assessment.evidence import evidence_specs, measured_evidence
from pipeline.self_assessment.model import parse_self_assessment
from pipeline.self_assessment.render import render_html, render_xlsx
from tests.unit.test_self_assessment import (  # noqa: F401 - fixture
    LANDLORD,
    YEAR,
    answers,
    con,
    landlord,
    measure_row,
)


def _facts(html: str) -> dict[str, str]:
    header = re.search(r'<dl class="facts">(.*?)</dl>', html, re.DOTALL).group(1)
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", header, re.DOTALL)
    return {term: re.sub(r"<[^>]+>", "", text) for term, text in pairs}


def test_the_self_assessment_states_its_data_cut(con):  # noqa: F811 - the imported fixture
    configured = landlord().model_copy(update={"data_cut_date": dt.date(2025, 4, 30)})
    document = assemble(con, configured, parse_self_assessment(answers()), YEAR)
    facts = _facts(render_html(document))
    assert facts["Data cut"].startswith("30 April 2025"), facts


def test_the_workbook_gives_the_data_cut_with_the_measured_evidence(con):  # noqa: F811
    # the XLSX (the Ombudsman's layout, five columns) has no header: each evidence cell says it
    configured = landlord().model_copy(update={"data_cut_date": dt.date(2025, 4, 30)})
    document = assemble(con, configured, parse_self_assessment(answers()), YEAR)
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(document)))
    cells = [
        str(r[3]) for s in book.worksheets[1:] for r in s.iter_rows(min_row=2, values_only=True)
    ]
    measured = [c for c in cells if "From the data" in c]
    assert measured and all(
        "From the data, 2024/25 (data cut 30 April 2025):" in c for c in measured
    )


def test_without_a_configured_data_cut_it_says_the_run_date_was_used(con):  # noqa: F811
    configured = landlord().model_copy(update={"data_cut_date": None})
    document = assemble(con, configured, parse_self_assessment(answers()), YEAR)
    facts = _facts(render_html(document))
    assert facts["Data cut"].startswith(f"{dt.date.today():%-d %B %Y} (the run date"), facts


def _name(text: str) -> str:
    """A report row's name as an evidence line opens with it: lower-case stage, no "(%)"."""
    return text.removesuffix(" (%)").replace("Stage", "stage", 1)


def test_timeliness_lines_open_with_the_annual_reports_names():
    # (the 93.6 of Housing 21's timeliness table read "stage 1: 93.6% acknowledged within 5 working
    # days" in the same report's self-assessment section)
    specs = evidence_specs()
    expected = {
        "6.2": _name(ack_name(1)),
        "6.11": _name(ack_name(2)),
        "6.3": _name(in_time_name(1, "regulator")),
        "6.14": _name(in_time_name(2, "regulator")),
        "6.13": "stage 2 handled by a different person",  # annual.py's stage resolution table
    }
    for provision, name in expected.items():
        assert specs[provision][0].template.startswith(f"{name}: {{pct}}"), provision


def test_refusal_reasons_in_8_1_name_their_stage_and_cover_both_stages(con):  # noqa: F811
    """Housing 21 2025/26: provision 8.1 read 'refused complaints by reason ... Over 12 months 15;
    ...' (48, the stage 1 refusals alone) while 2.1 beside it counted 'refusals recorded with a
    reason: 59 of 59' (both stages) and the annual report lists both stages' reasons: a reader
    adding up 8.1 found 11 refused escalations missing. Each stage keeps the report's name."""
    con.executemany(
        "insert into measures values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            measure_row(
                "refused_1",
                "15",
                None,
                None,
                15.0,
                unit="count",
                breakdown="reason",
                breakdown_value="over_12_months",
            ),
            measure_row("refused_1", "15", None, None, 15.0, unit="count"),
            measure_row(
                "refused_2",
                "5",
                None,
                None,
                5.0,
                unit="count",
                breakdown="reason",
                breakdown_value="escalation_out_of_time",
            ),
            measure_row("refused_2", "5", None, None, 5.0, unit="count"),
        ],
    )
    lines = {x.measure: x.text for x in measured_evidence(con, LANDLORD, YEAR)["8.1"].lines}
    stage_1 = _name(HANDLING_NAMES["refused_1"])
    stage_2 = _name(HANDLING_NAMES["refused_2"])
    assert lines["refused_1"].startswith(f"{stage_1}, by reason"), lines
    assert lines["refused_1"].endswith(": Over 12 months 15"), lines
    assert lines["refused_2"].startswith(f"{stage_2}, by reason"), lines
    assert lines["refused_2"].endswith(": Escalation out of time 5"), lines
