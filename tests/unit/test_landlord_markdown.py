"""A landlord's own markdown (board_response.md, narrative.md) in the annual report, as an
accessibility auditor (WCAG 2.2 AA) reads it: tables with a caption and header scope, styled
and printed as the product's; an image never fetched nor shown broken, its description in its
place; headings nested under the section's without a skipped level; links with words; raw HTML
as text; footnotes with ids of their own; the landlord's abbreviations in the glossary. What the
report cannot show as written is said to the landlord by file and line, never quoting the text.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import duckdb
import pytest
import yaml

from pipeline.annual_inputs import load_years
from pipeline.config import Landlord
from pipeline.reporting import render
from pipeline.reporting.landlord_markdown import render_markdown_safe
from pipeline.reporting.sample import build_sample_database
from pipeline.reporting.trace import untraced
from tests.unit.test_report_accessibility import _abbreviations_unexplained, _table_problems

NARRATIVE = """---
written_by: Complaints analyst
---
## What stands out

Our HR team trained every complaint handler; the WFH pilot ended.

### Complaints by team

| Team | Stage 1 | Stage 2 |
|:-----|--------:|--------:|
| Repairs | 40 | 6 |
| Lettings | 12 | <5 |

#### Jumped two levels

![Chart of complaints by month](https://tracker.example/chart.png)

Read the letter [here](https://example.org/letter), the policy [](https://example.org/policy)
and [our intranet](file:///c:/secret.docx).

<b onclick="alert(1)">Bold</b> and a footnote[^1].

*[RSL]: Registered social landlord

We remain an RSL.

[^1]: The narrative's note.
"""

BOARD = """---
date: 2025-09-18
role: Chair of the Board
---
The Board accepts the report[^1].

| | 2023/24 | 2024/25 |
|---|---|---|
| Complaints | 120 | 140 |

Table: Complaints received, two years

[^1]: The board's note.
"""


def _write(workspace: Path, narrative: str = NARRATIVE, board: str = BOARD) -> Path:
    folder = workspace / "annual_report" / "2024-25"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "narrative.md").write_text(narrative, encoding="utf-8")
    (folder / "board_response.md").write_text(board, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> str:
    """The sample landlord's internal annual report with the markdown above, HTML only."""
    out = tmp_path_factory.mktemp("landlord_markdown")
    workspace = out / "workspace"
    _write(workspace)
    with duckdb.connect() as con:
        landlord = build_sample_database(con)
        landlord = landlord.model_copy(
            update={"glossary": {"WFH": "Working from home: staff answering from home."}}
        )
        paths = render.render_annual_report(
            con, landlord, "2024-25", out, workspace=workspace, pdf=False
        )
    return untraced(paths["html"].read_text(encoding="utf-8"))


def _section(html: str, section_id: str) -> str:
    return html.split(f'<h2 id="{section_id}">', 1)[1].split("</section>", 1)[0]


def test_a_landlords_table_has_a_caption_header_scope_and_the_products_look(report):
    """WCAG 1.3.1 (H39, H63): the table in the commentary had no caption and bare <th>s."""
    commentary = _section(report, "commentary")
    board = _section(report, "board-response")
    for part in (commentary, board):
        assert "<table" in part
        assert _table_problems(part) == []
    # named by the heading it sits under, or by its "Table:" line (which is not printed again)
    assert '<caption id="commentary-table-1-caption">Complaints by team</caption>' in commentary
    assert (
        '<caption id="board-response-table-1-caption">Complaints received, two years</caption>'
        in board
    )
    assert "Table: Complaints" not in board
    assert re.search(r'<th [^>]*scope="col"[^>]*>Stage 1</th>', commentary)
    assert re.search(r'<th [^>]*scope="row"[^>]*>Repairs</th>', commentary)
    # the empty corner heads nothing: a cell, not an empty header (axe empty-table-header)
    assert re.search(r"<thead>\s*<tr[^>]*>\s*<td\b", board)
    # the product's table: its classes, its scrolling wrapper reached by keyboard and named by
    # the caption (printed whole: .table-block > div in the print styles)
    assert re.search(
        r'<div class="table-block"><div aria-labelledby="commentary-table-1-caption" '
        r'class="table-scroll" id="commentary-table-1" role="group" tabindex="0">'
        r'<table aria-labelledby="commentary-table-1-caption" class="gt_table">',
        commentary,
    )
    assert 'class="gt_row gt_right">40</td>' in commentary  # figures right-aligned
    assert "style=" not in commentary  # alignment by the product's classes, not inline styles


def test_a_table_with_no_heading_or_caption_line_is_named_by_its_section():
    html = str(render_markdown_safe("| a | b |\n|---|---|\n| x | 1 |", 3, name="Our commentary"))
    assert '<caption id="markdown-table-1-caption">Our commentary: table 1</caption>' in html
    two = str(render_markdown_safe("## Costs\n\n| a | b |\n|-|-|\n| x | 1 |\n\n| c | d |\n|-|-|"))
    assert ">Costs</caption>" in two and ">Costs (table 2)</caption>" in two


def test_an_image_is_never_fetched_or_broken_its_description_stands_in_its_place(report):
    """WCAG 1.1.1: the image's address was blanked (src=""), leaving a broken image."""
    commentary = _section(report, "commentary")
    assert "<img" not in report and "tracker.example" not in report
    assert (
        '<span class="image-omitted">[Image not included in this report: Chart of complaints '
        "by month]</span>" in commentary
    )
    untitled = str(render_markdown_safe("![](https://x.example/a.png)"))
    assert "[An image is not included in this report.]" in untitled and "x.example" not in untitled


def test_headings_nest_under_the_sections_heading_without_skipping_a_level(report):
    """WCAG 1.3.1: '####' under '###' was printed as h5 after h4 (a level skipped)."""
    commentary = _section(report, "commentary")
    levels = [int(n) for n in re.findall(r"<h([1-6])\b", commentary)]
    assert levels == [3, 4, 5]
    assert "<h5>Jumped two levels</h5>" in commentary
    html = str(render_markdown_safe("#### Deep first\n\n## Higher\n\n##\n\n###### Six", 3))
    assert re.findall(r"<h(\d)>", html) == ["3", "3", "4"]  # the empty heading is dropped


def test_links_have_words_and_only_safe_ones_are_links(report):
    """WCAG 2.4.4, 4.1.2: a link without words had no name; an unsafe link became href="#"
    (a link to nowhere)."""
    commentary = _section(report, "commentary")
    assert '<a href="https://example.org/policy">https://example.org/policy</a>' in commentary
    assert "<span>our intranet</span>" in commentary and "file:" not in commentary
    assert 'href="#"' not in commentary
    names = re.findall(r"<a\b[^>]*>(.*?)</a>", commentary, flags=re.S)
    assert all(re.sub(r"<[^>]+>", "", name).strip() for name in names)


def test_raw_html_is_shown_as_text(report):
    commentary = _section(report, "commentary")
    assert '&lt;b onclick="alert(1)"&gt;Bold&lt;/b&gt;' in commentary
    assert not re.search(r"<[a-z]+\b[^>]*\bon\w+=", commentary)


def test_footnotes_of_the_two_files_have_ids_of_their_own_and_named_links(report):
    """The commentary's and the board response's footnotes were both fn:1: the board's
    reference jumped to the commentary's note (duplicate ids)."""
    ids = Counter(re.findall(r'\bid="([^"]+)"', report))
    assert [i for i, n in ids.items() if n > 1] == []
    assert 'href="#board-response-fn:1"' in report and 'id="board-response-fn:1"' in report
    assert 'aria-label="Footnote 1" class="footnote-ref" href="#commentary-fn:1"' in report


def test_the_landlords_abbreviations_are_in_the_glossary(report):
    """WCAG 3.1.4: 'HR' and the landlord's own 'WFH' were explained nowhere; an abbreviation the
    markdown defines (*[RSL]: ...) had only a tooltip."""
    glossary = report.split('<h2 id="glossary">', 1)[1]
    assert '<li id="glossary-hr">HR: Human resources' in glossary
    assert (
        '<li id="glossary-wfh">WFH: Working from home: staff answering from home.</li>' in glossary
    )
    assert '<li id="glossary-rsl">RSL: Registered social landlord</li>' in glossary
    assert _abbreviations_unexplained(report) == set()


def test_what_the_report_cannot_show_is_said_by_file_and_line_never_quoted(tmp_path):
    (tmp_path / "landlord.yaml").write_text("glossary:\n  WFH: Working from home\n")
    _write(tmp_path)
    problems = load_years(tmp_path)["2024-25"].problems
    narrative = "annual_report/2024-25/narrative.md"
    text = "\n".join(problems)
    assert f"{narrative}: line 17: an image is not included in the report" in text
    assert f"{narrative}: line 22: HTML tags are printed as typed" in text
    assert f"{narrative}: line 19: a link's words ('here'" in text
    assert f"{narrative}: line 19: a link has no words" in text
    assert f"{narrative}: line 20: a link to something other than a web page" in text
    # WFH is in landlord.yaml, HR in the product's glossary, RSL defined in the file
    assert not any("capitals" in p for p in problems)
    for quoted in ("Chart of complaints", "tracker.example", "onclick", "intranet", "secret"):
        assert quoted not in text
    (tmp_path / "annual_report/2024-25/narrative.md").write_text(
        "The ZQX team met.\n\n```\nNOT CHECKED IN CODE\n```\n", encoding="utf-8"
    )
    problems = load_years(tmp_path)["2024-25"].problems
    assert [p for p in problems if "capitals" in p] == [
        f"{narrative}: line 1: a word in capitals that no glossary explains (an abbreviation?): "
        "spell it out, define it in the file (*[HR]: Human resources) or in landlord.yaml under "
        "glossary (docs/landlord.md), and the report's glossary explains it"
    ]
    assert "ZQX" not in "\n".join(problems)


def test_the_glossary_key_is_checked():
    base = yaml.safe_load(
        re.findall(
            r"```yaml\n(.*?)```",
            (Path(__file__).resolve().parents[2] / "docs/landlord.md").read_text(),
            re.S,
        )[0]
    )
    assert Landlord.model_validate(
        {**base, "glossary": {" WFH ": " Working  from home "}}
    ).glossary == {"WFH": "Working from home"}
    # a term the product explains keeps the product's definition (a later version may add one
    # the landlord wrote: its runs go on)
    assert Landlord.model_validate({**base, "glossary": {"ASB": "Antisocial"}}).glossary == {}
    for bad, message in (
        ({"WFH": ""}, "has no meaning"),
        ({"A: B": "x"}, "without a colon"),
    ):
        with pytest.raises(ValueError, match=message):
            Landlord.model_validate({**base, "glossary": bad})


def test_the_run_warns_of_the_wording_by_file_and_line(tmp_path, capsys):
    """The command prints, beside its other warnings, what the years' markdown holds that the
    report cannot show as written: the file and line, never the text."""
    from pipeline.resources import ComplaintsStore
    from pipeline.run_messages import print_wording_warnings

    _write(tmp_path / "hollybank")
    store = ComplaintsStore(workspaces_root=str(tmp_path), output_root=str(tmp_path / "out"))
    print_wording_warnings(store, "hollybank", ["2024-25"])
    out = capsys.readouterr().out
    assert (
        "[hollybank]   WARNING annual_report/2024-25/narrative.md: line 17: an image is not "
        "included in the report" in out
    )
    assert "board_response.md" not in out  # the board's table and footnote print as written
    for quoted in ("Chart of complaints", "tracker.example", "onclick", "intranet"):
        assert quoted not in out
    print_wording_warnings(store, "hollybank", ["2023-24"])  # a year with no files: nothing
    assert capsys.readouterr().out == ""
