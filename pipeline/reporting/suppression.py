"""Small-number suppression for published (website) versions of the documents (design.md s9).

One rule, used by every published table, chart and sentence:

- **Primary**: a count from 1 to ``threshold - 1`` is shown as ``<5``. A rate (percentage, per
  1,000 homes) whose numerator is such a count, or any rate or average whose denominator is, is
  shown as ``[c]``: with its denominator visible elsewhere the count could be worked back. So is a
  percentage of a count whose complement (denominator - numerator) is such a count: "90.9% of 11"
  says 1 of the 11 was not in time. Not per-1,000-homes rates (their denominator is homes) nor
  weighted survey percentages (a fractional weighted remainder is an estimate, not a count; their
  unweighted answer counts go through the count rule themselves).
- **Secondary**: a cell hidden only so that a total cannot give a primary cell away is shown as
  ``[c]`` (never ``<5``: it may be large). Within a breakdown (and, for a two- or three-way
  breakdown, within each of its rows and columns) a slice with exactly one hidden cell has its
  smallest other non-zero cell hidden too, repeated until no slice has a lone hidden cell; so
  does a slice whose hidden cells are all ``<5`` and add up to their least or most (each 1, or
  each 4: the total less the shown cells would give them back). Such a slice with no other
  non-zero cell to hide is withheld whole: every cell, zeros included, reads ``[c]``. In a
  breakdown by stock type the headline stock type (the one the TSM return reports, LCRA for a
  landlord with 1,000 or more LCRA homes, combined for one with under 1,000 of each:
  :func:`headline_stock_types`) is taken last, so a larger part or the combined total goes before
  the figure every document headlines (the TSM the landlord must publish). The months of a
  quarter and the quarters of a year are a slice too where they add up to it
  (:func:`pipeline.reporting.suppression_slices.period_slice`): the quarterly learning
  summaries publish them beside the year's.
- **Shared denominators**: a count hidden in one measure is often the denominator of a percentage
  in another measure of the same cell (period, breakdown and value): TP09's respondents under
  TP09 and its margin of error, CH01's complaints under CH02. A percentage to one decimal place
  pins its denominator once the reader knows it to within a few (41.5% of 39 to 42 respondents
  can only be 17 of 41), so a percentage whose denominator is a hidden count (or the numerator of
  a hidden rate per 1,000 homes) of its cell is hidden too.
- **Two views of one figure**: the regulator and management views of a measure (Code-capped and
  policy extensions) differ by the answers only the policy's longer extension put in time, a
  count of complaints, and every measure with both views differs by the same number. When that
  difference is 1-4, or the regulator figure is hidden, the management figure is hidden too; when
  the management figure is hidden and the difference is known (not 1-4), the regulator one is.
- **Money**: a sum of money (unit ``gbp``: compensation offered, paid or ordered, payments made
  without a complaint) is shown only when the payments (offers, orders) behind it number 0 or at
  least 5: a sum of 1-4 of them is close to one resident's payment, so it is ``[c]`` (a sum is
  not a count, so never ``<5``). The number behind each cell is the measure's count in the same
  cell of the measures table (:data:`MONEY_COUNTS`); a non-zero sum with no such count is
  withheld. The secondary rule then applies to money as to counts: a breakdown of money left with
  one withheld cell has its smallest other non-zero sum withheld too.
- Zero stays zero: it identifies nobody.
- **Combined figures** (the group report): a group figure beside exactly one hidden member figure
  is ``[c]``, and so is one beside several hidden ``<5`` counts that it pins (they add up to their
  least or their most: each 1, or each 4) (:func:`suppress_combined`); a group rate beside
  several hidden member rates whose numerators, denominators or complements it pins, too.

Suppressed rows lose ``value``, ``numerator`` and ``denominator`` (set to null) so no chart, hover
text or sentence built from them can show the number. Text built outside the measures table (counts
of improvement actions, letter summaries, file row counts) goes through :func:`count_text` and
:func:`mentions_small_count`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import polars as pl

from pipeline.reporting.labels import GLOSSARY
from pipeline.reporting.suppression_slices import (
    PERIOD_COLUMNS,
    REGULATOR,
    group_number,
    lone_in_slice,
    period_slice,
    position_of_hidden,
    shared_denominator,
    stuck_slice,
    twin_view,
    view_gap,
)
from pipeline.reporting.trace import plain

SUPPRESSED_RATE = "[c]"
SECONDARY = "[c]"
# Counts the rule leaves shown, however small, because they count no complaint and no person:
# the landlord's own service improvements (design.md s7 has the published documents list them,
# "learning and service improvements", the residents' "what changed", so each one is named beside
# these counts and hiding a count would hide nothing) and its homes (the TSM denominators the RSH
# publishes). Each published document's key says so (PUBLISHED_KEY).
# Complaint Handling Failure Orders are not among them: each is issued over one resident's
# complaint, like the Ombudsman's other orders, so their counts are suppressed as complaints are
# (and fewer than five are listed by reason only, docs/governance.md).
NOT_ABOUT_PEOPLE = (
    "learning_actions",
    "learning_actions_completed",
    "learning_actions_completed_by_due",
    "overdue_learning_actions",
    "stock_units",
)
# The key every published document states (design.md s7: "<5" and "[c]" "with a key").
PUBLISHED_KEY = (
    "<5: a count from 1 to 4, not shown so that nobody can be identified.",
    "[c]: a figure withheld because, with the figures around it, it would reveal a count under 5 "
    "(it may itself be large); a percentage is also withheld when its total minus its share "
    "would be under 5, and a sum of money (compensation, payments) when fewer than 5 payments "
    "make it up.",
    "Counts of our service improvements (raised, completed, completed on time, overdue) and of "
    "homes are shown in full, however small: they count our own actions and homes, not "
    "complaints or people, and each improvement is listed by name.",
    # not a suppression mark, but one a published reader meets beside them: the glossary's words
    f"[U]: {GLOSSARY['[U]']}",
)
# Sums of money (unit gbp) -> the count, in the measures table, of the payments (offers, orders)
# each sum is made of, cell by cell (same period, breakdown, value and view): the sum is shown only
# when that count is 0 or at least the threshold (sql/measures/remedies.sql, ombudsman.sql).
MONEY_COUNTS = {
    "compensation_offered_gbp": "compensation_offered_count",
    "compensation_paid_gbp": "compensation_paid_count",
    "remedy_payments_without_complaint": "remedy_payments_without_complaint_count",
    "ombudsman_compensation_ordered_gbp": "ombudsman_compensation_ordered_count",
}
_MONEY = "gbp"
# Units whose numerator is a count of complaints or people (a rate of it reveals the count).
_COUNT_NUMERATOR_UNITS = ("percent", "per_1000")
# Breakdown values that are the total of their own breakdown's other values (stock_type:
# lcra + lcho = combined): sorted last, so the same cell wins a tie whatever the rows' order.
_TOTALS_IN_BREAKDOWN = ("combined",)
_STOCK_TYPE = "stock_type"
_MAX_PASSES = 20


def withheld_because(reason: str | None, threshold: int = 5) -> str:
    """Why a ``[c]`` is withheld, by its ``suppressed_reason``, as a clause for residents."""
    if reason == "secondary":
        return (
            "with the figures published beside it, here or in our annual report, it would let a "
            f"hidden number under {threshold} be worked out (it may itself rest on many complaints)"
        )
    return (
        f"fewer than {threshold} complaints are behind it, or its total minus it would be "
        f"fewer than {threshold}"
    )


def small_label(threshold: int = 5) -> str:
    """The text shown for a count from 1 to ``threshold - 1``: ``<5``."""
    return f"<{threshold}"


def is_small(value: float | int | None, threshold: int = 5) -> bool:
    """Whether ``value`` is a count a published document must not show (1 to threshold - 1)."""
    return value is not None and 0 < value < threshold


def count_text(value: float | int | None, published: bool, threshold: int = 5) -> str:
    """A count as a published (``<5`` when small) or internal document shows it."""
    if value is None:
        return "[U]"
    if published and is_small(value, threshold):
        return small_label(threshold)
    return f"{value:,.0f}"


_SMALL_PATTERN = re.compile(
    # "stage 2 complaints", "section 4 complaints procedure", "section 2.3 tenant handbook": a
    # number naming a stage or a section of a document, not a count.
    r"(?<![Ss]tage )(?<![Ss]ection )(?<!\d\.)\b(?P<n>one|two|three|four|a single|single|[1-4])\s+"
    # "Complaint Handling Failure Orders" counts orders: the whole name is the noun, never
    # "complaint" alone (which would read "fewer than 5 Complaints Handling Failure Orders").
    r"(?P<noun>complaint handling failure orders?|chfos?|case|cases|determination|determinations|"
    r"finding|findings|order|orders|complaint|"
    r"complaints|resident|residents|person|people|household|households|"
    r"investigation|investigations|decision|decisions|enquiry|enquiries|referral|referrals|"
    r"member|members|tenant|tenants|family|families)\b"
    # a singular count's verb, which agrees with "fewer than 5 ..." once redacted
    r"(?P<verb>\s+(?:was|is|has)\b)?",
    re.IGNORECASE,
)
# Where a redacted count begins a sentence, "Fewer" keeps its capital.
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|\n\s*)[\"'‘“(]?$")
_PLURAL_VERB = {"was": "were", "is": "are", "has": "have"}


_SMALL_MARK = re.compile(r"<(?P<threshold>\d+)")


def withheld_mark(text: str | None) -> str | None:
    """The suppression mark (``<5`` or ``[c]``) a display text is, or None for a shown figure.

    Figure markers (:mod:`pipeline.reporting.trace`) around the text are ignored."""
    bare = plain(text or "").strip()
    if bare == SECONDARY or _SMALL_MARK.fullmatch(bare):
        return bare
    return None


def withheld_below(mark: str) -> float | None:
    """What a suppression mark tells of the figure behind it: ``<5`` is a count from 1 to 4, so
    under 5 (returned); ``[c]`` may be anything, even large (None)."""
    small = _SMALL_MARK.fullmatch(mark)
    return float(small["threshold"]) if small else None


def withheld_key(marks: Sequence[str]) -> str:
    """The key to the marks of figures not shown: '<5: fewer than 5', '[c]: withheld', or both."""
    parts = [
        f"{mark}: fewer than {mark[1:]}" for mark in sorted({m for m in marks if m != SECONDARY})
    ]
    if SECONDARY in marks:
        parts.append(f"{SECONDARY}: withheld")
    return "; ".join(parts)


def mentions_small_count(text: str) -> bool:
    """Whether free text (a letter summary, a narrative) states a count of 1-4 of something."""
    return _SMALL_PATTERN.search(text or "") is not None


def redact_small_counts(text: str, threshold: int = 5) -> str:
    """``text`` with every stated count of 1 to 4 (digits or words) replaced by ``fewer than 5``."""
    text = text or ""

    def redacted(m: re.Match) -> str:
        phrase = f"fewer than {threshold}"
        if _SENTENCE_START.search(text[: m.start()]):
            phrase = phrase.capitalize()
        verb = m.group("verb") or ""
        if verb:
            word = verb.strip()
            plural = _PLURAL_VERB[word.lower()]
            verb = verb.replace(word, plural.capitalize() if word[0].isupper() else plural)
        return f"{phrase} {_plural(m.group('noun'))}{verb}"

    return _SMALL_PATTERN.sub(redacted, text)


def quoted(text: str, published: bool, threshold: int = 5) -> str:
    """Words quoted from elsewhere (an Ombudsman's letter or finding), with any count under the
    threshold redacted when published ("one determination" is a small count too)."""
    return redact_small_counts(text, threshold) if published else text


def _plural(noun: str) -> str:
    lower = noun.lower()
    if lower.endswith("s"):
        return noun
    irregular = {"person": "people", "enquiry": "enquiries", "family": "families"}
    return irregular.get(lower, noun + "s")


def _cell() -> pl.Expr:
    """The count a row stands for: the value of a count, the numerator of a rate of a count; for a
    sum of money, the sum (the secondary rule hides the smallest other sum of its breakdown)."""
    return (
        pl.when(pl.col("unit").is_in(["count", _MONEY]))
        .then(pl.col("value"))
        .when(pl.col("unit").is_in(_COUNT_NUMERATOR_UNITS))
        .then(pl.col("numerator"))
        .otherwise(None)
    )


def _percent_of_counts() -> pl.Expr:
    """A percentage of one count over another (whole numbers): its complement is a count too."""
    whole = [pl.col(c).cast(pl.Float64) for c in ("numerator", "denominator")]
    return (pl.col("unit") == "percent") & pl.all_horizontal(c == c.round(0) for c in whole)


def suppress_small_numbers(
    frame: pl.DataFrame,
    threshold: int = 5,
    *,
    also_hidden: pl.Series | None = None,
    streams: dict[str, str] | None = None,
) -> pl.DataFrame:
    """Return the measures ``frame`` with ``display`` suppressed and a ``suppressed`` column.

    Parameters
    ----------
    frame
        Measure rows (columns as the ``measures`` table).
    threshold
        Counts below this (and above zero) are suppressed; from landlord.yaml
        ``thresholds.small_number_suppression`` (default 5).
    also_hidden
        Booleans, one per row: rows to hide as secondary cells whatever their value (a combined
        figure that would give away a member's hidden one, :func:`suppress_combined`).
    streams
        Scheme -> business stream (:func:`scheme_streams`): the schemes of one stream add up to
        the stream's row (breakdown ``business_stream``), published beside them in the scheme
        reports, so they are a slice too, as each breakdown is.

    Returns
    -------
    polars.DataFrame
        Same rows and order; suppressed rows have ``value``, ``numerator`` and ``denominator`` null,
        ``display`` ``<5`` (a small count) or ``[c]`` (a rate on a small count, a percentage
        leaving one by subtraction, a sum of money of 1-4 payments, or a secondary cell), and ``suppressed_reason`` ``primary`` / ``secondary`` (null when shown).
    """
    if frame.is_empty():
        return frame.with_columns(
            pl.lit(False).alias("suppressed"), pl.lit(None, pl.String).alias("suppressed_reason")
        )
    label = small_label(threshold)

    def small(expr: pl.Expr) -> pl.Expr:
        return (expr > 0) & (expr < threshold)

    is_count = pl.col("unit") == "count"
    is_money = pl.col("unit") == _MONEY
    counted = pl.col("unit").is_in(["count", _MONEY, *_COUNT_NUMERATOR_UNITS])
    about_people = ~pl.col("measure").is_in(NOT_ABOUT_PEOPLE)
    counted = counted & about_people
    payments = pl.lit(_payments_behind(frame))
    primary = (
        about_people
        & (
            (is_count & small(pl.col("value")))
            # a sum of money shown only when 0 or made of at least ``threshold`` payments
            | (is_money & (pl.col("value") != 0) & ~(payments >= threshold).fill_null(False))
            | (~is_count & small(pl.col("denominator")))
            | (pl.col("unit").is_in(_COUNT_NUMERATOR_UNITS) & small(pl.col("numerator")))
            | (
                _percent_of_counts()
                & small(pl.col("denominator").cast(pl.Float64) - pl.col("numerator"))
            )
        )
    ).fill_null(False)
    work = frame.with_row_index("_row").with_columns(
        _cell().alias("_cell"),
        primary.alias("_primary"),
        pl.col("breakdown_value").str.split("|").alias("_parts"),
    )
    forced = pl.lit(False) if also_hidden is None else pl.lit(also_hidden).fill_null(False)
    group = [
        c for c in ("landlord_id", "measure", "period", "breakdown", "view") if c in frame.columns
    ]
    twin = [c for c in group if c != "view"] + ["breakdown_value"]
    work = work.with_columns((pl.col("_primary") | forced).alias("_hidden"))
    if not _anything_to_hide(work, twin, about_people, threshold):
        return frame.with_columns(
            pl.lit(False).alias("suppressed"), pl.lit(None, pl.String).alias("suppressed_reason")
        )
    work = work.with_columns(pl.lit(_headline_rows(frame)).alias("_headline"))
    dims = int(work["_parts"].list.len().max() or 1)
    # Slices: for each dimension of a breakdown, the cells that differ only in that dimension
    # (their sum is the total of the other dimensions' cell, which is published elsewhere).
    slice_keys = [
        pl.when((pl.col("breakdown") != "none") & (pl.col("_parts").list.len() > i))
        .then(
            pl.col("_parts").list.slice(0, i).list.join("|")
            + "#"
            + pl.col("_parts").list.slice(i + 1).list.join("|")
        )
        .otherwise(None)
        .alias(f"_slice{i}")
        for i in range(dims)
    ]
    keys = [f"_slice{i}" for i in range(dims)]
    if streams:
        # The schemes of each business stream (``_business_streams.sql``: a scheme under no
        # stream adds up to 'other schemes', no scheme to 'unknown').
        stream = pl.col("breakdown_value").replace_strict(
            {**streams, "unknown": "unknown"}, default="other schemes", return_dtype=pl.String
        )
        slice_keys.append(
            pl.when(pl.col("breakdown") == "scheme").then(stream).otherwise(None).alias("_stream")
        )
        keys.append("_stream")
    # The months of a quarter and the quarters of a year add up to it; the quarterly learning
    # summaries publish each quarter (and its months) beside the year's documents.
    within = [c for c in group if c != "period"] + ["breakdown_value"]
    if PERIOD_COLUMNS <= set(frame.columns):
        work = work.with_columns(period_slice(work, within))
    else:
        work = work.with_columns(pl.lit(None, pl.String).alias("_period_slice"))
    work = (
        work.with_columns(slice_keys)
        .with_columns(view_gap(twin).alias("_gap"))
        # Ordinal ranks break ties by position: totals last, so a tie hides the part, then by
        # value, so the same cells are hidden whatever order a document read its rows in.
        .sort(
            pl.col("breakdown_value").is_in(_TOTALS_IN_BREAKDOWN),
            "breakdown_value",
            maintain_order=True,
        )
    )
    cell = [c for c in twin if c != "measure"]
    groupings = [[*group, key] for key in keys] + [[*within, "_period_slice"]]
    wholes = [
        [c for c in g if c in ("landlord_id", "measure", "period", "view")] for g in groupings
    ]
    work = work.with_columns(
        group_number(twin).alias("_twin"),
        *(group_number(g).alias(f"_over{i}") for i, g in enumerate(groupings)),
        *(group_number(w).alias(f"_whole{i}") for i, w in enumerate(wholes)),
    )
    numbered = [
        *(f"_over{i}" for i in range(len(groupings))),
        *(f"_whole{i}" for i in range(len(wholes))),
    ]
    slices = [(f"_over{i}", f"_whole{i}", key, False) for i, key in enumerate(keys)]
    slices.append((f"_over{len(keys)}", f"_whole{len(keys)}", "_period_slice", True))
    rules = [lone_in_slice(*spec, counted, threshold) for spec in slices]
    rules += [twin_view("_twin", about_people, threshold), shared_denominator(cell, about_people)]
    work = work.with_columns(pl.lit(False).alias("_whole"))
    for _ in range(_MAX_PASSES):
        changed = False
        for rule in rules:
            new = rule(work)
            if new.any():
                changed = True
                work = work.with_columns((pl.col("_hidden") | pl.lit(new)).alias("_hidden"))
        if changed:
            continue
        # A slice still pinned with no other cell left to hide (every non-zero cell a hidden <5,
        # and the total gives their sum) is withheld whole: zeros and small counts alike read
        # [c]. A zero so hidden may stand alone in another slice (LCHO's quarter beside LCRA and
        # the combined figure), whose total would give it back and unpin the first: the rules run
        # again over what is now hidden, until nothing changes.
        whole = pl.lit(False)
        for spec in slices:
            whole = whole | pl.lit(stuck_slice(*spec, counted, threshold)(work))
        whole = work.select(whole.alias("_stuck"))["_stuck"]
        newly_hidden = work.select((pl.lit(whole) & ~pl.col("_hidden")).any()).item()
        work = work.with_columns(
            (pl.col("_whole") | pl.lit(whole)).alias("_whole"),
            (pl.col("_hidden") | pl.lit(whole)).alias("_hidden"),
        )
        if not newly_hidden:
            break
    work = work.with_columns(position_of_hidden(work, group).alias("_hidden"))
    hidden = pl.col("_hidden")
    return (
        work.with_columns(
            hidden.alias("suppressed"),
            pl.when(pl.col("_primary"))
            .then(pl.lit("primary"))
            .when(hidden)
            .then(pl.lit("secondary"))
            .otherwise(None)
            .alias("suppressed_reason"),
        )
        .with_columns(
            pl.when(pl.col("_primary") & is_count & ~pl.col("_whole"))
            .then(pl.lit(label))
            .when(hidden)
            .then(pl.lit(SECONDARY))
            .otherwise(pl.col("display"))
            .alias("display"),
            *[
                pl.when(hidden).then(None).otherwise(pl.col(c)).alias(c)
                for c in ("value", "numerator", "denominator")
            ],
        )
        .sort("_row")
        .drop(
            "_row",
            "_cell",
            "_primary",
            "_hidden",
            "_headline",
            "_parts",
            "_gap",
            "_whole",
            "_period_slice",
            *keys,
            *numbered,
            "_twin",
        )
    )


def _anything_to_hide(
    work: pl.DataFrame, twin: list[str], about_people: pl.Expr, threshold: int
) -> bool:
    """Whether any cell is hidden for its own sake (``_hidden``), or any management figure differs
    from its regulator twin by a small gap: every other rule hides a cell only because of a cell
    already hidden, so a frame with neither is published as it is (most of a scheme report's
    small tables)."""
    gap_small = view_gap(twin).is_between(1, threshold - 1) & about_people
    return work.select((pl.col("_hidden") | gap_small.fill_null(False)).any()).item()


def _payments_behind(frame: pl.DataFrame) -> pl.Series:
    """For each row of a sum of money, the number of payments behind it: the value of its count
    measure (:data:`MONEY_COUNTS`) in the same cell; null for other rows, and for a sum whose
    measure has no count or whose cell has no count row (so it is withheld unless 0)."""
    cell = [
        c for c in ("landlord_id", "period", "breakdown", "breakdown_value", "view") if c in frame
    ]
    counts = (
        frame.filter(pl.col("measure").is_in(list(MONEY_COUNTS.values())))
        .select(*cell, pl.col("measure").alias("_count_of"), pl.col("value").alias("_payments"))
        .unique(subset=[*cell, "_count_of"], keep="first", maintain_order=True)
    )
    count_of = pl.col("measure").replace_strict(MONEY_COUNTS, default=None, return_dtype=pl.String)
    return (
        frame.select(*cell, count_of.alias("_count_of"))
        .join(counts, on=[*cell, "_count_of"], how="left", maintain_order="left", nulls_equal=True)[
            "_payments"
        ]
        .cast(pl.Float64)
    )


def headline_stock_types(frame: pl.DataFrame) -> dict[tuple, str]:
    """(landlord_id, period) (or (period,) without a landlord column) -> the stock type each
    document headlines for that period.

    The one the TSM return reports (:func:`pipeline.returns.reported_stock_types`, from the
    period's ``stock_units`` rows, else CH01's homes): combined for a landlord with under 1,000
    homes of each type, else LCRA when it has LCRA homes (docs/measures.md "Which figure each
    document headlines"; :func:`pipeline.reporting.annual.headline_stock_type` reads the same).
    """
    from pipeline.returns import reported_stock_types

    if frame.is_empty() or not {"measure", "breakdown", "view"} <= set(frame.columns):
        return {}
    key = _period_key(frame)
    rows = frame.filter(
        (pl.col("breakdown") == _STOCK_TYPE)
        & (
            ((pl.col("measure") == "stock_units") & (pl.col("view") == "all"))
            | ((pl.col("measure") == "CH01_1") & (pl.col("view") == REGULATOR))
        )
    )
    found: dict[tuple, dict] = {}
    for row in rows.iter_rows(named=True):
        cells = found.setdefault(tuple(row[c] for c in key), {})
        cells[(row["measure"], row["breakdown_value"], row["view"])] = row
    headline = {}
    for period, cells in found.items():
        reported = reported_stock_types(cells)
        chosen = next((c for c in ("combined", "lcra", "lcho") if c in reported), None)
        if chosen:
            headline[period] = chosen
    return headline


def _period_key(frame: pl.DataFrame) -> list[str]:
    return [c for c in ("landlord_id", "period") if c in frame.columns]


def _headline_rows(frame: pl.DataFrame) -> pl.Series:
    """True for the rows of a breakdown by stock type that are their period's headline stock type
    (:func:`headline_stock_types`)."""
    headline = headline_stock_types(frame)
    if not headline:
        return pl.Series("_headline", [False] * frame.height, dtype=pl.Boolean)
    key = _period_key(frame)
    keys = pl.DataFrame(
        [(*period, value) for period, value in headline.items()],
        schema={**{c: frame.schema[c] for c in key}, "_headline_value": pl.String},
        orient="row",
    )
    joined = frame.select(*key, "breakdown", "breakdown_value").join(
        keys, on=key, how="left", maintain_order="left", nulls_equal=True
    )
    return (
        (joined["breakdown"] == _STOCK_TYPE)
        & (joined["breakdown_value"] == joined["_headline_value"]).fill_null(False)
    ).alias("_headline")


def scheme_streams(business_streams: dict[str, list[str]]) -> dict[str, str]:
    """landlord.yaml ``business_streams`` (stream -> schemes) as scheme -> stream."""
    return {scheme: stream for stream, schemes in business_streams.items() for scheme in schemes}


_CELL_KEY = ("measure", "period", "breakdown", "breakdown_value", "view")


def suppress_combined(
    members: list[pl.DataFrame], combined: pl.DataFrame, threshold: int = 5
) -> pl.DataFrame:
    """The combined (group) rows of several landlords as a published document shows them.

    ``members`` are the landlords' rows already suppressed (as their own published documents show
    them, so that no figure a member publishes differs between its report and the group's).
    Beside the primary and secondary suppression of :func:`suppress_small_numbers`, a combined
    figure is hidden (``[c]``) wherever exactly one member's figure of the same cell is hidden:
    the combined figure minus the other members' would give it back. So it is where several
    members' counts are hidden, all as ``<5``, and the combined count minus the shown members'
    is their least or most (each 1, or each ``threshold - 1``): ``<5``, 12, 20, ``<5`` and a
    group 34 say both hidden counts are 1. Hiding the combined figure, never a second member's,
    keeps each member's figures as its own reports publish them.

    A group rate follows the same rule through the counts it is made of (:func:`_pinned_rate`):
    its numerator and denominator are the members' added up, so beside the shown members' it
    gives the hidden members' together, and where that pins them the rate is withheld too.
    """
    if combined.is_empty():
        return suppress_small_numbers(combined, threshold)
    key = list(_CELL_KEY)
    label = small_label(threshold)
    columns = {
        "suppressed": pl.Boolean,
        "display": pl.String,
        "value": pl.Float64,
        "numerator": pl.Float64,
        "denominator": pl.Float64,
    }
    hidden_members = (
        pl.concat(
            [
                m.select(*key, *[pl.col(c).cast(t) for c, t in columns.items()])
                for m in members
                if not m.is_empty()
            ]
        )
        .group_by(key)
        .agg(
            pl.col("suppressed").sum().alias("_members_hidden"),
            (pl.col("suppressed") & (pl.col("display") == label)).sum().alias("_members_small"),
            pl.col("value").filter(~pl.col("suppressed")).sum().alias("_members_shown"),
            *[
                pl.col(part).filter(~pl.col("suppressed")).sum().alias(f"_members_shown_{part}")
                for part in ("numerator", "denominator")
            ],
        )
        if any(not m.is_empty() for m in members)
        else pl.DataFrame(
            schema={
                **combined.select(key).schema,
                "_members_hidden": pl.UInt32,
                "_members_small": pl.UInt32,
                "_members_shown": pl.Float64,
                "_members_shown_numerator": pl.Float64,
                "_members_shown_denominator": pl.Float64,
            }
        )
    )
    # The hidden members' counts together: the combined count less the shown members'.
    rest = pl.col("value").cast(pl.Float64) - pl.col("_members_shown")
    small = pl.col("_members_small").cast(pl.Float64)
    pinned = (
        (pl.col("unit") == "count")
        & (pl.col("_members_hidden") >= 2)
        & (pl.col("_members_small") == pl.col("_members_hidden"))
        & ((rest == small) | (rest == small * (threshold - 1)))
    )
    lone = (
        combined.select(*key, "unit", "value", "numerator", "denominator")
        .with_row_index("_row")
        .join(hidden_members, on=key, how="left")
        .sort("_row")
        .select(
            ((pl.col("_members_hidden") == 1) | pinned | _pinned_rate(threshold))
            .fill_null(False)
            .alias("_lone")
        )["_lone"]
    )
    return suppress_small_numbers(combined, threshold, also_hidden=lone)


def _pinned_rate(threshold: int) -> pl.Expr:
    """A group rate beside two or more hidden member rates that gives them back.

    The group's numerator and denominator are the members' added up (combine_measures.sql), and
    the rate, with the group's count of the same complaints published beside it, gives them back;
    less the shown members' they are the hidden members' together. As for counts
    (:func:`suppress_combined`), those together pin each hidden member's where they are their
    least or most: numerators (or, for a percentage of counts, complements: the answers late) all
    0, so every hidden rate is 0% (or 100%); numerators, complements or denominators each 1, or
    each ``threshold - 1``. Per-1,000-homes rates divide by homes, so only their numerator counts;
    working-day means add up days, so only their denominator does."""
    hidden = pl.col("_members_hidden").cast(pl.Float64)
    rest_numerator = pl.col("numerator").cast(pl.Float64) - pl.col("_members_shown_numerator")
    rest_denominator = pl.col("denominator").cast(pl.Float64) - pl.col("_members_shown_denominator")
    unit = pl.col("unit")

    def least_or_most(rest: pl.Expr, least: float | pl.Expr) -> pl.Expr:
        return (rest == least) | (rest == hidden) | (rest == hidden * (threshold - 1))

    counted_numerator = unit.is_in(["percent", "per_1000"]) & least_or_most(rest_numerator, 0)
    counted_denominator = unit.is_in(["percent", "wd"]) & least_or_most(rest_denominator, hidden)
    complement = _percent_of_counts() & least_or_most(rest_denominator - rest_numerator, 0)
    return (
        unit.is_in(_COUNT_NUMERATOR_UNITS + ("wd",))
        & (pl.col("_members_hidden") >= 2)
        & (counted_numerator | counted_denominator | complement)
    )


def suppress_table(
    frame: pl.DataFrame,
    count_columns: list[str],
    threshold: int = 5,
    *,
    column_totals: bool = True,
) -> pl.DataFrame:
    """A small table of counts (not from the measures table) as a published document shows it.

    Each row of ``count_columns`` is a slice, as in a two-way breakdown, and so is each column
    unless ``column_totals`` is False (no column total is published anywhere): a count of 1-4
    becomes ``<5`` and, where a slice would then have one hidden cell (so that a row total such as
    rows read = loaded + quarantined, or a column total, gives it away), the next smallest non-zero
    cell becomes ``[c]``. The count columns come back as text.
    """
    columns = [c for c in count_columns if c in frame.columns]
    if frame.is_empty() or not columns:
        return frame
    long = (
        frame.with_row_index("_r")
        .select("_r", *[pl.col(c).cast(pl.Float64) for c in columns])
        .unpivot(index="_r", variable_name="_c", value_name="value")
        .with_columns(
            pl.lit("table").alias("measure"),
            pl.lit("table").alias("period"),
            pl.lit("row|column").alias("breakdown"),
            (
                # (cell|row): only rows are slices; (row|column): rows and columns are.
                pl.col("_r").cast(pl.String)
                + "/"
                + pl.col("_c")
                + "|"
                + pl.col("_r").cast(pl.String)
                if not column_totals
                else pl.col("_r").cast(pl.String) + "|" + pl.col("_c")
            ).alias("breakdown_value"),
            pl.lit("all").alias("view"),
            pl.col("value").alias("numerator"),
            pl.lit(None, pl.Float64).alias("denominator"),
            pl.col("value")
            .map_elements(lambda v: f"{v:,.0f}", return_dtype=pl.String)
            .fill_null("")
            .alias("display"),
            pl.lit("count").alias("unit"),
        )
    )
    shown = suppress_small_numbers(long, threshold)
    wide = shown.select("_r", "_c", "display").pivot(on="_c", index="_r", values="display")
    return (
        frame.with_row_index("_r")
        .drop(columns)
        .join(wide, on="_r", how="left")
        .select(frame.columns)
    )
