"""pdf_ua: content outside marked content becomes artifacts (header and footer as Pagination
artifacts), link annotations get /Contents, and the file is rewritten with nothing else changed."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from pipeline.reporting.pdf_ua import (
    ARTIFACT,
    FOOTER_ARTIFACT,
    HEADER_ARTIFACT,
    UnsupportedPdf,
    make_accessible,
    mark_artifacts,
)
from tests.pdf_ua_checks import link_contents, marked_content_report

# Chromium-like: a flipped CTM (y grows downwards, 0.75 pt per CSS px) on an A4 page 842 pt high.
TAGGED_TEXT = (
    b"/P <</MCID 0 >>BDC\nBT\n/F1 12 Tf\n1 0 0 -1 10 400 Tm\n"
    b"(Tagged EMC and BDC \\) \\(inside\\) (nested BMC) strings) Tj\nET\nEMC\n"
)
TAGGED_NESTED = (
    b"/Span <</MCID 1 /ActualText (a > b EMC)>> BDC\n/Inner BMC\n5 5 m 6 6 l S\nEMC\nEMC\n"
)
STREAM = (
    b".75 0 0 -.75 0 842 cm\nq\n1 1 1 rg\n0 0 794 1123 re\nf\n"  # background, untagged
    + TAGGED_TEXT
    + b"BT\n1 0 0 -1 10 500 Tm\n<0 BDC> Tj\nET\n"  # untagged body text (a hex string "BDC")
    + b"% a comment: EMC BDC\n"
    + TAGGED_NESTED
    + b"BI /W 2 /H 1 /CS /G /BPC 8 ID \x00E\nEMC\x01 EI\n"  # inline image, "EMC" in its data
    + b"Q\nq\n1 0 0 1 0 0 cm\n"
    + b"BT\n/F1 10 Tf\n1 0 0 -1 40 30 Tm\n(Running title) Tj\nET\n"  # header (y = 819.5 pt)
    + b"BT\n/F1 10 Tf\n1 0 0 -1 370 1102 Tm\n(Page 1 of 1) Tj\nET\nQ\n"  # footer (y = 15.5 pt)
)


def _sequences(content: bytes) -> list[tuple[bytes, bytes]]:
    """Top-level marked-content sequences as (opening line, body), by the inserted markers."""
    found = []
    for opener in (ARTIFACT, HEADER_ARTIFACT, FOOTER_ARTIFACT):
        start = 0
        while (at := content.find(b"\n" + opener + b"\n", start)) >= 0:
            body_start = at + len(opener) + 2
            end = content.find(b"\nEMC\n", body_start)
            found.append((opener, content[body_start:end]))
            start = end
    return found


def _page_with(content: bytes) -> PdfReader:
    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    stream = DecodedStreamObject()
    stream.set_data(content)
    page[NameObject("/Contents")] = writer._add_object(stream)
    buffer = io.BytesIO()
    writer.write(buffer)
    return PdfReader(buffer)


def test_untagged_content_becomes_artifacts_and_tagged_content_stays_as_it_was():
    out = mark_artifacts(STREAM, header_above=842 - 56.7, footer_below=51)
    # Tagged sequences (strings holding "EMC"/"BDC", a property list with a string, nesting)
    # are byte for byte in the output; only whole markers were added.
    assert TAGGED_TEXT in out and TAGGED_NESTED in out
    assert out.count(b"/Artifact") == 5
    # Independently (pypdf's parser): nothing draws outside marked content, one header, one footer.
    untagged, artifacts = marked_content_report(_page_with(out))
    assert untagged == []
    assert artifacts == [{"/Header": 1, "/Footer": 1}]
    sequences = _sequences(out)
    header = [body for opener, body in sequences if opener == HEADER_ARTIFACT]
    footer = [body for opener, body in sequences if opener == FOOTER_ARTIFACT]
    assert len(header) == 1 and b"(Running title) Tj" in header[0]
    assert len(footer) == 1 and b"(Page 1 of 1) Tj" in footer[0]
    plain = b"".join(body for opener, body in sequences if opener == ARTIFACT)
    for untagged_part in (b"0 0 794 1123 re", b"<0 BDC> Tj", b"a comment", b"\x00E\nEMC\x01 EI"):
        assert untagged_part in plain


def test_without_margins_everything_untagged_is_a_plain_artifact():
    out = mark_artifacts(STREAM)
    assert HEADER_ARTIFACT not in out and FOOTER_ARTIFACT not in out
    assert marked_content_report(_page_with(out))[0] == []


def test_fully_tagged_stream_is_returned_as_is():
    content = TAGGED_TEXT + b"\n  \n" + TAGGED_NESTED
    assert mark_artifacts(content) is content


@pytest.mark.parametrize(
    "content",
    [
        b"EMC\n",  # EMC without a sequence
        b"/P BMC 0 0 m 1 1 l S\n",  # never closed
        b"BT /P <</MCID 0>> BDC (x) Tj EMC ET\n",  # marked content starting inside a text object
        b"/P BMC (unterminated Tj\nEMC\n",
    ],
)
def test_malformed_or_unsupported_streams_are_refused(content):
    with pytest.raises(UnsupportedPdf):
        mark_artifacts(content)


def _pdf_with_links() -> bytes:
    writer = PdfWriter()
    for _ in range(2):
        page = writer.add_blank_page(595, 842)
        stream = DecodedStreamObject()
        stream.set_data(TAGGED_TEXT + b"BT 1 0 0 1 300 20 Tm (Page) Tj ET\n")
        page[NameObject("/Contents")] = writer._add_object(stream)
    annotations = []
    for target in ("/timeliness", "/timeliness", "https://example.org/", "/unknown"):
        link = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Link"),
                NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (10, 10, 50, 20)]),
                NameObject("/Border"): ArrayObject([NumberObject(0)] * 3),
            }
        )
        if target.startswith("/"):
            link[NameObject("/Dest")] = NameObject(target)
        else:
            link[NameObject("/A")] = DictionaryObject(
                {NameObject("/S"): NameObject("/URI"), NameObject("/URI"): TextStringObject(target)}
            )
        annotations.append(writer._add_object(link))
    writer.pages[0][NameObject("/Annots")] = ArrayObject(annotations[:2])
    writer.pages[1][NameObject("/Annots")] = ArrayObject(annotations[2:])
    writer.add_metadata({"/Title": "Links"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_pdf_rewritten_with_link_texts_and_artifacts_and_nothing_else_changed():
    pdf = _pdf_with_links()
    names = [
        ("#timeliness", "Timeliness, page 4"),
        ("#timeliness", "Back to Timeliness"),
        ("https://example.org/", "Example – the website"),
    ]
    out = make_accessible(pdf, link_names=names, top_margin=56.7, bottom_margin=51)
    reader = PdfReader(io.BytesIO(out), strict=True)
    assert link_contents(reader) == [
        ("#timeliness", "Timeliness, page 4"),
        ("#timeliness", "Back to Timeliness"),
        ("https://example.org/", "Example – the website"),
        ("#unknown", "Link to unknown"),  # no HTML link: named by its target
    ]
    untagged, artifacts = marked_content_report(reader)
    assert untagged == [] and artifacts == [{"/Footer": 1}, {"/Footer": 1}]
    assert reader.metadata.title == "Links"
    # Only the content streams and annotations were replaced: every other object is as it was.
    before = PdfReader(io.BytesIO(pdf), strict=True)
    assert len(reader.pages) == len(before.pages) == 2
    assert [p.extract_text() for p in reader.pages] == [p.extract_text() for p in before.pages]
    assert len(out) - len(pdf) < 1000


def test_pdf_it_cannot_rewrite_is_returned_unchanged(caplog):
    pdf = _pdf_with_links()
    # An incremental update (a second table, /Prev to the first): not rewritten.
    previous = int(pdf.rsplit(b"startxref", 1)[1].split()[0])
    updated = pdf + b"xref\n0 1\n0000000000 65535 f \ntrailer\n<</Size 1 /Prev %d>>\n" % previous
    updated += b"startxref\n%d\n%%%%EOF\n" % len(pdf)
    assert make_accessible(updated, link_names=[]) is updated
    assert "left as printed" in caplog.text
