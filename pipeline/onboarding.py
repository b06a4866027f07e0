"""Onboarding without trial and error: configuration problems before ingest, the data cut said.

:func:`workspace_problems` reads every configuration file of a workspace (landlord.yaml, the
mappings, ombudsman/publications.yaml, each year's self_assessment.yaml) and the folder name, and returns every
problem at once, each naming the file and key, before a single export is read. :func:`data_cut_note`
says which data cut a run used when landlord.yaml sets none, and suggests the exports' last date.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from pipeline.config import ConfigError, Landlord, landlord_key, load_landlord, load_yaml_model
from pipeline.mapping import load_mapping, load_mappings

__all__ = ["WorkspaceError", "check_workspace", "data_cut_note", "workspace_problems"]


class WorkspaceError(ConfigError):
    """A workspace's configuration has problems; the message lists every one of them."""


def _folder_problem(workspace: Path, landlord: Landlord) -> str | None:
    """The folder must be named after the landlord id (it names the warehouse and outputs)."""
    if workspace.name == landlord.landlord_id:
        return None
    written = landlord.written_id
    as_key = (
        f"'{written}' becomes the folder and file name '{landlord.landlord_id}'"
        if written != landlord.landlord_id
        else f"'{written}'"
    )
    return (
        f"{workspace / 'landlord.yaml'}: key 'landlord_id': {as_key}, but the workspace folder is "
        f"'{workspace.name}': rename the folder to '{landlord.landlord_id}'"
        + (
            f" (or write landlord_id: {workspace.name})"
            if landlord_key(workspace.name) == workspace.name
            else ""
        )
    )


def workspace_problems(workspace: Path) -> list[str]:
    """Every configuration problem of ``workspace``, each naming its file and key.

    Reads landlord.yaml, every ``mappings/*.yaml`` (each on its own, so one broken mapping does not
    hide another), whether a file is matched by two mappings, ``ombudsman/publications.yaml`` and
    ``self_assessment.yaml`` when present, and checks that the folder is named after the landlord
    id. No export is read.

    Returns
    -------
    list[str]
        Problems in the order found; empty when the workspace can run.
    """
    # imported here: the ingest and self-assessment modules import this package's neighbours
    from pipeline.sources.discovery import matched_files
    from pipeline.sources.errors import IngestError
    from pipeline.sources.publications import Publications

    workspace = Path(workspace)
    problems: list[str] = []
    landlord = None
    try:
        landlord = load_landlord(workspace)
    except ConfigError as exc:
        problems.append(str(exc))
    else:
        folder = _folder_problem(workspace, landlord)
        if folder:
            problems.append(folder)
    folder = workspace / "mappings"
    mappings = {}
    for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
        try:
            mappings[path.relative_to(workspace).as_posix()] = load_mapping(path, workspace)
        except ConfigError as exc:
            problems.append(str(exc))
    if landlord is not None:
        problems += _regime_problems(landlord, mappings)
    try:
        matched_files(workspace, mappings)
    except IngestError as exc:
        problems.append(str(exc))
    publications = workspace / "ombudsman" / "publications.yaml"
    if publications.is_file():
        try:
            load_yaml_model(publications, Publications)
        except ConfigError as exc:
            problems.append(str(exc))
    problems += _self_assessment_problems(workspace)
    return problems


def _regime_problems(landlord: Landlord, mappings: dict) -> list[str]:
    """Complaint mappings whose ``regime`` is one landlord.yaml does not list, or that give none
    for a landlord of two regimes.

    A regime not listed has no timescales in any policy version: its complaints loaded and were
    all late, with no message. With one regime listed it is every complaint's default; with two
    there is none, and every row of a mapping without one was quarantined as required_missing
    after the export was read.
    """
    problems = []
    for name, mapping in mappings.items():
        if mapping.target != "complaint":
            continue
        spec = mapping.columns.get("regime")
        if spec is not None:
            given = [spec.value, spec.default, spec.other, *(spec.codes or {}).values()]
            foreign = sorted({str(v) for v in given if v is not None} - set(landlord.regimes))
            if foreign:
                problems.append(
                    f"{name}: key 'columns.regime' gives {', '.join(foreign)}, which "
                    f"landlord.yaml's regimes ({', '.join(landlord.regimes)}) do not list, so "
                    "no policy version has its timescales (every such complaint would be "
                    "late): add it to regimes, with its timescales, or correct the mapping"
                )
            continue
        routed = mapping.route.targets().values() if mapping.route else []
        if len(landlord.regimes) < 2:
            continue
        if any("regime" in r.set or "regime" in r.columns for r in routed):
            continue
        problems.append(
            f"{name}: key 'columns.regime' is missing: landlord.yaml lists two regimes "
            f"({', '.join(landlord.regimes)}), so each complaint's regime must come from the "
            'export (e.g. regime: {column: "Country", codes: {"England": eng, '
            '"Scotland": sct}}) or, for an export of one country, regime: {value: sct}'
        )
    return problems


def mapping_warnings(workspace: Path) -> list[str]:
    """Mappings that run but would mislead: a Scottish landlord's complaint mapping without the
    stages' outcome, or (wide) reading the complaint's received date from stage 1's column; a
    TSM survey mapping without the respondent's country for a landlord in both countries.

    A blank or unmapped outcome is ``open``, and ARC indicator 3 counts an open stage as not
    responded in full: with no outcome mapped, the ARC return said 0.0% responded in full and
    [U] working days, with nothing to say why. (England's CH02 judges dates, not the outcome.)
    A survey response without a regime is English, so a Scottish tenant's answer in a file of
    both countries would be counted in the English TP09.
    """
    try:
        landlord = load_landlord(workspace)
        mappings = load_mappings(workspace)
    except ConfigError:
        return []  # reported as a configuration problem
    if "sct" not in landlord.regimes:
        return []
    warnings = [
        f"{name}: no regime is mapped, so every survey response is counted as an English home's "
        "in TP09; for a file of English homes only write regime: {value: eng}, else map the "
        'respondent\'s country (regime: "Country")'
        for name, mapping in mappings.items()
        if mapping.target == "tp09_response"
        and "eng" in landlord.regimes
        and "regime" not in mapping.columns
    ]
    for name, mapping in mappings.items():
        regime = mapping.columns.get("regime")
        if mapping.target != "complaint" or (regime is not None and regime.value == "eng"):
            continue
        if mapping.shape == "long":
            missing = [] if "outcome" in mapping.columns else ["every stage"]
        else:
            missing = [f"stage {n}" for n, spec in mapping.stages.items() if "outcome" not in spec]
        if missing:
            warnings.append(
                f"{name}: no outcome is mapped for {' and '.join(missing)}, so each such stage "
                "is 'open' and the ARC return counts none as responded in full (indicator 3 "
                "0.0%, indicator 4 [U]); map the export's outcome column with its codes"
            )
        # A complaint that starts at stage 2 (SPSO) has its stage 1 cells blank: a complaint
        # date read from stage 1's column was blank, and the row, stage 2 and all, quarantined.
        received = mapping.columns.get("received_date")
        stage1 = mapping.stages.get(1, {}).get("received_date")
        if (
            mapping.shape != "long"
            and 2 in mapping.stages
            and received is not None
            and stage1 is not None
            and received.column is not None
            and received.column == stage1.column
        ):
            warnings.append(
                f"{name}: the complaint's received_date is read from '{received.column}', stage "
                "1's received date, so a Scottish complaint that starts at stage 2 (as the SPSO "
                "model allows) has it blank and is quarantined as required_missing, its stage 2 "
                "with it; leave received_date out of columns (a complaint's is then its "
                "earliest stage's) or map the export's own first-contact date"
            )
    return warnings


def _self_assessment_problems(workspace: Path) -> list[str]:
    """Problems of a root ``self_assessment.yaml`` and of each ``annual_report/<year>/``
    self-assessment (a board response or narrative that is missing or wrong does not stop a run:
    the annual report and the data-quality report say so, docs/governance.md)."""
    from pipeline.annual_inputs import workspace_years
    from pipeline.self_assessment.model import load_self_assessment, load_year_assessment

    problems: list[str] = []
    path = workspace / "self_assessment.yaml"
    if path.is_file():
        try:
            load_self_assessment(path)
        except ConfigError as exc:
            problems += list(getattr(exc, "problems", None) or [str(exc)])
    for year in workspace_years(workspace):
        try:
            load_year_assessment(workspace, year)
        except ConfigError as exc:
            problems += list(getattr(exc, "problems", None) or [str(exc)])
    return problems


def check_workspace(workspace: Path) -> None:
    """Raise :class:`WorkspaceError` listing every problem of ``workspace`` (none: return)."""
    problems = workspace_problems(workspace)
    if problems:
        raise WorkspaceError(
            f"{len(problems)} configuration problem(s) in {workspace}, found before reading any "
            "export:\n- " + "\n- ".join(problems)
        )


def latest_export_date(con: duckdb.DuckDBPyConnection, landlord_id: str) -> dt.date | None:
    """The latest date in the loaded complaint exports (received, acknowledged, responded, closed)."""
    return con.execute(
        """
        select max(day) from (
            select max(greatest(received_date, closed_date)) as day
            from complaint where landlord_id = $landlord_id
            union all
            select max(greatest(received_date, acknowledged_date, responded_date))
            from complaint_stage where landlord_id = $landlord_id
        )
        """,
        {"landlord_id": landlord_id},
    ).fetchone()[0]


def data_cut_note(
    con: duckdb.DuckDBPyConnection, landlord: Landlord, used: dt.date | None = None
) -> str | None:
    """What a run without ``data_cut_date`` used as its data cut, and the date to set instead.

    Parameters
    ----------
    con
        The landlord's DuckDB after ingest.
    landlord
        landlord.yaml; nothing is said when it sets ``data_cut_date``.
    used
        The data cut the run used (default today, as ingest and measures take it).

    Returns
    -------
    str or None
        One sentence for the run's output, or None when landlord.yaml sets the data cut.
    """
    if landlord.data_cut_date is not None:
        return None
    used = used or dt.date.today()
    latest = latest_export_date(con, landlord.landlord_id)
    text = (
        f"landlord.yaml has no data_cut_date, so this run used today, {used:%Y-%m-%d}, as the "
        "data cut (dates after it are quarantined; open complaints and deadlines are judged at it)"
    )
    if latest is None:
        return text + "; no complaint was loaded to suggest a date from."
    return (
        f"{text}. The exports' latest date is {latest:%Y-%m-%d}: if they were taken then, add "
        f"'data_cut_date: {latest:%Y-%m-%d}' to landlord.yaml so a rerun gives the same figures."
    )
