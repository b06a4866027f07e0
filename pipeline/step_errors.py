"""What Dagster keeps of an error: never a cell's contents.

Dagster stores a failed step's exception in the run's event log for good (its message, its
stack, and every exception it was raised from or during, each with its message), writes it to
the step's stderr (the compute logs) and shows it in the UI; the command line prints its
message. The product's own errors (``IngestError``, ``ConfigError``, ``dg.Failure`` ...) name the
file, row and column and never a value, but an error the product did not foresee quotes what it
failed on: DuckDB's "Could not convert string 'Jean Hall' to DATE", Polars' "failed for 1 out of
1 values: ["Jean Hall"]", pandera's "failure case examples: [{'x': 'Jean Hall'}]", Python's
"invalid literal for int(): 'Jean Hall'" (fifth audit: each of them was in the event log, the
compute logs and the console). And a product error raised while another was handled carried
that other error, value and all, as its cause or context.

:func:`scrubbed_errors` wraps every asset, check, op, sensor and schedule function: a product
error goes on alone (without the errors it was raised from or during); any other becomes a
:class:`StepError` naming the step, the kind of error and where in the pipeline's code it
happened, with every value its message quoted left out (a number or a date is kept), raised
from nothing.
"""

from __future__ import annotations

import functools
import inspect
import re
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_PIPELINE = Path(__file__).resolve().parent
_LIMIT = 400  # characters of a scrubbed message: a long one is a dump of values, not a reason

# Where a foreign message starts listing what it failed on: everything after is left out.
_VALUES_FOLLOW = re.compile(
    r"(?:failure cases?(?: examples)?\s*:|\bLINE \d+:|input_value=|"
    r"This error occurred in the following expression|You might want to try|"
    r"\bfor \d+ out of \d+ values\s*:|(?-i:\bInput:\s)).*",
    re.S | re.I,
)
_PATH = re.compile(r"^(?:/|[A-Za-z]:[\\/])[^\n]*$")
_ORIGINAL_LINE = re.compile(r"\s*Original Line\s*:", re.I)
# A quoted value ('x', "x", `x`) or a bracketed list of them, as DuckDB, Polars, pandera and
# Python quote what they failed on.
# An apostrophe inside a word ('Jean O'Brien', unescaped as DuckDB quotes it) does not end it.
_QUOTED = re.compile(r"""'(?:[^'\\\n]|\\.|'(?=\w))*'|"(?:[^"\\\n]|\\.)*"|`[^`\n]*`""")
_BRACKETED = re.compile(r"[\[{(][^\[\]{}()\n]*['\"][^\[\]{}()\n]*[\]})]")
# A name the pipeline itself uses for a column, table or check (snake_case with an underscore):
# never a resident's details, and it says where the error was.
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")


class StepError(RuntimeError):
    """An error the pipeline did not foresee, said without the values its message quoted."""


def _product_errors() -> tuple[type[BaseException], ...]:
    import dagster as dg

    from pipeline.config import ConfigError
    from pipeline.resources import LandlordBusyError, NoWarehouseError
    from pipeline.sources.errors import IngestError

    return (
        IngestError,
        ConfigError,
        LandlordBusyError,
        NoWarehouseError,
        StepError,
        dg.Failure,  # the product's own description; Dagster's other errors are scrubbed
        dg.RetryRequested,
    )


# Types the libraries name in quotes ("conversion from `str` to `date`", "'dict object' has no
# attribute"): never a resident's details.
_TYPE_NAMES = frozenset(
    "str string date datetime time duration int float bool list dict tuple set bytes NoneType "
    "object null i8 i16 i32 i64 u8 u16 u32 u64 f32 f64 decimal varchar integer bigint double "
    "boolean timestamp interval struct array".split()
) | frozenset({"dict object", "list object", "str object", "NoneType object"})


@functools.cache
def _product_names() -> frozenset[str]:
    """The canonical tables' names and their columns' (pandera's "Column 'scheme'")."""
    from pipeline.schemas import SCHEMAS

    names = set(SCHEMAS)
    for model in SCHEMAS.values():
        names.update(model.to_schema().columns)
    return frozenset(names)


def _shown_quote(quoted: str) -> str:
    from pipeline.sources.screen import value_shape

    inner = quoted[1:-1]
    if _PATH.match(inner):  # a file's path: which file failed, but for a part named after someone
        return f"{quoted[0]}{_shown_path(inner)}{quoted[-1]}"
    if (
        _IDENTIFIER.match(inner)
        or inner.lower() in _TYPE_NAMES
        or (len(inner) <= 2 and inner.isalnum())  # a column letter, an operator's name
        or inner in _product_names()
        or value_shape(inner) == inner
    ):
        return quoted  # a number, a date, a type or the pipeline's own name for something
    return f"({value_shape(inner)}, not shown)"


def scrub(message: str) -> str:
    """``message`` with what it quoted left out: the text after a marker that lists values,
    every quoted value but a number, a date or a snake_case name, and any contact detail left."""
    from pipeline.contact_details import OwnContact, withhold

    # its first paragraph (what went wrong; then come hints, SQL and the reader's settings),
    # without the line DuckDB quotes from a CSV ("Original Line: 3,Jean Hall,...")
    paragraph = message.strip()[: _LIMIT * 10].split("\n\n", 1)[0]
    # and without its indented lines: PyYAML shows the line it failed on, indented, under
    # "in <file>, line 2, column 11:" (a name typed as "name: Jean: Hall")
    lines = [
        line
        for i, line in enumerate(paragraph.splitlines())
        if not _ORIGINAL_LINE.match(line) and (i == 0 or not line[:1].isspace())
    ]
    text = _VALUES_FOLLOW.sub("", "\n".join(lines))
    text = _BRACKETED.sub(lambda m: _QUOTED.sub(lambda q: _shown_quote(q.group()), m.group()), text)
    text = _QUOTED.sub(lambda m: _shown_quote(m.group()), text)
    text = " ".join(text.split())
    text = withhold(text, OwnContact())[0]
    return text if len(text) <= _LIMIT else text[:_LIMIT] + " ..."


def _shown_path(path: object) -> str:
    """A file's path for a message, each part that reads as a name or contact details (a letter
    saved as 'to Jean Hall.docx') replaced by its length."""
    from pipeline.contact_details import OwnContact, withhold
    from pipeline.sources.discovery import _NAME_JOINERS
    from pipeline.sources.screen import looks_personal

    parts = Path(str(path)).parts
    spaced = [_NAME_JOINERS.sub(" ", part) for part in parts]
    personal = looks_personal([*parts, *spaced])
    return str(
        Path(
            *(
                f"<{len(part)} characters, not shown>"
                if part in personal or spaced[i] in personal or withhold(part, OwnContact())[1]
                else part
                for i, part in enumerate(parts)
            )
        )
    )


def _said(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        # the file system's refusal, said as Python says it ('[Errno 28] No space left on
        # device: '/out/...''), so the command line can say it in words with the file
        said = f"[Errno {exc.errno}] {exc.strerror}"
        if exc.filename is not None:
            said += f": '{_shown_path(exc.filename)}'"
        return said
    return scrub(str(exc))


def _where(exc: BaseException) -> str:
    """The innermost frame of the pipeline's own code the error passed through (file and line:
    code, never data)."""
    where = ""
    for frame in traceback.extract_tb(exc.__traceback__):
        path = Path(frame.filename).resolve()
        if path.is_relative_to(_PIPELINE) and path != Path(__file__).resolve():
            where = f"pipeline/{path.relative_to(_PIPELINE).as_posix()} line {frame.lineno}"
    return where


def step_error(exc: Exception, step: str) -> StepError:
    """``exc``, which the pipeline did not foresee, as a :class:`StepError` for ``step``."""
    kind = type(exc).__name__
    module = type(exc).__module__.split(".")[0].lstrip("_")
    if module not in ("builtins", "pipeline"):
        kind = f"{module} {kind}"
    try:
        said = _said(exc)
    except Exception:  # noqa: BLE001 - the screen itself failed: say nothing of the message
        said = "its message is not shown"
    where = _where(exc)
    return StepError(
        f"{step} stopped on an error the pipeline did not foresee ({kind}: {said})"
        + (f" in {where}" if where else "")
        # no apostrophe: the command line reads the first quoted text as the file written
        + "; any value it quoted is left out, as it may be personal data about a resident: "
        "report it with this message and the id of the run"
    )


def said_safely(exc: BaseException) -> str:
    """``exc`` for the console, outside a Dagster step (the command line between its runs, a
    worker's error sent back): a product error's own message, any other's kind and message
    without the values it quoted (a file-system refusal in words, with its file)."""
    if isinstance(exc, _product_errors()):
        return str(exc)
    try:
        said = _said(exc)
    except Exception:  # noqa: BLE001 - the screen itself failed: say nothing of the message
        said = "its message is not shown"
    if isinstance(exc, OSError):
        from pipeline.run_messages import in_words

        return in_words(said)
    return f"{type(exc).__name__}: {said}"


def _safely(exc: Exception, step: str) -> BaseException:
    if isinstance(exc, _product_errors()):
        return exc  # its message is the product's own; raised from None, without its causes
    return step_error(exc, step)


def scrubbed_errors(fn: F) -> F:
    """``fn`` (an asset's, check's, op's, sensor's or schedule's function, placed under its
    Dagster decorator) raising only errors whose message quotes no value, from nothing."""
    step = fn.__name__

    if inspect.isgeneratorfunction(fn):

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            try:
                return (yield from fn(*args, **kwargs))
            except Exception as exc:  # noqa: BLE001 - every error is said safely
                raise _safely(exc, step) from None

    else:

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - every error is said safely
                raise _safely(exc, step) from None

    wrapper.__scrubs_errors__ = True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]
