"""docs/landlord.md documents every landlord.yaml key of the configuration model, and no other."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from pipeline.config import Landlord, key_paths
from pipeline.returns import reported_stock_types

DOC = Path(__file__).resolve().parents[2] / "docs" / "landlord.md"
TEXT = DOC.read_text(encoding="utf-8")


def documented_keys() -> list[str]:
    """Keys in the first column of the doc's key tables (``| `a`, `b` | ...``)."""
    keys = []
    for line in TEXT.splitlines():
        if not line.startswith("| `"):
            continue
        first = line.split(" | ")[0]
        keys += re.findall(r"`([^`]+)`", first)
    return keys


def test_every_model_key_is_documented_and_every_documented_key_exists():
    documented = documented_keys()
    model = key_paths()
    assert sorted(set(model) - set(documented)) == [], "keys missing from docs/landlord.md"
    assert sorted(set(documented) - set(model)) == [], "docs/landlord.md keys the model lacks"
    assert len(documented) == len(set(documented)), "a key is documented twice"


@pytest.mark.parametrize("block", re.findall(r"```yaml\n(.*?)```", TEXT, re.S))
def test_the_examples_are_valid_landlord_files(block):
    landlord = Landlord.model_validate(yaml.safe_load(block))
    assert landlord.landlord_id in {"riverside_homes", "ll_a"}


def _units(lcra: int, lcho: int) -> dict:
    return {
        ("stock_units", "lcra", "all"): {"numerator": lcra},
        ("stock_units", "lcho", "all"): {"numerator": lcho},
    }


@pytest.mark.parametrize(
    ("row", "lcra", "lcho", "sections"),
    [
        ("| 1,000 or more LCHO (and some LCRA) | LCRA and LCHO |", 5200, 1040, {"lcra", "lcho"}),
        ("| 1,000 or more LCHO, no LCRA | LCHO |", 0, 1500, {"lcho"}),
        ("| 1,000 or more LCRA, fewer than 1,000 LCHO | LCRA |", 5200, 640, {"lcra"}),
        ("| under 1,000 of each (a small landlord) | Combined (COMB) |", 655, 48, {"combined"}),
        ("| none | none |", 0, 0, set()),
    ],
)
def test_the_tsm_sections_table_says_what_the_return_does(row, lcra, lcho, sections):
    assert row in TEXT
    assert reported_stock_types(_units(lcra, lcho)) == sections
