"""The printer's private folder: every document is printed from it under one URL (so plotly.js
compiles once a process), nothing of it reaches the documents' folders, relative links in a PDF
still point beside the document, and the print folders and Chromium profiles killed processes
left are removed (issue 17)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from pipeline.reporting.browser import PROFILE_PREFIX, chromium_path, remove_stale_folders
from pipeline.reporting.charts import PLOTLY_FILE
from pipeline.reporting.pdf import PRINT_FOLDER_PREFIX, PdfPrinter


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


@pytest.mark.parametrize("prefix", [PRINT_FOLDER_PREFIX, PROFILE_PREFIX])
def test_folders_of_dead_processes_go_and_those_of_running_ones_stay(tmp_path, prefix):
    dead = tmp_path / f"{prefix}{_dead_pid()}-7f3a"
    dead.mkdir()
    (dead / "document.html").symlink_to(tmp_path / "gone.html")
    running = tmp_path / f"{prefix}{os.getppid()}-1b2c"
    running.mkdir()
    other = tmp_path / "complaints-other-abc"  # not this kind of folder
    other.mkdir()
    assert remove_stale_folders(tmp_path, prefix) == [dead.name]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([running.name, other.name])


def _link_targets(pdf: Path) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf.read_bytes()))
    return [
        annotation.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if "/URI" in annotation.get_object().get("/A", {})
    ]


@pytest.mark.browser
@pytest.mark.skipif(not chromium_path().exists(), reason="Debian chromium missing")
def test_documents_of_two_folders_print_from_one_private_folder(tmp_path):
    documents = []
    for year in ("2023-24", "2024-25"):
        folder = tmp_path / year
        folder.mkdir()
        page = folder / "annual_report.html"
        page.write_text(
            "<!doctype html><html lang='en'><head><title>t</title>"
            f"<script src='{PLOTLY_FILE}'></script></head><body><h1>{year}</h1>"
            "<a href='self_assessment.pdf'>The self-assessment</a> "
            "<a href='https://example.org/complaints'>Our policy</a></body></html>",
            encoding="utf-8",
        )
        documents.append(page)
    with PdfPrinter() as printer:
        private = printer._folder
        assert private.parent == Path(tempfile.gettempdir())
        assert private.name.startswith(f"{PRINT_FOLDER_PREFIX}{os.getpid()}-")
        for page in documents:
            printer.print(page, page.with_suffix(".pdf"), title="T")
            # the chart script loads from the private folder (the documents' folders have none)
            assert printer._page.evaluate("() => window.Plotly !== undefined")
            assert printer._page.url == (private / "document.html").as_uri()
    assert not private.exists()
    for page in documents:
        assert sorted(p.name for p in page.parent.iterdir()) == [
            "annual_report.html",
            "annual_report.pdf",
        ]
        # relative, as the PDF specification reads a partial URI: beside the PDF wherever it is
        # (the annual reports' PDFs linked to file:///<output>/.generations/<run>/
        # self_assessment.pdf: the staging folder of the run that printed them, gone after the
        # next run, and a path of the producing machine in a PDF published on a website)
        assert _link_targets(page.with_suffix(".pdf")) == [
            "self_assessment.pdf",
            "https://example.org/complaints",
        ]
