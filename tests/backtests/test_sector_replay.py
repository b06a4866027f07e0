"""Sector replay: every landlord of an RSH edition, rebuilt as complaints and run for real.

For every extracted edition (``data/rsh/<year>/``; 2024-25 today, each later one as it is added with
``complaints rsh add``) and for two editions synthesised from the 2024/25 workbook in a temporary
folder (2023-24: no extension split, blanks printed as 0, whole-number LCHO values; 2025-26: blanks
printed as [U], a new field, reworded headings; a share of their landlords each), the generator
(``replay_build.py``) builds complaint-level canonical rows consistent with each landlord's submitted
counts. The real measure code (``pipeline.measures.compute_measures``) then runs for every landlord
on one DuckDB connection per worker, and CH01, CH02 (with the without / with extension split where
the edition has it) and TP09 per stock type are compared with the published values, at the
precision the edition publishes them. Finally the TSM return (``pipeline.returns.tsm_return_fields``,
with that year's Data Dictionary fields) is built from the replayed measures for every landlord and
compared field by field, by RSH field code, with the workbook. Summary CSVs go to
``test-artifacts/sector_replay/<edition>/``.
"""

import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipeline.rounding import round_half_up
from pipeline.rsh.editions import DEFAULT_ROOT, REQUIRED, ROOT_ENV
from tests.backtests.replay_build import (
    PROJECT_ROOT,
    ReplayEdition,
    build_replay,
    landlord_id,
    shard_of,
)

ARTIFACTS = (
    Path(os.environ.get("COMPLAINTS_TEST_ARTIFACTS", PROJECT_ROOT / "test-artifacts"))
    / "sector_replay"
)
RSH_SUFFIX = {"lcra": "LCRA", "lcho": "LCHO", "combined": "COMB"}
CH_MEASURES = ("CH01_1", "CH01_2", "CH02_1", "CH02_2")
SPLIT_MEASURES = {
    f"CH02_{stage}_{kind}_ext": f"Stg{stage}_comp_{kind}_Ext"
    for stage in (1, 2)
    for kind in ("without", "with")
}
TP09_COLUMNS = ("Filter_Yes", "Fiter_No", "VS", "FS", "NSD", "FD", "VD", "Satisfied_Calc")
MARKERS = (None, "", "[X]", "[Z]", "[U]")

# Facts of the committed 2024/25 edition, pinned so the replay cannot quietly compare less.
PINNED = {
    "2024-25": {
        "landlords": 360,  # 359 with management information, Tandridge with TP09 only
        # CH01 and CH02 for 354 LCRA + 59 LCHO + 2 Combined landlord-stock pairs (CH02 stage 1
        # and its split: 414, the RSH excluded one: [E]); TP09 for 352 LCRA (one [E]) + 59 LCHO +
        # 2 Combined.
        "compared": {
            "CH01_1": 415,
            "CH01_2": 415,
            "CH02_1": 414,
            "CH02_2": 415,
            "CH02_1_without_ext": 414,
            "CH02_1_with_ext": 414,
            "CH02_2_without_ext": 415,
            "CH02_2_with_ext": 415,
            "TP09": 413,
        },
        "excluded": [
            ("rsh_00au", "CH02_1"),
            ("rsh_00au", "CH02_1_with_ext"),
            ("rsh_00au", "CH02_1_without_ext"),
            ("rsh_lh0279", "TP09"),
        ],
        # 415 pairs x 16 CH fields (less 00AU's 5 [E] cells) + 413 TP09 pairs x 8, less 3 below
        "return_reproduced": 415 * 16 - 5 + 413 * 8 - 3,
        # 00AR left its "no" count blank ([X]; the replay has no such respondents, so the return
        # says 0); 00AK's and L4552's published weighted answer counts, each rounded to 1 dp, add
        # up to 0.1 more than their published "yes" total, so no don't-know remainder can be built.
        "return_others": [
            ("rsh_00ak", "TP09_Filter_Yes_LCRA", "published_counts_inconsistent"),
            ("rsh_00ar", "TP09_Fiter_No_LCRA", "blank_replayed_as_zero"),
            ("rsh_l4552", "TP09_Filter_Yes_LCRA", "published_counts_inconsistent"),
        ],
        # 00AU's CH02 stage 1 ([E]), LH0279's TP09 ([E]), Stoke's and Cannock Chase's perception
        # surveys and Tandridge's management information (excluded by the RSH).
        "return_excluded": {"rsh_00au", "rsh_lh0279", "rsh_00gl", "rsh_41ub", "rsh_43uk"},
    }
}


def committed_years() -> list[str]:
    return sorted(
        p.name
        for p in DEFAULT_ROOT.iterdir()
        if p.is_dir() and all((p / name).is_file() for name in REQUIRED)
    )


# ---------------------------------------------------------------------------------------------
# The published data, one row per landlord x RSH stock type x measure.
# ---------------------------------------------------------------------------------------------


def published(edition: ReplayEdition) -> pl.DataFrame:
    """Published value, numerator and denominator per landlord, RSH stock type and measure."""
    mi = edition.csv("management_info.csv")
    number = lambda c: pl.col(c).cast(pl.Float64, strict=False)  # noqa: E731
    frames = [
        mi.select(
            "landlord_code",
            rsh_stock="stock_type",
            measure=pl.lit(measure),
            published=pl.col(f"{measure}_Calculated_Value"),
            pub_numerator=number(f"{measure}_Numerator"),
            pub_denominator=number(f"{measure}_Denominator"),
        )
        for measure in CH_MEASURES
    ]
    for measure, field in SPLIT_MEASURES.items():
        if edition.has(field):
            frames.append(
                mi.select(
                    "landlord_code",
                    rsh_stock="stock_type",
                    measure=pl.lit(measure),
                    published=pl.col(field),
                    pub_numerator=number(field),
                    pub_denominator=pl.lit(None, dtype=pl.Float64),
                )
            )
    tp = edition.csv("perception_tp09.csv")
    answers = [number(c) for c in ("VS", "FS", "NSD", "FD", "VD")]
    frames.append(
        tp.select(
            "landlord_code",
            rsh_stock="stock_type",
            measure=pl.lit("TP09"),
            published=pl.col("Satisfied_Calc"),
            pub_numerator=answers[0] + answers[1],
            pub_denominator=pl.sum_horizontal(answers),
        )
    )
    return pl.concat(frames).with_columns(landlord_id=landlord_id())


def classify(row: dict, blank_input: str, decimals: int) -> str:
    """Why a published figure does or does not reproduce (the mismatch classes of the report)."""
    value, measure = row["published"], row["measure"]
    if value == "[E]":
        return "not_published_excluded"  # the RSH excluded it
    if value in MARKERS:
        # [X]/[Z]: left blank or not required. [U]: the RSH's mark for a zero denominator or, in
        # some editions, for blank inputs (e.g. the LCHO fields of a landlord without LCHO homes).
        return "not_published_blank"
    if measure in CH_MEASURES:
        counts = (row["pub_numerator"], row["pub_denominator"])
        if None in counts:
            return "not_published_blank"  # a figure over blank inputs: nothing was submitted
        if blank_input == "0" and 0 in counts:
            return "not_published_blank"  # this edition prints a blank input as 0
    if row["value"] is None and row["display"] is None:
        return "missing_in_measures"
    if measure.endswith("_ext"):
        same = row["value"] is not None and int(row["value"]) == int(float(value))
    else:
        ours = row["value"]
        same = ours is not None and round_half_up(ours, decimals) == float(value)
    if not same:
        return "value_differs"
    if row["pub_numerator"] is not None and not _close(row["numerator"], row["pub_numerator"]):
        return "numerator_differs"
    if row["pub_denominator"] is not None and not _close(
        row["denominator"], row["pub_denominator"]
    ):
        return "denominator_differs"
    return "reproduced"


def _close(a: float | None, b: float) -> bool:
    return a is not None and abs(a - b) < 1e-6


def compare(con: duckdb.DuckDBPyConnection, edition: ReplayEdition) -> pl.DataFrame:
    ours = con.sql(
        """
        select landlord_id, measure, breakdown_value as our_stock, numerator, denominator,
               value, display
        from measures
        where period_kind = 'year' and period = $year and breakdown = 'stock_type'
          and view = 'regulator'
          and (measure in ('CH01_1', 'CH01_2', 'CH02_1', 'CH02_2', 'TP09')
               or measure like 'CH02%ext')
        """,
        params={"year": edition.year},
    ).pl()
    replayed = con.sql(
        "select landlord_id from replay_counts union select landlord_id from replay_tp09_counts"
    ).pl()
    pub = published(edition).join(replayed, on="landlord_id", how="semi")
    joined = pub.join(
        ours,
        left_on=["landlord_id", "measure", "rsh_stock"],
        right_on=["landlord_id", "measure", "our_stock"],
        how="left",
    )
    meta, blank = edition.meta, edition.meta["blank_input"]["marker"]
    return joined.with_columns(
        outcome=pl.struct(joined.columns).map_elements(
            lambda r: classify(
                r,
                blank,
                meta["published_decimals"].get(r["measure"][:6], {}).get(r["rsh_stock"], 1),
            ),
            return_dtype=pl.String,
        )
    )


def published_fields(edition: ReplayEdition) -> pl.DataFrame:
    """The workbook's values by RSH field code (e.g. CH01_1_Numerator_LCRA, TP09_VS_LCHO), and for
    TP09_Filter_Yes the sum of the published answer counts beside it."""
    mi = edition.csv("management_info.csv")
    tp = edition.csv("perception_tp09.csv")
    answers = pl.sum_horizontal(
        pl.col(c).cast(pl.Float64, strict=False) for c in ("VS", "FS", "NSD", "FD", "VD")
    )
    tp = tp.select(
        "landlord_code",
        "stock_type",
        *[pl.col(c).alias(f"TP09_{c}") for c in TP09_COLUMNS],
    )
    suffix = pl.col("stock_type").replace_strict(RSH_SUFFIX)
    sums = edition.csv("perception_tp09.csv").select(
        landlord_id(), field_code=pl.lit("TP09_Filter_Yes_") + suffix, answers=answers
    )
    frames = [
        frame.unpivot(
            index=["landlord_code", "stock_type"], variable_name="field", value_name="published"
        )
        for frame in (mi, tp)
    ]
    return (
        pl.concat(frames)
        .select(
            landlord_id(),
            field_code=pl.col("field") + "_" + pl.col("stock_type").replace_strict(RSH_SUFFIX),
            published=pl.col("published"),
        )
        .join(sums, on=["landlord_id", "field_code"], how="left")
    )


# classify_field's outcomes that the replay data itself explains (every other is a failure)
EXPLAINED_RETURN_OUTCOMES = frozenset(
    {
        "reproduced",
        "blank_both",
        "rsh_excluded",
        "not_computed",
        "published_counts_inconsistent",
        "blank_replayed_as_zero",
    }
)


def classify_field(row: dict, blank_input: str) -> str:
    """A TSM return field against the workbook: reproduced, both blank, or why not."""
    published, ours = row["published"], row["ours"]
    if published == "[E]":
        return "rsh_excluded"
    if row["not_computed"]:
        return "not_computed"  # a field the product does not compute, listed blank
    blank = published in MARKERS
    if blank_input == "0" and published == "0":
        # this edition prints a blank input as 0: a 0 and a blank are the same cell here
        return "blank_both" if ours in ("", "0", "0.0", "[U]") else "value_differs"
    if blank and ours == "":
        return "blank_both"
    if blank and ours == "0":
        return "blank_replayed_as_zero"  # the replay cannot plant a blank count, only a zero
    if blank:
        return "reported_where_rsh_blank"
    if ours in ("", "[U]"):
        return "blank_where_rsh_reported"
    if row["exact"] is not None:  # a published rate: at the precision the edition publishes it
        same = round_half_up(row["exact"], row["decimals"]) == float(published)
    else:
        same = round_half_up(float(ours), 1) == round_half_up(float(published), 1)
    if not same and row["answers"] is not None and row["answers"] > float(published):
        return "published_counts_inconsistent"  # answers add up to more than the respondents
    return "reproduced" if same else "value_differs"


def compare_return(
    con: duckdb.DuckDBPyConnection, edition: ReplayEdition, landlords
) -> pl.DataFrame:
    """Every landlord's TSM return fields, built from the replayed measures, against the workbook."""
    from pipeline.returns import NOT_COMPUTED, tsm_return_fields

    def rate_field(measure: str, stock: str) -> str:
        part = "Satisfied_Calc" if measure == "TP09" else "Calculated_Value"
        return f"{measure}_{part}_{RSH_SUFFIX[stock]}"

    exact = {  # our unrounded rates, to round as the edition publishes them
        (r[0], rate_field(r[1], r[2])): r[3]
        for r in con.execute(
            "select landlord_id, measure, breakdown_value, value from measures"
            " where period = ? and view = 'regulator' and breakdown = 'stock_type'"
            " and measure in ('CH01_1', 'CH01_2', 'CH02_1', 'CH02_2', 'TP09')",
            [edition.year],
        ).fetchall()
    }
    decimals = edition.meta["published_decimals"]
    rows = []
    for landlord in landlords:
        for f in tsm_return_fields(con, landlord, edition.year):
            if not f.field_code:
                continue
            measure = f.field_code[:6] if f.field_code.startswith("CH") else "TP09"
            stock = {v: k for k, v in RSH_SUFFIX.items()}[f.field_code.rsplit("_", 1)[1]]
            rate = "Calculated_Value" in f.field_code or "Satisfied_Calc" in f.field_code
            rows.append(
                {
                    "landlord_id": landlord.landlord_id,
                    "field_code": f.field_code,
                    "ours": f.text(),
                    "not_computed": f.description.startswith(NOT_COMPUTED),
                    "exact": exact.get((landlord.landlord_id, f.field_code)) if rate else None,
                    "decimals": decimals.get(measure, {}).get(stock, 1),
                }
            )
    ours = pl.DataFrame(rows, schema_overrides={"exact": pl.Float64})
    # The RSH left some landlords' data out of its tables ("... Not Included" sheets): their CH
    # fields (management information) or TP09 fields (perception) are ours only. Not compared.
    landlords_csv = edition.csv("landlords.csv").with_columns(landlord_id())
    in_management_info = set(published(edition).filter(pl.col("measure") != "TP09")["landlord_id"])
    perception_excluded = set(
        landlords_csv.filter(pl.col("perception_excluded_by_rsh") == "yes")["landlord_id"]
    )
    blank = edition.meta["blank_input"]["marker"]
    joined = ours.join(published_fields(edition), on=["landlord_id", "field_code"], how="left")
    return joined.with_columns(
        outcome=pl.struct(joined.columns).map_elements(
            lambda r: (
                "rsh_excluded"
                if (
                    r["landlord_id"] not in in_management_info
                    and not r["field_code"].startswith("TP09")
                )
                or (r["landlord_id"] in perception_excluded and r["field_code"].startswith("TP09"))
                else classify_field(r, blank)
            ),
            return_dtype=pl.String,
        )
    )


# ---------------------------------------------------------------------------------------------
# Running it
# ---------------------------------------------------------------------------------------------


def replay_shard(shard: int, shards: int, root: str, year: str) -> tuple:
    """Build one shard's canonical rows, run the real measure code, compare; with timings."""
    from pipeline.measures import compute_measures
    from pipeline.rsh.editions import clear_cache

    os.environ[ROOT_ENV] = root  # the TSM return reads this edition's Data Dictionary
    clear_cache()
    edition = ReplayEdition(Path(root), year)
    con = duckdb.connect()
    started = time.perf_counter()
    landlords = build_replay(con, edition, shard, shards)
    built = time.perf_counter()
    for landlord in landlords:  # one call per landlord, reusing the connection
        compute_measures(con, landlord, edition.period, edition.data_cut)
    computed = time.perf_counter()
    result = compare(con, edition)
    returns = compare_return(con, edition, landlords)
    con.close()
    timings = {
        "shard": shard,
        "landlords": len(landlords),
        "build_seconds": round(built - started, 2),
        "measures_seconds": round(computed - built, 2),
    }
    return result, returns, timings


def run_replay(edition: ReplayEdition, shards: list[int], of: int, workers: int):
    started = time.perf_counter()
    args = (str(edition.root), edition.year)
    if workers > 1:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            parts = list(
                pool.map(
                    replay_shard, shards, [of] * len(shards), *[[a] * len(shards) for a in args]
                )
            )
    else:
        previous = os.environ.get(ROOT_ENV)
        try:
            parts = [replay_shard(shard, of, *args) for shard in shards]
        finally:
            if previous is None:
                os.environ.pop(ROOT_ENV, None)
            else:
                os.environ[ROOT_ENV] = previous
    wall = time.perf_counter() - started
    result = pl.concat([frame for frame, _, _ in parts])
    returns = pl.concat([frame for _, frame, _ in parts])
    timings = pl.DataFrame([t for _, _, t in parts]).with_columns(wall_seconds=round(wall, 2))
    return result, returns, timings


# Editions synthesised from the 2024/25 workbook (tests/fixtures/rsh/editions.py) -> the share of
# landlords replayed: 2023-24 (no extension split, blanks printed as 0, whole-number LCHO values)
# and 2025-26 (blanks printed as [U], a new field, reworded headings). The share holding L4240,
# whose CH02 stage 1 numerator they leave blank, keeps the test short.
SYNTHESISED = {"synthesised-2023-24": 4, "synthesised-2025-26": 6}


@pytest.fixture(scope="module", params=[*committed_years(), *SYNTHESISED])
def replay(request):
    """(edition, measures comparison, return comparison, timings) for one edition."""
    measures = pytest.importorskip("pipeline.measures")
    if not hasattr(measures, "compute_measures"):
        pytest.fail("pipeline.measures.compute_measures is missing")
    if request.param in SYNTHESISED:
        edition = ReplayEdition(request.getfixturevalue("rsh_editions"), request.param[-7:])
        shards = SYNTHESISED[request.param]
        shard = shard_of(duckdb.connect(), "rsh_l4240", shards)
        return edition, *run_replay(edition, [shard], shards, workers=1)
    # One worker process per core (env SECTOR_REPLAY_WORKERS to change), each with its own DuckDB.
    workers = int(os.environ.get("SECTOR_REPLAY_WORKERS", min(2, os.cpu_count() or 1)))
    edition = ReplayEdition(DEFAULT_ROOT, request.param)
    return edition, *run_replay(edition, list(range(workers)), workers, workers)


def artifacts(edition: ReplayEdition) -> Path:
    name = edition.year if edition.root == DEFAULT_ROOT else f"synthesised-{edition.year}"
    folder = ARTIFACTS / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("year", [*committed_years(), *SYNTHESISED])
def test_generator_matches_the_submitted_counts(year, request):
    """The canonical rows carry exactly the published counts (before any measure code runs)."""
    if year in SYNTHESISED:
        edition = ReplayEdition(request.getfixturevalue("rsh_editions"), year[-7:])
    else:
        edition = ReplayEdition(DEFAULT_ROOT, year)
    con = duckdb.connect()
    landlords = build_replay(con, edition)
    mi = edition.csv("management_info.csv")
    tp = edition.csv("perception_tp09.csv")
    with_ch = mi.filter(pl.col("CH01_1_Numerator").cast(pl.Int64, strict=False).is_not_null())
    expected = set(with_ch.select(landlord_id())["landlord_id"]) | set(
        tp.select(landlord_id())["landlord_id"]
    )
    assert {landlord.landlord_id for landlord in landlords} == expected
    if year in PINNED:
        assert len(landlords) == PINNED[year]["landlords"]
    check = con.sql(
        """
        select c.landlord_id, c.rsh_stock, c.stage, c.received, c.without_ext, c.with_ext,
               count(s.complaint_id) as rows,
               count(*) filter (where s.expected = 'in_time_without_ext') as w,
               count(*) filter (where s.expected = 'in_time_with_ext') as e,
               bool_and(s.received_date between $start and $end) as in_year
        from replay_counts as c
        left join replay_stage as s using (landlord_id, rsh_stock, stage)
        group by all
        """,
        params={"start": edition.period.start, "end": edition.period.end},
    ).pl()
    assert (check["rows"] == check["received"]).all()
    assert (check["w"] == check["without_ext"]).all() and (check["e"] == check["with_ext"]).all()
    assert check["in_year"].drop_nulls().all()
    if not edition.has_split:  # in time = the CH02 numerator, none with an extension
        assert check["e"].sum() == 0
    # An escalated complaint's stage 2 is received after its stage 1 response.
    bad = con.execute(
        """
        select count(*) from replay_stage as s1
        join replay_stage as s2 using (landlord_id, complaint_id)
        where s1.stage = 1 and s2.stage = 2 and s2.received_date <= s1.responded_date
        """
    ).fetchone()[0]
    assert bad == 0
    # Stock equals the CH01 denominators; TP09 weights add back to the published counts.
    units = con.execute(
        "select sum(units_owned) from stock"
        " where landlord_id in (select landlord_id from replay_counts)"
    ).fetchone()[0]
    published_units = con.execute(
        "select sum(units) from (select distinct landlord_id, rsh_stock, units"
        " from replay_counts where units > 0)"
    ).fetchone()[0]
    assert units == published_units
    weights = con.execute(
        "select abs(sum(weight) - (select sum(weighted) from replay_tp09_counts))"
        " from tp09_response"
    ).fetchone()[0]
    assert weights < 1e-6


def expected_compared(edition: ReplayEdition, replayed: set[str]) -> dict[str, int]:
    """Per measure, the published figures there are to compare, counted from the CSVs alone."""
    pub = published(edition).filter(pl.col("landlord_id").is_in(replayed))
    value = pl.col("published").cast(pl.Float64, strict=False)
    counts_known = pl.col("pub_numerator").is_not_null() & pl.col("pub_denominator").is_not_null()
    if edition.meta["blank_input"]["marker"] == "0":
        counts_known &= (pl.col("pub_numerator") != 0) & (pl.col("pub_denominator") != 0)
    comparable = value.is_not_null() & (~pl.col("measure").is_in(CH_MEASURES) | counts_known)
    return dict(pub.filter(comparable).group_by("measure").len().iter_rows())


@pytest.mark.slow
def test_sector_replay_reproduces_the_published_measures(replay):
    edition, result, _, timings = replay
    folder = artifacts(edition)
    summary = (
        result.group_by("measure", "rsh_stock", "outcome")
        .len()
        .sort("measure", "rsh_stock", "outcome")
    )
    summary.write_csv(folder / "summary.csv")
    result.filter(pl.col("outcome") != "reproduced").write_csv(folder / "not_reproduced.csv")
    timings.write_csv(folder / "timings.csv")

    # The generator is set-based: building every landlord's rows takes seconds. The measure code
    # runs once per landlord; its time is recorded in timings.csv, not asserted here.
    assert timings["build_seconds"].max() < 30
    compared = result.filter(~pl.col("outcome").str.starts_with("not_published"))
    per_measure = dict(
        compared.group_by("measure").agg(ok=(pl.col("outcome") == "reproduced").sum()).iter_rows()
    )
    replayed = set(result["landlord_id"])
    # Every published figure is compared and reproduces; everything else was not published ([X]
    # blanks, the [U] the RSH prints for blank inputs, 0-coded blanks, [E]) and is counted in
    # summary.csv, never compared.
    assert per_measure == expected_compared(edition, replayed)
    failures = compared.filter(pl.col("outcome") != "reproduced")
    assert failures.is_empty(), failures
    # The extension split is compared exactly where the edition publishes it.
    assert any(m.endswith("_ext") for m in per_measure) == edition.has_split
    excluded = sorted(
        result.filter(pl.col("outcome") == "not_published_excluded")
        .select("landlord_id", "measure")
        .rows()
    )
    marked = published(edition).filter(
        pl.col("landlord_id").is_in(replayed) & (pl.col("published") == "[E]")
    )
    assert excluded == sorted(marked.select("landlord_id", "measure").rows())
    if edition.root == DEFAULT_ROOT and edition.year in PINNED:
        pinned = PINNED[edition.year]
        assert timings["landlords"].sum() == pinned["landlords"]
        assert per_measure == pinned["compared"]
        assert excluded == pinned["excluded"]
    if not edition.has_split:  # CH02 replayed from the published numerator
        assert per_measure["CH02_1"] > 0 and per_measure["CH02_2"] > 0
    if edition.root != DEFAULT_ROOT:  # L4240's blank CH02 numerator (printed 0 or [U])
        planted = result.filter(
            (pl.col("landlord_id") == "rsh_l4240")
            & (pl.col("measure") == "CH02_1")
            & (pl.col("rsh_stock") == "lcra")
        )
        assert planted["outcome"].to_list() == ["not_published_blank"]


@pytest.mark.slow
def test_tsm_returns_of_the_replayed_landlords_match_the_workbook(replay):
    """The TSM return, field code by field code, equals what each landlord submitted to the RSH."""
    edition, _, returns, _ = replay
    folder = artifacts(edition)
    returns.group_by("outcome").len().sort("outcome").write_csv(folder / "tsm_return_summary.csv")
    returns.filter(~pl.col("outcome").is_in(["reproduced", "blank_both"])).write_csv(
        folder / "tsm_return_not_reproduced.csv"
    )
    outcomes = dict(returns.group_by("outcome").len().iter_rows())
    # Only fields the replay data itself explains are not reproduced (see classify_field).
    assert set(outcomes) <= EXPLAINED_RETURN_OUTCOMES, outcomes
    # The return carries exactly the edition's fields: without the split where it has none.
    codes = set(returns["field_code"])
    assert any(c.startswith("Stg") for c in codes) == edition.has_split
    if edition.root == DEFAULT_ROOT and edition.year in PINNED:
        pinned = PINNED[edition.year]
        assert outcomes["reproduced"] == pinned["return_reproduced"], outcomes
        others = returns.filter(
            ~pl.col("outcome").is_in(["reproduced", "blank_both", "rsh_excluded"])
        )
        assert (
            sorted(others.select("landlord_id", "field_code", "outcome").rows())
            == pinned["return_others"]
        ), others
        excluded = returns.filter(pl.col("outcome") == "rsh_excluded")
        assert set(excluded["landlord_id"]) == pinned["return_excluded"]
