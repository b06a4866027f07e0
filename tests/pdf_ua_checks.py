"""PDF/UA checks for the tests, independent of pipeline.reporting.pdf_ua: pypdf's own content
stream parser (slow, but a second opinion on what the post-processing did)."""

from __future__ import annotations

from collections import Counter

from pypdf import PdfReader
from pypdf.generic import ContentStream

# Operators that draw (or begin drawing: a path or text object): none may be outside marked content.
DRAWING = {
    b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*", b"n", b"sh", b"Do",
    b"m", b"l", b"c", b"v", b"y", b"h", b"re", b"W", b"W*",
    b"BT", b"ET", b"Tj", b"TJ", b"'", b'"', b"INLINE IMAGE",
}  # fmt: skip
SHOW_TEXT = {b"Tj", b"TJ", b"'", b'"'}


def _pagination(operands) -> str | None:
    """'/Header' or '/Footer' for a Pagination artifact's BDC operands, else None."""
    if len(operands) == 2 and operands[0] == "/Artifact" and hasattr(operands[1], "get"):
        if operands[1].get("/Type") == "/Pagination":
            return str(operands[1].get("/Subtype"))
    return None


def marked_content_report(reader: PdfReader) -> tuple[list[tuple[int, str]], list[Counter]]:
    """(every drawing operator outside marked content as (page index, operator), and per page how
    many Pagination artifacts of each subtype it has)."""
    untagged: list[tuple[int, str]] = []
    artifacts: list[Counter] = []
    for index, page in enumerate(reader.pages):
        stack: list[bytes] = []
        found: Counter = Counter()
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator in (b"BDC", b"BMC"):
                stack.append(operator)
                if operator == b"BDC" and (subtype := _pagination(operands)):
                    found[subtype] += 1
            elif operator == b"EMC":
                assert stack, f"page {index + 1}: EMC without BDC/BMC"
                stack.pop()
            elif not stack and operator in DRAWING:
                untagged.append((index, operator.decode("latin-1")))
        assert not stack, f"page {index + 1}: marked content left open"
        artifacts.append(found)
    return untagged, artifacts


def page_text(reader: PdfReader, index: int, *, pagination: bool) -> str:
    """The text of one page drawn inside Pagination artifacts (``pagination=True``) or outside
    them, whitespace collapsed (pypdf's text extraction, told where each piece of text is)."""
    inside: list[bool] = []
    parts: list[str] = []

    def before(operator, operands, cm, tm) -> None:
        if operator in (b"BDC", b"BMC"):
            inside.append(bool(inside and inside[-1]) or bool(_pagination(operands)))
        elif operator == b"EMC":
            inside.pop()

    def text(piece, cm, tm, font, size) -> None:
        if bool(inside and inside[-1]) == pagination:
            parts.append(piece)

    reader.pages[index].extract_text(visitor_operand_before=before, visitor_text=text)
    return " ".join("".join(parts).split())


def links_without_contents(reader: PdfReader) -> list[dict]:
    return [
        annotation
        for page in reader.pages
        for reference in page.get("/Annots") or []
        if (annotation := reference.get_object()).get("/Subtype") == "/Link"
        and not str(annotation.get("/Contents", "")).strip()
    ]


def link_contents(reader: PdfReader) -> list[tuple[str, str]]:
    """(target, /Contents) of each link annotation in page order: target ``#id`` or the URI."""
    found = []
    for page in reader.pages:
        for reference in page.get("/Annots") or []:
            annotation = reference.get_object()
            if annotation.get("/Subtype") != "/Link":
                continue
            if "/Dest" in annotation:
                target = "#" + str(annotation["/Dest"]).lstrip("/")
            else:
                target = str(annotation["/A"]["/URI"])
            found.append((target, str(annotation.get("/Contents"))))
    return found
