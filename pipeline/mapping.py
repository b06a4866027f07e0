"""The mapping YAML (``<workspace>/mappings/*.yaml``) as a pydantic model, see docs/mapping.md.

A mapping says how one export layout maps to one canonical table. Loading validates the keys
(a wrong key names the file and the key) and the meaning: every field named must be a column of
the target table, codes must map to allowed canonical values, and every not-null field without an
implicit default must have a source.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from pipeline.config import ConfigError, load_yaml_model
from pipeline.sources.canonical import (
    ALLOWED_CODES,
    IMPLICIT_DEFAULTS,
    TARGET_TABLES,
    mappable_fields,
)

# Literal of a tuple is the Literal of its items: one list of targets, in sources/canonical.py
Target = Literal[TARGET_TABLES]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _codes_as_text(value: Any) -> Any:
    # YAML turns unquoted keys such as 1 or 2024 into numbers; source cells are text.
    if isinstance(value, dict):
        if any(isinstance(k, bool) for k in value):
            # An unquoted Yes, No, True, False, On or Off key is a YAML boolean: stored as 'True'
            # or 'False', it matched no cell, and every row was quarantined as unknown_code.
            raise ValueError(
                "an unquoted Yes, No, True, False, On or Off is read by YAML as true or false, "
                'not as the word the export writes: quote each such key ("Yes": rather than Yes:)'
            )
        return {str(k): v for k, v in value.items()}
    return value


def _folded_name(name: str | None) -> str | None:
    """A column name with hidden characters folded (no-break and zero-width spaces read as a
    space, direction marks dropped), as header names are read (pipeline.sources.errors)."""
    if name is None:
        return None
    from pipeline.sources.errors import fold_header_name

    return fold_header_name(name)


def check_date_formats(formats: list[str]) -> list[str]:
    """Each format must be one DuckDB's strptime understands (``%d/%m/%Y``), checked when the
    mapping loads so a typo is a message naming the mapping and the key, not a failed query
    mid-ingest."""
    for number, fmt in enumerate(formats, start=1):
        if "%" not in fmt:
            raise ValueError(
                f"format {number} ({_shown(fmt)}) has no % codes; write it like '%d/%m/%Y' "
                "(day/month/year)"
            )
        if not _strptime_understands(fmt):
            raise ValueError(
                f"format {number} ({_shown(fmt)}) is not a date format DuckDB can read (use "
                "codes such as %d day, %m month, %Y four-digit year, %y two-digit year, %b "
                "month name, %H:%M time)"
            )
    return formats


class FieldSpec(_Strict):
    """Where one canonical field comes from: a source column (optionally coded) or a constant."""

    column: str | None = Field(default=None, description="Source column name as in the header")
    value: Any = Field(default=None, description="A constant for every row")
    codes: dict[str, Any] | None = Field(
        default=None, description="Source value (trimmed, any case) -> canonical value"
    )
    default: Any = Field(default=None, description="Value for blank cells")
    other: Any = Field(default=None, description="Value for non-blank cells not in codes")
    pseudonymise: bool | None = Field(
        default=None, description="Override the default (ids are pseudonymised, nothing else)"
    )
    date_formats: list[str] | None = Field(
        default=None,
        description="A date column's own formats, in place of the mapping's (a column written "
        "month first in an export whose other dates are day first)",
    )

    _normalise_codes = field_validator("codes", mode="before")(_codes_as_text)
    _fold_column = field_validator("column")(lambda v: _folded_name(v))

    @field_validator("date_formats")
    @classmethod
    def _own_formats_parse(cls, formats: list[str] | None) -> list[str] | None:
        return None if formats is None else check_date_formats(formats)

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"column": data}
        return data

    @property
    def other_is_blank(self) -> bool:
        """True when the mapping writes `other: null`: values its codes do not list are blank
        (a label field read from a column that holds other things too, such as a refusal reason
        from a stage's 'Result' column)."""
        return "other" in self.model_fields_set and self.other is None

    @model_validator(mode="after")
    def _one_source(self) -> FieldSpec:
        if (self.column is None) == (self.value is None):
            raise ValueError("give exactly one of 'column' or 'value'")
        given = self.codes or self.default is not None or "other" in self.model_fields_set
        if self.value is not None and given:
            raise ValueError("'codes', 'default' and 'other' need a 'column'")
        return self


class Footer(_Strict):
    """Rows whose ``column`` matches ``pattern`` (a regex, from the start) are totals, not data."""

    column: str
    pattern: str

    _fold_column = field_validator("column")(lambda v: _folded_name(v))

    @field_validator("pattern")
    @classmethod
    def _pattern_parses(cls, pattern: str) -> str:
        """Checked here, so a typo is a message naming the mapping and the key: DuckDB's own
        error stopped the load mid-way, named neither, and quoted the pattern as typed."""
        # as written, and as the load anchors it at the cell's start (pipeline.ingest)
        if not (_regex_understood(pattern) and _regex_understood(f"^(?:{pattern})")):
            raise ValueError(
                f"{_shown(pattern)} is not a regular expression DuckDB can read (check its "
                "brackets and backslashes; '^Total' matches cells starting 'Total')"
            )
        return pattern


class RouteTarget(_Strict):
    """Where rows with one route value go, with constants (``set``) and extra field sources."""

    target: Target
    set: dict[str, Any] = Field(default_factory=dict)
    columns: dict[str, FieldSpec] = Field(default_factory=dict)


class Route(_Strict):
    """Send rows elsewhere by one column's value; a value not listed is quarantined."""

    column: str
    values: dict[str, Target | RouteTarget]

    _normalise_values = field_validator("values", mode="before")(_codes_as_text)
    _fold_column = field_validator("column")(lambda v: _folded_name(v))

    def targets(self) -> dict[str, RouteTarget]:
        """Every listed value as a :class:`RouteTarget` (a bare table name becomes one)."""
        return {
            key: value if isinstance(value, RouteTarget) else RouteTarget(target=value)
            for key, value in self.values.items()
        }


def _shown(value: object) -> str:
    """A value the mapping wrote, quoted for a problem message ('council'), unless it reads as a
    person's name or contact details: the message reaches the console, the Dagster instance's
    event log and compute logs (kept for good, shown in the UI), and a mistyped mapping may hold
    a resident's details pasted in the wrong place."""
    from pipeline.contact_details import shown
    from pipeline.sources.screen import looks_personal

    text = str(value)
    if looks_personal([text]):
        return f"a text of {len(text)} characters, not shown: it looks like personal details"
    return shown(text)


@functools.cache
def _duckdb_accepts(statement: str, argument: str) -> bool:
    """Whether DuckDB runs ``statement`` with ``argument`` without an error; asked once per
    statement, argument and process (a mapping is validated several times a run, and an
    in-memory DuckDB connection costs more than the check)."""
    import duckdb

    with duckdb.connect() as con:
        try:
            con.execute(statement, [argument])
        except duckdb.Error:
            return False
    return True


def _regex_understood(pattern: str) -> bool:
    """Whether DuckDB's regexp_matches (the footer test, pipeline.ingest) accepts ``pattern``."""
    return _duckdb_accepts("select regexp_matches('', ?)", pattern)


def _strptime_understands(fmt: str) -> bool:
    """Whether DuckDB's strptime accepts ``fmt``."""
    return _duckdb_accepts("select try_strptime('01/01/2024', ?)", fmt)


class Mapping(_Strict):
    """One ``mappings/*.yaml`` file."""

    files: list[str] = Field(min_length=1, description="Globs relative to the workspace")
    format: Literal["csv", "xlsx"] = "csv"
    encoding: str = Field(default="auto", description="auto = UTF-8 (BOM or not), else cp1252")
    delimiter: str = Field(default=",", min_length=1, max_length=1)

    @field_validator("delimiter", mode="before")
    @classmethod
    def _tab_by_name(cls, value: Any) -> Any:
        """A tab written `tab` or `'\\t'` (YAML reads a backslash and a 't' in single quotes);
        anything else longer than one character is refused saying what to write."""
        if isinstance(value, str) and (value.strip().lower() == "tab" or value == "\\t"):
            return "\t"
        if isinstance(value, str) and len(value) > 1:
            raise ValueError(
                "the delimiter is one character, such as ';', ',' or '|'; a tab is written "
                "delimiter: tab"
            )
        return value

    decimal: Literal[".", ","] = Field(
        default=".",
        description="The decimal mark of the export's numbers: ',' for an export that writes "
        "'1.250,50' (a decimal comma, '.' or a space between thousands)",
    )
    sheet: str | int | None = Field(
        default=None,
        description="xlsx: the sheet's name (quoted), or its position (1 = the first tab, hidden "
        "sheets counted) for a sheet whose name changes from one export to the next",
    )
    header_row: int = Field(default=1, ge=1)
    footer: Footer | None = None
    target: Target
    shape: Literal["wide", "long"] | None = None
    date_formats: list[str] = Field(default_factory=lambda: ["%d/%m/%Y", "%Y-%m-%d"])
    excel_serial_dates: bool = True
    blank_values: list[str] = Field(
        default_factory=list,
        description="Placeholders the export writes in an empty cell ('NULL' from a SQL "
        "export), read as blank; matched whole, trimmed, in any case",
    )
    columns: dict[str, FieldSpec] = Field(default_factory=dict)
    stages: dict[Literal[1, 2], dict[str, FieldSpec]] = Field(default_factory=dict)
    finding: dict[str, FieldSpec] = Field(
        default_factory=dict,
        description="target ombudsman_case: the row's determination, one ombudsman_finding of "
        "the case when its outcome cell is filled (an Ombudsman tracker of one row per case)",
    )
    route: Route | None = None

    @field_validator("sheet")
    @classmethod
    def _sheet_position(cls, sheet: str | int | None) -> str | int | None:
        if isinstance(sheet, int) and sheet < 1:
            raise ValueError(
                "a sheet's position counts from 1 (the first tab); write a sheet's name in quotes"
            )
        return sheet

    @field_validator("stages", mode="before")
    @classmethod
    def _stage_numbers(cls, stages: object) -> object:
        """Stage keys as numbers: ``"1":`` (quoted, as code keys are) is stage 1 too."""
        if isinstance(stages, dict):
            return {
                int(k) if isinstance(k, str) and k.strip() in {"1", "2"} else k: v
                for k, v in stages.items()
            }
        return stages

    @field_validator("files")
    @classmethod
    def _inside_the_workspace(cls, files: list[str]) -> list[str]:
        """Each pattern names files inside the workspace: an absolute path or one climbing out
        with '..' read another landlord's exports (or any file the process could open) into
        this landlord's warehouse and reports. A folder inside the workspace may still be a
        link to where exports are delivered."""
        for number, pattern in enumerate(files, start=1):
            parts = pattern.replace("\\", "/").split("/")
            if pattern.startswith(("/", "~")) or re.match(r"^[A-Za-z]:", pattern) or ".." in parts:
                raise ValueError(
                    f"pattern {number} ({_shown(pattern)}) reaches outside the workspace; the "
                    "files a mapping reads are named from the workspace folder down (exports/..., "
                    "surveys/...)"
                )
        return files

    @field_validator("date_formats")
    @classmethod
    def _formats_parse(cls, formats: list[str]) -> list[str]:
        return check_date_formats(formats)

    @property
    def effective_shape(self) -> str:
        """wide | long for complaints, generic for every other target."""
        if self.target != "complaint":
            return "generic"
        return self.shape or "wide"

    def source_columns(self) -> list[str]:
        """Every source column the mapping names, in first-mention order (header check, dedup)."""
        specs: list[FieldSpec] = list(self.columns.values())
        for stage in self.stages.values():
            specs.extend(stage.values())
        specs.extend(self.finding.values())
        if self.route is not None:
            for target in self.route.targets().values():
                specs.extend(target.columns.values())
        names = [spec.column for spec in specs if spec.column is not None]
        if self.route is not None:
            names.append(self.route.column)
        if self.footer is not None:
            names.append(self.footer.column)
        return list(dict.fromkeys(names))


def _check_fields(
    where: str, table: str, specs: dict[str, FieldSpec], extra: set[str] = frozenset()
) -> list[str]:
    fields = mappable_fields(table)
    problems = []
    for name, spec in specs.items():
        if name in extra:
            continue
        if name not in fields:
            quoted = _shown(name)
            key = name if quoted == f"'{name}'" else f"<{len(name)} characters, not shown>"
            problems.append(
                f"key '{where}.{key}': {quoted} is not a field of table {table} "
                f"(allowed: {', '.join(fields)})"
            )
            continue
        allowed = ALLOWED_CODES.get((table, name))
        if allowed is None and spec is not None:
            problems += _written_text_problems(f"{where}.{name}", fields[name], spec)
        if allowed is None or spec is None:
            continue
        produced = [spec.value, spec.default, spec.other, *(spec.codes or {}).values()]
        bad = [v for v in produced if v is not None and v not in allowed]
        if bad:
            problems.append(
                f"key '{where}.{name}': value {_shown(bad[0])} is not allowed "
                f"(allowed: {', '.join(map(str, allowed))})"
            )
    return problems


def _written_text_problems(where: str, column, spec: FieldSpec) -> list[str]:
    """A free-text field's values the mapping itself writes (``codes`` values, ``other``,
    ``default``, ``value``) that the load's screen would not let through from a cell: a person's
    name or contact details, or text longer than a label.

    A cell's value is screened (pipeline.sources.screen.screened_text_sql), but a code's value
    was stored as written: a category coded to "jean.hall@example.org" or "Jean Hall" was
    printed in the annual report and its published version as a category (found by the second
    hostile audit). Values are counted, never quoted: the message goes to logs.
    """
    from pipeline.sources.canonical import ID_FIELDS
    from pipeline.sources.screen import MAX_TEXT_CHARS, looks_personal, normalised_text

    if column.kind != "text" or column.name in ID_FIELDS:
        return []
    written = [spec.value, spec.default, spec.other, *(spec.codes or {}).values()]
    texts = [normalised_text(v) or "" for v in written if isinstance(v, str)]
    personal = looks_personal(texts)
    bad = sum(1 for v in texts if v in personal or len(v) > MAX_TEXT_CHARS)
    if not bad:
        return []
    return [
        f"key '{where}': {bad} of the values the mapping writes ('codes' values, 'other', "
        "'default' or 'value') look like a person's name or contact details, or are longer "
        f"than {MAX_TEXT_CHARS} characters (not shown here); reports print this field, so "
        "write a label such as a category or scheme name instead"
    ]


def _check_required(where: str, table: str, available: set[str]) -> list[str]:
    missing = [
        name
        for name, col in mappable_fields(table).items()
        if col.not_null and name not in available and (table, name) not in IMPLICIT_DEFAULTS
    ]
    return [f"key '{where}': required field '{name}' of {table} has no source" for name in missing]


def _check(mapping: Mapping) -> list[str]:
    problems: list[str] = []
    shape = mapping.effective_shape
    # a setting of the other format is a sign the mapping was copied and not finished
    other_format = {"csv": ["sheet"], "xlsx": ["encoding", "delimiter"]}[mapping.format]
    problems += [
        f"key '{key}': not used for format {mapping.format}; remove it (or check 'format')"
        for key in other_format
        if key in mapping.model_fields_set
    ]
    if mapping.shape is not None and mapping.target != "complaint":
        problems.append("key 'shape': only target complaint has a shape (wide or long)")
    if shape == "wide":
        complaint, stage_fields = mappable_fields("complaint"), mappable_fields("complaint_stage")
        misplaced = [n for n in mapping.columns if n not in complaint and n in stage_fields]
        problems += [
            f"key 'columns.{name}': '{name}' belongs to a stage; in a wide mapping put it under "
            f"'stages', once per stage (stages: {{1: {{{name}: ...}}, 2: {{{name}: ...}}}})"
            for name in misplaced
        ]
        rest = {k: v for k, v in mapping.columns.items() if k not in misplaced}
        problems += _check_fields("columns", "complaint", rest)
        for number, stage in mapping.stages.items():
            problems += _check_fields(f"stages.{number}", "complaint_stage", stage, {"stage"})
            if "received_date" not in stage:
                problems.append(f"key 'stages.{number}': a stage needs 'received_date'")
        if not mapping.stages:
            problems.append("key 'stages': a wide complaint mapping needs at least one stage")
        available = set(mapping.columns) | {"received_date", "regime"}
        problems += _check_required("columns", "complaint", available)
    elif shape == "long":
        complaint = mappable_fields("complaint")
        stage = mappable_fields("complaint_stage")
        for name, spec in mapping.columns.items():
            if name == "stage":
                continue
            table = "complaint" if name in complaint else "complaint_stage"
            problems += _check_fields("columns", table, {name: spec})
        if "stage" not in mapping.columns:
            problems.append("key 'columns.stage': a long mapping needs the stage column")
        if mapping.stages:
            problems.append("key 'stages': shape long takes stage fields in 'columns'")
        problems += _check_required("columns", "complaint", set(mapping.columns) | {"regime"})
        problems += _check_required("columns", "complaint_stage", set(mapping.columns) & set(stage))
    else:
        problems += _check_fields("columns", mapping.target, mapping.columns)
        if mapping.stages:
            problems.append(f"key 'stages': target {mapping.target} has no stages")
        problems += _check_required("columns", mapping.target, set(mapping.columns))
    if mapping.target == "tp09_response":
        problems += _tp09_problems(mapping.columns)
    if mapping.finding:
        problems += _finding_problems(mapping)
    if mapping.route is not None:
        for value, target in mapping.route.targets().items():
            where = f"route.values.{value}"
            if target.target == mapping.target:
                continue
            sets = {k: FieldSpec(value=v) for k, v in target.set.items()}
            problems += _check_fields(f"{where}.set", target.target, sets)
            problems += _check_fields(f"{where}.columns", target.target, target.columns)
    return problems


# TP09 counts the responses whose filter question ("made a complaint in the last 12 months") is
# yes and that give one of the five answers: a mapping without either loaded every response and
# the TSM return said TP09 [U], 0 respondents complained, with nothing to say why.
_TP09_FIELDS = {
    "made_complaint_12m": "TP09 counts only respondents who say they made a complaint in the "
    "last 12 months, so without it no response is counted (TP09 [U], TP09_Filter_Yes 0); map "
    'the filter question\'s column (e.g. {column: "Complained?", codes: {"Yes": "yes", "No": '
    '"no"}}), or made_complaint_12m: {value: "yes"} for a file of those who complained only',
    "answer": "without the TP09 question's answers every response is a 'don't know' and none is "
    "counted (TP09 [U]); map its column, with codes to very_satisfied, fairly_satisfied, "
    "neither, fairly_dissatisfied, very_dissatisfied",
}


def _tp09_problems(columns: dict[str, FieldSpec]) -> list[str]:
    return [
        f"key 'columns.{name}' is missing: {why}"
        for name, why in _TP09_FIELDS.items()
        if name not in columns
    ]


def _finding_problems(mapping: Mapping) -> list[str]:
    """``finding`` (the determination on an Ombudsman tracker's case row) is for a case mapping,
    takes the case's reference from ``columns.case_ref`` and exists where its outcome is filled."""
    if mapping.target != "ombudsman_case":
        return [
            "key 'finding': only target ombudsman_case has a finding (a tracker's row of one "
            "case and its determination); a file of findings is a mapping of target "
            "ombudsman_finding"
        ]
    problems = _check_fields("finding", "ombudsman_finding", mapping.finding)
    if "case_ref" in mapping.finding:
        problems.append(
            "key 'finding.case_ref': a finding is of the row's case, whose reference is "
            "'columns.case_ref'; remove it here"
        )
    if "outcome" not in mapping.finding:
        problems.append(
            "key 'finding.outcome': the determination's outcome column is needed (a row whose "
            "outcome cell is blank is a case not yet determined, with no finding)"
        )
    return problems


def load_mapping(path: Path, workspace: Path | None = None) -> Mapping:
    """Load and validate one mapping file.

    Parameters
    ----------
    path
        The mapping YAML.
    workspace
        When given, errors name the file relative to it (``mappings/erica.yaml``).

    Returns
    -------
    Mapping
        The validated mapping.

    Raises
    ------
    ConfigError
        A wrong key, value or field, naming the file and the key.
    """
    shown = Path(path)
    if workspace is not None:
        try:
            shown = Path(path).relative_to(workspace)
        except ValueError:
            pass
    try:
        mapping: Mapping = load_yaml_model(Path(path), Mapping)  # type: ignore[assignment]
    except ConfigError as exc:
        raise ConfigError(str(exc).replace(str(path), str(shown), 1)) from None
    problems = _check(mapping)
    if problems:
        raise ConfigError(f"{shown}: " + "; ".join(problems))
    return mapping


def load_mappings(workspace: Path) -> dict[str, Mapping]:
    """Every ``mappings/*.yaml`` (and ``*.yml``) of a workspace, keyed by relative path, sorted."""
    folder = Path(workspace) / "mappings"
    paths = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
    refuse_personal_mapping_names(Path(workspace), paths)
    return {p.relative_to(workspace).as_posix(): load_mapping(p, workspace) for p in paths}


def refuse_personal_mapping_names(workspace: Path, paths: list[Path]) -> None:
    """Stop when a mapping's file name looks like a person's name or contact details.

    A mapping's name is printed wherever its exports are (the manifest, the file table of the
    data-quality report, the warehouse's ``ingest_file``): ``mappings/jean.hall@example.org.yaml``
    reached them all, as an export's name did before it was screened (second hostile audit).
    The message gives the file's size and date, never its name.
    """
    from pipeline.sources.discovery import personal_file_names, size_and_date

    personal = personal_file_names(workspace, paths)
    if personal:
        raise ConfigError(
            f"mappings/: the name of a mapping file looks like a person's name or contact "
            f"details ({size_and_date(min(personal))}); mapping "
            "names are printed in the manifest and the data-quality report, so rename it after "
            "the export it reads"
        )
