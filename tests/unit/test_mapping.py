"""The mapping YAML model: the documented example parses; a wrong key or value names the file
and the key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.config import ConfigError
from pipeline.mapping import FieldSpec, Mapping, load_mapping, load_mappings

DOCS = Path(__file__).resolve().parents[2] / "docs" / "mapping.md"

GOOD = """\
files: ["exports/erica_complaints_*.csv"]
target: complaint
shape: wide
columns:
  complaint_id: "Case Ref"
  received_date: "Date Received"
  tenure: {column: "Tenure", codes: {"General Needs": lcra}, default: unknown}
  regime: {value: eng}
stages:
  1:
    received_date: "Date Received"
    outcome: {column: "Stage 1 Outcome", codes: {"Upheld": upheld}, default: open}
route:
  column: "Record Type"
  values:
    "Complaint": complaint
    "Petition": {target: non_complaint, set: {kind: petition}}
"""


def _write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "mappings").mkdir(exist_ok=True)
    path = tmp_path / "mappings" / "erica.yaml"
    path.write_text(text)
    return path


def test_documented_example_parses(tmp_path):
    block = re.search(r"```yaml\n(.*?)```", DOCS.read_text(), re.S).group(1)
    # the doc elides stage 2's fields with "..."; everything else is taken as written
    block = block.replace("    ...\n", '    responded_date: "Stage 2 Response Date"\n')
    mapping = load_mapping(_write(tmp_path, block), tmp_path)
    assert mapping.target == "complaint" and mapping.effective_shape == "wide"
    assert mapping.columns["complaint_id"] == FieldSpec(column="Case Ref")
    assert mapping.columns["regime"].value == "eng"
    targets = mapping.route.targets()
    assert targets["Petition"].target == "non_complaint"
    assert targets["Stage 3 - Housing Ombudsman"].columns["referral_date"].column == "Date Received"
    assert "Record Type" in mapping.source_columns()


def test_good_mapping_and_workspace_listing(tmp_path):
    _write(tmp_path, GOOD)
    mappings = load_mappings(tmp_path)
    assert list(mappings) == ["mappings/erica.yaml"]
    assert mappings["mappings/erica.yaml"].columns["tenure"].codes == {"General Needs": "lcra"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("shape: wide", "shape: wide\nsheeet: x"),
            r"mappings/erica.yaml: key 'sheeet' is not allowed",
        ),
        (("target: complaint", "target: complaints"), r"mappings/erica.yaml: key 'target'"),
        (
            ("  regime: {value: eng}", '  regime: {value: eng}\n  colour: "Colour"'),
            r"mappings/erica.yaml: key 'columns.colour': 'colour' is not a field of table complaint",
        ),
        (
            ('codes: {"General Needs": lcra}', 'codes: {"General Needs": council}'),
            r"key 'columns.tenure': value 'council' is not allowed \(allowed: lcra, lcho",
        ),
        (
            ("  regime: {value: eng}", '  regime: {value: eng, column: "Country"}'),
            r"key 'columns.regime': give exactly one of 'column' or 'value'",
        ),
        (
            (
                '"Petition": {target: non_complaint, set: {kind: petition}}',
                '"Petition": {target: non_complaint, set: {kind: petitions}}',
            ),
            r"key 'route.values.Petition.set.kind': value 'petitions' is not allowed",
        ),
        (("  1:\n    received_date", "  3:\n    received_date"), r"key 'stages.3"),
        (
            ("shape: wide", 'shape: wide\nsheet: "Complaints"'),
            r"key 'sheet': not used for format csv; remove it \(or check 'format'\)",
        ),
        (
            ("shape: wide", 'shape: wide\nformat: xlsx\ndelimiter: ";"'),
            r"key 'delimiter': not used for format xlsx",
        ),
        (
            ("  regime: {value: eng}", '  regime: {value: eng}\n  responded_date: "Closed"'),
            r"key 'columns.responded_date': 'responded_date' belongs to a stage; in a wide "
            r"mapping put it under 'stages'",
        ),
        (
            ('files: ["exports/erica_complaints_*.csv"]', 'files: "exports/erica_*.csv"'),
            r"key 'files': expects a list \(\[\"a\", \"b\"\], or lines starting '- ' below it\), "
            r"even of one item",
        ),
        # Unquoted Yes/No keys are YAML booleans: stored as 'True'/'False' they matched no
        # cell, and the whole file was quarantined as unknown_code.
        (
            ('codes: {"General Needs": lcra}', "codes: {Yes: lcra, No: lcho}"),
            r"key 'columns.tenure.codes': an unquoted Yes, No, True, False, On or Off is read by "
            r'YAML as true or false, .*\("Yes": rather than Yes:\)',
        ),
        (
            ('"Complaint": complaint', "On: complaint"),
            r"key 'route.values': an unquoted Yes, No",
        ),
        # A pattern reaching outside the workspace read another landlord's exports (or any file
        # the process could open) into this landlord's warehouse and reports.
        (
            ('files: ["exports/erica_complaints_*.csv"]', 'files: ["../housing21/exports/*.csv"]'),
            r"key 'files': pattern 1 \('\.\./housing21/exports/\*\.csv'\) reaches outside the workspace",
        ),
        (
            ('files: ["exports/erica_complaints_*.csv"]', 'files: ["exports/a.csv", "/etc/*"]'),
            r"key 'files': pattern 2 \('/etc/\*'\) reaches outside the workspace",
        ),
        (
            ('files: ["exports/erica_complaints_*.csv"]', 'files: ["exports/../../x/*.csv"]'),
            r"key 'files': pattern 1 \('exports/\.\./\.\./x/\*\.csv'\) reaches outside",
        ),
    ],
)
def test_bad_mapping_names_file_and_key(tmp_path, change, message):
    old, new = change
    assert old in GOOD
    path = _write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(ConfigError, match=message):
        load_mapping(path, tmp_path)


# A resident's details pasted into a mapping: the kinds tests/integration/test_pii_scan.py plants.
PASTED = ["jean.vexbridge@example.invalid", "07911 000123", "ZE1 1XQ", "Jean Vexbridge"]


@pytest.mark.parametrize("pasted", PASTED)
@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        (
            'files: ["exports/erica_complaints_*.csv"]',
            'files: ["exports/a.csv", "../{}/*.csv"]',
            "key 'files': pattern 2 (a text of",
        ),
        (
            "shape: wide",
            'shape: wide\ndate_formats: ["%d/%m/%Y", "{}"]',
            "key 'date_formats': format 2",
        ),
        ('{"Upheld": upheld}', '{"Upheld": "{}"}', "key 'stages.1.outcome': value a text of"),
        ("default: unknown", 'default: "{}"', "key 'columns.tenure': value a text of"),
        ("regime: {value: eng}", 'regime: {value: "{}"}', "key 'columns.regime': value a text of"),
        ("  regime: {value: eng}", '  regime: {value: eng}\n  "{}": "Notes"', "key 'columns.<"),
    ],
)
def test_a_mapping_problem_never_quotes_a_residents_details(tmp_path, pasted, old, new, where):
    """A mapping's problem reaches the console, and through a scheduled run the Dagster instance's
    event log and compute logs (kept for good, shown in the UI): a value that reads as a person's
    name or contact details is said by its length, the file, key and position still named."""
    assert old in GOOD
    path = _write(tmp_path, GOOD.replace(old, new.replace("{}", pasted), 1))
    with pytest.raises(ConfigError) as raised:
        load_mapping(path, tmp_path)
    message = str(raised.value)
    assert message.startswith("mappings/erica.yaml: ") and where in message, message
    assert pasted not in message and pasted.split()[-1] not in message, message


@pytest.mark.parametrize("pasted", PASTED)
def test_a_footer_pattern_that_is_no_regex_is_a_problem_naming_the_key(tmp_path, pasted):
    """DuckDB's error on a broken footer pattern stopped the load mid-way, naming neither the
    mapping nor the key, and quoted the pattern as typed (console and event log alike)."""
    footer = f'footer: {{column: "Case Ref", pattern: "^(Total {pasted}"}}\n'
    path = _write(tmp_path, GOOD + footer)
    with pytest.raises(ConfigError) as raised:
        load_mapping(path, tmp_path)
    message = str(raised.value)
    assert message.startswith("mappings/erica.yaml: key 'footer.pattern': a text of"), message
    assert "is not a regular expression" in message
    assert pasted not in message and pasted.split()[-1] not in message, message
    good = load_mapping(_write(tmp_path, GOOD + 'footer: {column: "Case Ref", pattern: Total}\n'))
    assert good.footer.pattern == "Total"


def test_required_field_without_source(tmp_path):
    text = 'files: ["a.csv"]\ntarget: chfo\ncolumns:\n  chfo_ref: "Ref"\n'
    with pytest.raises(ConfigError, match=r"required field 'issued_date' of chfo has no source"):
        load_mapping(_write(tmp_path, text), tmp_path)


def test_long_needs_stage_and_unquoted_number_keys_are_text():
    mapping = Mapping.model_validate(
        {
            "files": ["x.csv"],
            "target": "complaint",
            "shape": "long",
            "columns": {
                "complaint_id": "Ref",
                "received_date": "Date",
                "stage": {"column": "Stage", "codes": {1: 1, 2: 2}},
            },
        }
    )
    assert mapping.columns["stage"].codes == {"1": 1, "2": 2}


def test_stage_keys_may_be_quoted(tmp_path):
    """``"1":`` is stage 1, as code keys are quoted elsewhere in a mapping."""
    path = _write(tmp_path, GOOD.replace("  1:\n    received_date", '  "1":\n    received_date'))
    assert list(load_mapping(path, tmp_path).stages) == [1]


TP09 = """\
files: ["surveys/tsm.csv"]
target: tp09_response
columns:
  respondent_ref: "ID"
  survey_date: "Date"
  stock_type: {value: lcra}
  made_complaint_12m: {column: "Complained?", codes: {"Yes": "yes", "No": "no"}}
  answer: "TP09"
"""


@pytest.mark.parametrize("field", ["made_complaint_12m", "answer"])
def test_a_tp09_mapping_without_the_filter_question_or_the_answer_is_refused(tmp_path, field):
    """Without the filter question (or the answer) every response loaded and none was counted:
    the TSM return said TP09 [U] and 0 respondents complained, and the run said nothing."""
    lines = [line for line in TP09.splitlines() if not line.startswith(f"  {field}:")]
    with pytest.raises(ConfigError, match=rf"erica.yaml: key 'columns.{field}' is missing: "):
        load_mapping(_write(tmp_path, "\n".join(lines) + "\n"), tmp_path)
    # a file of complainants only says so
    text = TP09.replace(
        '  made_complaint_12m: {column: "Complained?", codes: {"Yes": "yes", "No": "no"}}',
        '  made_complaint_12m: {value: "yes"}',
    )
    assert (
        load_mapping(_write(tmp_path, text), tmp_path).columns["made_complaint_12m"].value == "yes"
    )


@pytest.mark.parametrize(
    ("field", "planted"),
    [
        ('  category: {column: "Category", codes: {"Repairs": "jean.hall@example.org"}}\n', "jean"),
        ('  category: {column: "Category", codes: {"Repairs": "Jean Hall"}}\n', "Jean"),
        ('  scheme: {column: "Scheme", other: "07700 900123"}\n', "07700"),
        ('  category: {column: "Category", default: "Mrs Hall"}\n', "Hall"),
        ('  scheme: {value: "Flat 3, 14 Gorsebrook Lane"}\n', "Gorsebrook"),
        ('  category: {column: "Category", codes: {"Repairs": "' + "x" * 300 + '"}}\n', "xxx"),
    ],
)
def test_a_personal_value_the_mapping_itself_writes_into_free_text_is_refused(
    tmp_path, field, planted
):
    """A cell's free text is screened for names and contact details, but a value the mapping
    writes (a code's value, 'other', 'default', 'value') was stored as written: a category
    coded to "jean.hall@example.org" or "Jean Hall" was printed as a category in the annual
    report and its published version (second hostile audit). The mapping is refused, naming
    the key, never the value; labels such as the examples' own codes load."""
    text = GOOD.replace("  regime: {value: eng}\n", "  regime: {value: eng}\n" + field)
    with pytest.raises(ConfigError) as err:
        load_mapping(_write(tmp_path, text), tmp_path)
    message = str(err.value)
    assert message.startswith("mappings/erica.yaml: key 'columns.")
    assert "look like a person's name or contact details" in message
    assert planted not in message
    ok = '  category: {column: "Category", codes: {"Repairs": "Repairs and maintenance"}, other: Other}\n'
    load_mapping(
        _write(tmp_path, GOOD.replace("  regime: {value: eng}\n", "  regime: {value: eng}\n" + ok)),
        tmp_path,
    )


BOMB = "x-a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"x-{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefg", "bcdefgh", strict=True)
)


def test_a_yaml_alias_bomb_or_an_alias_inside_itself_is_refused_at_once(tmp_path):
    """Nine lines of nested YAML aliases load in a millisecond as references, but anything that
    walks them sees 43 million values: a mapping's ``value:`` holding one took 23 GB of memory and
    two and a half minutes before the run failed with "Current transaction is aborted" (second
    hostile audit). A value that contains itself (``&a [*a]``) is refused too. Anchors used as
    the examples use them (a codes list shared by two stages) still load."""
    import time

    from pipeline.utils.yaml_text import YAMLExpansionError, safe_load

    bomb = GOOD.replace(
        "  regime: {value: eng}\n", "  regime: {value: eng}\n  category: {value: *h}\n"
    )
    started = time.monotonic()
    with pytest.raises(ConfigError, match=r"mappings/erica.yaml: not valid YAML: its anchors and "):
        load_mapping(_write(tmp_path, BOMB + bomb), tmp_path)
    assert time.monotonic() - started < 5
    looped = GOOD.replace(
        "  regime: {value: eng}\n", "  regime: {value: eng}\n  category: &l {value: [*l]}\n"
    )
    with pytest.raises(ConfigError, match="the value contains itself"):
        load_mapping(_write(tmp_path, looped), tmp_path)
    with pytest.raises(YAMLExpansionError):
        safe_load(BOMB)  # the annual inputs' and self-assessment's loader
    shared = GOOD.replace(
        '    outcome: {column: "Stage 1 Outcome", codes: {"Upheld": upheld}, default: open}\n',
        '    outcome: &outcome {column: "Stage 1 Outcome", codes: {"Upheld": upheld}, default: open}\n'
        '  2:\n    received_date: "Date Received"\n    outcome: *outcome\n',
    )
    assert load_mapping(_write(tmp_path, shared), tmp_path).stages[2]["outcome"].codes == {
        "Upheld": "upheld"
    }


def test_a_mapping_file_named_after_a_person_is_refused_without_its_name(tmp_path):
    """A mapping's file name is printed with its exports' (the manifest, the data-quality
    report's file table, ingest_file): ``mappings/jean.hall@example.org.yaml`` reached them all
    (second hostile audit). It is refused as an export so named is, by size and date."""
    _write(tmp_path, GOOD)
    load_mappings(tmp_path)
    (tmp_path / "mappings" / "erica.yaml").rename(tmp_path / "mappings" / "Jean_Hall.yaml")
    with pytest.raises(ConfigError, match=r"^mappings/: the name of a mapping file looks") as err:
        load_mappings(tmp_path)
    assert "Hall" not in str(err.value)


def test_documented_ombudsman_tracker_example_parses(tmp_path):
    """The tracker example (a case and its determination in one row) is a mapping as written."""
    block = next(
        b for b in re.findall(r"```yaml\n(.*?)```", DOCS.read_text(), re.S) if "finding:" in b
    )
    mapping = load_mapping(_write(tmp_path, 'files: ["ombudsman/tracker.csv"]\n' + block), tmp_path)
    assert mapping.target == "ombudsman_case"
    assert mapping.finding["outcome"].codes["Maladministration"] == "maladministration"
    assert {"Finding", "Orders", "Orders Complied"} <= set(mapping.source_columns())


def test_every_mapping_key_is_in_the_docs() -> None:
    # an analyst onboards from docs/mapping.md alone: a key the model takes and the page does not
    # name (decimal, for an export with decimal commas) cannot be found
    doc = DOCS.read_text()
    missing = [key for key in Mapping.model_fields if not re.search(rf"\b{key}:", doc)]
    assert not missing, missing
