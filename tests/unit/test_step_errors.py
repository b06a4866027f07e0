"""pipeline.step_errors: what Dagster keeps of an error quotes no value (fifth audit).

The end-to-end scan of the instance is ``tests/integration/test_pii_step_errors.py``; here, the
messages themselves, and that every function Dagster runs is wrapped.
"""

from __future__ import annotations

import traceback

import dagster as dg
import pytest

from pipeline.run_messages import in_words
from pipeline.sources.errors import IngestError
from pipeline.step_errors import StepError, scrub, scrubbed_errors, step_error

NAME, EMAIL, PHONE = "Jean Vexbridge", "jean.vexbridge@example.invalid", "07911 424242"


@pytest.mark.parametrize(
    ("message", "kept"),
    [
        (
            f"Conversion Error: Could not convert string '{NAME}' to DATE\n\n"
            f"LINE 1: select cast('{NAME}' as date)",
            "Conversion Error: Could not convert string (text, 14 characters, not shown) to DATE",
        ),
        (
            "conversion from `str` to `date` failed in column 'received_date' for 1 out of 1 "
            f'values: ["{EMAIL}"]',
            "conversion from `str` to `date` failed in column 'received_date'",
        ),
        (
            "Column 'scheme' failed validator number 0: <Check isin: isin(['Oak Court'])> "
            f"failure case examples: [{{'scheme': '{NAME}'}}]",
            "Column 'scheme' failed validator number 0: <Check isin: isin([(text, 9 characters, "
            "not shown)])>",
        ),
        (
            "Conversion Error: CSV Error on Line: 3\nOriginal Line: 3,Jean Vexbridge,07911 "
            '424242\nError when converting column "b". Could not convert string "Jean '
            "Vexbridge\" to 'INTEGER'\n\nColumn b is being converted as type INTEGER\n\n  file = "
            "/exports/letter to Jean Vexbridge.csv",
            'Conversion Error: CSV Error on Line: 3 Error when converting column "b". Could not '
            "convert string (text, 14 characters, not shown) to 'INTEGER'",
        ),
        (
            "Conversion Error: Could not convert string 'Jean O'Brien' to INT32",
            "Could not convert string (text, 12 characters, not shown) to INT32",
        ),
        (
            'mapping values are not allowed here\n  in "<unicode string>", line 2, column 11:\n'
            "    name: Jean: Vexbridge\n              ^",
            "mapping values are not allowed here",
        ),
        (
            "Invalid Input Error: Malformed JSON at byte 0 of input: unexpected character.  "
            'Input: "Jean Vexbridge"',
            "Invalid Input Error: Malformed JSON at byte 0 of input: unexpected character.",
        ),
        # numbers and dates stay: they say what was wrong and are nobody's details
        ("could not parse '2025-13-45' as a date, 3 rows", "could not parse '2025-13-45' as"),
        # unquoted contact details are withheld all the same
        (f"bad row for {EMAIL} and {PHONE}", "bad row for [contact details withheld] and"),
        (f"{{'scheme': '{NAME}'}}", "{'scheme': (text, 14 characters, not shown)}"),
    ],
)
def test_a_foreign_message_keeps_its_words_and_loses_its_values(message, kept):
    said = scrub(message)
    assert kept in said, said
    for value in (NAME, EMAIL, PHONE, "Vexbridge", "Brien"):
        assert value not in said


def test_a_long_message_is_cut_and_read_in_good_time():
    import time

    assert len(scrub("x " * 5000)) < 420
    started = time.perf_counter()
    said = scrub("((((['" * 200_000 + NAME)  # a hostile cell quoted a million times over
    assert time.perf_counter() - started < 1 and NAME not in said


def _raises(error: BaseException):
    raise error


def test_a_product_error_goes_on_alone_and_any_other_is_said_safely(tmp_path):
    @scrubbed_errors
    def step():
        try:
            int(NAME)
        except ValueError as exc:
            raise IngestError("exports/a.csv: row 3, column 'Logged Date' is no date") from exc

    with pytest.raises(IngestError) as caught:
        step()
    # the product's message, without the error it was raised from (which quoted the value)
    assert str(caught.value) == "exports/a.csv: row 3, column 'Logged Date' is no date"
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    assert NAME not in "".join(traceback.format_exception(caught.value))

    @scrubbed_errors
    def generating():
        yield 1
        {}[NAME]

    with pytest.raises(StepError) as caught:
        list(generating())
    text = "".join(traceback.format_exception(caught.value))
    assert NAME not in text and "Vexbridge" not in text
    assert str(caught.value).startswith(
        "generating stopped on an error the pipeline did not foresee (KeyError: (text, 14 "
        "characters, not shown))"
    )
    # the product's own words for a step run before the first load, with the landlord's id
    from pipeline.resources import ComplaintsStore

    store = ComplaintsStore(workspaces_root=str(tmp_path), output_root=str(tmp_path))
    with pytest.raises(FileNotFoundError, match="Landlord 'housing21' has no warehouse yet"):
        scrubbed_errors(lambda: store.connect("housing21", read_only=True).__enter__())()
    # an error of Dagster's raised in a step's code is scrubbed as any other
    with pytest.raises(StepError) as caught:
        scrubbed_errors(lambda: _raises(dg.DagsterInvariantViolationError(f"bad key '{NAME}'")))()
    assert NAME not in str(caught.value) and "DagsterInvariantViolationError" in str(caught.value)
    # Dagster's own signals pass as they are
    with pytest.raises(dg.Failure, match="No annual report"):
        scrubbed_errors(lambda: _raises(dg.Failure(description="No annual report")))()


def test_a_file_system_refusal_still_says_which_file_in_words(tmp_path):
    """The command line says a full disk in words with the file it was writing; a part of the
    path that reads as a resident's name (a letter saved as one) is not shown."""
    written = tmp_path / "out" / "small_specialist" / "2025-26" / "annual_report.pdf"
    error = step_error(OSError(28, "No space left on device", str(written)), "annual_report")
    said = in_words(str(error))
    assert said.startswith(f"the disk is full (no space left on device writing {written})")
    letter = tmp_path / "exports" / f"letter to {NAME}.docx"
    said = str(step_error(PermissionError(13, "Permission denied", str(letter)), "ingest"))
    assert NAME not in said and f"{tmp_path / 'exports'}/<" in said


def test_every_function_dagster_runs_is_wrapped():
    """Each asset's, check's and op's function, each sensor's and each schedule's: a new one
    without ``@scrubbed_errors`` would store a raw error again."""
    from pipeline.definitions import defs

    def wrapped(fn) -> bool:
        for _ in range(10):
            if fn is None:
                return False
            if getattr(fn, "__scrubs_errors__", False):
                return True
            fn = getattr(fn, "__wrapped__", None)
        return False

    repository = defs().get_repository_def()
    nodes = {
        node.name: node
        for job in repository.get_all_jobs()
        for node in job.all_node_defs
        if getattr(node, "compute_fn", None) is not None
    }
    assert {"canonical_tables", "measures", "annual_report", "apply_retention"} <= set(nodes)
    assert not [n for n, node in nodes.items() if not wrapped(node.compute_fn.decorated_fn)]
    sensors = {
        s.name: getattr(s, "_run_status_sensor_fn", None) or s._raw_fn
        for s in repository.sensor_defs
    }
    assert len(sensors) == 2 and all(wrapped(fn) for fn in sensors.values()), sensors
    schedules = {s.name: s._execution_fn.decorated_fn for s in repository.schedule_defs}
    assert len(schedules) == 7 and all(wrapped(fn) for fn in schedules.values()), schedules


def test_a_path_a_library_quotes_is_kept_but_for_a_part_that_reads_as_a_name():
    """DuckDB says a full disk with the file it wrote ('Could not write file "/srv/.../ll.duckdb
    .wal": No space left on device'): the command line says which file, so the path stays, but
    a folder or file named after a resident does not."""
    full = StepError(
        str(
            step_error(
                RuntimeError(
                    "TransactionContext Error: Failed to commit: Could not write file "
                    '"/srv/out/warehouse/ll.duckdb.wal": No space left on device'
                ),
                "canonical_tables",
            )
        )
    )
    assert in_words(str(full)).startswith(
        "the disk is full (no space left on device writing /srv/out/warehouse/ll.duckdb.wal): "
    )
    said = scrub(f'IO Error: Cannot open file "/srv/exports/{NAME}/{EMAIL}.csv": No such file')
    assert said == (
        'IO Error: Cannot open file "/srv/exports/<14 characters, not shown>/<34 characters, '
        'not shown>": No such file'
    )
