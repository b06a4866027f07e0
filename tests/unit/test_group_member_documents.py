"""The group report's list of the members' own documents: a published (website) group report
lists only what the members publish. It listed every HTML file in each member's folder, so the
published report pointed readers at the internal annual report (small counts shown, "not for
publication") and the analysts' data-quality report."""

from __future__ import annotations

import duckdb
import pytest

from pipeline.periods import parse_period
from pipeline.reporting import render
from pipeline.reporting.data import Measures
from pipeline.reporting.group import Member, member_reports
from pipeline.reporting.sample import build_sample_database
from pipeline.workspaces import documents_dir

YEAR = "2024-25"


@pytest.fixture(scope="module")
def output_root(tmp_path_factory):
    """One member's documents for the year as a run leaves them: internal and published."""
    root = tmp_path_factory.mktemp("group-docs")
    con = duckdb.connect()
    landlord = build_sample_database(con)
    folder = documents_dir(landlord.landlord_id, YEAR, root)
    workspace = root / "workspace"
    workspace.mkdir()
    for published in (False, True):
        render.render_annual_report(
            con, landlord, YEAR, folder, workspace=workspace, published=published, pdf=False
        )
    render.render_data_quality(con, landlord, folder, workspace=workspace, pdf=False)
    year = parse_period(YEAR)
    measures = Measures.load(con, landlord.landlord_id, year.start, year.end)
    con.close()
    return root, Member(landlord.landlord_id, landlord.name, None, measures)


def test_a_published_group_report_lists_only_the_members_published_documents(output_root):
    root, member = output_root
    listed = member_reports(root, [member], parse_period(YEAR), published=True)
    names = {path.name for path in listed[member.landlord_id]}
    assert names == {"annual_report_published.html"}


def test_the_internal_group_report_lists_every_document(output_root):
    root, member = output_root
    listed = member_reports(root, [member], parse_period(YEAR))
    names = {path.name for path in listed[member.landlord_id]}
    assert {"annual_report.html", "annual_report_published.html", "data_quality.html"} <= names


def test_the_members_documents_are_links_named_for_what_they_are():
    """The group report listed each member's documents as bare paths ('council_housing/2025-26/
    annual_report_published.html, ...'): nothing a reader could follow, and names no board member
    reads. Each is now a link beside the group report's folder (output/group/<period>/), named
    for the document."""
    from pathlib import PurePosixPath

    from pipeline.reporting.group import member_report_items

    paths = {
        "ll": [
            PurePosixPath("ll/2025-26/annual_report_published.html"),
            PurePosixPath("ll/2025-26/learning_summary.html"),
        ]
    }
    member = type("M", (), {"landlord_id": "ll", "name": "Oak & Ash <Homes>"})()
    (item,) = member_report_items([member], paths)
    html = str(item)
    assert html.startswith("Oak &amp; Ash &lt;Homes&gt;: ")
    assert (
        '<a href="../../ll/2025-26/annual_report_published.html">annual complaints report</a>'
        in html
    )
    assert '<a href="../../ll/2025-26/learning_summary.html">learning summary</a>' in html
    assert "annual_report_published.html," not in html.replace('.html"', "")
