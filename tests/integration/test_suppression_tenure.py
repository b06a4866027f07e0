"""No hidden count by tenure can be worked back from small_specialist's published documents.

small_specialist 2025-26 published TP09 for LCRA homes (41.5%) beside the combined 43 respondents
and LCHO's "<5": of the LCRA counts the total allowed (39 to 42) only 41 gives 41.5% (17 of 41),
so LCHO's 2 respondents followed. This test reads every figure by stock type that the published
documents of every year show (annual report, learning summaries, scheme reports: traced to their
rows; the self-assessment: its CH02 evidence lines) and, for TP09 (respondents and the share
satisfied) and CH01/CH02 (complaints per 1,000 homes and the share in time) at each stage, lists
every pair of LCRA and LCHO counts that fits all of them: the parts add up to the combined
figure, each shown percentage (to one decimal place) and rate per 1,000 homes must come out as
shown, "<5" is 1 to 4. A count of 1-4 (a part, its satisfied or in-time count, or what is left of
it) must keep more than one value that fits.

The same figure must also read the same in every published document.
"""

from __future__ import annotations

import re
from itertools import product
from pathlib import Path

import duckdb
import pytest

from pipeline.periods import ReportingYear
from pipeline.reporting import render, schemes
from pipeline.reporting.labels import label
from pipeline.reporting.trace import traced_figures
from pipeline.returns import tsm_return_fields
from pipeline.rounding import round_half_up
from pipeline.self_assessment.build import load_document
from pipeline.self_assessment.evidence import measured_evidence
from tests.integration.examples import measured_example

pytestmark = pytest.mark.slow

YEARS = ["2023-24", "2024-25", "2025-26"]
PARTS = ("lcra", "lcho")
TOTAL = "combined"
HIDDEN = ("<5", "[c]")
# (count measure, share measure): the count is the share's denominator. TP09's count is its own
# row; CH01's complaints are read back from its rate per 1,000 homes (homes are public).
FAMILIES = [("TP09_respondents", "TP09"), ("CH01_1", "CH02_1"), ("CH01_2", "CH02_2")]


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """small_specialist measured for every year, and what its published documents show."""
    con = duckdb.connect()
    workspace, landlord = measured_example(con, "small_specialist", YEARS)
    out = tmp_path_factory.mktemp("published")
    shown: dict[tuple, dict[str, str]] = {}  # (measure, period, stock) -> document -> text
    for year in YEARS:
        pages = {
            "annual_report_published": render.render_annual_report(
                con, landlord, year, out / year, published=True, workspace=workspace, pdf=False
            )["html"],
            "learning_summary": render.render_learning_summary(
                con, landlord, year, out / year, workspace=workspace, pdf=False
            )["html"],
        }
        found = schemes.render_scheme_reports(
            con, landlord, year, out / year, workspace=workspace, pdf=False
        )
        if found:
            pages["scheme_reports"] = found["html"]
        for name, path in pages.items():
            for fig in traced_figures(Path(path).read_text(encoding="utf-8")):
                if fig["breakdown"] == "stock_type" and fig["view"] in ("regulator", "all"):
                    key = (fig["measure"], fig["period"], fig["breakdown_value"])
                    shown.setdefault(key, {})[f"{year} {name}"] = fig["text"]
                elif fig["breakdown"] == "none" and fig["measure"].startswith("response_in"):
                    key = (fig["measure"], fig["period"], fig["view"])
                    shown.setdefault(key, {})[f"{year} {name}"] = fig["text"]
        # The self-assessment quotes the Code's view of the same figures (6.3, 6.4, 6.14, 6.15).
        for provision, lines in measured_evidence(con, landlord.landlord_id, year).items():
            for line in lines.lines:
                if line.measure.startswith("response_in") and line.available:
                    figure = re.search(
                        r"(\[c\]|<5|[\d.]+%?|\d+)(?: |$)", line.shown.split(": ")[-1]
                    )
                    key = (line.measure, year, "regulator")
                    shown.setdefault(key, {})[f"{year} self_assessment {provision}"] = (
                        figure.group(1).rstrip("%") if figure else line.shown
                    )
        if load_document(con, workspace, landlord, year) is not None:
            for (measure, stock), text in _self_assessment_ch02(con, landlord, year).items():
                shown.setdefault((measure, year, stock), {})[f"{year} self_assessment"] = text
    yield con, landlord, shown
    con.close()


def _self_assessment_ch02(con, landlord, year: str) -> dict[tuple[str, str], str]:
    """The self-assessment's CH02 evidence by stock type, as published ('Low-cost rental (LCRA)
    41.5%')."""
    evidence = measured_evidence(con, landlord.landlord_id, year)
    found = {}
    for provision in ("6.3", "6.14"):
        for line in evidence[provision].lines:
            if not line.measure.startswith("CH02_"):
                continue
            for stock in (*PARTS, TOTAL):
                match = re.search(re.escape(label(stock)) + r" ([^;]+?)%?(?:;|$)", line.shown)
                if match:
                    found[(line.measure, stock)] = match.group(1)
    return found


def _true(con, landlord, measure: str, period: str, stock: str) -> dict | None:
    rows = con.execute(
        "select numerator, denominator, value from measures where landlord_id = ? and "
        "measure = ? and period = ? and breakdown = 'stock_type' and breakdown_value = ? "
        "and view in ('regulator', 'all')",
        [landlord.landlord_id, measure, period, stock],
    ).fetchall()
    return dict(zip(("numerator", "denominator", "value"), rows[0], strict=True)) if rows else None


def _texts(shown, measure: str, period: str, stock: str) -> set[str]:
    return set(shown.get((measure, period, stock), {}).values())


def _fits_count(texts: set[str], n: int, homes: float | None) -> bool:
    """Whether ``n`` fits every way a count's figure was shown."""
    for text in texts:
        if text == "<5" and not 1 <= n <= 4:
            return False
        if text in HIDDEN or text == "[U]":
            continue
        number = float(text.replace(",", ""))
        if homes is None and n != number:
            return False
        if homes is not None and round_half_up(n / homes * 1000, 1) != number:
            return False
    return True


def _fits_share(texts: set[str], part: int, whole: int) -> bool:
    """Whether ``part`` of ``whole`` fits every way the share was shown."""
    for text in texts:
        if text in HIDDEN:
            continue
        if text == "[U]":
            if whole != 0:
                return False
            continue
        if whole == 0 or round_half_up(part / whole * 100, 1) != float(text):
            return False
    return True


def _feasible(shown, con, landlord, count: str, share: str, period: str):
    """Every (parts' counts, parts' shares' numerators) that fits what was published, and the
    true one; None when the figures are weighted or missing."""
    truth, texts, homes = {}, {}, {}
    for stock in (*PARTS, TOTAL):
        count_row = _true(con, landlord, count, period, stock)
        share_row = _true(con, landlord, share, period, stock)
        if count_row is None or share_row is None:
            return None
        whole = count_row["numerator"] if count_row["numerator"] is not None else 0
        part = share_row["numerator"] or 0
        if whole != round(whole) or part != round(part):
            return None  # weighted survey answers: not counts
        truth[stock] = (int(whole), int(part))
        texts[stock] = (_texts(shown, count, period, stock), _texts(shown, share, period, stock))
        homes[stock] = count_row["denominator"] if count.startswith("CH01") else None
    ceiling = truth[TOTAL][0] + 5
    fits = []
    for n_lcra, n_lcho in product(range(ceiling + 1), repeat=2):
        n = {"lcra": n_lcra, "lcho": n_lcho, TOTAL: n_lcra + n_lcho}
        if not all(_fits_count(texts[s][0], n[s], homes[s]) for s in n):
            continue
        shares = {
            s: [k for k in range(n[s] + 1) if _fits_share(texts[s][1], k, n[s])] for s in PARTS
        }
        for k_lcra, k_lcho in product(shares["lcra"], shares["lcho"]):
            if _fits_share(texts[TOTAL][1], k_lcra + k_lcho, n[TOTAL]):
                fits.append((n_lcra, n_lcho, k_lcra, k_lcho))
    return truth, fits


def test_no_count_by_tenure_can_be_worked_back_from_the_published_documents(published):
    con, landlord, shown = published
    problems = []
    checked = 0
    for (count, share), period in product(FAMILIES, YEARS):
        result = _feasible(shown, con, landlord, count, share, period)
        if result is None:
            continue
        truth, fits = result
        true_tuple = (truth["lcra"][0], truth["lcho"][0], truth["lcra"][1], truth["lcho"][1])
        assert true_tuple in fits, f"{share} {period}: the true counts do not fit what is shown"
        checked += 1
        quantities = {
            "LCRA count": lambda f: f[0],
            "LCHO count": lambda f: f[1],
            "LCRA share's count": lambda f: f[2],
            "LCHO share's count": lambda f: f[3],
            "LCRA remainder": lambda f: f[0] - f[2],
            "LCHO remainder": lambda f: f[1] - f[3],
            "combined remainder": lambda f: f[0] + f[1] - f[2] - f[3],
            "combined share's count": lambda f: f[2] + f[3],
        }
        for name, of in quantities.items():
            value = of(true_tuple)
            values = {of(f) for f in fits}
            if 1 <= value <= 4 and values == {value}:
                problems.append(f"{share} {period}: {name} {value} follows from {shown_for(shown, count, share, period)}")  # fmt: skip
    assert checked >= 6, "too few families measured to test"
    assert problems == [], "\n".join(problems)


def shown_for(shown, count: str, share: str, period: str) -> dict:
    return {
        (m, s): sorted(_texts(shown, m, period, s)) for m in (count, share) for s in (*PARTS, TOTAL)
    }


def test_each_figure_by_tenure_reads_the_same_in_every_published_document(published):
    _, _, shown = published
    differing = {key: texts for key, texts in shown.items() if len(set(texts.values())) > 1}
    assert differing == {}


def test_tp09_by_tenure_2025_26_is_published_without_lcra_and_the_return_keeps_it(published):
    """The audit's case: LCRA's 41.5% and its 41 respondents are withheld; the combined 39.5%
    of 43 stays; the TSM return, which goes to the regulator and is not published, keeps them."""
    con, landlord, shown = published
    assert _texts(shown, "TP09", "2025-26", "lcra") == {"[c]"}
    assert _texts(shown, "TP09_respondents", "2025-26", "lcra") <= {"[c]"}
    assert _texts(shown, "TP09", "2025-26", TOTAL) == {"39.5"}
    fields = {f.field_code: f.value for f in tsm_return_fields(con, landlord, "2025-26")}
    true = _true(con, landlord, "TP09", "2025-26", TOTAL)
    assert fields["TP09_Satisfied_Calc_COMB"] == pytest.approx(true["value"], abs=0.05)


def test_published_documents_rendered(published):
    _, _, shown = published
    assert any(key[0] == "TP09" for key in shown)
    assert ReportingYear.parse(YEARS[-1]).key in {key[1] for key in shown}


@pytest.mark.parametrize("stage", [1, 2])
def test_the_policy_view_never_gives_back_the_codes_hidden_figures(published, stage):
    """small_specialist 2025-26: the Code's 33 of 40 in time beside the policy's 34 of 40 said 1
    answer was in time only thanks to the policy's longer extension; with the policy's 5 answers
    in time thanks to an extension, the self-assessment's "<5" under the Code was 4. Across the
    published documents: the two views' shares are never both shown when their counts differ by
    1-4, and the policy's figure is never shown beside the Code's hidden one."""
    con, landlord, shown = published
    problems = []
    for period in YEARS:
        in_time = {
            view: _texts(shown, f"response_in_time_{stage}", period, view)
            for view in ("regulator", "management")
        }
        rows = con.execute(
            "select view, numerator from measures where landlord_id = ? and period = ? and "
            "measure = ? and breakdown = 'none'",
            [landlord.landlord_id, period, f"response_in_time_{stage}"],
        ).fetchall()
        numerators = dict(rows)
        gap = abs((numerators.get("management") or 0) - (numerators.get("regulator") or 0))
        both_shown = all(texts and not texts & set(HIDDEN) for texts in in_time.values())
        if both_shown and 1 <= gap <= 4:
            problems.append(f"{period}: both views of stage {stage} shown, {gap} apart: {in_time}")
        extension = {
            view: _texts(shown, f"response_in_time_with_ext_{stage}", period, view)
            for view in ("regulator", "management")
        }
        if extension["regulator"] & set(HIDDEN) and extension["management"] - set(HIDDEN):
            problems.append(
                f"{period}: policy's {extension['management']} beside the Code's hidden one"
            )
    assert problems == []
