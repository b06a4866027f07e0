"""What an install without the dev group gives is enough to run the pipeline.

``make run`` and ``make test`` share one environment holding the dev group too (pytest, pandas,
hypothesis), so a pipeline module importing a test-only library would work here and fail for a
landlord who installs the package: ``pipeline/sources/csv_reader.py`` imported numpy while numpy
was listed under dev only. These tests read ``pyproject.toml`` rather than trust the environment.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
import tomllib
from importlib.metadata import PackageNotFoundError, packages_distributions, requires
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _project() -> dict:
    return tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _runtime_distributions() -> set[str]:
    """The project's dependencies and theirs (extras as asked, environment markers evaluated)."""
    seen: set[str] = set()
    todo = [(Requirement(text), ()) for text in _project()["dependencies"]]
    while todo:
        requirement, _ = todo.pop()
        name = canonicalize_name(requirement.name)
        extras = tuple(sorted(requirement.extras))
        key = f"{name}[{','.join(extras)}]"
        if key in seen:
            continue
        seen.add(key)
        seen.add(name)
        try:
            needs = requires(name) or []
        except PackageNotFoundError:
            continue
        for text in needs:
            need = Requirement(text)
            wanted = need.marker is None or any(
                need.marker.evaluate({**default_environment(), "extra": extra})
                for extra in (*extras, "")
            )
            if wanted:
                todo.append((need, ()))
    return {key for key in seen if "[" not in key}


def _third_party_imports() -> dict[str, list[str]]:
    """Top-level modules imported anywhere in ``pipeline/``, outside the standard library."""
    found: dict[str, list[str]] = {}
    for path in sorted((PROJECT_ROOT / "pipeline").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.partition(".")[0]
                if top != "pipeline" and top not in sys.stdlib_module_names:
                    found.setdefault(top, []).append(str(path.relative_to(PROJECT_ROOT)))
    return found


def test_every_module_the_pipeline_imports_is_a_runtime_dependency() -> None:
    runtime = _runtime_distributions()
    providers = packages_distributions()
    missing = {
        module: sorted(set(files))[:3]
        for module, files in _third_party_imports().items()
        if not {canonicalize_name(dist) for dist in providers.get(module, [module])} & runtime
    }
    assert missing == {}, f"imported by the pipeline but not in [project].dependencies: {missing}"


def test_the_dev_group_holds_what_the_command_hides() -> None:
    """The libraries the command hides are the dev group's, never the pipeline's."""
    from pipeline.process import TEST_ONLY_LIBRARIES

    runtime = _runtime_distributions()
    assert not {canonicalize_name(name) for name in TEST_ONLY_LIBRARIES} & runtime
    assert TEST_ONLY_LIBRARIES.isdisjoint(_third_party_imports())


def test_the_command_validates_and_renders_without_the_test_only_libraries() -> None:
    """In a fresh interpreter set up as ``complaints`` is, pandera validates with its Polars API,
    a chart and a table render, and neither pandas nor hypothesis is ever imported."""
    script = textwrap.dedent(
        """
        import sys
        from pipeline.process import TEST_ONLY_LIBRARIES, hide_test_libraries
        hide_test_libraries()
        import duckdb
        import polars as pl
        from pipeline.schemas import validate_table
        from pipeline.sql import load_sql
        con = duckdb.connect()
        con.execute(load_sql("schema/canonical.sql"))
        con.execute(
            "insert into complaint_stage (landlord_id, complaint_id, stage, received_date, "
            "extension_wd, outcome, refused, source_file, source_row) values "
            "('l', 'a', 1, date '2024-05-01', 0, 'upheld', false, 'f.csv', 2), "
            "('l', 'b', 3, date '2024-05-01', 0, 'upheld', false, 'f.csv', 3)"
        )
        stages = con.sql("select * from complaint_stage").pl()
        assert validate_table(stages.head(1), "complaint_stage").height == 0
        failures = validate_table(stages, "complaint_stage")
        assert failures["source_row"].to_list() == [3], failures
        for name in TEST_ONLY_LIBRARIES:
            try:
                __import__(name)
            except ModuleNotFoundError as error:
                assert str(error) == f"No module named {name!r}", error
            else:
                raise AssertionError(f"{name} imported")
        import great_tables as gt
        import plotly.graph_objects as go
        html = gt.GT(pl.DataFrame({"measure": ["CH01"], "value": [1.5]})).as_raw_html()
        assert "CH01" in html
        figure = go.Figure(go.Bar(x=["a", "b"], y=[1, 2])).to_html(include_plotlyjs=False)
        assert "bar" in figure
        loaded = sorted(name for name in TEST_ONLY_LIBRARIES if name in sys.modules)
        assert loaded == [], loaded
        print("validated")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "validated" in done.stdout
