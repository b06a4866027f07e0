import pytest

from pipeline.io import atomic_write_text, safe_cell


@pytest.mark.parametrize(
    "text", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=1", "\r=1", ' =HYPERLINK("x")']
)
def test_formula_like_text_is_neutralised(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Repairs", "", None, -3, 4.5])
def test_ordinary_values_pass_through(value):
    assert safe_cell(value) == value


def test_atomic_write_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "out" / "report.html"
    atomic_write_text(target, "<p>one</p>")
    atomic_write_text(target, "<p>two</p>")
    assert target.read_text() == "<p>two</p>"
    assert [p.name for p in target.parent.iterdir()] == ["report.html"]


def test_atomic_write_follows_the_umask(tmp_path):
    import os

    old = os.umask(0o022)
    try:
        target = atomic_write_text(tmp_path / "published.html", "x")
    finally:
        os.umask(old)
    assert target.stat().st_mode & 0o777 == 0o644
