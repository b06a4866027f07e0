"""landlord.yaml is validated on load; a wrong key or value names the file, the key and what is allowed."""

import textwrap

import pytest
import yaml

from pipeline.config import ConfigError, load_landlord

VALID = textwrap.dedent(
    """
    landlord_id: test_landlord
    name: Test Housing
    regimes: [eng]
    stock:
      - {year_end: 2025-03-31, stock_type: lcra, units_owned: 1200}
    tsm_summary_of_approach: Postal census, February 2025.
    policy_versions:
      - effective_from: 2024-04-01
        escalation_window: {months_after_stage1_response: 1}
        timescales:
          eng:
            stage_1: {acknowledge_wd: 5, respond_wd: 10, extension_wd: 10}
            stage_2: {acknowledge_wd: 5, respond_wd: 20, extension_wd: 20}
    """
)


def write(tmp_path, text):
    (tmp_path / "landlord.yaml").write_text(text)
    return tmp_path


def test_valid_file_loads(tmp_path):
    landlord = load_landlord(write(tmp_path, VALID))
    assert landlord.policy_versions[0].timescales["eng"].stage_2.respond_wd == 20
    assert landlord.retention.years == 6  # the Limitation Act default when a landlord states none


def test_unknown_key_is_named(tmp_path):
    with pytest.raises(ConfigError, match=r"landlord.yaml: key 'stok' is not allowed"):
        load_landlord(write(tmp_path, VALID + "stok: []\n"))


def test_wrong_value_names_key_and_allowed_values(tmp_path):
    bad = VALID.replace("stock_type: lcra", "stock_type: social_rent")
    with pytest.raises(ConfigError) as info:
        load_landlord(write(tmp_path, bad))
    message = str(info.value)
    assert "stock.0.stock_type" in message and "'lcra'" in message and "'lcho'" in message


def test_missing_regime_timescales_is_reported(tmp_path):
    bad = VALID.replace("regimes: [eng]", "regimes: [eng, sct]")
    with pytest.raises(ConfigError, match=r"no timescales for \['sct'\]"):
        load_landlord(write(tmp_path, bad))


def test_missing_file_is_reported(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_landlord(tmp_path)


def test_an_escalation_window_of_one_month_is_singular():
    """council_housing's policy table read "1 months"."""
    from pipeline.config import EscalationWindow, describe_window

    assert describe_window(EscalationWindow(months_after_stage1_response=1)).startswith("1 month")
    assert "1 months" not in describe_window(EscalationWindow(months_after_stage1_response=1))
    assert describe_window(EscalationWindow(months_after_stage1_response=6)).startswith("6 months")


def test_a_yaml_syntax_error_names_line_and_column_without_quoting_the_line(tmp_path):
    """PyYAML's message prints the faulty line: a self-assessment's commentary may name a
    resident there, and the message reaches the console and the run's log."""
    from pipeline.self_assessment.model import SelfAssessmentError, load_self_assessment

    path = tmp_path / "self_assessment.yaml"
    path.write_text("provisions:\n  - id: '1.1'\n    commentary: Mrs Hall said: too slow\n")
    with pytest.raises(SelfAssessmentError) as caught:
        load_self_assessment(path)
    message = str(caught.value)
    assert "line 3, column" in message and "Hall" not in message
    assert caught.value.__cause__ is None  # nor chained into a logged traceback


def test_a_scottish_only_landlords_stock_is_scottish_without_a_country(tmp_path):
    # Left out, `country` was eng: a Scottish-only landlord's homes became English stock and
    # its TSM return was written (CH01 0.0 per 1,000 homes) though it has no English homes.
    text = (
        VALID.replace("regimes: [eng]", "regimes: [sct]")
        .replace("eng:\n", "sct:\n")
        .replace(
            "units_owned: 1200}",
            "units_owned: 1200}\n  - {year_end: 2025-03-31, "
            "stock_type: lcho, country: sct, units_owned: 40}",
        )
    )
    landlord = load_landlord(write(tmp_path, text))
    assert [row.country for row in landlord.stock] == ["sct", "sct"]
    raw = yaml.safe_load(VALID)
    raw["regimes"] = ["eng", "sct"]
    timescales = raw["policy_versions"][0]["timescales"]
    timescales["sct"] = timescales["eng"]
    both = load_landlord(write(tmp_path, yaml.safe_dump(raw)))
    assert [row.country for row in both.stock] == ["eng"]  # two regimes: the default stays eng


def test_the_tsm_summary_of_approach_is_required_with_english_stock_only(tmp_path):
    without = "\n".join(
        line for line in VALID.splitlines() if not line.startswith("tsm_summary_of_approach")
    )
    with pytest.raises(
        ConfigError, match="tsm_summary_of_approach is required for a landlord with English stock"
    ):
        load_landlord(write(tmp_path, without))
    scottish = without.replace("regimes: [eng]", "regimes: [sct]").replace("eng:\n", "sct:\n")
    assert load_landlord(write(tmp_path, scottish)).tsm_summary_of_approach == ""


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("escalation_window: {months_after_stage1_response: 1}", "escalation_window: 6",
         "policy_versions.0.escalation_window"),
        ("tsm_summary_of_approach:", "closures: [2024-12-27]\ntsm_summary_of_approach:",
         "closures.0"),
    ],
)  # fmt: skip
def test_a_value_where_keys_are_expected_is_explained_without_a_class_name(tmp_path, old, new, key):
    # pydantic said "Input should be a valid dictionary or instance of EscalationWindow"
    assert old in VALID
    with pytest.raises(ConfigError) as caught:
        load_landlord(write(tmp_path, VALID.replace(old, new)))
    message = str(caught.value)
    assert f"key '{key}': expects keys of its own" in message
    assert "instance of" not in message and "docs/landlord.md" in message
