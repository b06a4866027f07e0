"""The command benchmark's data: a group of landlords, each with one long export (issue 20).

``uv run python -m bench.group --complaints 100000`` writes ``bench/data/group_100000/`` with 10
landlord workspaces (``bench00`` .. ``bench09``), each holding about a tenth of the complaints in a
long export (``exports/stage_events.csv``: one row per stage event, ISO dates, the dirt of
:mod:`bench.generate`), its TP09 survey, the long and survey mappings and a ``landlord.yaml``.

The complaints fall in three reporting years, 2022-23 to 2024-25 (bench.generate's calendar: data
cut 30 April 2025; complaints of 2021-22 are generated and dropped, so the three years hold the
requested count). Seeds differ per landlord, so the landlords' figures differ.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

import numpy as np
import polars as pl

from bench import generate as g
from bench.workspace_config import dump, landlord_yaml
from bench.workspace_config import mappings as workspace_mappings

LANDLORDS = 10
YEARS = ["2022-23", "2023-24", "2024-25"]
FIRST = dt.date(2022, 4, 1)
LONG_COLUMNS = g.LONG_COLUMNS


def group_root(complaints: int, out: Path | None = None) -> Path:
    return Path(out or g.DATA_ROOT) / f"group_{complaints}"


def generate_landlord(root: Path, number: int, complaints: int, seed: int) -> Path:
    """One landlord of the group: ``complaints`` complaints received from 1 April 2022."""
    landlord_id = f"bench{number:02d}"
    ws = root / landlord_id
    for sub in ("exports", "mappings", "surveys"):
        (ws / sub).mkdir(parents=True, exist_ok=True)
        for old in (ws / sub).glob("*"):
            old.unlink()
    # generate over bench.generate's four years, keep the last three
    frame = g.generate_frame(int(complaints * 4 / 3) + 1, seed)
    first = pl.coalesce("s1_received", "s2_received")
    frame = frame.filter(first >= FIRST).head(complaints).with_columns(shape=pl.lit("long"))
    rng = np.random.default_rng(seed + 1)
    frame = g._add_dirt(frame, rng, 0.005 * 1.2)
    g._long(frame).select(LONG_COLUMNS).write_csv(ws / "exports" / "stage_events.csv")
    n_tp09 = max(complaints // 10, 200)
    g._tp09(rng, n_tp09).write_csv(ws / "surveys" / "tp09_responses.csv")
    mappings = workspace_mappings()
    for name in ("stage_events_long", "tp09"):
        (ws / "mappings" / f"{name}.yaml").write_text(dump(mappings[name]))
    landlord = landlord_yaml(landlord_id, int(complaints * 4 / 3), n_tp09)
    landlord["name"] = f"Benchmark landlord {number:02d}"
    (ws / "landlord.yaml").write_text(dump(landlord))
    return ws


def generate_group(
    complaints: int, out: Path | None = None, seed: int = 20, landlords: int = LANDLORDS
) -> Path:
    """Write the group's workspaces (skipped when already there for this size and seed)."""
    root = group_root(complaints, out)
    stamp = root / ".generated"
    if stamp.exists() and stamp.read_text() == f"{complaints} {seed} {landlords}":
        return root
    per = complaints // landlords
    for number in range(landlords):
        generate_landlord(root, number, per + (number < complaints % landlords), seed + number)
    stamp.write_text(f"{complaints} {seed} {landlords}")
    return root


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", "-n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    root = generate_group(args.complaints, args.out, args.seed)
    print(f"wrote {root} in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
