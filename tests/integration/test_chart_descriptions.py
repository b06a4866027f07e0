"""Every chart description in small_specialist's published documents agrees with the measures.

small_specialist is small enough that most of its monthly and per-area figures are withheld
(``<5``, ``[c]``) in its published documents. Each published document is rendered beside its
unsuppressed twin (the same document read from the same measure rows without suppression:
:func:`tests.integration.test_suppression_documents._unsuppressed_twins`), whose chart data
tables hold the measures table's real figures, withheld ones included. Then each chart's text
alternative (the ``role="img"`` ``aria-label``) is read claim by claim:

- a value stated for a month or group is the figure published for it, never a withheld one, and
  the real figure too;
- an unqualified highest, lowest, largest, smallest, first ('from') or last ('to') is one over
  the real figures, withheld ones included (a withheld month may not be lower than 'the lowest');
- a count of groups, of bars, of months not shown is the count the published data shows;
- a withheld figure is a gap in its line, never drawn (as zero or otherwise);
- "no figures" is said only where the unsuppressed document says it too.
"""

from __future__ import annotations

import html as html_lib
import json
import re

import duckdb
import pytest

from pipeline.reporting.suppression import withheld_mark
from tests.integration.examples import measured_example
from tests.integration.test_suppression_documents import (
    _published_documents,
    _unsuppressed_twins,
    tables,
)

pytestmark = pytest.mark.slow

LANDLORD = "small_specialist"
YEARS = ["2024-25", "2025-26"]
NO_FIGURES = "no figures for this period"
NUMBER = r"-?\d[\d,]*(?:\.\d+)?"


@pytest.fixture(scope="module")
def example():
    con = duckdb.connect()
    workspace, landlord = measured_example(con, LANDLORD, YEARS)
    yield workspace, landlord, con
    con.close()


def number(text: str | None) -> float | None:
    """The figure a cell or claim states, None for a withheld or missing one."""
    text = (text or "").strip().rstrip("%")
    return float(text.replace(",", "")) if re.fullmatch(NUMBER, text) else None


def charts(page: str) -> dict[str, dict]:
    """Each chart of the page by id: title, description, data table, Plotly traces."""
    found = {}
    for match in re.finditer(
        r'<figure class="chart"[^>]*aria-labelledby="(?P<id>[^"]+)-caption".*?</figure>', page, re.S
    ):
        chart_id, block = match["id"], match.group(0)
        title = re.search(r'<span class="chart-title"[^>]*>(.*?)</span>', block, re.S)
        label = re.search(r'class="chart-plot" role="img" aria-label="([^"]*)"', block)
        call = re.search(r"Plotly\.newPlot\(\s*\"[^\"]+\",\s*(\[.*?\])\s*,\s*\{", block, re.S)
        table_html = re.search(
            rf'<div id="{re.escape(chart_id)}-data".*?</table>', page, re.S
        ).group(0)
        (_, headings, rows) = tables(table_html)[0]
        found[chart_id] = {
            "title": html_lib.unescape(title.group(1)),
            "description": " ".join(html_lib.unescape(label.group(1)).split()),
            "headings": headings,
            "rows": rows,
            "traces": json.loads(call.group(1)),
        }
    return found


def column(chart: dict, heading: str) -> dict[str, str]:
    """Row label -> cell text of one column of a chart's data table."""
    index = chart["headings"].index(heading)
    return {row[0]: row[index] for row in chart["rows"]}


def line_problems(name: str, chart: dict, twin: dict) -> list[str]:
    problems = []
    description = chart["description"]
    series = chart["headings"][1:]
    starts = sorted((description.index(f"{s}: "), s) for s in series if f"{s}: " in description)
    x = [row[0] for row in chart["rows"]]
    for position, (start, heading) in enumerate(starts):
        end = starts[position + 1][0] if position + 1 < len(starts) else len(description)
        segment = description[start:end]
        shown, real = column(chart, heading), column(twin, heading)
        real_values = [number(real[m]) for m in x if number(real[m]) is not None]
        shown_months = [m for m in x if number(shown[m]) is not None]
        real_months = [m for m in x if number(real[m]) is not None]
        withheld = [m for m in x if withheld_mark(shown[m])]
        where = f"{name}: {chart['title']}: {segment!r}"
        claims = re.finditer(
            rf"(?P<kind>from|to|highest|lowest|first shown|last shown) (?P<v>{NUMBER})%? in "
            rf"(?P<x>{'|'.join(map(re.escape, x))})",
            segment,
        )
        for claim in claims:
            value, month, kind = float(claim["v"].replace(",", "")), claim["x"], claim["kind"]
            if withheld_mark(shown[month]) or number(shown[month]) != value:
                problems.append(f"{where}: {value} for {month}, published {shown[month]!r}")
            if number(real[month]) != value:
                problems.append(f"{where}: {value} for {month}, really {real[month]!r}")
            if kind == "highest" and value < max(real_values):
                problems.append(f"{where}: highest {value}, really {max(real_values)}")
            if kind == "lowest" and value > min(real_values):
                problems.append(f"{where}: lowest {value}, really {min(real_values)}")
            expected = {
                "from": real_months[:1],
                "to": real_months[-1:],
                "first shown": shown_months[:1],
                "last shown": shown_months[-1:],
            }.get(kind)
            if expected is not None and [month] != expected:
                problems.append(f"{where}: {kind} {month}, expected {expected}")
        for hidden, total in re.findall(r"(\d+) of (\d+) (?:months|quarters) not shown", segment):
            if (int(hidden), int(total)) != (len(withheld), len(x)):
                problems.append(f"{where}: {len(withheld)} of {len(x)} withheld")
        if withheld and "not shown" not in segment and "withheld" not in segment:
            problems.append(f"{where}: {len(withheld)} withheld months not mentioned")
    # A withheld month is a gap in its line.
    for trace in chart["traces"]:
        shown = column(chart, trace["name"])
        for month, y in zip(x, trace["y"], strict=True):
            if withheld_mark(shown[month]) and y is not None:
                problems.append(f"{name}: {chart['title']}: {trace['name']} {month} drawn at {y}")
    return problems


def bar_problems(name: str, chart: dict, twin: dict) -> list[str]:
    problems = []
    description = chart["description"]
    where = f"{name}: {chart['title']}: {description!r}"
    heading = chart["headings"][1]
    shown, real = column(chart, heading), column(twin, heading)
    real_values = {label: number(text) for label, text in real.items()}
    known = [v for v in real_values.values() if v is not None]
    withheld = [label for label, text in shown.items() if withheld_mark(text)]
    for label, text in shown.items():
        for stated in re.findall(rf"(?<![\w ]){re.escape(label)} \(([^)]*)\)", description):
            stated = re.sub(r"%| complaints$", "", stated)
            if stated != text:
                problems.append(f"{where}: {label} ({stated}), published {text!r}")
            elif number(stated) is not None and number(stated) != real_values[label]:
                problems.append(f"{where}: {label} ({stated}), really {real[label]!r}")
        claims_largest = any(
            phrase in description
            for phrase in (
                f"largest {label} (",
                f"{label} had the most",
                f"most common was {label} (",
                f"most was {label} (",
                f"largest category was {label} (",
            )
        )
        if claims_largest and real_values[label] != max(known):
            problems.append(f"{where}: {label} called the largest, really {max(known)} is")
        if f"smallest {label} (" in description and real_values[label] != min(known):
            problems.append(f"{where}: {label} called the smallest, really {min(known)} is")
    bars = sum(v is not None for trace in chart["traces"] for v in trace.get("x", []))
    for count in re.findall(r"(\d+) bars?;", description):
        if int(count) != bars:
            problems.append(f"{where}: {count} bars, {bars} drawn")
    for count in re.findall(r"of (\d+) (?:areas|categories)", description):
        if int(count) != len(real):
            problems.append(f"{where}: of {count}, really {len(real)}")
    for count in re.findall(r"(\d+) more not drawn", description):
        if int(count) != len(withheld):
            problems.append(f"{where}: {count} more not drawn, {len(withheld)} withheld")
    for drawn, total in re.findall(r"(\d+) of (\d+) shown", description):
        if (int(drawn), int(total)) != (len(shown) - len(withheld), len(shown)):
            problems.append(f"{where}: {drawn} of {total} shown")
    return problems


def notes(page: str) -> set[str]:
    return {
        " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", text)).split())
        for text in re.findall(r"<p\b[^>]*>(.*?)</p>", page, re.S)
    }


@pytest.mark.parametrize("year", YEARS)
def test_chart_descriptions_agree_with_the_measures(example, year, tmp_path, monkeypatch):
    workspace, landlord, con = example
    documents = _published_documents(con, landlord, workspace, year, tmp_path / "published")
    twins = _unsuppressed_twins(monkeypatch, con, landlord, workspace, year, tmp_path / "twin")
    problems: list[str] = []
    checked = withheld_charts = 0
    for name, path in documents.items():
        page, twin = path.read_text(encoding="utf-8"), twins[name].read_text(encoding="utf-8")
        twin_charts = charts(twin)
        for chart_id, chart in charts(page).items():
            if chart_id not in twin_charts:
                continue  # a sentence in the twin: nothing to compare the chart with
            checked += 1
            withheld_charts += any(withheld_mark(c) for row in chart["rows"] for c in row[1:])
            if any(trace.get("type") == "bar" for trace in chart["traces"]):
                problems += bar_problems(name, chart, twin_charts[chart_id])
            else:
                problems += line_problems(name, chart, twin_charts[chart_id])
        twin_notes = notes(twin)
        problems += [
            f"{name}: {text!r} where the unsuppressed document has figures"
            for text in notes(page)
            if NO_FIGURES in text and text not in twin_notes
        ]
    assert problems == [], "\n".join(problems[:30])
    # The check is about withheld figures: the example must have charts with some.
    assert checked >= 4 and withheld_charts >= 2, (checked, withheld_charts)
