"""How to complain, in the words of the procedure each resident's complaint follows. Homes Plus's
learning summary told every resident "We will acknowledge your complaint, agree with you what it is
about and reply in writing." In Scotland the SPSO model's stage 1 (frontline response, within 5
working days of receipt) has no acknowledgement step and may be given in person or by phone; only
stage 2 (investigation) is acknowledged (within 3 working days) and answered in writing. An SPSO
investigator reads the promise as one the landlord's own procedure does not make."""

from __future__ import annotations

import polars as pl

from pipeline.config import load_landlord
from pipeline.periods import parse_period
from pipeline.reporting.data import _EMPTY_SCHEMA, Measures
from pipeline.reporting.residents import how_to_complain
from pipeline.reporting.trace import plain
from pipeline.workspaces import DEFAULT_WORKSPACES_ROOT

PERIOD = parse_period("2024-25-Q4")


def _text(landlord) -> str:
    section = how_to_complain(landlord, Measures(pl.DataFrame(schema=_EMPTY_SCHEMA)), PERIOD)
    return plain(" ".join(block.text for block in section.blocks if block.kind == "text"))


def test_two_nations_tell_scottish_residents_the_spso_models_stages():
    landlord = load_landlord(DEFAULT_WORKSPACES_ROOT / "homes_plus")
    assert set(landlord.regimes) == {"eng", "sct"}
    text = _text(landlord)
    assert "We will acknowledge your complaint, agree with you what it is about and reply in " \
        "writing." not in text  # fmt: skip
    assert "In England, we will acknowledge your complaint" in text
    assert "In Scotland" in text and "no separate acknowledgement" in text
    assert "stage 2" in text


def test_a_scotland_only_landlord_makes_no_english_promise():
    landlord = load_landlord(DEFAULT_WORKSPACES_ROOT / "homes_plus").model_copy(
        update={"regimes": ["sct"]}
    )
    text = _text(landlord)
    assert "acknowledge your complaint, agree" not in text
    assert "England" not in text
    assert "no separate acknowledgement" in text


def test_england_only_keeps_the_codes_promise():
    text = _text(load_landlord(DEFAULT_WORKSPACES_ROOT / "housing21"))
    assert "We will acknowledge your complaint, agree with you what it is about and reply in " \
        "writing." in text  # fmt: skip
    assert "Scotland" not in text
