"""The four example landlord workspaces under ``examples/``: seeded, byte-identical reruns.

One workspace per seed landlord (``../shared/policies``): Housing 21 (ERICA wide CSV), a small
specialist landlord (HomeMaster XLSX report), Homes Plus (England and Scotland, long CSV) and a
council housing service (long ``;`` CSV with ISO dates and routed rows). Each workspace holds
``landlord.yaml``, raw ``exports/``, ``mappings/*.yaml``, ``surveys/``, ``ombudsman/``,
``learning.csv`` and, per reporting year, ``annual_report/<year>/`` board response, narrative and
other reports (:mod:`examples_gen.governance`). The self-assessments beside them
(``annual_report/<year>/self_assessment.yaml``) are written by people and never touched here.

The data are synthetic but shaped like real case-system exports: personal data in unmapped
columns (every planted value is listed in ``examples/PLANTED_PII.json``), a handful of deliberately
dirty rows per workspace (listed with the quarantine rule they must trigger in
``examples/<workspace>/EXPECTED_QUARANTINE.csv``), cp1252 and UTF-8-BOM encodings, Excel serial
dates, title rows and totals rows.

This is a generator, not the pipeline: it loops over complaints in Python, which is fine for a few
thousand synthetic records (the whole run takes a few seconds).

Modules, shared by the four landlords:

- ``dates``: the data window (start, data cut, reporting years), working-day calendars.
- ``people``: synthetic complainants and complaint descriptions (the planted personal data).
- ``simulation``: the complaint and stage model and the seeded simulation of a complaint stream.
- ``policy_fields``: the fields the seed policies add (representatives, STAIRs, root causes).
- ``workspace``: cell formatting and the ``Workspace`` that writes files and records planted data.
- ``dirty_rows``: planting rows each quarantine rule must catch.
- ``long_layout``: one-row-per-stage exports (Homes Plus and the council).
- ``surveys``, ``ombudsman``, ``learning``, ``promised_actions``, ``compliments``,
  ``contact_restrictions``: the non-complaint inputs and their mappings.
- ``governance``: each year's board response, narrative and other reports.

and per landlord (``housing21``, ``small_specialist``, ``homes_plus``, ``council_housing``):
``<landlord>_export`` (the case system's columns and labels), ``<landlord>`` (the seeded build of
the workspace's data files) and ``<landlord>_config`` (``landlord.yaml``, the complaint mappings
and the Ombudsman's publications).
"""

from __future__ import annotations

import json
from pathlib import Path

from .council_housing import build_council
from .homes_plus import build_homes_plus
from .housing21 import build_housing21
from .small_specialist import build_small_specialist

BUILDERS = {
    "housing21": build_housing21,
    "small_specialist": build_small_specialist,
    "homes_plus": build_homes_plus,
    "council_housing": build_council,
}


def generate(out: Path) -> None:
    """Write every example workspace under ``out`` (existing generated files are overwritten).

    Parameters
    ----------
    out
        The examples folder, e.g. ``examples/`` or a temporary folder in tests.
    """
    out.mkdir(parents=True, exist_ok=True)
    planted: dict[str, list[str]] = {}
    for name, build in BUILDERS.items():
        ws = build(out)
        ws.write_expected()
        planted[name] = sorted(ws.pii)
    (out / "PLANTED_PII.json").write_bytes(
        (json.dumps(planted, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
    )
