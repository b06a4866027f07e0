"""A disclosure-control auditor's attack on the published documents of one landlord and year.

Every figure the published documents show is traced to its measures row
(:mod:`pipeline.reporting.trace`). A reader who collects them all across the documents (the annual
report, the learning summaries, the scheme and business-unit reports, the self-assessment) knows
each shown figure, that a ``<5`` is 1 to 4 and nothing of a ``[c]``. The measures table implies
sums between its rows: the cells of a breakdown add up to the figure without it, each dimension of
a two- or three-way breakdown to the breakdown without that dimension, LCRA and LCHO to combined,
a business stream's schemes to the stream, and the months and quarters of a year to the year. Each
sum is taken as known only where the unsuppressed figures satisfy it, so a position at the period
end (which does not add up over months) is never assumed to.

:func:`recovered_small_figures` then works hidden figures back from those sums, repeatedly (a figure
recovered in one sum is known in the next), as a reader would, and returns every hidden figure that
comes back and would reveal a count of 1 to 4.

Rates are attacked through the counts they are made of: a rate per 1,000 homes gives its numerator
(the homes are published); a shown percentage its numerator and denominator (the denominator, the
count it is of, is published beside it, and to one decimal place the percentage then pins the
numerator), as :mod:`pipeline.reporting.suppression` assumes; a working-day mean neither (it adds
up days). Two measures' counts equal in every cell both have (a percentage's denominator and the
count it is of) are read one from the other (:func:`same_figures`).
"""

from __future__ import annotations

import html
import json
import re
from collections import defaultdict
from collections.abc import Iterable

import polars as pl

from pipeline.reporting.suppression import NOT_ABOUT_PEOPLE
from pipeline.reporting.trace import KEYS, traced_figures

SMALL = "<5"
_ATTR = re.compile(r'data-([a-z-]+)="([^"]*)"')
_NUMBER = re.compile(r"-?[\d,]+(?:\.\d+)?")
# The parts of a row a sum between rows adds up: a count's value; a rate's numerator and its
# denominator (a count of complaints, except the homes under a rate per 1,000 homes, which are
# published); a working-day mean's denominator (its numerator adds up days, not people).
_PARTS = {
    "count": ("value",),
    "percent": ("numerator", "denominator"),
    "per_1000": ("numerator",),
    "wd": ("denominator",),
}


def shown_figures(pages: Iterable[str]) -> dict[tuple, set[str]]:
    """Every traced figure of the pages: row key -> the texts shown for it anywhere."""
    shown: dict[tuple, set[str]] = defaultdict(set)
    for page in pages:
        for figure in traced_figures(page):
            shown[tuple(figure.get(k) for k in KEYS)].add(figure["text"].strip())
    return dict(shown)


# A percentage's parts written beside it, "65.2% (15 of 23)" or "[c] ([c] of 20)": its numerator
# and denominator, each a number, <5 or [c] (the self-assessment's evidence lines).
_PARTS_BESIDE = re.compile(
    r'<span class="figure"([^>]*)>[^<]*</span>%?\s*\(([\d,.]+|&lt;5|\[c\]) of ([\d,.]+|&lt;5|\[c\])\)'
)


def shown_parts(pages: Iterable[str]) -> dict[tuple, set[str]]:
    """(row key, part) -> the texts shown for a percentage's numerator or denominator where a
    page writes them beside it ("[c] ([c] of 20)" shows the denominator of a hidden rate)."""
    shown: dict[tuple, set[str]] = defaultdict(set)
    for page in pages:
        for match in _PARTS_BESIDE.finditer(page):
            attrs = {k.replace("-", "_"): html.unescape(v) for k, v in _ATTR.findall(match[1])}
            key = tuple(attrs.get(k) for k in KEYS)
            shown[(key, "numerator")].add(html.unescape(match[2]).strip())
            shown[(key, "denominator")].add(html.unescape(match[3]).strip())
    return dict(shown)


def _key(row: dict) -> tuple:
    return tuple(row[k] for k in KEYS)


def _longer_periods(measures: pl.DataFrame) -> dict[str, list[str]]:
    """Each month or quarter of the table -> the quarters and years of the table it falls in."""
    bounds = measures.select("period", "period_start", "period_end", "period_kind").unique("period")
    longer = bounds.filter(pl.col("period_kind").is_in(["quarter", "year"]))
    within = bounds.join(longer, how="cross", suffix="_longer").filter(
        (pl.col("period") != pl.col("period_longer"))
        & (pl.col("period_start_longer") <= pl.col("period_start"))
        & (pl.col("period_end") <= pl.col("period_end_longer"))
    )
    found: dict[str, list[str]] = defaultdict(list)
    for shorter, period in within.select("period", "period_longer").iter_rows():
        found[shorter].append(period)
    return found


def implied_sums(measures: pl.DataFrame, streams: dict[str, str]) -> list[tuple[tuple, list]]:
    """(total row key, part row keys) of every sum the table implies and its figures satisfy.

    ``streams``: scheme -> business stream (:func:`pipeline.reporting.suppression.scheme_streams`).
    """
    rows = measures.filter(
        pl.col("unit").is_in(list(_PARTS)) & ~pl.col("measure").is_in(NOT_ABOUT_PEOPLE)
    )
    index = {_key(r): r for r in rows.iter_rows(named=True)}
    longer_periods = _longer_periods(measures)
    # (total row key, how its parts add up to it) -> the parts: one sum per breakdown and
    # dimension (a measure's stages, regimes and months each add up to its total on their own)
    groups: dict[tuple, list] = defaultdict(list)
    for key, row in index.items():
        measure, period, breakdown, value, view = key
        if breakdown != "none":
            dims, values = breakdown.split("|"), value.split("|")
            for i in range(len(dims)):
                rest_dims, rest_values = dims[:i] + dims[i + 1 :], values[:i] + values[i + 1 :]
                total = (
                    (measure, period, "|".join(rest_dims), "|".join(rest_values), view)
                    if rest_dims
                    else (measure, period, "none", "all", view)
                )
                groups[(total, (breakdown, i))].append(key)
        if breakdown == "stock_type" and value in ("lcra", "lcho"):
            groups[((measure, period, breakdown, "combined", view), "stock")].append(key)
        if breakdown == "scheme":
            stream = streams.get(value, "unknown" if value == "unknown" else "other schemes")
            groups[((measure, period, "business_stream", stream, view), "stream")].append(key)
        if row["period_kind"] in ("month", "quarter"):
            for longer in longer_periods.get(period, []):
                groups[((measure, longer, breakdown, value, view), row["period_kind"])].append(key)
    sums = []
    for (total_key, _), parts in groups.items():
        if total_key not in index or total_key in parts:
            continue
        units = {index[total_key]["unit"], *(index[p]["unit"] for p in parts)}
        if len(units) != 1:
            continue
        adds_up = all(
            index[total_key][part] is not None
            and all(index[p][part] is not None for p in parts)
            and abs(sum(index[p][part] for p in parts) - index[total_key][part]) < 1e-9
            for part in _PARTS[units.pop()]
        )
        if adds_up and len(parts) >= 2:
            sums.append((total_key, parts))
    return sums


def same_figures(measures: pl.DataFrame, least_cells: int = 3) -> list[tuple[tuple, tuple]]:
    """Pairs of (row key, part) that are one figure under two measures: parts of two measures
    equal in every cell (period, breakdown, value, view) both have, in at least ``least_cells``
    cells, some of them non-zero (a percentage's denominator and the count it is of: CH02_1's and
    the stage 1 answers', TP09's and its respondents'). A reader who knows the measures' meaning
    reads one from the other."""
    cell = ["period", "breakdown", "breakdown_value", "view"]
    rows = measures.filter(
        pl.col("unit").is_in(list(_PARTS)) & ~pl.col("measure").is_in(NOT_ABOUT_PEOPLE)
    )
    long = pl.concat(
        [
            rows.filter(pl.col("unit") == unit).select(
                *cell,
                "measure",
                pl.lit(part).alias("part"),
                pl.col(part).cast(pl.Float64).alias("figure"),
            )
            for unit, parts in _PARTS.items()
            for part in parts
        ]
    ).filter(pl.col("figure").is_not_null())
    pairs = long.join(long, on=cell, suffix="_other").filter(
        (pl.col("measure") + pl.col("part")) < (pl.col("measure_other") + pl.col("part_other"))
    )
    one_figure = (
        pairs.group_by("measure", "part", "measure_other", "part_other")
        .agg(
            (pl.col("figure") == pl.col("figure_other")).all().alias("equal"),
            pl.len().alias("cells"),
            (pl.col("figure") != 0).sum().alias("non_zero"),
        )
        .filter(pl.col("equal") & (pl.col("cells") >= least_cells) & (pl.col("non_zero") >= 2))
        .select("measure", "part", "measure_other", "part_other")
    )
    found = pairs.join(one_figure, on=["measure", "part", "measure_other", "part_other"])
    return [
        (
            (
                (r["measure"], r["period"], r["breakdown"], r["breakdown_value"], r["view"]),
                r["part"],
            ),
            (
                (r["measure_other"], r["period"], r["breakdown"], r["breakdown_value"], r["view"]),
                r["part_other"],
            ),
        )
        for r in found.iter_rows(named=True)
    ]


def _known_parts(row: dict, texts: set[str]) -> dict[str, float | str]:
    """What a reader knows of each part of ``row`` from the texts shown for it: a count's
    number; a rate per 1,000 homes' numerator (the homes are published); a percentage's numerator
    and denominator (its denominator, the count it is of, is published beside it, and to one
    decimal place the percentage then pins its numerator: the rule assumes as much); ``<5``; or
    nothing (a working-day mean, ``[c]``, ``[U]``, not shown)."""
    if any(_NUMBER.fullmatch(t.rstrip("%")) for t in texts) and row["unit"] != "wd":
        return {part: row[part] for part in _PARTS[row["unit"]]}
    if SMALL in texts:
        return {"value": SMALL}
    return {}


def recovered_small_figures(
    measures: pl.DataFrame,
    shown: dict[tuple, set[str]],
    streams,
    parts_shown: dict[tuple, set[str]] | None = None,
):
    """Hidden figures a reader of the documents can work back and that reveal a count of 1-4:
    (row key, part, true value, how) for each. ``parts_shown`` (:func:`shown_parts`): the
    numerators and denominators pages write beside a percentage, known too."""
    sums = implied_sums(measures, streams)
    index = {_key(r): r for r in measures.iter_rows(named=True)}
    known: dict[tuple, float | str] = {}
    for key, texts in shown.items():
        if key in index and index[key]["unit"] in _PARTS:
            for part, value in _known_parts(index[key], texts).items():
                known[(key, part)] = value
    for (key, part), texts in (parts_shown or {}).items():
        if key not in index or index[key]["unit"] != "percent":
            continue
        if any(_NUMBER.fullmatch(text) for text in texts):
            known[(key, part)] = index[key][part]
        elif SMALL in texts and (key, part) not in known:
            known[(key, part)] = SMALL
    how: dict[tuple, str] = {}
    same = same_figures(measures)
    changed = True
    while changed:
        changed = False
        for first, second in same:
            numbers = [c for c in (first, second) if isinstance(known.get(c), float | int)]
            if len(numbers) == 1:
                (source,) = numbers
                (cell,) = [c for c in (first, second) if c != source]
                if index[cell[0]][cell[1]] is None:  # a percentage whose count is not known
                    continue
                known[cell] = index[cell[0]][cell[1]]
                how[cell] = f"{_name(cell[0])} {cell[1]} = {_name(source[0])} {source[1]}"
                changed = True
        for total, parts in sums:
            for part in _PARTS[index[total]["unit"]]:
                cells = [(total, part), *((p, part) for p in parts)]
                unknown = [c for c in cells if not isinstance(known.get(c), float | int)]
                small = [c for c in unknown if known.get(c) == SMALL]
                numbers = {c: known[c] for c in cells if c not in unknown}
                if len(unknown) == 1:
                    (cell,) = unknown
                    rest = sum(v for c, v in numbers.items() if c != (total, part))
                    value = numbers[(total, part)] - rest if cell != (total, part) else rest
                elif len(unknown) >= 2 and len(small) == len(unknown) and (total, part) in numbers:
                    rest = numbers[(total, part)] - sum(
                        v for c, v in numbers.items() if c != (total, part)
                    )
                    if rest not in (len(small), 4 * len(small)):
                        continue
                    for cell in small:
                        known[cell] = rest / len(small)
                        how[cell] = (
                            f"{'+'.join(_name(c[0]) for c in small)} = {_name(total)} - shown"
                        )
                    changed = True
                    continue
                else:
                    continue
                known[cell] = value
                how[cell] = f"{_name(total)} = " + " + ".join(_name(c[0]) for c in cells[1:])
                changed = True
    return [
        (key, part, index[key][part], how[(key, part)])
        for (key, part) in how
        if _reveals_small(index[key], part, known)
    ]


def _reveals_small(row: dict, part: str, known: dict) -> bool:
    """Whether the recovered ``part`` of ``row`` is 1-4, or, for a percentage of counts whose
    other part is known too, leaves an answer count of 1-4 by subtraction."""
    value = row[part]
    if value is not None and 0 < value < 5:
        return True
    both = all(isinstance(known.get((_key(row), p)), float | int) for p in _PARTS["percent"])
    return (
        row["unit"] == "percent"
        and both
        and float(row["numerator"]).is_integer()
        and 0 < row["denominator"] - row["numerator"] < 5
    )


def _name(key: tuple) -> str:
    return "/".join(str(k) for k in key)


def misstated_figures(measures: pl.DataFrame, shown: dict[tuple, set[str]]) -> list[str]:
    """Shown figures that are not their row's: a number other than the row's (a withheld figure
    shown as 0, say), or ``<5`` for anything but a count of 1 to 4."""
    index = {_key(r): r for r in measures.iter_rows(named=True)}
    wrong = []
    for key, texts in shown.items():
        row = index.get(key)
        if row is None:
            continue
        for text in texts:
            if text == SMALL and not (row["unit"] == "count" and 0 < (row["value"] or 0) < 5):
                wrong.append(f"{_name(key)}: <5 for {row['display']}")
            number = _figure_number(text)
            if number is not None and number != _figure_number(row["display"] or ""):
                wrong.append(f"{_name(key)}: {text} for {row['display']}")
    return wrong


def _figure_number(text: str) -> float | None:
    """The number a figure's text states ("1,234", "90.1%", "£1,234.50"), or None."""
    bare = text.strip().lstrip("£").rstrip("%").replace(",", "")
    return float(bare) if _NUMBER.fullmatch(bare) else None


_PLOT = re.compile(r"Plotly\.newPlot\(\s*\"(?P<id>[^\"]+)\",\s*(?P<data>\[)", re.S)


def chart_points(page: str) -> dict[tuple, tuple[float | None, str | None]]:
    """Every point of the page's Plotly charts: (chart id, trace name, category) -> (the value
    drawn, the text beside it)."""
    points = {}
    decoder = json.JSONDecoder()
    for found in _PLOT.finditer(page):
        traces, _ = decoder.raw_decode(page, found.start("data"))
        for number, trace in enumerate(traces):
            across = trace.get("orientation") == "h"
            values = trace.get("x" if across else "y") or []
            categories = trace.get("y" if across else "x") or []
            texts = trace.get("text") or []
            texts = texts if isinstance(texts, list) else [texts] * len(values)
            for i, (category, value) in enumerate(zip(categories, values, strict=False)):
                text = html.unescape(texts[i]) if i < len(texts) and texts[i] else None
                name = trace.get("name") or str(number)
                points[(found["id"], name, str(category))] = (value, text)
    return points
