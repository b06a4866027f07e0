"""Property test: every published document of every example and year suppresses without misstating.

For each example workspace and each reporting year, the published documents (the annual report's
website version, the learning summary, the scheme and business-unit reports, the self-assessment)
are rendered, and each
is rendered again with suppression turned off (its internal twin, same layout). Then:

1. no table cell and no sentence shows a count from 1 to 4;
2. no percentage is shown whose numerator (percentage x its visible denominator), or whose
   complement (denominator - numerator), is 1 to 4, and no published measure row shows a rate
   whose numerator or denominator (or, for a percentage of counts, complement) is 1 to 4; no
   figure traced to such a row (pipeline/reporting/trace.py) is shown as a number;
3. every ``<5`` stands where the twin shows 1 to 4 (a count of 5 or more is never ``<5``), and every
   ``[c]`` is in the key's sense (withheld, not misstated);
4. a chart bar whose label is suppressed carries no value;
5. each document is at most 1.5 MB, with plotly.js beside it when it has charts.

The housing group's report of the four examples is checked the same way, and a group figure is never
shown beside exactly one hidden member figure.
"""

from __future__ import annotations

import difflib
import html as html_lib
import json
import re
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipeline.group_views import open_group
from pipeline.periods import ReportingYear, parse_period
from pipeline.reporting import render, schemes, suppression
from pipeline.reporting.charts import PLOTLY_FILE
from pipeline.reporting.group import render_group_report
from pipeline.reporting.suppression import (
    MONEY_COUNTS,
    NOT_ABOUT_PEOPLE,
    mentions_small_count,
    suppress_small_numbers,
)
from pipeline.reporting.trace import KEYS, SPAN, traced_figures
from pipeline.self_assessment import evidence
from pipeline.self_assessment.build import load_document
from pipeline.self_assessment.render import write_outputs
from pipeline.workspaces import warehouse_path
from tests.integration.differencing import (
    chart_points,
    misstated_figures,
    recovered_small_figures,
    shown_figures,
    shown_parts,
)
from tests.integration.examples import measured_example

pytestmark = pytest.mark.slow

EXAMPLES = ["council_housing", "homes_plus", "housing21", "small_specialist"]
SUPPRESSED = ("<5", "[c]")
YEARS = ["2023-24", "2024-25", "2025-26"]


@pytest.fixture(scope="module", params=EXAMPLES)
def example(request):
    con = duckdb.connect()
    workspace, landlord = measured_example(con, request.param, YEARS)
    yield workspace, landlord, con
    con.close()


def _published_documents(con, landlord, workspace, year, out: Path) -> dict[str, Path]:
    """Every published HTML document of the year, by name."""
    documents = {
        "annual_report_published": render.render_annual_report(
            con, landlord, year, out, published=True, workspace=workspace, pdf=False
        )["html"],
        "learning_summary": render.render_learning_summary(
            con, landlord, year, out, workspace=workspace, pdf=False
        )["html"],
    }
    if landlord.schedules.learning_summary == "quarterly":  # published every quarter too
        for quarter in ReportingYear.parse(year).quarters():
            documents[f"learning_summary_{quarter.key}"] = render.render_learning_summary(
                con, landlord, quarter.key, out / quarter.key, workspace=workspace, pdf=False
            )["html"]
    # The Code section 8 self-assessment is published too (its evidence in the published wording).
    assessment = load_document(con, workspace, landlord, year)
    if assessment is not None:
        documents["self_assessment"] = write_outputs(assessment, out / "sa", pdf=False).html
    found = schemes.render_scheme_reports(con, landlord, year, out, workspace=workspace, pdf=False)
    if found:
        documents["scheme_reports"] = found["html"]
        for folder in ("schemes", "business_units"):
            for path in sorted((out / folder).glob("*.html")) if folder in found else []:
                documents[f"{folder}/{path.stem}"] = path
    return documents


def _unsuppressed_twins(monkeypatch, con, landlord, workspace, year, out: Path):
    """The same documents with the measures read unsuppressed (what the internal version shows)."""
    load = render._load

    def unsuppressed(con, landlord, start, end, published, extra=()):
        return load(con, landlord, start, end, False, extra)

    with monkeypatch.context() as patch:
        patch.setattr(render, "_load", unsuppressed)
        patch.setattr(suppression, "suppress_table", lambda frame, *args, **kwargs: frame)
        patch.setattr(
            evidence,
            "suppress_small_numbers",
            lambda frame, *args, **kwargs: frame.with_columns(
                pl.lit(False).alias("suppressed"),
                pl.lit(None, pl.String).alias("suppressed_reason"),
            ),
        )
        twins = _published_documents(con, landlord, workspace, year, out)
        internal = render.render_annual_report(
            con, landlord, year, out / "internal", workspace=workspace, pdf=False
        )["html"]
    twins["annual_report_published"] = internal
    return twins


@pytest.fixture(scope="module", params=YEARS)
def rendered(example, request, tmp_path_factory):
    """(year, published documents by name, their unsuppressed twins) of the example, rendered once
    for every test that reads them."""
    workspace, landlord, con = example
    year = request.param
    out = tmp_path_factory.mktemp(f"{landlord.landlord_id}-{year}")
    documents = _published_documents(con, landlord, workspace, year, out / "published")
    with pytest.MonkeyPatch.context() as monkeypatch:
        twins = _unsuppressed_twins(monkeypatch, con, landlord, workspace, year, out / "twin")
    return year, documents, twins


def visible_tokens(page: str) -> list[str]:
    """The words a reader sees (scripts, styles and tags removed, entities decoded)."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    page = re.sub(r"<[^>]+>", " ", page)
    return html_lib.unescape(page).split()


# Columns that hold something other than a count of complaints or people (a stage number, a
# timescale in working days, a year).
NOT_COUNTS = re.compile(
    r"^(stage|.*\(wd\)|.*working days.*|.*days.*|year|files|quarter|month)$", re.I
)


# Rows counting things that are not complaints or people (suppression.NOT_ABOUT_PEOPLE): the
# landlord's improvement actions, its homes, the Code's provisions it meets. (Complaint Handling
# Failure Orders are not among them: each is over one resident's complaint.)
NOT_PEOPLE_ROWS = re.compile(
    r"^(Self-assessment|Answers by section of the Code)|/ .*(improvement|homes)", re.I
)
# The same things named in a sentence or list item (the self-assessment's evidence lines).
NOT_PEOPLE_TEXT = re.compile(r"improvement|\bhomes\b", re.I)


def _text(fragment: str) -> str:
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def tables(page: str) -> list[tuple[str, list[str], list[list[str]]]]:
    """(caption, column headings, body rows of cell text) of every table."""
    found = []
    for table in re.findall(r"<table\b.*?</table>", page, flags=re.S):
        caption = re.search(r"<caption[^>]*>(.*?)</caption>", table, flags=re.S)
        head = re.search(r"<thead\b.*?</thead>", table, flags=re.S)
        head_rows = re.findall(r"<tr\b.*?</tr>", head.group(0), flags=re.S) if head else []
        headings = [_text(h) for h in re.findall(r"<th\b[^>]*>(.*?)</th>", head_rows[-1], re.S)] if head_rows else []  # fmt: skip
        body = re.search(r"<tbody\b.*?</tbody>", table, flags=re.S)
        rows = [
            [_text(c) for c in re.findall(r"<t[dh]\b[^>]*>(.*?)</t[dh]>", row, re.S)]
            for row in re.findall(r"<tr\b.*?</tr>", body.group(0) if body else "", flags=re.S)
        ]
        found.append((_text(caption.group(1)) if caption else "", headings, rows))
    return found


def table_cells(page: str) -> list[tuple[str, str, str]]:
    """(caption and row label, column heading, text) of every table body cell."""
    return [
        (f"{caption} / {row[0]}", headings[i] if i < len(headings) else "", value)
        for caption, headings, rows in tables(page)
        for row in rows
        for i, value in enumerate(row)
    ]


def keyed_cells(page: str) -> dict[tuple, str]:
    """Table cells keyed by caption (and its occurrence), row label (first cell) and column
    heading: the same cell in two versions of a document, whatever order the rows are sorted in.
    A row whose first cell is itself a figure is keyed by its position."""
    cells = {}
    seen: dict[str, int] = {}
    for caption, headings, rows in tables(page):
        occurrence = seen[caption] = seen.get(caption, -1) + 1
        for number, row in enumerate(rows):
            figure = re.fullmatch(r"[\d.,%<\[\]cU–-]+", row[0] if row else "") is not None
            key = number if figure else row[0]
            for i, value in enumerate(row[1:], start=1):
                heading = headings[i] if i < len(headings) else str(i)
                cells[(caption, occurrence, key, heading)] = value
    return cells


def sentences(page: str) -> list[str]:
    page = re.sub(r"<(script|style|table)\b.*?</\1>", " ", page, flags=re.S | re.I)
    blocks = re.findall(r"<(p|li|dd|figcaption)\b[^>]*>(.*?)</\1>", page, flags=re.S)
    return [" ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", b)).split()) for _, b in blocks]


def cell_items(page: str) -> list[str]:
    """The list items inside table cells (each an evidence line of the self-assessment)."""
    cells = re.findall(r"<td\b[^>]*>(.*?)</td>", page, flags=re.S)
    return [
        _text(item) for cell in cells for item in re.findall(r"<li\b[^>]*>(.*?)</li>", cell, re.S)
    ]


def chart_bars(page: str) -> list[dict]:
    """The bar traces of the page's Plotly charts."""
    traces = []
    for call in re.findall(r"Plotly\.newPlot\(\s*\"[^\"]+\",\s*(\[.*?\])\s*,\s*\{", page, re.S):
        try:
            traces += [t for t in json.loads(call) if t.get("type") == "bar"]
        except json.JSONDecodeError:
            continue
    return traces


def _small_cell(cell: str) -> bool:
    return re.fullmatch(r"[1-4]", cell) is not None


def _reveals_small(numerator: int, total: int) -> bool:
    """Whether a share numerator/total shown beside its total gives away a count of 1-4: the
    numerator itself, or the rest of the total by subtraction (10 of 11 in time: 1 late)."""
    return 0 < numerator < 5 or 0 < total - numerator < 5


def _percent_leaks(text: str) -> list[str]:
    """'x% of N' or 'x% (n of N)' statements whose numerator, or whose complement N - numerator,
    works back to 1-4."""
    leaks = []
    for match in re.finditer(r"(\d+(?:\.\d+)?)\s*%\s*(?:of|of the)\s+(\d[\d,]*)\b", text):
        total = int(match.group(2).replace(",", ""))
        numerator = round(float(match.group(1)) * total / 100)
        if _reveals_small(numerator, total):
            leaks.append(match.group(0))
    for match in re.finditer(r"\((\d[\d,]*) of (\d[\d,]*)\)", text):
        numerator, total = (int(match.group(i).replace(",", "")) for i in (1, 2))
        if _reveals_small(numerator, total):
            leaks.append(match.group(0))
    return leaks


def _misstated(page: str, twin: str) -> list[str]:
    """Each ``<5`` (table cell or sentence) whose counterpart in the unsuppressed twin is not 1-4.

    A traced figure's counterpart is the twin's figure of the same measures row, where the twin
    shows that row with one value (a group report shows each member's rows under the same key): a
    chart's summary names the groups the published chart does not draw, which the twin draws, so
    no sentence of the twin is its counterpart. Any other ``<5`` in a sentence is matched to the
    twin's word in its place."""
    wrong = []
    published_cells, twin_cells = keyed_cells(page), keyed_cells(twin)
    for key, value in published_cells.items():
        if value == "<5" and not re.fullmatch(r"[1-4]", twin_cells.get(key, "")):
            wrong.append(f"<5 where the internal version shows {twin_cells.get(key)!r}: {key}")
    twin_texts: dict[tuple, set[str]] = {}
    for shown in traced_figures(twin):
        twin_texts.setdefault(tuple(shown.get(k) for k in KEYS), set()).add(shown["text"])
    one_value = {key: texts.pop() for key, texts in twin_texts.items() if len(texts) == 1}
    for shown in traced_figures(page):
        key = tuple(shown.get(k) for k in KEYS)
        if shown["text"] == "<5" and key in one_value:
            if not re.fullmatch(r"[1-4]", one_value[key]):
                wrong.append(f"<5 where the internal version shows {one_value[key]!r}: {key}")

    def by_key(found: re.Match) -> str:
        """A figure checked by its row above is left out of the word-by-word comparison."""
        (shown,) = traced_figures(found.group(0))
        return " " if tuple(shown.get(k) for k in KEYS) in one_value else found.group(0)

    without_tables = [
        visible_tokens(SPAN.sub(by_key, re.sub(r"<table\b.*?</table>", " ", p, flags=re.S)))
        for p in (page, twin)
    ]
    published, internal = without_tables
    matcher = difflib.SequenceMatcher(None, published, internal, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "replace":
            continue
        for offset, word in enumerate(published[i1:i2]):
            if word.rstrip(".,;)") != "<5":
                continue
            other = internal[j1 + offset] if j1 + offset < j2 else ""
            if not re.fullmatch(r"[1-4][.,;)]*", other):  # "2))": a nested bracket
                context = " ".join(published[max(0, i1 - 6) : i1 + offset + 1])
                wrong.append(f"<5 where the internal version shows {other!r}: {context}")
    return wrong


def page_problems(name: str, path: Path, twin: str) -> list[str]:
    """Everything wrong with one published page (``twin``: the same page unsuppressed)."""
    problems: list[str] = []
    page = path.read_text(encoding="utf-8")
    # Weight (issue 16 point 9): plotly.js is shared beside the documents, not inlined.
    if path.stat().st_size > 1_500_000:
        problems.append(f"{name}: {path.stat().st_size:,} bytes, over 1.5 MB")
    if '<figure class="chart"' in page and not (path.parent / PLOTLY_FILE).is_file():
        problems.append(f"{name}: charts without {PLOTLY_FILE} beside the document")
    problems += [
        f"{name}: {caption}: {heading} {cell!r}"
        for caption, heading, cell in table_cells(page)
        if (
            _small_cell(cell)
            and not NOT_COUNTS.match(heading)
            and not NOT_PEOPLE_ROWS.search(caption)
        )
        or mentions_small_count(cell)
    ]
    problems += [
        f"{name}: {caption}: {heading}: percentage reveals a small count: {p}"
        for caption, heading, cell in table_cells(page)
        if not NOT_PEOPLE_TEXT.search(cell)
        for p in _percent_leaks(cell)
    ]
    for text in sentences(page) + cell_items(page):
        if mentions_small_count(text):
            problems.append(f"{name}: sentence states a small count: {text[:160]}")
        if not NOT_PEOPLE_TEXT.search(text):
            problems += [f"{name}: percentage reveals a small count: {p}" for p in
                         _percent_leaks(text)]  # fmt: skip
    for trace in chart_bars(page):
        for value, text in zip(trace.get("x", []), trace.get("text") or [], strict=False):
            if text in ("&lt;5", "<5", "[c]") and value is not None:
                problems.append(f"{name}: chart bar {text} drawn at {value}")
    problems += [f"{name}: {w}" for w in _misstated(page, twin)]
    return problems


def test_published_documents_never_show_or_misstate_small_counts(example, rendered):
    _, landlord, con = example
    _, documents, twins = rendered
    assert documents.keys() == twins.keys()
    problems: list[str] = []
    leaking = leaking_rows(con.sql("select * from measures").pl())
    for name, path in documents.items():
        problems += page_problems(name, path, twins[name].read_text(encoding="utf-8"))
        # Each figure traced to its row (pipeline/reporting/trace.py): a row whose figure would
        # give away a count of 1-4 is never shown as a number.
        for shown in traced_figures(path.read_text(encoding="utf-8")):
            key = tuple(shown.get(k) for k in KEYS)
            if (
                key in leaking
                and shown["text"] not in SUPPRESSED
                and re.search(r"\d", shown["text"])
            ):
                problems.append(f"{name}: {shown['text']} shown for {leaking[key]}")
    assert problems == [], "\n".join(problems[:40])


def test_no_hidden_count_follows_from_sums_across_the_documents(example, rendered):
    """A disclosure-control auditor's attack (ONS / GSS guidance) on all the year's published
    documents together: the annual report, the learning summaries (each quarter's too), the
    scheme and business-unit reports and the self-assessment. Each row is shown alike wherever
    it is shown; no hidden count comes back from the sums the measures imply (breakdown cells
    and their total, LCRA + LCHO, a stream's schemes, the quarters and months of a year), taking
    each shown rate to give away its numerator and denominator and repeating as a reader would
    (tests/integration/differencing.py); nothing shown is misstated (a number is its row's, a
    ``<5`` a count of 1-4); and no chart draws a point its tables withhold, or another value
    than the internal chart."""
    _, landlord, con = example
    year, documents, twins = rendered
    pages = {name: path.read_text(encoding="utf-8") for name, path in documents.items()}
    shown = shown_figures(pages.values())
    differing = {key: texts for key, texts in shown.items() if len(texts) > 1}
    assert not differing, list(differing.items())[:5]
    measures = con.sql("select * from measures").pl()
    streams = suppression.scheme_streams(landlord.business_streams)
    leaks = recovered_small_figures(measures, shown, streams, shown_parts(pages.values()))
    assert leaks == [], leaks[:5]
    assert misstated_figures(measures, shown) == []
    problems = []
    for name, page in pages.items():
        internal = chart_points(twins[name].read_text(encoding="utf-8"))
        for point, (value, text) in chart_points(page).items():
            if value is not None and text in SUPPRESSED:
                problems.append(f"{name}: {point} drawn at {value} beside {text}")
            if value is not None and point in internal and internal[point][0] != value:
                problems.append(f"{name}: {point} drawn at {value}, {internal[point][0]} inside")
    assert problems == [], problems[:10]


@pytest.mark.parametrize("year", YEARS)
def test_no_schemes_hidden_figure_follows_from_its_business_unit(example, year, tmp_path):
    """The scheme reports publish each business unit's figures beside its schemes': a unit's figure
    minus its shown schemes' must never give back the one hidden scheme figure (small_specialist
    2025-26: Extra Care 10, Harbour View 6, so St Hilda's Court's "<5" was 4)."""
    workspace, landlord, con = example
    if not landlord.business_streams:
        pytest.skip("no business streams")
    found = schemes.render_scheme_reports(
        con, landlord, year, tmp_path, workspace=workspace, pdf=False
    )
    if not found:
        pytest.skip("no schemes this year")
    stream_of = suppression.scheme_streams(landlord.business_streams)
    figures = traced_figures(found["html"].read_text(encoding="utf-8"))
    units: dict[tuple, str] = {}
    members: dict[tuple, dict[str, str]] = {}
    for fig in figures:
        cell = (fig["measure"], fig["period"], fig.get("view"))
        if fig["breakdown"] == "business_stream":
            units[(*cell, fig["breakdown_value"])] = fig["text"]
        elif fig["breakdown"] == "scheme":
            stream = stream_of.get(fig["breakdown_value"], "other schemes")
            members.setdefault((*cell, stream), {})[fig["breakdown_value"]] = fig["text"]
    leaks = [
        (key, shown, members[key])
        for key, shown in units.items()
        if shown not in SUPPRESSED
        and key in members
        and sum(text in SUPPRESSED for text in members[key].values()) == 1
    ]
    assert not leaks, leaks[:5]


def small_money(frame: pl.DataFrame) -> pl.DataFrame:
    """Rows of a non-zero sum of money (unit gbp) made of 1-4 payments (offers, orders), or with no
    count of them in its cell: its count measure's value in the same cell (unsuppressed rows)."""
    cell = [c for c in ("period", "breakdown", "breakdown_value", "view") if c in frame.columns]
    counts = frame.filter(pl.col("measure").is_in(list(MONEY_COUNTS.values()))).select(
        *cell, pl.col("measure").alias("_count_of"), pl.col("value").alias("_payments")
    )
    money = frame.filter((pl.col("unit") == "gbp") & (pl.col("value") != 0)).with_columns(
        pl.col("measure").replace_strict(MONEY_COUNTS, default="").alias("_count_of")
    )
    joined = money.join(counts, on=[*cell, "_count_of"], how="left", nulls_equal=True)
    return joined.filter(~(pl.col("_payments") >= 5).fill_null(False)).drop(
        "_count_of", "_payments"
    )


def leaking_rows(frame: pl.DataFrame) -> dict[tuple, str]:
    """The measure rows (by trace key) a published document may not show as a number: a count of
    1-4, a rate whose numerator or denominator is one, a percentage of counts whose complement is
    one, a sum of money made of 1-4 payments (unsuppressed figures, judged without the rule under
    test)."""
    about_people = frame.filter(~pl.col("measure").is_in(NOT_ABOUT_PEOPLE)).with_columns(
        pl.lit(False).alias("suppressed")
    )
    counts = about_people.filter((pl.col("unit") == "count") & pl.col("value").is_between(1, 4))
    rates = shown_rate_leaks(about_people)
    money = small_money(frame).with_columns(pl.lit(False).alias("suppressed"))
    return {
        tuple(
            row[k] for k in KEYS
        ): f"{row['unit']} {row['numerator']}/{row['denominator']} {row['value']}"
        for row in pl.concat([counts, rates, money.select(counts.columns)]).iter_rows(named=True)
    }


def shown_rate_leaks(rows: pl.DataFrame) -> pl.DataFrame:
    """Rows (unsuppressed figures, with the published ``suppressed`` flag) of a rate left shown
    whose numerator or denominator is 1-4, or, for a percentage of counts (whole numerator and
    denominator; not a weighted survey share), whose complement is: 90.9% of 11 says 1 was late."""
    shown_rates = rows.filter(
        pl.col("unit").is_in(["percent", "per_1000", "wd"])
        & ~pl.col("suppressed")
        & ~pl.col("measure").is_in(NOT_ABOUT_PEOPLE)
    )
    small = lambda c: pl.col(c).is_between(1, 4)  # noqa: E731
    whole = (pl.col("numerator") == pl.col("numerator").round(0)) & (
        pl.col("denominator") == pl.col("denominator").round(0)
    )
    complement = (pl.col("denominator") - pl.col("numerator")).is_between(1, 4)
    return shown_rates.filter(
        small("denominator")
        | (pl.col("unit").is_in(["percent", "per_1000"]) & small("numerator"))
        | ((pl.col("unit") == "percent") & whole & complement)
    )


def test_published_measure_rows_hide_every_rate_of_a_small_count(example):
    _, landlord, con = example
    frame = con.sql("select * from measures").pl()
    published = suppress_small_numbers(frame, landlord.thresholds.small_number_suppression)
    internal = frame.with_row_index("_row").join(
        published.with_row_index("_row").select(
            "_row", "suppressed", "suppressed_reason", "display"
        ),
        on="_row",
        suffix="_published",
    )
    leaks = shown_rate_leaks(internal)
    assert leaks.is_empty(), leaks.head(5)
    # "<5" only where the count really is 1-4; a count of 5 or more that is hidden says [c].
    small_shown = internal.filter(pl.col("display_published") == "<5")
    # (weighted survey counts can be fractional: 4.3 weighted responses is under 5 too)
    assert ((small_shown["value"] > 0) & (small_shown["value"] < 5)).all()
    assert small_shown["unit"].eq("count").all()
    big_hidden = internal.filter(
        pl.col("suppressed") & (pl.col("value") >= 5) & (pl.col("unit") == "count")
    )
    assert big_hidden["display_published"].eq("[c]").all()
    assert (big_hidden["suppressed_reason"] == "secondary").all()
    # No breakdown slice is left with exactly one hidden cell beside shown non-zero cells (its
    # total minus the shown cells would give it away); a lone hidden cell among zeros equals the
    # total, which is then a small count hidden itself.
    slices = (
        internal.filter((pl.col("breakdown") != "none") & pl.col("unit").eq("count"))
        .group_by("measure", "period", "breakdown", "view")
        .agg(
            pl.col("suppressed").sum().alias("hidden"),
            ((pl.col("value") > 0) & ~pl.col("suppressed")).sum().alias("shown_non_zero"),
            pl.col("breakdown").first().alias("b"),
        )
    )
    lone = slices.filter(
        (pl.col("hidden") == 1)
        & (pl.col("shown_non_zero") > 0)
        & ~pl.col("b").str.contains("|", literal=True)
    )
    assert lone.is_empty(), lone.head(5)


@pytest.fixture(scope="module")
def group_root(tmp_path_factory):
    """Every example in its own warehouse file, as a housing group's runs leave them."""
    root = tmp_path_factory.mktemp("group")
    for name in EXAMPLES:
        path = warehouse_path(name, root)
        path.parent.mkdir(parents=True, exist_ok=True)
        with duckdb.connect(str(path)) as con:
            measured_example(con, name, YEARS)
    return root


@pytest.mark.parametrize("year", YEARS)
def test_published_group_report_never_shows_or_misstates_small_counts(group_root, year):
    """The group report (every member beside the group's combined figures) under the same
    properties, plus: a group figure is never shown beside exactly one hidden member figure (the
    group minus the other members would give it back) nor beside several hidden counts it pins (a
    group 34 beside <5, 12, 20, <5: both 1), and its published csv shows no figure the
    published rows hide."""
    con = open_group(group_root)
    try:
        period = parse_period(year)
        published = render_group_report(con, period, group_root, published=True, pdf=False)
        internal = render_group_report(con, period, group_root, published=False, pdf=False)
        members = con.sql("select * from measures where period = ?", params=[year]).pl()
    finally:
        con.close()
    page = published["html"].read_text(encoding="utf-8")
    twin = internal["html"].read_text(encoding="utf-8")
    problems = page_problems("group_report_published", published["html"], twin)
    side_by_side = [t for t in tables(page) if t[1][-1:] == ["Group"]]
    assert side_by_side, "no table of members beside the group"
    for caption, _, rows in side_by_side:
        for row in rows:
            hidden = sum(cell in SUPPRESSED for cell in row[1:-1])
            if hidden == 1 and row[-1] not in (*SUPPRESSED, "[U]"):
                problems.append(f"{caption} / {row[0]}: group {row[-1]} beside one hidden member")
            # Several hidden counts of 1-4 that the group pins: each 1, or each 4.
            numbers = [c.replace(",", "") for c in row[1:] if c not in SUPPRESSED]
            if (
                hidden >= 2
                and all(c == "<5" or c not in SUPPRESSED for c in row[1:-1])
                and all(re.fullmatch(r"\d+", n) for n in numbers)
                and row[-1] not in SUPPRESSED
            ):
                rest = int(numbers[-1]) - sum(int(n) for n in numbers[:-1])
                if rest in (hidden, 4 * hidden):
                    problems.append(f"{caption} / {row[0]}: group {row[-1]} pins {hidden} hidden")
    # The csv beside the published report is published too; the internal one is a separate file.
    assert published["csv"] != internal["csv"]
    shown = pl.read_csv(published["csv"], infer_schema_length=None)
    combined = pl.read_csv(internal["csv"], infer_schema_length=None)
    key = ["measure", "period", "breakdown", "breakdown_value", "view"]
    both = combined.join(shown.select(*key, "suppressed", "display"), on=key, suffix="_published")
    assert both.height == combined.height == shown.height
    small_counts = both.filter(
        (pl.col("unit") == "count")
        & pl.col("value").is_between(1, 4)
        & ~pl.col("measure").is_in(NOT_ABOUT_PEOPLE)
        # <5, or [c] where its breakdown is withheld whole (its hidden counts pinned by the total)
        & ~pl.col("display_published").is_in(["<5", "[c]"])
    )
    problems += [f"group csv: count {r['measure']} {r['display']}" for r in small_counts.iter_rows(named=True)]  # fmt: skip
    problems += [f"group csv: rate {r['measure']} {r['breakdown_value']} {r['numerator']}/{r['denominator']}" for r in shown_rate_leaks(both).iter_rows(named=True)]  # fmt: skip
    money = small_money(both).filter(pl.col("display_published") != "[c]")
    problems += [f"group csv: money {r['measure']} {r['breakdown_value']} {r['display']}" for r in money.iter_rows(named=True)]  # fmt: skip
    # Hidden figures carry no number in the published csv.
    hidden = shown.filter(pl.col("suppressed"))
    assert hidden.select("value", "numerator", "denominator").null_count().sum_horizontal()[0] == (
        3 * hidden.height
    )
    # A group row shown beside exactly one hidden member row (the members as published).
    member_rows = pl.concat(
        [
            suppress_small_numbers(frame.drop("group_landlord"), 5).select(
                *key, "suppressed", "numerator", "denominator"
            )
            for frame in members.partition_by("group_landlord")
        ]
    )
    lone = (
        member_rows.group_by(key)
        .agg(pl.col("suppressed").sum().alias("members_hidden"))
        .join(shown.filter(~pl.col("suppressed")).select(*key, "display"), on=key)
        .filter(pl.col("members_hidden") == 1)
    )
    problems += [f"group csv: {r['measure']} {r['breakdown_value']} {r['display']} beside one hidden member" for r in lone.iter_rows(named=True)]  # fmt: skip
    # A group percentage beside several hidden member percentages: its numerator and denominator
    # less the shown members' are the hidden members' together, and must not pin them (all 0% or
    # all 100%; numerators, answers late or denominators each 1, or each 4).
    shown_members = pl.col("suppressed").not_()
    together = member_rows.group_by(key).agg(
        pl.col("suppressed").sum().alias("hidden"),
        pl.col("numerator").filter(shown_members).sum().alias("shown_numerator"),
        pl.col("denominator").filter(shown_members).sum().alias("shown_denominator"),
    )
    hidden_members = pl.col("hidden").cast(pl.Float64)
    rest_numerator = pl.col("numerator") - pl.col("shown_numerator")
    rest_denominator = pl.col("denominator") - pl.col("shown_denominator")
    # (a weighted survey share's remainder is no count: only whole numbers have a complement)
    whole = (pl.col("numerator") == pl.col("numerator").round(0)) & (
        pl.col("denominator") == pl.col("denominator").round(0)
    )
    late = rest_denominator - rest_numerator
    pinned = (
        (rest_numerator == 0)
        | (rest_numerator == hidden_members)
        | (rest_numerator == 4 * hidden_members)
        | (rest_denominator == hidden_members)
        | (rest_denominator == 4 * hidden_members)
        | (whole & ((late == 0) | (late == hidden_members) | (late == 4 * hidden_members)))
    )
    pinning = (
        both.filter((pl.col("unit") == "percent") & ~pl.col("display_published").is_in(SUPPRESSED))
        .join(together, on=key)
        .filter((pl.col("hidden") >= 2) & pinned)
    )
    problems += [f"group csv: {r['measure']} {r['breakdown_value']} {r['display']} pins {r['hidden']} hidden members" for r in pinning.iter_rows(named=True)]  # fmt: skip
    assert problems == [], "\n".join(problems[:40])
