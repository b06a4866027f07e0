"""A tab-separated export (a case system's '.txt' report, Excel's "Unicode Text").

The run's own advice for such a file was "set delimiter: '\\t' in the mapping", which YAML reads
in single quotes as a backslash and a 't': the mapping was then refused with "String should have
at most 1 character", and `delimiter: tab` was refused the same way. Both now mean a tab, and
the advice writes `delimiter: tab`.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
import yaml

from pipeline.config import ConfigError, load_landlord
from pipeline.ingest import ingest_workspace
from pipeline.mapping import Mapping, load_mapping
from pipeline.sources.errors import IngestError
from tests.fixtures.ingest import workspaces as ws


@pytest.mark.parametrize("written", ["'\\t'", '"\\t"', "tab", "TAB", "Tab"])
def test_a_tab_may_be_written_as_yaml_reads_it_or_as_tab(written) -> None:
    raw = yaml.safe_load(f'files: ["exports/x.txt"]\ntarget: complaint\ndelimiter: {written}\n')
    assert Mapping.model_validate({**raw, "shape": "long"}).delimiter == "\t"


def test_a_longer_delimiter_is_refused_saying_what_to_write(tmp_path: Path) -> None:
    path = tmp_path / "mappings" / "m.yaml"
    path.parent.mkdir()
    path.write_text('files: ["exports/x.csv"]\ntarget: non_complaint\ndelimiter: ";;"\n')
    with pytest.raises(ConfigError, match=r"key 'delimiter': .*one character.*delimiter: tab"):
        load_mapping(path)


def test_the_advice_for_a_tab_separated_file_is_yaml_that_works(tmp_path: Path) -> None:
    root = ws.wide_workspace(tmp_path)
    (root / "exports" / "complaints_2024.csv").write_bytes(
        "\t".join(ws.WIDE_HEADER).encode() + b"\nC1\t01/05/2024\n"
    )
    with pytest.raises(IngestError, match="separated by a tab: set delimiter: tab in the mapping"):
        ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)
