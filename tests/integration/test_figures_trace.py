"""One figure, one value: every figure a document shows is its row of the measures table.

Each example workspace is ingested and measured in memory (one year each, with the year before that
the documents compare against), then every document of that year is rendered as HTML (no PDF: the
PDF is printed from the same HTML): the annual report and its published version, the committee pack,
the learning summary, the data-quality report and the scheme reports. Every figure a section takes
from the measures table carries its row's key (``pipeline/reporting/trace.py``); the test reads the
keys back and checks the text shown against the row. A lookup that found no row fails the test when
the measure is not one the product computes, or when the row exists under another view (the
acknowledgement bug of issue 16 point 4: "not available" where the figure was computed).
"""

from __future__ import annotations

import html as html_lib
import os
import re
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipeline.benchmarks import write_benchmark_history
from pipeline.periods import ReportingYear, parse_period
from pipeline.reporting.committee import with_year_to_date
from pipeline.reporting.data import Measures, data_begins
from pipeline.reporting.labels import label
from pipeline.reporting.render import (
    render_annual_report,
    render_committee_pack,
    render_data_quality,
    render_learning_summary,
)
from pipeline.reporting.schemes import render_scheme_reports
from pipeline.reporting.trace import KEYS, SPAN, recording, traced_figures
from pipeline.self_assessment.build import load_document
from pipeline.self_assessment.render import write_outputs
from pipeline.sources.fields import RULE_TEXT
from tests.integration.examples import measured_example

# One year per example (the documents also show the year before): the years issue 16 quotes.
EXAMPLES = {
    "housing21": "2024-25",
    "council_housing": "2024-25",
    "homes_plus": "2025-26",
    "small_specialist": "2025-26",
}
# FIGURES_TRACE_ALL_YEARS=1 checks every example in every year it has (about 3 times as long).
if os.environ.get("FIGURES_TRACE_ALL_YEARS"):
    CASES = [(n, y) for n in sorted(EXAMPLES) for y in ("2023-24", "2024-25", "2025-26")]
else:
    # and a landlord's first year of data, whose year before the documents leave out
    CASES = sorted(EXAMPLES.items()) + [("small_specialist", "2023-24")]
SUPPRESSED = {"<5", "[c]"}
CATALOGUE = Path(__file__).resolve().parents[2] / "docs" / "measures.md"


def catalogue_ids() -> set[str]:
    """Measure ids docs/measures.md lists (backticked, upper or lower case with underscores)."""
    from pipeline.reporting.sector import HEADLINE

    text = CATALOGUE.read_text(encoding="utf-8")
    ids = set(re.findall(r"`([A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+|[a-z]+)`", text))
    # `benchmark_<M>_q1` and the like: one id per headline measure M
    for pattern in re.findall(r"`(benchmark_<M>_[a-z0-9]+)`", text):
        ids |= {pattern.replace("<M>", m) for m in HEADLINE}
    return ids


@pytest.fixture(scope="module", params=CASES, ids=[f"{n}-{y}" for n, y in CASES])
def rendered(request, tmp_path_factory):
    name, year = request.param
    con = duckdb.connect()
    reporting_year = ReportingYear.parse(year)
    workspace, landlord = measured_example(con, name, [reporting_year.previous, reporting_year])
    write_benchmark_history(con, landlord.landlord_id, year)
    out = tmp_path_factory.mktemp(name)
    quarter = f"{year}-Q4"
    documents: dict[str, tuple[str, bool, list[dict]]] = {}

    def keep(doc: str, published: bool, render) -> None:
        with recording() as missing:
            paths = render()
        if paths:
            documents[doc] = (paths["html"].read_text(encoding="utf-8"), published, missing)

    kwargs = {"workspace": workspace, "pdf": False}
    keep("annual", False, lambda: render_annual_report(con, landlord, year, out / "a", **kwargs))
    keep(
        "annual_published",
        True,
        lambda: render_annual_report(con, landlord, year, out / "p", published=True, **kwargs),
    )
    keep("committee", False, lambda: render_committee_pack(con, landlord, quarter, out, **kwargs))
    keep("learning", True, lambda: render_learning_summary(con, landlord, year, out, **kwargs))
    keep("quality", False, lambda: render_data_quality(con, landlord, out, **kwargs))
    keep("schemes", True, lambda: render_scheme_reports(con, landlord, year, out, **kwargs))
    assessment = load_document(con, workspace, landlord, year)
    if assessment is not None:  # published beside the annual report, in its published wording
        keep(
            "self_assessment",
            True,
            lambda: {"html": write_outputs(assessment, out / "sa", pdf=False).html},
        )
    rows = con.sql("select * from measures").pl()
    yield name, year, landlord, rows, documents
    con.close()


def _rows_for(rows: pl.DataFrame, year: str) -> Measures:
    """The measure rows plus the year-to-date rows the committee pack shows (same function)."""
    reporting_year = ReportingYear.parse(year)
    measures = Measures(
        rows.filter(
            (pl.col("period_start") >= reporting_year.previous.start)
            & (pl.col("period_end") <= reporting_year.end)
        )
    )
    return with_year_to_date(measures, parse_period(f"{year}-Q4"))


def test_every_document_traces_its_figures(rendered):
    name, year, _, rows, documents = rendered
    # Every document type that shows measures traces them (the quality report shows none).
    for doc in ("annual", "annual_published", "committee", "learning"):
        assert traced_figures(documents[doc][0]), f"{name} {doc}: no traced figure"


def differs_from_its_row(fig: dict, measures: Measures, published: bool) -> str | None:
    """Why a traced figure is not its row of the measures table as shown, or None when it is."""
    row = measures.get(
        fig["measure"], fig["period"], fig["breakdown"], fig.get("breakdown_value"), fig.get("view")
    )
    if row is None:
        return "no such row in the measures table"
    expected = row["display"] or "[U]"
    # Money and large counts are shown with £ and thousands commas (one number still).
    text = fig["text"].removeprefix("£").replace(",", "")
    if row["unit"] == "gbp" and text != expected:
        text = f"{float(text):.2f}" if text.replace(".", "").isdigit() else text
    if text == expected or (published and fig["text"] in SUPPRESSED):
        return None
    return f"measures table says {expected}"


def test_each_figure_equals_its_measures_row(rendered):
    name, year, _, rows, documents = rendered
    measures = _rows_for(rows, year)
    wrong = []
    for doc, (page, published, _) in documents.items():
        for fig in traced_figures(page):
            if (why := differs_from_its_row(fig, measures, published)) is not None:
                wrong.append((doc, fig, why))
    assert not wrong, f"{name}: {len(wrong)} figures differ from their rows, e.g. {wrong[:5]}"


def _normalised(text: str) -> str:
    """A figure's text without its money sign and thousands commas (one number still)."""
    return text.removeprefix("£").replace(",", "")


def test_a_figure_reads_the_same_everywhere_in_a_document(rendered):
    """One row, one value within a document: the published annual report cannot show a figure in
    one place and withhold it ([c], <5) in another, so its self-assessment appendix (Code 8.1)
    quotes each measured figure as the report's own sections do."""
    name, _, _, _, documents = rendered
    wrong = {}
    for doc, (page, _, _) in documents.items():
        seen: dict[tuple, set[str]] = {}
        for fig in traced_figures(page):
            key = tuple(fig.get(k) for k in ("measure", "period", "breakdown", "breakdown_value"))
            seen.setdefault((*key, fig.get("view")), set()).add(_normalised(fig["text"]))
        clashes = {key: texts for key, texts in seen.items() if len(texts) > 1}
        if clashes:
            wrong[doc] = list(clashes.items())[:5]
    assert not wrong, f"{name}: a figure shown with two values in one document: {wrong}"


def test_the_self_assessment_traces_its_measured_evidence_as_its_appendix_does(rendered):
    """self_assessment.html, published beside the annual report, traces each measured figure
    to its row (checked above against the measures table), and shows the same figures as the
    published annual report's appendix, in the same words."""
    name, year, _, _, documents = rendered
    if "self_assessment" not in documents:
        return  # no self-assessment for the year
    page = documents["self_assessment"][0]
    figures = traced_figures(page)
    assert figures, f"{name}: self_assessment.html traces no figure"
    assert {f["period"] for f in figures} == {year}, name
    report = documents["annual_published"][0]
    appendix = report[report.find('id="appendix-self-assessment"') :]

    def shown(text: str) -> set[tuple]:
        return {(*(f.get(k) for k in KEYS), f["text"]) for f in traced_figures(text)}

    assert shown(page) <= shown(appendix) | shown(report), name


def test_the_self_assessment_appendix_traces_its_measured_evidence(rendered):
    """The annual report's self-assessment appendix (Code 8.1) quotes measured evidence: each of
    its figures is traced to its row (checked above against the measures table)."""
    name, year, _, _, documents = rendered
    for doc in ("annual", "annual_published"):
        page = documents[doc][0]
        start = page.find('id="appendix-self-assessment"')
        assert start > 0, (name, doc)
        appendix = page[start : page.find('<section class="report-section"', start)]
        if 'id="sa-p-' not in appendix:
            continue  # no self-assessment for the year: one line, no figures
        figures = traced_figures(appendix)
        assert figures, f"{name} {doc}: the appendix quotes no traced figure"
        assert {f["period"] for f in figures} == {year}, (name, doc)


def data_begins_of(rows: pl.DataFrame):
    """:func:`pipeline.reporting.data.data_begins` of the fixture's measures rows."""
    con = duckdb.connect()
    con.register("measures", rows)
    landlord_id = rows["landlord_id"][0] if rows.height else None
    try:
        return data_begins(con, landlord_id)
    finally:
        con.close()


def test_no_document_asks_for_a_row_the_product_does_not_compute(rendered):
    name, year, _, rows, documents = rendered
    computed = set(rows["measure"].unique()) | catalogue_ids()
    keys = rows.select("measure", "period", "breakdown", "breakdown_value", "view")
    # Rows of a period that ended before the landlord's data begins are left out of every
    # document on purpose (Measures.load: "not available", never a 0 the case system did not send)
    begins = data_begins_of(rows)
    before_data = set(
        rows.filter(pl.col("period_end") < begins)["period"].to_list() if begins else []
    )
    wrong = []
    for doc, (_, _, missing) in documents.items():
        for ask in missing:
            if ask["measure"] not in computed:
                wrong.append((doc, ask, "measure not computed by the product"))
                continue
            if ask["view"] is None or ask["period"] in before_data:
                continue
            # The row is there under another view: the document asked for the wrong one.
            same = keys.filter(
                (pl.col("measure") == ask["measure"])
                & (pl.col("period") == ask["period"])
                & (pl.col("breakdown") == ask["breakdown"])
                & (pl.col("view") != ask["view"])
            )
            if ask["breakdown_value"] is not None:
                same = same.filter(pl.col("breakdown_value") == ask["breakdown_value"])
            if same.height:
                wrong.append((doc, ask, f"row exists with view {same['view'][0]}"))
    assert not wrong, f"{name}: {len(wrong)} lookups of rows that do not exist: {wrong[:8]}"


_ROW = re.compile(r"<tr\b[^>]*>(.*?)</tr>", re.DOTALL)
_FIRST_CELL = re.compile(r"<t[hd]\b[^>]*>(.*?)</t[hd]>", re.DOTALL)


def test_one_name_one_measure_across_documents(rendered):
    """A table row's name stands for one measure (and view) in every document of the example: a
    different population is a different measure with its own name (issue 16 point 1)."""
    name, _, _, _, documents = rendered
    meaning: dict[str, set] = {}
    for page, _, _ in documents.values():
        for row in _ROW.findall(page):
            first = _FIRST_CELL.search(row)
            figures = traced_figures(row)
            if first is None or not figures or "figure" in first.group(1):
                continue
            keys = {(fig["measure"], fig.get("view")) for fig in figures}
            if len(keys) > 1:
                continue  # the row names a group (a scheme, a stock type), not a measure
            text = html_lib.unescape(re.sub(r"<[^>]+>", "", first.group(1))).strip()
            groups = {
                label(part)
                for fig in figures
                for part in (fig.get("breakdown_value") or "").split("|")
            }
            if text in groups:
                # a breakdown table: the row names the group (a band, a body), or one group of a
                # two-way breakdown (the band of 'regime|band', countries in the columns)
                continue
            meaning.setdefault(text, set()).update(keys)
    clashes = {text: keys for text, keys in meaning.items() if len(keys) > 1}
    assert not clashes, f"{name}: one name, several measures: {clashes}"


# Figures the annual report and the committee pack both show: the pack's year to date is read beside
# the report's year, so the pack names each as the report does (the headline TSMs on their stock
# type; the others for the whole landlord).
SHARED_NAMES = {
    ("complaints_received", "none"),
    ("received_1", "none"),
    ("received_2", "none"),
    ("refused_1", "none"),
    ("refused_2", "none"),
    ("escalation_late_requested", "none"),
    ("complaints_raised_late", "none"),
    ("promised_actions_on_time", "none"),
    ("resolved_stage1", "none"),
    ("resolved_stage2", "none"),
    ("ack_in_time_1", "none"),
    ("ack_in_time_2", "none"),
    *((m, "stock_type") for m in ("CH01_1", "CH01_2", "CH02_1", "CH02_2")),
    *(
        (m, "none")
        for m in (
            "learning_actions_completed",
            "ombudsman_referred",
            "ombudsman_determinations",
            "ombudsman_findings",
            "chfo_issued",
            "complainant_survey_response_rate",
            "complainant_satisfaction_timeliness",
            "complainant_satisfaction_fairness",
            "complainant_satisfaction_outcome",
        )
    ),
}


def _row_names(page: str) -> dict[tuple, set[str]]:
    """(measure, breakdown, breakdown value) -> the names of the table rows showing it alone."""
    names: dict[tuple, set[str]] = {}
    for row in _ROW.findall(page):
        first = _FIRST_CELL.search(row)
        figures = traced_figures(row)
        if first is None or not figures or "figure" in first.group(1):
            continue
        keys = {(f["measure"], f.get("breakdown"), f.get("breakdown_value")) for f in figures}
        if len(keys) != 1 or next(iter(keys))[:2] not in SHARED_NAMES:
            continue
        text = html_lib.unescape(re.sub(r"<[^>]+>", "", first.group(1))).strip()
        names.setdefault(next(iter(keys)), set()).add(text)
    return names


def test_the_committee_pack_names_a_figure_as_the_annual_report_does(rendered):
    """The converse of the test above: a figure both documents show keeps the annual report's name
    in the pack (the pack called received_2 'Stage 2 escalations received', though a stage 2 with
    no stage 1 is no escalation, and named CH02, refusals, late escalation requests, promised
    actions, Ombudsman casework and complainant surveys its own way). Targets keep the label
    landlord.yaml gives them."""
    name, _, _, _, documents = rendered
    annual = _row_names(documents["annual"][0])
    pack = documents["committee"][0]
    pack = pack[pack.index('id="volumes"') :]  # after the targets, named in landlord.yaml
    pack_names = _row_names(pack)
    wrong = {
        key: (shown, annual[key])
        for key, shown in pack_names.items()
        if key in annual and not shown <= annual[key]
    }
    assert not wrong, f"{name}: the pack's names differ from the annual report's: {wrong}"


def test_headline_is_the_stock_type_of_the_tsm_return(rendered):
    """The annual report, committee pack and learning summary headline CH02 on the stock type the
    TSM return reports (small_specialist: the combined LCRA + LCHO line)."""
    from pipeline.returns import reported_stock_types

    name, year, _, rows, documents = rendered
    found = {
        (r["measure"], r["breakdown_value"], r["view"]): r
        for r in rows.filter(
            (pl.col("period") == year)
            & pl.col("measure").is_in(["stock_units", "CH01_1"])
            & (pl.col("breakdown") == "stock_type")
        ).iter_rows(named=True)
    }
    reported = reported_stock_types(found)
    expected = "combined" if "combined" in reported else "lcra" if "lcra" in reported else "lcho"
    if name == "small_specialist":
        assert expected == "combined"
    headline = re.search(r'id="tbl-headline".*?</table>', documents["annual"][0], re.DOTALL)
    shown_stock = {f["breakdown_value"] for f in traced_figures(headline.group(0))}
    assert shown_stock == {expected}, f"{name}: headline on {shown_stock}, return on {expected}"
    for doc in ("committee", "learning"):
        ch02 = [f for f in traced_figures(documents[doc][0]) if f["measure"].startswith("CH02")]
        assert ch02 and {f["breakdown_value"] for f in ch02} == {expected}, (name, doc, ch02[:3])


_HIDDEN = re.compile(
    r"<script\b.*?</script>|<style\b.*?</style>|<head\b.*?</head>", re.DOTALL | re.IGNORECASE
)
# A snake_case word (not a file name) or a stock-type code in lower case: what the data or the code
# calls a thing, not what a reader does (issue 16 point 7).
RAW_CODE = re.compile(r"(?<![\w./-])(?:[a-z][a-z0-9]*(?:_[a-z0-9]+)+|lcra|lcho|eng|sct)(?![\w./-])")


_BLOCK_END = re.compile(r"</(?:li|p|td|th|tr|div|h[1-6]|caption|figcaption|dd|dt)>", re.I)


def visible_text(page: str, *, blocks: bool = False) -> str:
    """The words a reader sees: no scripts, styles or head; tags out; entities decoded.

    ``blocks``: the end of each list item, paragraph, cell and heading reads as " ¶ ", so words
    of two items ("... complaints: 1" and "improvements due ...") are not read as one phrase.
    """
    import html as html_lib

    shown = _HIDDEN.sub(" ", page)
    if blocks:
        shown = _BLOCK_END.sub(" ¶ ", shown)
    # What assistive technology reads out counts too.
    spoken = " ".join(re.findall(r'(?:aria-label|alt|title)="([^"]*)"', shown))
    text = re.sub(r"<[^>]+>", " ", shown) + " " + spoken
    return re.sub(r"\s+", " ", html_lib.unescape(text))


# The data-quality report's completeness table names each field's column as the landlord's own
# file heads it (q_tp09, date_of_interview ...), so an analyst can find it there and fix it: the
# file's own name for a column, like a file path, not a code of the product's.
_SOURCE_COLUMN_CELL = re.compile(
    r'<td\b[^>]*headers="tbl-dq-completeness-Source-column\b[^"]*"[^>]*>.*?</td>', re.DOTALL
)


def test_no_raw_codes_in_any_document(rendered):
    name, _, _, _, documents = rendered
    found = {}
    for doc, (page, _, _) in documents.items():
        if doc == "quality":
            page = _SOURCE_COLUMN_CELL.sub(" ", page)
        text = visible_text(page)
        codes = {m.group(0) for m in RAW_CODE.finditer(text)}
        if doc == "quality":
            # The analysts' data-quality report names each quarantine rule as quarantine.csv
            # does, so they can be matched; no other document names one.
            codes -= set(RULE_TEXT)
        codes = sorted(codes)
        if codes:
            found[doc] = codes
    assert not found, f"{name}: raw codes a reader would see: {found}"


PLURAL_AFTER_ONE = re.compile(
    r"(?<![\w.,])(?<![Ss]tage )1 (complaints|answers|responses|actions|cases|homes|respondents|stages|"
    r"determinations|findings|orders|surveys|records|files|rows|schemes|improvements)\b"
)


def test_no_plural_after_one(rendered):
    """ "1 answers" and the like (issue 16 point 7)."""
    name, _, _, _, documents = rendered
    found = {
        doc: sorted(
            {m.group(0) for m in PLURAL_AFTER_ONE.finditer(visible_text(page, blocks=True))}
        )
        for doc, (page, _, _) in documents.items()
    }
    found = {doc: hits for doc, hits in found.items() if hits}
    assert not found, f"{name}: {found}"


ISO_DATE = re.compile(r"\b(19|20)\d\d-[01]\d-[0-3]\d\b")


def test_one_date_format_for_readers(rendered):
    """Dates read "31 July 2026" in every document (issue 16 point 7: one date format); the
    self-assessment's planned actions printed "2026-07-31" beside "due 31 July 2026" in its form.
    The analysts' data-quality report is left out: its sample quotes a cell as the file holds it,
    so the analyst can find it."""
    name, _, _, _, documents = rendered
    found = {
        doc: sorted({m.group(0) for m in ISO_DATE.finditer(visible_text(page))})
        for doc, (page, _, _) in documents.items()
        if doc != "quality"
    }
    found = {doc: dates for doc, dates in found.items() if dates}
    assert not found, f"{name}: {found}"


def test_titles_name_the_landlord_and_period(rendered):
    name, year, landlord, _, documents = rendered
    label = ReportingYear.parse(year).label
    for doc, (page, published, _) in documents.items():
        title = re.search(r"<title>(.*?)</title>", page, re.DOTALL).group(1)
        assert title.startswith(landlord.name.replace("&", "&amp;")), (doc, title)
        if doc != "quality":
            assert label in title or "Q4" in title, (doc, title)
        assert ("not for publication" in page) is not published, doc


_CHART = re.compile(r'<figure class="chart".*?</figure>', re.DOTALL)
_CHART_DATA_LINK = re.compile(r'<a href="#([^"]+)"[^>]*>Data table for this chart</a>')


def chart_data_table(page: str, chart: str) -> str:
    """The data table a chart links to (its rows sit in the "Appendix: chart data" section)."""
    link = _CHART_DATA_LINK.search(chart)
    assert link, "a chart without a link to its data table"
    target = re.search(rf'\bid="{re.escape(link.group(1))}".*?</table>', page, re.DOTALL)
    assert target, f"a chart links to #{link.group(1)}, which is not in the document"
    return target.group(0)


def test_no_empty_or_one_point_chart_and_no_suppressed_bar(rendered):
    """A chart has at least two points; a suppressed figure is named, never drawn (issue 16 5)."""
    name, _, _, _, documents = rendered
    for doc, (page, _, _) in documents.items():
        for chart in _CHART.findall(page):
            table = chart_data_table(page, chart)
            body = table.split("<tbody", 1)[1] if "<tbody" in table else ""
            assert body.count("<tr") >= 2, f"{name} {doc}: a chart with fewer than two points"
            compact = chart.replace(" ", "")
            if '"type":"bar"' not in compact:
                continue  # a line leaves a gap where a month is suppressed: nothing drawn as zero
            bars = re.search(r'"x":\[([^\]]*)\]', compact).group(1)
            assert "null" not in bars, f"{name} {doc}: a suppressed bar is drawn"


def test_every_term_used_is_in_the_glossary(rendered):
    """CH01, CH02, TP09, LCRA, LCHO, [U], [c] ... explained in each document that uses them."""
    from pipeline.reporting.labels import GLOSSARY

    name, _, _, _, documents = rendered
    for doc, (page, _, _) in documents.items():
        body, _, glossary = visible_text(page).rpartition(" Glossary ")
        for term in GLOSSARY:
            pattern = re.escape(term) if not term.isalnum() else rf"\b{term}\b"
            if re.search(pattern, body):
                assert f"{term}: " in glossary, f"{name} {doc}: {term} used but not explained"
    assert "CH02: " in visible_text(documents["annual"][0])


def test_the_tsm_return_reports_the_headline_figures(rendered):
    """The TSM return's CH01, CH02 and TP09 lines are the annual report's headline figures."""
    from pipeline.returns import STOCK_SUFFIX, tsm_return_fields

    name, year, landlord, rows, documents = rendered
    con = duckdb.connect()
    con.register("measures_rows", rows.to_arrow())
    con.execute("create table measures as select * from measures_rows")
    fields = {f.field_code: f.text() for f in tsm_return_fields(con, landlord, year)}
    con.close()
    headline = re.search(r'id="tbl-headline".*?</table>', documents["annual"][0], re.DOTALL)
    shown = {
        f["measure"]: (f["breakdown_value"], f["text"])
        for f in traced_figures(headline.group(0))
        if f["period"] == year and f["measure"] in ("CH01_1", "CH01_2", "CH02_1", "CH02_2", "TP09")
    }
    assert len(shown) == 5, shown
    suffix = {stock: code for code, stock in STOCK_SUFFIX.items()}
    for measure, (stock, text) in shown.items():
        code = (
            f"TP09_Satisfied_Calc_{suffix[stock]}"
            if measure == "TP09"
            else f"{measure}_Calculated_Value_{suffix[stock]}"
        )
        assert code in fields, (name, code, sorted(fields)[:10])
        assert fields[code] == text, (name, code, fields[code], text)


def test_acknowledgement_is_shown_per_stage_and_regime(rendered):
    """Code 6.2 (issue 16 point 4): the annual report, committee pack and scheme figures show the
    acknowledgement rows the product computes (view 'all'), per stage, and per regime for a
    landlord in England and Scotland."""
    name, year, landlord, rows, documents = rendered

    def acks(doc: str) -> set[tuple]:
        return {
            (f["measure"], f["breakdown"], f.get("breakdown_value"))
            for f in traced_figures(documents[doc][0])
            if f["measure"].startswith("ack_in_time_")
        }

    annual = acks("annual")
    if {"eng", "sct"} <= set(landlord.regimes):
        assert {
            ("ack_in_time_1", "regime", "eng"),
            ("ack_in_time_2", "regime", "eng"),
            ("ack_in_time_2", "regime", "sct"),
        } <= annual, annual
    else:
        assert {("ack_in_time_1", "none", "all"), ("ack_in_time_2", "none", "all")} <= annual
    assert {"ack_in_time_1", "ack_in_time_2"} <= {m for m, _, _ in acks("committee")}
    if "schemes" in documents:
        assert any(b in ("scheme", "business_unit") for _, b, _ in acks("schemes"))


_SECTION = re.compile(r'<section class="report-section"[^>]*>.*?</section>', re.DOTALL)


def test_every_sector_comparison_names_its_data_and_licence(rendered):
    """A section showing a sector figure names the RSH data year and carries the Open Government
    Licence attribution; the number of landlords compared is shown (issue 16 point 6)."""
    name, year, _, rows, documents = rendered
    checked = 0
    for doc, (page, _, _) in documents.items():
        for section in _SECTION.findall(page):
            measures = {f["measure"] for f in traced_figures(section)}
            if not any(m.startswith("benchmark_") and m.endswith("_median") for m in measures):
                continue
            checked += 1
            text = visible_text(section)
            assert "Open Government Licence" in text, (name, doc, text[:80])
            assert re.search(r"RSH (Tenant Satisfaction Measures )?\d{4}/\d{2}", text), (name, doc)
            assert any(m.startswith("benchmark_") and m.endswith("_n") for m in measures)
    # the documents compare the headline stock type; with fewer than 5 landlords publishing it
    # (the RSH's combined rows) there is no median, and the documents say "too few" instead
    from pipeline.reporting.annual import headline_stock_type
    from pipeline.reporting.data import Measures

    stock = headline_stock_type(Measures(rows), ReportingYear.parse(year))
    medians = rows.filter(
        (pl.col("period") == year)
        & pl.col("measure").str.ends_with("_median")
        & (pl.col("breakdown_value") == stock)
    )
    if medians.filter(pl.col("measure").str.starts_with("benchmark_")).height:
        assert checked >= 2, f"{name}: the summary and the sector section compare with the sector"
    else:
        summary = visible_text(documents["annual"][0])
        assert "too few landlords to compare" in summary or "No RSH sector figures" in summary


def test_tp09_precision_is_never_a_bare_yes_or_a_zero_margin(rendered):
    name, _, _, _, documents = rendered
    for doc, (page, _, _) in documents.items():
        text = visible_text(page)
        assert "±0.0" not in text.replace("± ", "±"), (name, doc)
        table = re.search(r'id="tbl-tp09".*?</table>', page, re.DOTALL)
        if table is not None:
            cells = re.findall(
                r"<t[dh]\b[^>]*>(.*?)</t[dh]>", table.group(0).split("</thead>")[-1], re.DOTALL
            )
            words = {re.sub(r"<[^>]+>", "", c).strip() for c in cells}
            assert not words & {"Yes", "No"}, (name, doc, words)


_REGIME_TREND = re.compile(
    r'id="chart-(?:committee-timeliness-\d|timeliness\d-month)-(eng|sct)-data"'
)


_REGIME_SENTENCE = re.compile(r"(England|Scotland), stage 1: all answers sent in time, by month: ")
_COUNTRY = {"England": "eng", "Scotland": "sct"}


def test_england_and_scotland_apart_only_for_a_landlord_in_both(rendered):
    """Homes Plus (England and Scotland) shows the monthly timeliness trend and the open/overdue
    ageing per country, each figure from its country's row; an England-only landlord keeps the
    single chart and tables (issue 16 point 5, issue 21)."""
    name, _, landlord, _, documents = rendered
    both = {"eng", "sct"} <= set(landlord.regimes)
    assert both is (name == "homes_plus")
    for doc in ("annual", "annual_published", "committee"):
        page = documents[doc][0]
        split = set(_REGIME_TREND.findall(page))
        # A country whose published months are mostly withheld (a small count, or one left by
        # subtraction) has too few points for a chart: its months read as a sentence instead.
        as_text = {_COUNTRY[c] for c in _REGIME_SENTENCE.findall(page)}
        # the mixed trend's caption (a chart, or a sentence when too few months have figures)
        mixed = "Stage 1: all answers sent in time, by month" in page
        assert split | as_text == ({"eng", "sct"} if both else set()), (name, doc, split)
        assert doc == "annual_published" or not as_text, (name, doc, as_text)
        assert mixed is not both, (name, doc)
        for regime in split:
            # the country's chart data table holds that country's rows only
            table = re.search(
                rf'id="chart-[a-z0-9-]*-{regime}-data".*?</table>', page, re.DOTALL
            ).group(0)
            shown = traced_figures(table)
            assert shown and {(f["breakdown"], f["breakdown_value"]) for f in shown} == {
                ("regime", regime)
            }, (doc, regime)
    committee = documents["committee"][0]
    ageing = re.search(r'id="tbl-open-1-regime".*?</table>', committee, re.DOTALL)
    assert (ageing is not None) is both, name
    if both:
        keys = {(f["breakdown"], f["breakdown_value"]) for f in traced_figures(ageing.group(0))}
        assert ("regime", "eng") in keys and ("regime", "sct") in keys
        assert any(b == "regime|band" and v.startswith("sct|") for b, v in keys)
        assert 'id="tbl-open-1"' not in committee


def test_the_committee_packs_year_to_date_at_q4_is_the_years_figure(rendered):
    """The Q4 pack's year-to-date column covers the whole reporting year: each of its figures
    reads as the year's row does (the annual report's and the returns' figure). A count the year
    does not know ([U]: complaints raised after the time limit for complaining, where no complaint
    records when the resident first knew of the matter) read 0 to date."""
    name, year, _, rows, documents = rendered
    annual = Measures(rows.filter(pl.col("period") == year))
    wrong = []
    for fig in traced_figures(documents["committee"][0]):
        if fig["period"] != f"{year}-YTD":
            continue
        row = annual.get(
            fig["measure"], year, fig["breakdown"], fig.get("breakdown_value"), fig.get("view")
        )
        if row is None:
            continue
        expected = row["display"] or "[U]"
        text = _normalised(fig["text"])
        if text != expected and not (
            row["unit"] == "gbp" and text.replace(".", "").isdigit()
            and abs(float(text) - float(expected)) < 0.006
        ):  # fmt: skip
            wrong.append(
                (fig["measure"], fig.get("breakdown_value"), fig.get("view"), text, expected)
            )
    assert not wrong, f"{name} {year}: year to date differs from the year: {wrong[:5]}"


# The data table printed with each chart (in the document's "Appendix: chart data", for screen
# readers and in the PDF) and the chart's text summary: every figure in them is a traced span of
# its measures row, like any other figure of the document.
_BODY_ROW = re.compile(r"<tr\b[^>]*>(.*?)</tr>", re.DOTALL)
_ROW_HEADER = re.compile(r'<th scope="row"[^>]*>(.*?)</th>', re.DOTALL)
_DATA_CELL = re.compile(r"<td\b[^>]*>(.*?)</td>", re.DOTALL)
_COLUMN_HEADING = re.compile(r'<th\b[^>]*scope="col"[^>]*>(.*?)</th>', re.DOTALL)
_ONE_FIGURE = re.compile(r'\s*<span class="figure"[^>]*>[^<]*</span>\s*')
_CHART_SUMMARY = re.compile(
    r'<span class="chart-summary"[^>]*>(.*?)</span></figcaption>', re.DOTALL
)
# A cell with no row behind it (a month a series has no row for, a country with none recorded):
# no figure, so nothing to trace.
NO_FIGURE = "–"


def _cell_text(cell: str) -> str:
    return html_lib.unescape(re.sub(r"<[^>]+>", "", cell)).strip()


def _names_of(fig: dict) -> set[str]:
    """What a chart table's row may be called for a figure: its group's label (each part of a
    two-way breakdown), or the month of its breakdown value or period ('2024-04' -> 'Apr 2024')."""
    import datetime as dt

    values = [*(fig.get("breakdown_value") or "").split("|"), fig["period"]]
    names = {label(v) for v in values} | set(values)
    for value in values:
        if re.fullmatch(r"\d{4}-(?:0[1-9]|1[0-2])", value):
            names.add(dt.date.fromisoformat(f"{value}-01").strftime("%b %Y"))
    return names


def chart_tables(page: str) -> list[tuple[str, str]]:
    """(chart, data table) of every chart of a finished page."""
    return [(chart, chart_data_table(page, chart)) for chart in _CHART.findall(page)]


def test_every_chart_data_cell_is_its_traced_measures_row(rendered):
    """Every cell of every chart's data table is one traced figure of its measures row, shown as
    the row reads (suppressed as the version suppresses), in the row named by its group or month,
    and each column one series (one measure and view): a chart's table cannot show another value
    than the paragraph beside it, nor a figure no row holds."""
    name, year, _, rows, documents = rendered
    measures = _rows_for(rows, year)
    wrong, cells, charts = [], 0, 0
    for doc, (page, published, _) in documents.items():
        for _, table in chart_tables(page):
            charts += 1
            table_id = re.search(r'\bid="([^"]+)"', table).group(1)
            headings = [_cell_text(h) for h in _COLUMN_HEADING.findall(table)][1:]
            series: dict[str, set] = {}
            body = table.split("<tbody", 1)[1]
            for row in _BODY_ROW.findall(body):
                header = _ROW_HEADER.search(row)
                row_name = _cell_text(header.group(1)) if header else None
                for heading, cell in zip(headings, _DATA_CELL.findall(row), strict=True):
                    where = (doc, table_id, row_name, heading)
                    if _cell_text(cell) == NO_FIGURE:
                        continue
                    cells += 1
                    if not _ONE_FIGURE.fullmatch(cell):
                        wrong.append((*where, _cell_text(cell), "not a traced figure"))
                        continue
                    (fig,) = traced_figures(cell)
                    if (why := differs_from_its_row(fig, measures, published)) is not None:
                        wrong.append((*where, fig, why))
                    elif row_name not in _names_of(fig):
                        wrong.append((*where, fig, "the row's figure sits in another's row"))
                    series.setdefault(heading, set()).add((fig["measure"], fig.get("view")))
            mixed = {h: keys for h, keys in series.items() if len(keys) > 1}
            if mixed:
                wrong.append((doc, table_id, "a column mixes measures", mixed))
    assert charts and cells, f"{name}: no chart data table found"
    assert not wrong, (
        f"{name}: {len(wrong)} of {cells} chart data cells ({charts} charts) are not their "
        f"measures row, e.g. {wrong[:5]}"
    )


# Numbers a chart summary may state that are no figure of the measures table. Each is listed with
# where it comes from, and the test checks the derived ones against the chart's data table.
_NOT_FIGURES = [
    re.compile(r"\b[Ss]tage [12]\b"),  # a stage's name
    re.compile(r"\b(?:TP|CH)\d{2}\b"),  # a measure's name
    re.compile(r"\b4 or 5 of 5\b"),  # the survey's answer scale
    re.compile(r"\b[A-Z][a-z]{2} \d{4}\b"),  # a month
    re.compile(r"\b\d{4}-\d{2}(?:-Q\d)?\b|\bQ\d\b"),  # a year or quarter
]
# Derived from the chart's data table: the number of groups it lists, and of those drawn.
_GROUPS = re.compile(r"\bof (\d+) (?:areas|categories)\b")
_DRAWN_OF_GROUPS = re.compile(r"\b(\d+) of (\d+) shown\b")


def test_chart_summaries_quote_traced_figures(rendered):
    """A chart's text summary quotes figures of its data table, each traced to the same row the
    table shows; any other number in it is a name (stage 1, TP09, a month) or a count of the
    table's groups, checked against the table."""
    name, year, _, rows, documents = rendered
    measures = _rows_for(rows, year)
    wrong, quoted = [], 0
    for doc, (page, published, _) in documents.items():
        for chart, table in chart_tables(page):
            summary = _CHART_SUMMARY.search(chart)
            assert summary, (name, doc, chart[:200])
            figures = traced_figures(summary.group(1))
            quoted += len(figures)
            shown = {tuple(f.get(k) for k in (*KEYS, "text")) for f in traced_figures(table)}
            for fig in figures:
                if (why := differs_from_its_row(fig, measures, published)) is not None:
                    wrong.append((doc, fig, why))
                elif tuple(fig.get(k) for k in (*KEYS, "text")) not in shown:
                    wrong.append((doc, fig, "not a figure of the chart's data table"))
            # the summary without its traced figures: what is left must be no figure
            text = _cell_text(SPAN.sub(" ", summary.group(1)))
            body = table.split("<tbody", 1)[1]
            groups = [_cell_text(c) for c in _DATA_CELL.findall(body)]
            for found in _GROUPS.finditer(text):
                # groups with no figure ([U]) are not counted among them
                if int(found.group(1)) != sum(g != "[U]" for g in groups):
                    wrong.append((doc, found.group(0), f"the table lists {len(groups)}"))
            for found in _DRAWN_OF_GROUPS.finditer(text):
                drawn = sum(g not in SUPPRESSED and g != "[U]" for g in groups)
                if (int(found.group(1)), int(found.group(2))) != (drawn, len(groups)):
                    wrong.append((doc, found.group(0), f"the table: {drawn} of {len(groups)}"))
            for pattern in (*_NOT_FIGURES, _GROUPS, _DRAWN_OF_GROUPS):
                text = pattern.sub(" ", text)
            if re.search(r"\d|\[U\]|\[c\]|<5", text):
                wrong.append((doc, text, "a number in the summary that is no traced figure"))
    assert not wrong, f"{name}: {len(wrong)} chart summary figures are not traced, e.g. {wrong[:5]}"
