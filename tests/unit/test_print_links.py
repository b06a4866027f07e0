"""``.complaints-print-<pid>-<id>.html`` links: removed by the print that made them, and those a
killed process left are removed the next time a printer uses the folder (issue 17)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from pipeline.reporting.browser import chromium_path
from pipeline.reporting.pdf import PRINT_LINK_PREFIX, html_to_pdf, remove_stale_print_links


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_links_of_dead_processes_go_and_those_of_running_ones_stay(tmp_path):
    (tmp_path / "annual_report.html").write_text("<html></html>", encoding="utf-8")
    dead = tmp_path / f"{PRINT_LINK_PREFIX}{_dead_pid()}-7f3a.html"
    dead.symlink_to("annual_report.html")
    page = tmp_path / f"{PRINT_LINK_PREFIX}{_dead_pid()}-7f3b.html"
    page.write_text("<html>warm-up page</html>", encoding="utf-8")
    running = tmp_path / f"{PRINT_LINK_PREFIX}{os.getppid()}-1.html"
    running.symlink_to("annual_report.html")
    assert remove_stale_print_links(tmp_path) == sorted([dead.name, page.name])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["annual_report.html", running.name]
    )


@pytest.mark.browser
@pytest.mark.skipif(not chromium_path().exists(), reason="Debian chromium missing")
def test_a_print_leaves_no_link_and_sweeps_a_stale_one(tmp_path):
    (tmp_path / "doc.html").write_text(
        "<!doctype html><html lang='en'><head><title>t</title></head><body><h1>T</h1></body>"
        "</html>",
        encoding="utf-8",
    )
    (tmp_path / f"{PRINT_LINK_PREFIX}{_dead_pid()}-abc.html").symlink_to("doc.html")
    html_to_pdf(tmp_path / "doc.html", tmp_path / "doc.pdf", title="T")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["doc.html", "doc.pdf"]
