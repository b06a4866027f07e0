"""The governance documents' rules on small, hand-made inputs: targets rated red/amber/green on the
figure as shown, the exceptions list, volumes against the same period last year, the residents'
list of changes (each once, overdue marked), scheme outcome shares guarded by suppression, and the
group's combined figures (numerators and denominators added)."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import duckdb
import polars as pl
import pytest
import yaml

from pipeline.config import ConfigError, Target, load_landlord
from pipeline.measures.testing import (
    LANDLORD_ID,
    code_landlord,
    create_canonical_schema,
    insert_rows,
)
from pipeline.periods import parse_period
from pipeline.reporting.blocks import Section
from pipeline.reporting.committee import (
    METRIC_NAMES,
    notifiable_block,
    tp09_quarter,
    volumes_section,
    with_year_to_date,
)
from pipeline.reporting.data import _EMPTY_SCHEMA, MEASURE_COLUMNS, Measures
from pipeline.reporting.group import combine_group_measures, formula_safe
from pipeline.reporting.residents import changes_made, ombudsmen
from pipeline.reporting.schemes import SCHEME, Unit, outcome_table, slugify, units
from pipeline.reporting.targets import (
    exceptions,
    rate,
    ratings,
    target_name,
    targets_section,
)
from pipeline.reporting.trace import plain
from pipeline.rounding import display

D = dt.date
Q4 = parse_period("2025-26-Q4")


def row(
    measure,
    period="2025-26-Q4",
    value=None,
    *,
    numerator=None,
    denominator=None,
    unit="count",
    breakdown="none",
    breakdown_value="all",
    view="all",
):
    """A measures row: count rows take the value as numerator; rates their numerator/denominator."""
    period_ = parse_period(period)
    if unit == "count" and numerator is None:
        numerator = value
    if value is None and denominator:
        value = numerator / denominator * (100 if unit == "percent" else 1)
    return {
        "landlord_id": "t",
        "period_kind": period_.kind,
        "period": period_.key,
        "period_start": period_.start,
        "period_end": period_.end,
        "measure": measure,
        "breakdown": breakdown,
        "breakdown_value": breakdown_value,
        "view": view,
        "numerator": None if numerator is None else float(numerator),
        "denominator": None if denominator is None else float(denominator),
        "value": None if value is None else float(value),
        "display": display(value, 0 if unit == "count" else 1),
        "unit": unit,
    }


def measures(rows) -> Measures:
    return Measures(pl.DataFrame(rows, schema=_EMPTY_SCHEMA))


# --- targets ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("better", "target", "amber", "value", "status"),
    [
        ("higher", 90, 80, 90.0, "Green"),
        ("higher", 90, 80, 89.96, "Green"),  # shown as 90.0: rated on the figure as shown
        ("higher", 90, 80, 89.94, "Amber"),  # shown as 89.9
        ("higher", 90, 80, 80.0, "Amber"),
        ("higher", 90, 80, 79.9, "Red"),
        ("lower", 0, 2, 0, "Green"),
        ("lower", 0, 2, 2, "Amber"),
        ("lower", 0, 2, 3, "Red"),
        ("higher", 90, 80, None, "No figure"),  # [U]: a zero denominator is not a miss
    ],
)
def test_targets_are_rated_on_the_figure_as_shown(better, target, amber, value, status):
    rule = Target(measure="m", target=target, amber=amber, better=better)
    unit = "count" if better == "lower" else "percent"
    assert rate(rule, row("m", value=value, unit=unit)) == status


def test_a_target_without_a_label_takes_the_name_every_document_gives_its_measure():
    """One figure, one name: a TSM or ARC target named by the landlord's label only if it gives
    one, else as the annual report names the measure (never its id)."""
    ch02 = Target(
        measure="CH02_1",
        view="regulator",
        breakdown="stock_type",
        breakdown_value="lcra",
        target=90,
        amber=85,
    )
    assert (
        target_name(ch02, {})
        == "Stage 1 complaints answered in time (CH02), Low-cost rental (LCRA)"
    )
    arc = Target(measure="ARC_3_in_time_1", view="regulator", target=90, amber=85)
    assert target_name(arc, {}).startswith("ARC stage 1 (")
    assert "ARC_3" not in target_name(arc, {})
    labelled = Target(measure="CH02_1", label="Stage 1 in time", target=90, amber=85)
    assert target_name(labelled, {}) == "Stage 1 in time"


def test_a_target_whose_amber_is_on_the_wrong_side_is_a_config_error(tmp_path):
    landlord = code_landlord().model_dump(mode="json")
    landlord["thresholds"] = {"targets": [{"measure": "overdue_2", "target": 0, "amber": 2}]}
    (tmp_path / "landlord.yaml").write_text(yaml.safe_dump(landlord), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"higher is better, so amber \(2\) must be"):
        load_landlord(tmp_path)


def test_exceptions_put_red_first_and_quote_each_figure():
    m = measures(
        [
            row("ack_in_time_1", value=93.5, numerator=935, denominator=1000, unit="percent"),
            row(
                "response_in_time_1",
                value=70.0,
                numerator=70,
                denominator=100,
                unit="percent",
                view="management",
            ),
            row("overdue_1", value=1),
            row("overdue_2", value=3),
            row(
                "ombudsman_findings",
                value=2,
                breakdown="outcome",
                breakdown_value="maladministration",
            ),
            row(
                "ombudsman_findings",
                value=1,
                breakdown="outcome",
                breakdown_value="no_maladministration",
            ),
            row("chfo_issued", value=0),
            row("overdue_promised_actions", value=1),
        ]
    )
    targets = [
        Target(measure="ack_in_time_1", target=95, amber=90),
        Target(measure="response_in_time_1", view="management", target=90, amber=80),
    ]
    rated = ratings(m, targets, Q4, METRIC_NAMES)
    assert [r.status for r in rated] == ["Amber", "Red"]
    found = [plain(line) for line in exceptions(m, Q4, rated, D(2026, 3, 31))]
    assert found == [
        "Stage 1: all answers sent within our policy's time limits (%): 70.0 against a target "
        "of at least 90.0 (red).",
        "Stage 1: complaints acknowledged in time (%): 93.5 against a target of at least 95.0 "
        "(amber).",
        "3 stage 2 complaints were open past their deadline on 31 March 2026.",
        "1 stage 1 complaint was open past its deadline on 31 March 2026.",
        "Ombudsman findings this period: 2 maladministration.",
        "1 action promised to a complainant was past its due date on 31 March 2026.",
    ]


def _percent(measure, period, numerator, denominator, **kw):
    return row(measure, period, numerator=numerator, denominator=denominator, unit="percent", **kw)


MARCH = parse_period("2026-03")


def _march_measures(extra=()):
    """council_housing's March 2026 shape: acknowledgement amber in March, red over the year;
    survey returns green in March, amber over the year; open past deadline a position."""
    rows = [
        _percent("ack_in_time_1", "2026-03", 29, 31),  # 93.5: amber
        _percent("ack_in_time_1", "2026-02", 200, 240),  # brings the year to date down
        _percent("complainant_survey_response_rate", "2026-03", 10, 30),  # 33.3: green
        _percent("complainant_survey_response_rate", "2026-02", 10, 60),
        row("overdue_2", "2026-03", value=1),
        row("overdue_2", "2026-02", value=0),
        *extra,
    ]
    return with_year_to_date(measures(rows), MARCH)


def _attention(section) -> list[str]:
    lists = [b.items for b in section.blocks if b.kind == "list"]
    return [plain(item) for item in (lists[0] if lists else [])]


def _table_statuses(section) -> list[tuple[str, str, str]]:
    """(measure name, period status, year-to-date status) of the targets table."""
    html = plain(next(b.table.html for b in section.blocks if b.kind == "table"))
    out = []
    for tr in re.findall(r"<tr\b[^>]*>(.*?)</tr>", html, re.S):
        cells = [
            re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<t[dh]\b[^>]*>(.*?)</t[dh]>", tr, re.S)
        ]
        if len(cells) == 6 and cells[0] != "Measure":
            out.append((cells[0], cells[3], cells[5]))
    return out


def test_every_red_or_amber_rating_in_the_targets_table_is_in_the_attention_list():
    """council_housing March 2026: year-to-date acknowledgement 86.3% was rated red in the table
    but only the period's ratings reached "For the committee's attention"."""
    landlord = code_landlord(
        thresholds={
            "targets": [
                {"measure": "ack_in_time_1", "target": 95, "amber": 90},
                {"measure": "complainant_survey_response_rate", "target": 30, "amber": 20},
                {"measure": "overdue_2", "target": 0, "amber": 2, "better": "lower"},
            ]
        }
    )
    m = _march_measures()
    section = targets_section(m, landlord, MARCH, "2025-26-YTD", D(2026, 3, 31), METRIC_NAMES)
    found = _attention(section)
    statuses = _table_statuses(section)
    assert ("Stage 1: complaints acknowledged in time (%)", "Amber", "Red") in statuses
    for name, in_period, to_date in statuses:
        if {in_period, to_date} & {"Red", "Amber"}:
            assert any(line.startswith(f"{name}:") for line in found), (name, found)
        else:
            assert not any(line.startswith(f"{name}:") for line in found), (name, found)
    # red first (the year to date's red counts), each target once with both of its ratings
    assert found[0] == (
        "Stage 1: complaints acknowledged in time (%): 93.5 against a target of at least 95.0 "
        "(amber); year to date 84.5 (red)."
    )
    assert (
        "Complainant surveys returned (% of sent): year to date 22.2 against a target of at "
        "least 30.0 (amber); this period 33.3 (green)." in found
    )
    # a position's year to date is its period's row: said once, and not listed again below
    assert (
        "Stage 2 complaints open past their deadline: 1 against a target of at most 0 (amber); "
        "the same year to date." in found
    )
    assert not any("stage 2 complaint was open" in line for line in found)


def _notifiable(period, events, notified, regime_rows=True):
    rows = [
        row("notifiable_events", period, value=events),
        _percent("notifiable_events_notified", period, notified, events),
    ]
    if regime_rows:
        rows.append(
            row(
                "notifiable_events", period, value=events, breakdown="regime", breakdown_value="sct"
            )
        )
    return rows


def test_an_unreported_notifiable_event_is_for_the_committees_attention():
    """homes_plus Q4 2025/26: one Scottish notifiable event, 0 of 1 reported to the Scottish
    Housing Regulator (policy 003 s21.2: immediately); the pack never mentioned it."""
    rows = _notifiable("2025-26-Q4", 1, 0) + _notifiable("2025-26-Q3", 0, 0)
    m = with_year_to_date(measures(rows), Q4)
    found = [plain(line) for line in exceptions(m, Q4, [], D(2026, 3, 31), [], "2025-26-YTD")]
    assert found == [
        "Notifiable events reported to the Scottish Housing Regulator: 0.0% of 1 received this "
        "period (serious complaints about senior staff in Scotland); the Regulator must be told "
        "of each immediately."
    ]
    # every event reported: nothing to say
    m = with_year_to_date(measures(_notifiable("2025-26-Q4", 2, 2)), Q4)
    assert exceptions(m, Q4, [], D(2026, 3, 31), [], "2025-26-YTD") == []
    # a month with none, after one not reported earlier in the year: still named, year to date
    rows = _notifiable("2026-01", 1, 0) + [row("notifiable_events", "2026-03", value=0)]
    m = with_year_to_date(measures(rows), MARCH)
    found = [plain(line) for line in exceptions(m, MARCH, [], D(2026, 3, 31), [], "2025-26-YTD")]
    assert found == [
        "Notifiable events reported to the Scottish Housing Regulator: 0.0% of 1 received so "
        "far this year (serious complaints about senior staff in Scotland); the Regulator must "
        "be told of each immediately."
    ]


def test_the_pack_shows_notifiable_events_for_a_landlord_with_scottish_homes():
    m = with_year_to_date(measures(_notifiable("2025-26-Q4", 1, 0)), Q4)
    section = Section("handling", "Complaint handling")
    notifiable_block(section, code_landlord(), m, Q4)
    html = plain(str(section.blocks[0].table.html))
    assert "Notifiable events: serious complaints about senior staff" in html
    assert "Notifiable events reported to the Scottish Housing Regulator (%)" in html
    assert ">1<" in html and ">0.0<" in html
    # none this period: still shown, so the committee sees that there were none
    quiet = with_year_to_date(measures([row("notifiable_events", "2025-26-Q4", value=0)]), Q4)
    section = Section("handling", "Complaint handling")
    notifiable_block(section, code_landlord(), quiet, Q4)
    assert section.blocks and section.blocks[0].kind == "table"
    # England only, none recorded: no table
    section = Section("handling", "Complaint handling")
    england = code_landlord(regimes=["eng"])
    notifiable_block(section, england, quiet, Q4)
    assert section.blocks == []


def test_volumes_sit_beside_the_same_period_last_year_and_the_year_to_date():
    rows = [
        row("received_1", f"{year}-Q{q}", value=10 * q + (100 if year == "2025-26" else 0))
        for year in ("2024-25", "2025-26")
        for q in (1, 2, 3, 4)
    ] + [
        row("received_1", "2025-26-Q4", value=7, breakdown="service_area", breakdown_value="care"),
        row(
            "received_1", "2024-25-Q4", value=9, breakdown="service_area", breakdown_value="repairs"
        ),
    ]
    m = with_year_to_date(measures(rows), Q4)
    # year to date: Q1..Q4 this year 110+120+130+140; last year 10+20+30+40
    assert m.get("received_1", "2025-26-YTD")["display"] == "500"
    assert m.get("received_1", "2024-25-YTD")["display"] == "100"
    html = plain("".join(str(b.table.html) for b in volumes_section(m, Q4).blocks if b.table))
    assert ">140<" in html and ">40<" in html
    # a service area with nothing recorded in one period shows '–', not an invented zero
    assert "Care" in html and "Repairs" in html and "–" in html


@pytest.mark.parametrize(
    ("key", "quarter"),
    [("2025-26-Q4", "2025-26-Q4"), ("2026-03", "2025-26-Q4"), ("2026-02", None)],
)
def test_tp09_shows_for_a_quarter_or_the_month_that_closes_one(key, quarter):
    found = tp09_quarter(parse_period(key))
    assert (found.key if found else None) == quarter


# --- residents' summary ----------------------------------------------------------------------------


@pytest.fixture
def learning_con():
    con = duckdb.connect()
    create_canonical_schema(con)
    same = "We now inspect within 10 working days of any damp report."
    insert_rows(
        con,
        "learning_action",
        [
            # the same change made twice, for overlapping complaints: one line, 3 complaints,
            # overdue because the second is (the first was done in January)
            {
                "action_ref": "a1",
                "theme": "Damp",
                "description": same,
                "linked_complaint_ids": ["c1", "c2"],
                "raised_date": D(2025, 10, 1),
                "due_date": D(2026, 1, 31),
                "completed_date": D(2026, 1, 15),
            },
            {
                "action_ref": "a2",
                "theme": "Damp ",
                "description": same + " ",
                "linked_complaint_ids": ["c2", "c3"],
                "raised_date": D(2026, 1, 10),
                "due_date": D(2026, 2, 1),
            },
            # completed only after the period end: still in progress at the end of March
            {
                "action_ref": "a3",
                "theme": "Repairs",
                "description": "Texts before visits.",
                "linked_complaint_ids": ["c4", "c5", "c6", "c7", "c8"],
                "raised_date": D(2026, 2, 1),
                "due_date": D(2026, 4, 30),
                "completed_date": D(2026, 4, 2),
            },
            # raised and done in an earlier quarter: not listed
            {
                "action_ref": "a4",
                "theme": "Rent",
                "description": "Clear statements.",
                "raised_date": D(2025, 4, 1),
                "due_date": D(2025, 6, 1),
                "completed_date": D(2025, 5, 1),
            },
        ],
    )
    yield con
    con.close()


def test_each_change_is_listed_once_with_overdue_marked(learning_con):
    frame = changes_made(learning_con, LANDLORD_ID, Q4, D(2026, 3, 31), published=False)
    assert frame.rows() == [
        (
            "Damp",
            "We now inspect within 10 working days of any damp report.",
            "3",
            # one of its two actions done in January, the other overdue: both told
            "Actions: 1 overdue (due 1 February 2026); 1 done (latest January 2026)",
        ),
        ("Repairs", "Texts before visits.", "5", "In progress: due 30 April 2026"),
    ]
    published = changes_made(learning_con, LANDLORD_ID, Q4, D(2026, 3, 31), published=True)
    # 3 is under 5; 5 is hidden too ([c], not "<5"): with the complaints linked to changes
    # published as a total, it would give the 3 away.
    assert published["Complaints that led to it"].to_list() == ["<5", "[c]"]


def test_residents_are_told_which_ombudsman_to_go_to():
    m = measures([row("care_complaints", "2025-26", value=3)])
    year = parse_period("2025-26")
    english = ombudsmen(code_landlord(regimes=["eng"]), m, year)
    assert [b.name.split(" (")[0] for b in english] == [
        "Housing Ombudsman Service",
        "Local Government and Social Care Ombudsman",
    ]
    assert "0300 111 3000" in english[0].line()
    both = ombudsmen(code_landlord(regimes=["eng", "sct"]), measures([]), year)
    assert [b.name.split(" (")[0] for b in both] == [
        "Housing Ombudsman Service",
        "Scottish Public Services Ombudsman",
    ]
    assert "0800 377 7330" in both[1].line()


# --- scheme reports --------------------------------------------------------------------------------


def test_scheme_names_become_safe_file_names():
    assert slugify("St Hilda's Court (Extra Care)") == "st-hildas-court-extra-care"
    assert slugify("../../etc") == "etc"
    assert slugify("Café Court") == "cafe-court"
    assert slugify("***") == "unnamed"


def test_a_scheme_cell_holding_a_long_note_still_gets_a_page(tmp_path):
    """A note pasted into the scheme column (thousands of characters, a name and an address in
    it) used to become a file name over the file system's limit: the run stopped with an error
    quoting the whole note. The file name is cut and keeps a hash, so two such notes differ."""
    from pipeline.reporting.sample import sample_landlord
    from pipeline.reporting.schemes import render_scheme_reports

    note = "Jean Hall lives at 14 Gorsebrook Lane " * 150
    rows = [row("received_1", "2025-26", value=30)]
    rows += [
        row("received_1", "2025-26", value=6, breakdown=SCHEME, breakdown_value=name)
        for name in (note, note + "again")
    ]
    con = duckdb.connect()
    con.register("rows_", pl.DataFrame(rows, schema=_EMPTY_SCHEMA))
    con.execute("create table measures as select * from rows_")
    paths = render_scheme_reports(con, sample_landlord("t"), "2025-26", tmp_path, pdf=False)
    names = sorted(p.name for p in paths["schemes"].iterdir())
    assert len(names) == 2 and all(len(name) < 100 for name in names), names


def test_two_names_with_one_slug_get_a_page_each(tmp_path):
    """ "ABBEY MEWS" typed beside "Abbey Mews", or two names in another script (both "unnamed"):
    one page overwrote the other and the combined report had one section id twice."""
    from pipeline.reporting.sample import sample_landlord
    from pipeline.reporting.schemes import render_scheme_reports

    names = ("ABBEY MEWS", "Abbey Mews", "بيت", "дом")
    rows = [row("received_1", "2025-26", value=30)]
    rows += [
        row("received_1", "2025-26", value=6, breakdown=SCHEME, breakdown_value=name)
        for name in names
    ]
    con = duckdb.connect()
    con.register("rows_", pl.DataFrame(rows, schema=_EMPTY_SCHEMA))
    con.execute("create table measures as select * from rows_")
    paths = render_scheme_reports(con, sample_landlord("t"), "2025-26", tmp_path, pdf=False)
    pages = sorted(p.name for p in paths["schemes"].iterdir())
    assert len(pages) == len(names)
    assert all(page.startswith(("abbey-mews-", "unnamed-")) for page in pages), pages
    combined = paths["html"].read_text(encoding="utf-8")
    ids = re.findall(r'<h2 id="(scheme-[^"]+)"', combined)
    assert len(ids) == len(set(ids)) == len(names)


def test_schemes_are_those_with_complaints_and_unknown_is_left_out():
    year = parse_period("2025-26")
    m = measures(
        [
            row("received_1", "2025-26", value=v, breakdown=SCHEME, breakdown_value=name)
            for name, v in (("Beech", 3), ("Abbey", 9), ("unknown", 2))
        ]
    )
    assert [u.name for u in units(m, year, SCHEME)] == ["Abbey", "Beech"]


def test_the_schemes_stored_as_other_get_no_page_and_the_overview_says_where_they_are():
    """'other' gathers the scheme cells that held a name or contact details (or a value not in
    the mapping's codes): several schemes, no one of them. It had a published page, "Complaints
    at other"."""
    from pipeline.reporting.schemes import BUSINESS_UNIT, overview_section

    year = parse_period("2025-26")
    m = measures(
        [
            row("received_1", "2025-26", value=v, breakdown=kind, breakdown_value=name)
            for kind, name, v in (
                (SCHEME, "Beech", 3),
                (SCHEME, "other", 9),
                (BUSINESS_UNIT, "other schemes", 9),
            )
        ]
    )
    schemes = units(m, year, SCHEME)
    assert [u.name for u in schemes] == ["Beech"]
    assert [u.name for u in units(m, year, BUSINESS_UNIT)] == ["other schemes"]
    landlord = load_landlord(Path(__file__).parents[2] / "examples" / "homes_plus")
    blocks = overview_section(landlord, year, schemes, [], m).blocks
    texts = " ".join(b.text or "" for b in blocks)
    assert "could not be shown" in texts and "no page of their own" in texts


def test_compensation_no_export_records_is_said_to_be_not_known_not_read_as_none():
    from pipeline.reporting.annual import money_not_recorded_note

    year = parse_period("2025-26")
    columns = [("2025/26", year), ("2024/25", year.previous)]
    recorded = measures(
        [row("compensation_offered_gbp", "2025-26", 300, unit="gbp")]
        + [row("compensation_paid_gbp", "2025-26", 0, unit="gbp")]
    )
    assert money_not_recorded_note(recorded, columns) is None
    unknown = measures(
        [row("compensation_offered_gbp", "2025-26", 300, unit="gbp")]
        + [row("compensation_paid_gbp", p, None, unit="gbp") for p in ("2025-26", "2024-25")]
    )
    assert unknown.get("compensation_paid_gbp", year)["display"] == "[U]"
    note = money_not_recorded_note(unknown, columns)
    assert "do not record the compensation paid" in note and "offered" not in note
    assert "not £0" in note


def test_outcome_shares_that_would_give_away_a_small_count_are_hidden():
    year = parse_period("2025-26")
    # 36 closed: upheld 13, partially 6, not upheld 16, discontinued 1
    shares = {"upheld": 13, "partially_upheld": 6, "not_upheld": 16, "discontinued": 1}
    m = measures(
        [
            row(
                "outcome_1",
                "2025-26",
                numerator=n,
                denominator=36,
                unit="percent",
                breakdown="scheme|outcome",
                breakdown_value=f"Abbey|{o}",
            )
            for o, n in shares.items()
        ]
    )
    table = outcome_table(m, year, Unit(SCHEME, "Abbey"), threshold=5)
    html = str(table.html)
    assert ">36.1<" in html and ">44.4<" in html  # 13 and 16 of 36
    # 1 discontinued is hidden, and the next smallest (6) with it, so 100 - the rest reveals nothing
    assert html.count(">[c]<") == 2 and ">16.7<" not in html and ">2.8<" not in html


# --- group report ----------------------------------------------------------------------------------


def test_group_figures_add_numerators_and_denominators():
    con = duckdb.connect()
    frame = pl.DataFrame(
        [
            {
                **row(
                    "CH02_1",
                    "2025-26",
                    numerator=80,
                    denominator=100,
                    unit="percent",
                    breakdown="stock_type",
                    breakdown_value="lcra",
                    view="regulator",
                ),
                "group_landlord": "a",
            },
            {
                **row(
                    "CH02_1",
                    "2025-26",
                    numerator=10,
                    denominator=20,
                    unit="percent",
                    breakdown="stock_type",
                    breakdown_value="lcra",
                    view="regulator",
                ),
                "group_landlord": "b",
            },
            {**row("received_1", "2025-26", value=3), "group_landlord": "a"},
            {**row("received_1", "2025-26", value=4), "group_landlord": "b"},
            {
                **row("ack_in_time_1", "2025-26", numerator=0, denominator=0, unit="percent"),
                "group_landlord": "a",
            },
            {
                **row(
                    "wd_to_response_median_1",
                    "2025-26",
                    value=9.0,
                    numerator=9,
                    denominator=4,
                    unit="wd",
                ),
                "group_landlord": "a",
            },
        ]
    )
    con.register("member_rows", frame)
    con.execute("create view measures as select * from member_rows")
    group = combine_group_measures(con)
    got = {r["measure"]: (r["numerator"], r["denominator"], r["display"]) for r in group.to_dicts()}
    # 90 of 120 = 75.0, not the average of 80.0 and 50.0 (65.0)
    assert got["CH02_1"] == (90.0, 120.0, "75.0")
    assert got["received_1"] == (7.0, None, "7")
    assert got["ack_in_time_1"][2] == "[U]"
    assert "wd_to_response_median_1" not in got  # a median cannot be combined
    assert set(group.columns) >= set(MEASURE_COLUMNS)


def test_a_group_figure_with_a_member_figure_not_known_is_not_known():
    """design.md s6: combined figures add numerators and denominators; a member figure that is
    [U] because it is not known (complaints_raised_late where the export has no first_known_date)
    made the group total the other members' sum, as if that member had none."""
    con = duckdb.connect()
    late = {"unit": "count", "view": "management"}
    frame = pl.DataFrame(
        [
            {**row("complaints_raised_late", "2025-26", value=2, **late), "group_landlord": "a"},
            {
                **row("complaints_raised_late", "2025-26", value=None, **late),
                "numerator": None,
                "group_landlord": "b",
            },
            {**row("received_1", "2025-26", value=3), "group_landlord": "a"},
            {**row("received_1", "2025-26", value=4), "group_landlord": "b"},
            {
                **row("root_cause_recorded", "2025-26", numerator=1, denominator=4, unit="percent"),
                "group_landlord": "a",
            },
            {
                **row("root_cause_recorded", "2025-26", numerator=0, denominator=5, unit="percent"),
                "numerator": None,
                "value": None,
                "group_landlord": "b",
            },
        ],
        infer_schema_length=None,
    )
    con.register("member_rows", frame)
    con.execute("create view measures as select * from member_rows")
    got = {
        r["measure"]: (r["numerator"], r["value"], r["display"])
        for r in combine_group_measures(con).to_dicts()
    }
    assert got["complaints_raised_late"] == (None, None, "[U]")
    assert got["root_cause_recorded"] == (None, None, "[U]")
    assert got["received_1"] == (7.0, 7.0, "7")


def test_group_csv_cells_cannot_run_as_formulas():
    frame = pl.DataFrame(
        {"breakdown_value": ["=HYPERLINK(1)", "-x", "Repairs"], "value": [-1.0, 2.0, 3.0]}
    )
    safe = formula_safe(frame)
    assert safe["breakdown_value"].to_list() == ["'=HYPERLINK(1)", "'-x", "Repairs"]
    assert safe["value"].to_list() == [-1.0, 2.0, 3.0]


def test_business_unit_and_scheme_reports_read_their_own_rows(tmp_path):
    """A business unit (breakdown business_stream, rolled up by the measures step) and a scheme
    each get a page; the scheme's TSM figure shows where the survey recorded the scheme."""
    from pipeline.reporting.sample import sample_landlord
    from pipeline.reporting.schemes import render_scheme_reports

    rows = []
    for period, scale in (("2025-26", 1), ("2024-25", 2)):
        rows += [
            row("received_1", period, value=40 * scale),
            row(
                "received_1",
                period,
                value=12 * scale,
                breakdown="business_stream",
                breakdown_value="Extra Care",
            ),
            row(
                "received_1",
                period,
                value=12 * scale,
                breakdown="scheme",
                breakdown_value="Harbour View",
            ),
            row("received_1", period, value=3, breakdown="scheme", breakdown_value="Tiny Court"),
            row("received_1", period, value=25, breakdown="scheme", breakdown_value="Big Court"),
        ]
    rows += [
        row(
            "TP09",
            "2025-26",
            # 15 of 20: neither the satisfied nor the rest under 5 (6 of 8 would be [c]: it
            # says 2 were not satisfied).
            numerator=15,
            denominator=20,
            unit="percent",
            breakdown="scheme",
            breakdown_value="Harbour View",
            view="regulator",
        ),
        row(
            "TP09_respondents",
            "2025-26",
            value=20,
            breakdown="scheme",
            breakdown_value="Harbour View",
            view="regulator",
        ),
    ]
    con = duckdb.connect()
    frame = pl.DataFrame(rows, schema=_EMPTY_SCHEMA)
    con.register("rows_", frame)
    con.execute("create table measures as select * from rows_")
    landlord = sample_landlord("t")
    paths = render_scheme_reports(con, landlord, "2025-26", tmp_path, pdf=False)
    assert sorted(p.name for p in paths["business_units"].iterdir()) == ["extra-care.html"]
    assert sorted(p.name for p in paths["schemes"].iterdir()) == [
        "big-court.html",
        "harbour-view.html",
        "tiny-court.html",
    ]
    harbour = (paths["schemes"] / "harbour-view.html").read_text(encoding="utf-8")
    assert "tbl-harbour-view-tp09" in harbour and ">75.0<" in harbour and ">20<" in harbour
    tiny = (paths["schemes"] / "tiny-court.html").read_text(encoding="utf-8")
    assert ">&lt;5<" in tiny and ">3<" not in tiny  # published: suppressed
    assert "How to complain" in tiny
    combined = paths["html"].read_text(encoding="utf-8")
    assert combined.index("Extra Care") < combined.index("Big Court")  # units first


def test_a_period_without_figures_reads_not_available_in_the_service_area_table():
    """homes_plus Q1 2023/24 (its first year): Q1 2022/23 has no figures at all, and the volumes
    table read "not available" for it, but the service-area table beside it read "–" ("none
    recorded in that period") in every row: a claim of zero complaints the data cannot make."""
    q1 = parse_period("2025-26-Q1")
    rows = [row("received_1", "2025-26-Q1", value=12)] + [
        row("received_1", "2025-26-Q1", value=v, breakdown="service_area", breakdown_value=a)
        for a, v in (("repairs", 9), ("care", 3))
    ]
    m = with_year_to_date(measures(rows), q1)
    tables = [b.table for b in volumes_section(m, q1).blocks if b.table]
    html = plain(str(tables[-1].html))
    cells = re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)
    assert "–" not in cells, cells
    assert cells.count("not available") == 4  # last year's quarter and year to date, 2 areas


def test_a_schemes_year_before_the_data_begins_reads_not_available():
    """council_housing's scheme reports 2023/24 (its first year of data): the 2022/23 column read
    "–" ("none recorded") for every figure of every scheme, a claim of no complaints there that
    year, although 2022/23 has no figures at all. A year the landlord has figures for keeps "–"
    for a scheme with nothing recorded."""
    from pipeline.reporting.schemes import unit_section

    year = parse_period("2025-26")
    scheme = {"breakdown": "scheme", "breakdown_value": "Abbey"}
    rows = [row("received_1", "2025-26", 12), row("received_1", "2025-26", 7, **scheme)]
    unit = Unit("scheme", "Abbey", None)

    def previous_cell(rows) -> str:
        section = unit_section(measures(rows), code_landlord(), year, unit)
        html = plain(str(next(b.table.html for b in section.blocks if b.table)))
        first = re.search(r"<tr>\s*<t[hd][^>]*>Stage 1 complaints received.*?</tr>", html, re.S)
        return re.findall(r"<td[^>]*>(.*?)</td>", first.group(0), re.S)[-2]

    assert previous_cell(rows) == "not available"
    assert previous_cell([*rows, row("received_1", "2024-25", 9)]) == "–"


def test_the_service_area_table_traces_each_figure_to_its_row():
    """The committee pack's stage 1 complaints by service area showed each figure as bare text,
    so nothing tied it to its measures row (the figures-trace test could not check it), and a
    count of 1,000 or more read without its thousands comma (1053), unlike the same figure in
    the group report (1,053)."""
    from pipeline.reporting.trace import finish, traced_figures

    rows = [row("received_1", "2025-26-Q4", 1100)] + [
        row("received_1", "2025-26-Q4", v, breakdown="service_area", breakdown_value=a)
        for a, v in (("repairs", 1053), ("care", 47))
    ]
    m = with_year_to_date(measures(rows), Q4)
    table = [b.table for b in volumes_section(m, Q4).blocks if b.table][-1]
    figures = traced_figures(finish(str(table.html)))
    shown = {(f["period"], f["breakdown_value"]): f["text"] for f in figures}
    assert shown[("2025-26-Q4", "repairs")] == "1,053"
    assert shown[("2025-26-YTD", "care")] == "47"
    assert all(f["measure"] == "received_1" and f["breakdown"] == "service_area" for f in figures)


def _row_names(section: Section, caption_start: str) -> list[str]:
    """The row headers of the section's table whose caption starts with ``caption_start``."""
    table = next(
        b.table for b in section.blocks if b.kind == "table" and caption_start in b.table.html
    )
    return [
        html.unescape(plain(re.sub(r"<[^>]+>", "", name))).strip()
        for name in re.findall(r'<th scope="row"[^>]*>(.*?)</th>', table.html, re.S)
    ]


def test_a_target_on_every_answer_is_named_as_the_handling_table_names_it():
    """homes_plus Q4 2025/26 (England and Scotland): the targets table named the all-countries
    figure 'Stage 1: all answers sent within the Code's time limits (%)' (91.4 to date), the
    name the annual report gives England's own figure (92.6), while the handling table below
    named the same row by the Code's and the SPSO's limits: one figure, two names, and one name
    for two figures."""
    from pipeline.reporting.committee import committee_sections

    landlord = code_landlord(
        regimes=["eng", "sct"],
        thresholds={
            "targets": [
                {"measure": "response_in_time_1", "view": "regulator", "target": 95, "amber": 90}
            ]
        },
    )
    rows = [
        _percent("response_in_time_1", "2025-26-Q4", 85, 91, view="regulator"),
        _percent("response_in_time_1", "2025-26-Q3", 80, 88, view="regulator"),
    ]
    m = with_year_to_date(measures(rows), Q4)
    con = duckdb.connect()
    create_canonical_schema(con)
    sections = committee_sections(con, landlord, m, Q4, D(2026, 4, 30))
    by_id = {s.id: s for s in sections}
    both = "Stage 1: all answers sent within the Code's (England) or the SPSO's (Scotland) time"
    target_names = _row_names(by_id["targets"], "Our targets")
    handling_names = _row_names(by_id["handling"], "Complaint handling")
    assert [name for name in target_names if name.startswith("Stage 1: all answers")] == [
        f"{both} limits (%)"
    ]
    assert f"{both} limits (%)" in handling_names
    assert not any("within the Code's time limits" in name for name in target_names)
    assert _attention(by_id["targets"])[0].startswith(f"{both} limits (%): 93.4 against")


def test_several_overdue_actions_of_one_change_give_the_earliest_due_date_as_such():
    """housing21 2025/26: 'Repairs follow-up' had two overdue actions, due 27 November 2025 and
    25 January 2026 (so the committee pack's list of overdue improvements); the annual report and
    the residents' summary said 'Actions: 2 overdue (due 27 November 2025)', as if both had been
    due then."""
    con = duckdb.connect()
    create_canonical_schema(con)
    text = "Text residents when a repair needs a second visit."

    def action(ref, due, **more):
        return {"action_ref": ref, "theme": "Repairs follow-up", "description": text,
                "linked_complaint_ids": [f"c{ref}"], "raised_date": D(2025, 6, 1),
                "due_date": due} | more  # fmt: skip

    insert_rows(
        con,
        "learning_action",
        [action("1", D(2025, 11, 27)), action("2", D(2026, 1, 25)), action("3", D(2026, 6, 1))],
    )
    frame = changes_made(con, LANDLORD_ID, parse_period("2025-26"), D(2026, 3, 31), published=False)
    assert frame["Where it stands"].to_list() == [
        "Actions: 2 overdue (earliest due 27 November 2025); 1 in progress"
    ]
    # the same two overdue, nothing else: one state, still the earliest of two dates
    con.execute("delete from learning_action where action_ref = '3'")
    frame = changes_made(con, LANDLORD_ID, parse_period("2025-26"), D(2026, 3, 31), published=False)
    assert frame["Where it stands"].to_list() == ["Overdue: earliest due 27 November 2025"]
    # one overdue action keeps its own due date
    con.execute("delete from learning_action where action_ref = '2'")
    frame = changes_made(con, LANDLORD_ID, parse_period("2025-26"), D(2026, 3, 31), published=False)
    assert frame["Where it stands"].to_list() == ["Overdue: due 27 November 2025"]


def test_the_pack_says_why_raised_late_reads_u():
    """The committee pack shows the same count as the annual report: [U] when no complaint of the
    period has the date the resident first knew of the issue, explained under the table."""
    from pipeline.reporting.committee import committee_sections

    rows = [
        row("complaints_raised_late", "2025-26-Q4"),
        row("complaints_raised_late", "2025-26-Q3"),
    ]
    m = with_year_to_date(measures(rows), Q4)
    con = duckdb.connect()
    create_canonical_schema(con)
    sections = {s.id: s for s in committee_sections(con, code_landlord(), m, Q4, D(2026, 4, 30))}
    table = next(b.table for b in sections["handling"].blocks if b.kind == "table")
    assert "[U]" in table.html
    assert "the date the resident first knew of the issue" in html.unescape(table.html)
