"""Code provision 8.1: the annual report includes the self-assessment, not only its summary.

The annual report (internal and published) prints the whole self-assessment in an appendix, from
the same document and the same template as ``self_assessment.html``. Each example's report is
read back provision by provision and compared, as text, with ``self_assessment.html`` of the same
year: the published report word for word (its measured evidence suppressed as the published
self-assessment's is), the internal one the same but for the measured evidence, which it shows in
full as the rest of the internal report does.
"""

from __future__ import annotations

import html as html_lib
import re
import shutil

import duckdb
import pytest

from pipeline.reporting.render import render_annual_report
from pipeline.reporting.trace import untraced
from pipeline.self_assessment.build import load_document
from pipeline.self_assessment.render import render_html
from tests.integration.examples import measured_example

# housing21's year of the brief; council_housing 2024-25 has suppressed evidence (<5, [c]) and
# "yes" answers its data contradicts, so both wordings and the flags are exercised.
CASES = [("housing21", "2024-25"), ("council_housing", "2024-25")]
APPENDIX = "appendix-self-assessment"


@pytest.fixture(scope="module", params=CASES, ids=[f"{n}-{y}" for n, y in CASES])
def documents(request, tmp_path_factory):
    name, year = request.param
    con = duckdb.connect()
    workspace, landlord = measured_example(con, name, [year])
    out = tmp_path_factory.mktemp(name)
    document = load_document(con, workspace, landlord, year)
    assert document is not None, f"{name} {year}: the example has a self-assessment"
    kwargs = {"workspace": workspace, "pdf": False}
    internal = render_annual_report(con, landlord, year, out / "internal", **kwargs)["html"]
    published = render_annual_report(
        con, landlord, year, out / "published", published=True, **kwargs
    )["html"]
    pages = {
        "self_assessment": untraced(render_html(document)),
        "internal": untraced(internal.read_text(encoding="utf-8")),
        "published": untraced(published.read_text(encoding="utf-8")),
    }
    yield name, document, pages
    con.close()


_CELL = re.compile(r"<t([hd])\b[^>]*>(.*?)</t\1>", re.DOTALL)


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def form_rows(page: str, prefix: str) -> dict[str, list[str]]:
    """Provision id -> the text of each cell of its row of the form."""
    rows = re.findall(
        rf'<tr id="{re.escape(prefix)}p-([0-9.]+)"[^>]*>(.*?)</tr>', page, flags=re.DOTALL
    )
    found: dict[str, list[str]] = {}
    for pid, row in rows:
        assert pid not in found, f"provision {pid} twice"
        found[pid] = [_text(cell) for _, cell in _CELL.findall(row)]
    return found


def appendix(page: str) -> str:
    """The appendix section of an annual report."""
    match = re.search(
        rf'<section class="report-section" aria-labelledby="{APPENDIX}">.*?</section>\s*'
        r'(?=<section class="report-section"|</main>)',
        page,
        flags=re.DOTALL,
    )
    assert match, "the annual report has no self-assessment appendix"
    return match.group(0)


def test_every_provision_of_the_year_is_in_both_reports(documents):
    _, document, pages = documents
    expected = [row.provision.id for row in document.rows]
    assert len(expected) == 73  # the Code's nine sections, 1.1 (information only) included
    assert list(form_rows(pages["self_assessment"], "")) == expected
    for version in ("internal", "published"):
        assert list(form_rows(appendix(pages[version]), "sa-")) == expected, version


def test_the_published_report_prints_self_assessment_html_word_for_word(documents):
    """Requirement, answer, evidence documents, measured evidence (suppressed as the published
    self-assessment suppresses it), flags and commentary: every cell the same text."""
    _, document, pages = documents
    form = form_rows(pages["self_assessment"], "")
    printed = form_rows(appendix(pages["published"]), "sa-")
    different = {pid: (printed[pid], cells) for pid, cells in form.items() if printed[pid] != cells}
    assert not different, f"{len(different)} provisions differ, e.g. {list(different.items())[:2]}"
    # and each row says what the document says: the answer and the commentary as written
    for row in document.rows:
        cells = printed[row.provision.id]
        assert cells[0] == row.provision.id and cells[1] == _text(row.provision.requirement)
        if row.answer is None:
            assert cells[2] == "Information only"
            continue
        assert cells[2].startswith("Yes" if row.answer.complies else "No")
        assert ("data contradicts" in cells[2]) is row.contradicted
        # the flag's own words (6.6, 6.17, 7.3 flagged by their promised actions too) and the note
        # on a "yes" no figure could check, in the evidence column as in the self-assessment
        assert ("Data contradicts “Yes”:" in cells[3]) is row.contradicted
        assert ("No figures to check “Yes”:" in cells[3]) is row.unchecked
        for item in row.answer.evidence:
            assert _text(html_lib.escape(item)) in cells[3]
        for line in row.evidence_lines:
            assert _text(html_lib.escape(line.shown)) in cells[3]
        if row.answer.commentary:
            assert cells[4].startswith(_text(html_lib.escape(row.answer.commentary)))


def test_the_internal_report_prints_the_same_with_its_figures_in_full(documents):
    """The internal report: every cell as in self_assessment.html but for the measured evidence,
    which reads as every other figure of the internal report (``EvidenceLine.text``)."""
    name, document, pages = documents
    form = form_rows(pages["self_assessment"], "")
    printed = form_rows(appendix(pages["internal"]), "sa-")
    suppressed = 0
    for row in document.rows:
        pid = row.provision.id
        expected = list(form[pid])
        for line in row.evidence_lines:
            shown, text = _text(html_lib.escape(line.shown)), _text(html_lib.escape(line.text))
            if shown != text:
                suppressed += 1
                assert shown in expected[3]
                expected[3] = expected[3].replace(shown, text)
        assert printed[pid] == expected, (pid, printed[pid], expected)
    # council_housing's published evidence withholds figures: the internal report shows them
    if name == "council_housing":
        assert suppressed
        measured = re.findall(
            r'<div class="measured">(.*?)</div>', appendix(pages["internal"]), re.S
        )
        assert measured and not any("&lt;5" in m or "[c]" in m for m in measured)


def test_the_summary_links_to_the_appendix_and_the_appendix_is_accessible(documents):
    _, document, pages = documents
    for version in ("internal", "published"):
        page = pages[version]
        # the contents list (and so the PDF's contents page) names the appendix
        toc = re.search(r'<nav class="toc".*?</nav>', page, flags=re.DOTALL).group(0)
        assert f'href="#{APPENDIX}"' in toc and f'data-toc-target="{APPENDIX}"' in toc
        summary = re.search(
            r'<section class="report-section" aria-labelledby="self-assessment">.*?</section>',
            page,
            flags=re.DOTALL,
        ).group(0)
        assert "is published beside this report" in summary
        assert f'href="#{APPENDIX}"' in summary
        # the summary comes before the appendix it links to
        assert page.index('id="self-assessment"') < page.index(f'id="{APPENDIX}"')
        section = appendix(page)
        headings = re.findall(r"<h([2-6])\b", section)
        assert headings[0] == "2" and set(headings[1:]) == {"3"}, headings
        assert len(headings) == 1 + len(document.sections)
        tables = re.findall(r"<table\b.*?</table>", section, flags=re.DOTALL)
        assert len(tables) == len(document.sections)
        for table in tables:
            assert re.search(r"<table[^>]*>\s*<caption\b", table), "caption first in the table"
            assert table.count('<th scope="col">') == 5
            assert table.count('<th scope="row"') == table.count("<tr id=")
        # ids of the appendix cannot clash with the report's own
        ids = re.findall(r'\bid="([^"]+)"', page)
        assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})[:5]


def test_a_year_without_a_self_assessment_says_so_in_one_line(tmp_path):
    name, year = "housing21", "2024-25"
    con = duckdb.connect()
    example, landlord = measured_example(con, name, [year])
    workspace = tmp_path / name
    shutil.copytree(example, workspace)
    (workspace / "annual_report" / year / "self_assessment.yaml").unlink()
    assert load_document(con, workspace, landlord, year) is None
    for published in (False, True):
        out = tmp_path / ("published" if published else "internal")
        page = untraced(
            render_annual_report(
                con, landlord, year, out, workspace=workspace, published=published, pdf=False
            )["html"].read_text(encoding="utf-8")
        )
        section = appendix(page)
        body = section.split("</h2>", 1)[1]
        assert re.findall(r"<p\b[^>]*>(.*?)</p>", body, flags=re.DOTALL) == [
            "Self-assessment: not available: there is no self-assessment for 2024/25"
            + ("" if published else f" (annual_report/{year}/self_assessment.yaml)")
            + "."
        ]
        assert "sa-p-" not in page and "<table" not in body
        assert "Self-assessment summary: not available" in page
        assert f'href="#{APPENDIX}"' not in page.split('<nav class="toc"', 1)[1].split("</nav>")[1]
    con.close()
