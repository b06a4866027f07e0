"""PDF/UA-1 (ISO 14289-1) fixes for the tagged PDFs Chromium prints.

Chromium tags a document's content (``tagged=True``) but draws some of it outside any marked
content: the running header and footer (``header_template``, ``footer_template``), the white page
background and untagged decoration (table rules, the axes, bars and lines of SVG charts, whose
meaning the chart's tagged Figure carries in its /Alt). PDF/UA 7.1 wants every piece of content
either tagged or marked as an artifact; 7.18.5 wants each link annotation to have a /Contents text.

:func:`make_accessible` post-processes the printed bytes:

* each page's content stream: every stretch of content outside marked content (marked-content
  depth 0) is enclosed as an artifact, ``/Artifact BMC ... EMC``; text drawn in the top or bottom
  page margin there (the running header and footer) as ``/Artifact <</Type /Pagination /Subtype
  /Header>> BDC ... EMC`` (``/Footer``). Tagged content is left byte for byte as it was, so the
  marked-content ids of the structure tree still point at the same content.
* each Link annotation without /Contents gets one: the accessible name of the HTML link it was
  printed from (``link_names``, in document order, by target), else its target.

The file is rewritten with only those objects replaced and the cross-reference table rebuilt;
every other object (structure tree, outline, metadata, /Lang, /MarkInfo, ViewerPreferences, fonts)
is copied byte for byte. A file this does not understand (cross-reference streams, incremental
updates, encryption) is returned unchanged, as is a page whose content stream is malformed; a
warning is logged.

Speed: content streams are scanned with one regular expression over the decoded bytes that stops
only at the operators that matter here (marked content, text objects, ``q``/``Q``/``cm`` for the
position of text, inline images), not with a token-by-token parser: about 2% of the print time
of the annual report.
"""

from __future__ import annotations

import io
import logging
import posixpath
import re
import zlib
from collections import defaultdict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from pypdf import PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

log = logging.getLogger(__name__)

ARTIFACT = b"/Artifact BMC"
HEADER_ARTIFACT = b"/Artifact <</Type /Pagination /Subtype /Header>> BDC"
FOOTER_ARTIFACT = b"/Artifact <</Type /Pagination /Subtype /Footer>> BDC"
_OPENERS = {None: ARTIFACT, "header": HEADER_ARTIFACT, "footer": FOOTER_ARTIFACT}
_END_MARKED = b"EMC"


class UnsupportedPdf(ValueError):
    """The file or a content stream is of a shape this module does not rewrite safely."""


# --- Content streams ---------------------------------------------------------------------------
#
# PDF lexical rules (ISO 32000-1 7.2): white space, delimiters ()<>[]{}/%, and regular characters.
# An operator is a run of regular characters that is not a number (nor true/false/null).

_WS = rb" \t\r\n\f\x00"
_DELIMITERS = rb"()<>\[\]{}/%"
_REGULAR = rb"[^" + _WS + _DELIMITERS + rb"]"
_TOKEN_END = rb"(?=[" + _WS + _DELIMITERS + rb"]|\Z)"
# The operators the scan stops at; everything else is skipped inside the regular expression.
_STOPS = rb"BDC|BMC|EMC|BT|ET|Tm|BI|q|Q|cm"
_SKIPPED_TOKEN = (
    rb"(?:[0-9.+\-]" + _REGULAR + rb"*+"  # numbers
    rb"|<[0-9A-Fa-f" + _WS + rb"]*+>"  # hexadecimal strings
    rb"|(?!(?:" + _STOPS + rb")" + _TOKEN_END + rb")" + _REGULAR + rb"++"  # other operators
    rb"|/" + _REGULAR + rb"*+"  # names
    rb"|<<|>>|[\[\]]"
    rb"|%[^\r\n]*+"  # comments
    rb"|\((?:[^()\\]|\\.)*+\))"  # literal strings without nested parentheses
)
# Possessive: what is skipped is never given back, so the scan is linear. A match ends at a
# stop operator, at a character the skip cannot take (a literal string with nested parentheses,
# or malformed input), or at the end of the stream.
_SCAN = re.compile(
    rb"(?:[" + _WS + rb"]*+" + _SKIPPED_TOKEN + rb")*+[" + _WS + rb"]*+"
    rb"(?:(?P<op>" + _STOPS + rb")" + _TOKEN_END + rb"|(?P<other>.)|\Z)",
    re.S,
)
# Every token, for the few short stretches where the scan needs to know where operands start.
_TOKEN = re.compile(
    rb"[" + _WS + rb"]*+(?:(?P<comment>%[^\r\n]*+)|(?P<token>(?P<regular>" + _REGULAR + rb"++)"
    rb"|/" + _REGULAR + rb"*+"
    rb"|<[0-9A-Fa-f" + _WS + rb"]*+>|<<|>>|[\[\]{}]"
    rb"|\((?:[^()\\]|\\.)*+\)"
    rb"|(?P<other>.))|\Z)",
    re.S,
)
_NUMBER = re.compile(rb"[+-]?(?:\d+\.?\d*|\.\d+)")
# The usual operands of BDC/BMC right after the previous operator the scan stopped at: a tag and
# a property list (a name, or a dictionary without nested dictionaries or literal strings).
_PROPERTIES = re.compile(
    rb"["
    + _WS
    + rb"]*+(?P<start>/"
    + _REGULAR
    + rb"*+)(?:["
    + _WS
    + rb"]*+(?:/"
    + _REGULAR
    + rb"*+|<<(?:[^<>()]|<[0-9A-Fa-f"
    + _WS
    + rb"]*+>)*+>>))?["
    + _WS
    + rb"]*+\Z"
)
_LITERAL_PART = re.compile(rb"\\.|[()]", re.S)
_IMAGE_DATA = re.compile(rb"[" + _WS + rb"]ID[" + _WS + rb"]")
_IMAGE_END = re.compile(rb"[" + _WS + rb"]EI" + _TOKEN_END)
_NOT_SPACE = re.compile(rb"[^" + _WS + rb"]")

_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
Matrix = tuple[float, float, float, float, float, float]


def _literal_end(data: bytes, start: int) -> int:
    """End of the literal string opening at ``start`` (balanced parentheses, escapes)."""
    depth = 0
    for part in _LITERAL_PART.finditer(data, start):
        if part.group() == b"(":
            depth += 1
        elif part.group() == b")":
            depth -= 1
            if depth == 0:
                return part.end()
    raise UnsupportedPdf("unterminated literal string")


def _inline_image_end(data: bytes, start: int) -> int:
    """End of the inline image whose ``BI`` ends at ``start``: after the ``EI`` that follows its
    data (the usual rule: white space, ``EI``, then white space or a delimiter)."""
    found = _IMAGE_DATA.search(data, start)
    if found is None:
        raise UnsupportedPdf("inline image without ID")
    end = _IMAGE_END.search(data, found.end() + 1)
    if end is None:
        raise UnsupportedPdf("inline image without EI")
    return end.end()


def _operands_start(data: bytes, start: int, stop: int) -> int:
    """Where the operands of the operator at ``stop`` begin: the first token after the last
    operator in ``data[start:stop]`` (``start`` is just after an operator)."""
    usual = _PROPERTIES.match(data, start, stop)
    if usual is not None:  # nothing but the operands since ``start``
        return usual.start("start")
    operands_at = None
    position = start
    while position < stop:
        token = _TOKEN.match(data, position, stop)
        if token.end() == position:
            break  # only white space was left
        position = token.end()
        if token.group("token") is None:
            continue  # a comment
        regular = token.group("regular")
        if regular is not None and not (
            _NUMBER.fullmatch(regular) or regular in (b"true", b"false", b"null")
        ):
            operands_at = None  # an operator: the operands come after it
            continue
        if operands_at is None:
            operands_at = token.start("token")
        other = token.group("other")
        if other == b"(":
            position = _literal_end(data, token.start("other"))
        elif other is not None:
            raise UnsupportedPdf(f"unexpected {other!r} in content stream")
    return stop if operands_at is None else operands_at


def _numbers_before(data: bytes, start: int, stop: int, count: int) -> list[float] | None:
    """The ``count`` numbers just before the operator at ``stop`` (None if they are not numbers)."""
    tokens = data[max(start, stop - 16 * count) : stop].split()[-count:]
    if len(tokens) != count or not _NUMBER.fullmatch(tokens[0]):
        tokens = data[start:stop].split()[-count:]  # longer numbers: all the operands
    if len(tokens) != count or not all(_NUMBER.fullmatch(token) for token in tokens):
        return None
    return [float(token) for token in tokens]


def _multiply(m: Sequence[float], n: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    na, nb, nc, nd, ne, nf = n
    return (
        a * na + b * nc,
        a * nb + b * nd,
        c * na + d * nc,
        c * nb + d * nd,
        e * na + f * nc + ne,
        e * nb + f * nd + nf,
    )


@dataclass
class _Text:
    """A text object drawn outside marked content: where it starts and where on the page."""

    start: int
    kind: str | None = None  # "header", "footer" or None (elsewhere, or not known)
    placed: bool = False


def mark_artifacts(
    content: bytes, *, header_above: float | None = None, footer_below: float | None = None
) -> bytes:
    """Enclose every stretch of ``content`` outside marked content as an artifact.

    Parameters
    ----------
    content
        A page's decoded content stream.
    header_above, footer_below
        Text objects outside marked content whose origin (in default user space, points) is at or
        above ``header_above`` are the running header, at or below ``footer_below`` the running
        footer: they become Pagination artifacts. Everything else outside marked content becomes a
        plain ``/Artifact``. None: no header (footer) is recognised.

    Returns
    -------
    bytes
        The content with ``/Artifact ... BMC``/``BDC`` and ``EMC`` inserted between graphics
        objects; ``content`` itself when there was nothing outside marked content.

    Raises
    ------
    UnsupportedPdf
        The stream is malformed (unbalanced marked content, an unterminated string) or marked
        content begins or ends inside a text object, where an artifact could not be closed.
    """
    inserts: list[tuple[int, bytes]] = []
    depth = 0
    ctm: Matrix | None = _IDENTITY
    saved: list[Matrix | None] = []
    text: _Text | None = None  # the open text object
    run_start = 0  # where the current stretch outside marked content began
    run_texts: list[_Text] = []  # its text objects
    after_operator = 0  # just after the last operator the scan stopped at
    position = 0
    length = len(content)

    def close_run(end: int) -> None:
        if _NOT_SPACE.search(content, run_start, end) is None:
            return
        # Groups of consecutive text objects of one kind; each group starts at its first BT
        # (between graphics objects), the first at the start of the stretch.
        groups: list[tuple[int, str | None]] = []
        if not run_texts or _NOT_SPACE.search(content, run_start, run_texts[0].start):
            groups.append((run_start, None))
        for item in run_texts:
            if not groups:
                groups.append((run_start, item.kind))
            elif item.kind != groups[-1][1]:
                groups.append((item.start, item.kind))
        for index, (start, kind) in enumerate(groups):
            stop = groups[index + 1][0] if index + 1 < len(groups) else end
            inserts.append((start, b"\n" + _OPENERS[kind] + b"\n"))
            inserts.append((stop, b"\n" + _END_MARKED + b"\n"))

    while True:
        match = _SCAN.match(content, position)
        position = match.end()
        op = match.group("op")
        if op is None:
            other = match.group("other")
            if other is None:  # end of the stream
                break
            if other == b"(":
                position = _literal_end(content, match.start("other"))
                continue
            raise UnsupportedPdf(f"unexpected {other!r} in content stream")
        op_start = match.start("op")
        if op == b"BDC" or op == b"BMC":
            if depth == 0:
                if text is not None:
                    raise UnsupportedPdf("marked content begins inside a text object")
                close_run(_operands_start(content, after_operator, op_start))
            depth += 1
        elif op == b"EMC":
            depth -= 1
            if depth < 0:
                raise UnsupportedPdf("EMC without BDC/BMC")
            if depth == 0:
                if text is not None:
                    raise UnsupportedPdf("marked content ends inside a text object")
                run_start, run_texts = position, []
        elif op == b"q":
            saved.append(ctm)
        elif op == b"Q":
            ctm = saved.pop() if saved else None
        elif op == b"cm":
            matrix = _numbers_before(content, after_operator, op_start, 6)
            ctm = None if matrix is None or ctm is None else _multiply(matrix, ctm)
        elif op == b"BT":
            text = _Text(op_start)
        elif op == b"ET":
            if text is not None and depth == 0:
                run_texts.append(text)
            text = None
        elif op == b"Tm":
            if text is not None and depth == 0:
                matrix = _numbers_before(content, after_operator, op_start, 6)
                kind = None
                if matrix is not None and ctm is not None:
                    x, y = matrix[4], matrix[5]
                    page_y = ctm[1] * x + ctm[3] * y + ctm[5]
                    if header_above is not None and page_y >= header_above:
                        kind = "header"
                    elif footer_below is not None and page_y <= footer_below:
                        kind = "footer"
                # A text object is header (footer) only if every Tm in it says so.
                text.kind = kind if not text.placed or text.kind == kind else None
                text.placed = True
        elif op == b"BI":
            position = _inline_image_end(content, position)
        after_operator = position

    if depth != 0:
        raise UnsupportedPdf("marked content not closed at the end of the stream")
    if text is not None:
        raise UnsupportedPdf("text object not closed at the end of the stream")
    close_run(length)
    if not inserts:
        return content
    parts: list[bytes] = []
    previous = 0
    for at, marker in inserts:
        parts.append(content[previous:at])
        parts.append(marker)
        previous = at
    parts.append(content[previous:])
    return b"".join(parts)


# --- The file ------------------------------------------------------------------------------------

_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*\Z")
_SUBSECTION = re.compile(rb"(\d+) (\d+)[ \t]*\r?\n?")
_ENTRY = re.compile(rb"(\d{10}) (\d{5}) ([nf])(?: \r| \n|\r\n)")
_OBJECT_HEADER = re.compile(rb"(\d+)\s+(\d+)\s+obj\b")


@dataclass
class _Xref:
    """A file with one classic cross-reference table (what Chromium writes)."""

    subsections: list[tuple[int, list[tuple[int, int, bytes]]]]  # start, (offset, gen, n|f)
    trailer: bytes  # from "trailer" up to "startxref"
    table_at: int

    @classmethod
    def parse(cls, pdf: bytes) -> _Xref:
        end = _STARTXREF.search(pdf, max(0, len(pdf) - 64))
        if end is None:
            raise UnsupportedPdf("no startxref at the end of the file")
        table_at = int(end.group(1))
        if not pdf.startswith(b"xref", table_at):
            raise UnsupportedPdf("cross-reference stream, not a table")
        position = table_at + 4
        while pdf[position : position + 1] in (b" ", b"\r", b"\n"):
            position += 1
        subsections = []
        while not pdf.startswith(b"trailer", position):
            header = _SUBSECTION.match(pdf, position)
            if header is None:
                raise UnsupportedPdf("malformed cross-reference table")
            first, count = int(header.group(1)), int(header.group(2))
            position = header.end()
            entries = []
            for _ in range(count):
                entry = _ENTRY.match(pdf, position)
                if entry is None:
                    raise UnsupportedPdf("malformed cross-reference entry")
                entries.append((int(entry.group(1)), int(entry.group(2)), entry.group(3)))
                position = entry.end()
            subsections.append((first, entries))
        trailer = pdf[position : end.start()]
        for key in (b"/Prev", b"/XRefStm", b"/Encrypt"):
            if re.search(re.escape(key) + rb"(?![A-Za-z])", trailer):
                raise UnsupportedPdf(f"trailer has {key.decode()}")
        return cls(subsections, trailer, table_at)

    def rewrite(self, pdf: bytes, replacements: dict[int, bytes]) -> bytes:
        """``pdf`` with the objects numbered in ``replacements`` replaced (whole ``N G obj ...
        endobj`` texts), every other byte as it was, and the table's offsets rebuilt."""
        objects = []  # (offset, number, generation)
        for first, entries in self.subsections:
            for index, (offset, generation, kind) in enumerate(entries):
                if kind == b"n":
                    objects.append((offset, first + index, generation))
        objects.sort()
        for offset, number, generation in objects:
            header = _OBJECT_HEADER.match(pdf, offset)
            if header is None or (int(header.group(1)), int(header.group(2))) != (
                number,
                generation,
            ):
                raise UnsupportedPdf(f"object {number} is not where the table says")
        if not replacements.keys() <= {number for _, number, _ in objects}:
            raise UnsupportedPdf("replacing an object that is not in the table")
        if objects and objects[-1][0] >= self.table_at:
            raise UnsupportedPdf("an object after the cross-reference table")
        parts = [pdf[: objects[0][0]]] if objects else [pdf[: self.table_at]]
        size = len(parts[0])
        moved: dict[int, int] = {}
        for index, (offset, number, _) in enumerate(objects):
            stop = objects[index + 1][0] if index + 1 < len(objects) else self.table_at
            piece = replacements.get(number)
            if piece is None:
                piece = pdf[offset:stop]
            moved[number] = size
            parts.append(piece)
            size += len(piece)
        table = [b"xref\n"]
        for first, entries in self.subsections:
            table.append(b"%d %d\n" % (first, len(entries)))
            for index, (offset, generation, kind) in enumerate(entries):
                if kind == b"n":
                    offset = moved[first + index]
                table.append(b"%010d %05d %s \n" % (offset, generation, kind))
        parts.extend(table)
        parts.append(self.trailer)
        parts.append(b"startxref\n%d\n%%%%EOF\n" % size)
        return b"".join(parts)


def _object_bytes(number: int, generation: int, body: bytes) -> bytes:
    return b"%d %d obj\n%s\nendobj\n" % (number, generation, body)


def _serialise(value) -> bytes:
    buffer = io.BytesIO()
    value.write_to_stream(buffer)
    return buffer.getvalue()


def _stream_object(reference: IndirectObject, original, data: bytes) -> bytes:
    """A content stream object: the original's dictionary with the new (Flate) data."""
    header = DictionaryObject(
        {
            key: value
            for key, value in original.items()
            if key not in ("/Length", "/Filter", "/DecodeParms")
        }
    )
    encoded = zlib.compress(data, 6)
    header[NameObject("/Filter")] = NameObject("/FlateDecode")
    header[NameObject("/Length")] = NumberObject(len(encoded))
    body = _serialise(header) + b"\nstream\n" + encoded + b"\nendstream"
    return _object_bytes(reference.idnum, reference.generation, body)


def _outline_titles(
    reader: PdfReader, heading_names: Iterable[str], replacements: dict[int, bytes]
) -> None:
    """Give each bookmark its heading's words with their spaces: Chromium builds a bookmark's
    title from the heading's printed lines and drops the space where a line wrapped (the annual
    report's title, on two lines on the cover, read "serviceimprovement"). A bookmark is matched
    to its heading by the heading's characters without white space; any other is left alone."""
    by_characters = {re.sub(r"\s+", "", name): name for name in heading_names}
    outlines = reader.trailer["/Root"].get("/Outlines")
    if not by_characters or outlines is None:
        return
    pending, seen = [outlines.get_object().get("/First")], set()
    while pending:
        reference = pending.pop()
        if not isinstance(reference, IndirectObject) or reference.idnum in seen:
            continue
        seen.add(reference.idnum)
        item = reference.get_object()
        pending += [item.get("/Next"), item.get("/First")]
        title = str(item.get("/Title", ""))
        name = by_characters.get(re.sub(r"\s+", "", title))
        if name is not None and name != title:
            item[NameObject("/Title")] = TextStringObject(name)
            replacements[reference.idnum] = _object_bytes(
                reference.idnum, reference.generation, _serialise(item)
            )


def _open_with_bookmarks(reader: PdfReader, replacements: dict[int, bytes]) -> None:
    """A document with bookmarks opens with them shown (/PageMode /UseOutlines): a report of 40
    pages is navigated by its headings, and a viewer otherwise hides the panel that lists them."""
    root = reader.trailer.raw_get("/Root")
    catalog = root.get_object() if isinstance(root, IndirectObject) else None
    if catalog is None or "/Outlines" not in catalog or catalog.get("/PageMode") is not None:
        return
    catalog[NameObject("/PageMode")] = NameObject("/UseOutlines")
    replacements[root.idnum] = _object_bytes(root.idnum, root.generation, _serialise(catalog))


def _link_key(annotation: DictionaryObject) -> str | None:
    """What a link annotation leads to, as the HTML link's key: ``#id`` or the URI."""
    destination = annotation.get("/Dest")
    if destination is not None:
        destination = destination.get_object()
        if isinstance(destination, NameObject):  # a named destination: Chromium's are the ids
            return "#" + destination[1:]
        if isinstance(destination, str):  # the same, named by a string
            return "#" + str(destination)
        return None
    action = annotation.get("/A")
    if action is not None:
        action = action.get_object()
        if action.get("/S") == "/URI" and "/URI" in action:
            return str(action["/URI"])
    return None


def _parent_tree(reader: PdfReader) -> dict[int, object]:
    """The structure tree's ParentTree as a dict (number -> value, references not resolved)."""
    found: dict[int, object] = {}
    root = reader.trailer["/Root"].get("/StructTreeRoot")
    if root is None:
        return found
    tree = root.get_object().get("/ParentTree")

    def walk(node) -> None:
        node = node.get_object()
        nums = node.get("/Nums")
        if nums is not None:
            nums = nums.get_object()
            for index in range(0, len(nums) - 1, 2):
                found[int(nums[index])] = nums[index + 1]
        for kid in node.get("/Kids", ()):
            walk(kid)

    if tree is not None:
        walk(tree)
    return found


def _fallback_name(key: str | None) -> str:
    if key is None:
        return "Link"
    if key.startswith("#"):
        return f"Link to {key[1:]}"
    return key


def _relative_link(
    annotation: DictionaryObject, base: str | None, replacements: dict[int, bytes]
) -> None:
    """A link annotation's URI action into ``base`` made relative to it (in place; an action of
    its own object is queued in ``replacements``)."""
    raw = annotation.raw_get("/A") if "/A" in annotation else None
    if base is None or raw is None:
        return
    action = raw.get_object()
    uri = action.get("/URI") if isinstance(action, DictionaryObject) else None
    if uri is None or not (str(uri).startswith("file:") and base.startswith("file:")):
        return
    # a file beside the document, or elsewhere on the same disk (a group report's link to a
    # member's report: ../../<member>/<year>/...), by its path from the document's folder
    target, folder = urlsplit(str(uri)), urlsplit(base)
    relative = posixpath.relpath(target.path, folder.path.rstrip("/") or "/")
    if target.path.endswith("/"):
        relative += "/"
    action[NameObject("/URI")] = TextStringObject(
        relative + (f"#{target.fragment}" if target.fragment else "")
    )
    if isinstance(raw, IndirectObject):
        replacements[raw.idnum] = _object_bytes(raw.idnum, raw.generation, _serialise(action))


def make_accessible(
    pdf: bytes,
    *,
    link_names: Iterable[Sequence[str]] = (),
    heading_names: Iterable[str] = (),
    top_margin: float | None = None,
    bottom_margin: float | None = None,
    reader: PdfReader | None = None,
    relative_base: str | None = None,
) -> bytes:
    """Mark untagged content as artifacts, give each link annotation a /Contents text and each
    bookmark its heading's words.

    Parameters
    ----------
    pdf
        A tagged PDF as Chromium prints it.
    link_names
        ``(key, name)`` of each link of the HTML document in document order: key ``#id`` for a
        link within the document (Chromium's named destination ``id``), else the absolute URL;
        name the link's accessible name. The n-th link annotation (structure element) with a key
        gets the n-th name with that key; one with no name left gets the first name for its
        key, or its target.
    heading_names
        The text of each heading of the HTML document (white space collapsed): the titles of
        the bookmarks Chromium made from them (:func:`_outline_titles`).
    top_margin, bottom_margin
        The page margins in points: text outside marked content within them is the running
        header (footer), marked as a Pagination artifact. None: plain artifacts.
    reader
        ``pdf`` already opened (saves opening it again).
    relative_base
        The document's folder as a ``file:`` URL ending in ``/``: a link to a file (a neighbour
        such as ``self_assessment.pdf``, a member's report ``../../<member>/...``) is written
        relative to it, which the PDF specification reads relative to the PDF itself, wherever it
        is moved or published; an absolute file URL named the folder it was printed in (a run's
        staging folder, a path of the producing machine).

    Returns
    -------
    bytes
        The new file; ``pdf`` itself if there was nothing to do or the file is of a kind this
        module does not rewrite (logged).
    """
    try:
        xref = _Xref.parse(pdf)
    except UnsupportedPdf as exc:
        log.warning("PDF left as printed (no artifacts, no link texts): %s", exc)
        return pdf
    if reader is None:
        try:  # strict: no check of every object's offset (a quarter of the time here)
            reader = PdfReader(io.BytesIO(pdf), strict=True)
        except PdfReadError:
            reader = PdfReader(io.BytesIO(pdf))
    replacements: dict[int, bytes] = {}
    done: set[int] = set()
    names: dict[str, deque[str]] = defaultdict(deque)
    first_name: dict[str, str] = {}
    for key, name in link_names:
        names[key].append(name)
        first_name.setdefault(key, name)
    parents: dict[int, object] | None = None
    named: dict[object, str] = {}  # Link structure element -> its name

    for number, page in enumerate(reader.pages, start=1):
        contents = page.get("/Contents")
        if isinstance(contents, IndirectObject) and isinstance(contents.get_object(), ArrayObject):
            contents = contents.get_object()  # an array of streams, itself an object
        references = list(contents) if isinstance(contents, ArrayObject) else [contents]
        if all(isinstance(reference, IndirectObject) for reference in references):
            if references[0].idnum not in done:
                done.update(r.idnum for r in references)
                streams = [r.get_object() for r in references]
                data = b"\n".join(stream.get_data() for stream in streams)
                box = page.mediabox
                try:
                    marked = mark_artifacts(
                        data,
                        header_above=None if top_margin is None else float(box.top) - top_margin,
                        footer_below=(
                            None if bottom_margin is None else float(box.bottom) + bottom_margin
                        ),
                    )
                except UnsupportedPdf as exc:
                    log.warning("page %d left as printed (no artifacts): %s", number, exc)
                    marked = data
                if marked is not data:
                    replacements[references[0].idnum] = _stream_object(
                        references[0], streams[0], marked
                    )
                    for reference, stream in zip(references[1:], streams[1:], strict=True):
                        replacements[reference.idnum] = _stream_object(reference, stream, b"")
        annotations = page.get("/Annots")
        for reference in annotations.get_object() if annotations is not None else ():
            if not isinstance(reference, IndirectObject):
                log.warning("page %d: a link annotation not an object of its own", number)
                continue
            annotation = reference.get_object()
            if annotation.get("/Subtype") != "/Link" or "/Contents" in annotation:
                continue
            key = _link_key(annotation)
            # Annotations of one link (a link broken over lines) share its structure element.
            element: object = reference.idnum
            if "/StructParent" in annotation:
                if parents is None:
                    parents = _parent_tree(reader)
                parent = parents.get(int(annotation["/StructParent"]))
                if isinstance(parent, IndirectObject):
                    element = ("element", parent.idnum)
            if element not in named:
                queue = names.get(key)
                named[element] = (
                    queue.popleft() if queue else first_name.get(key) or _fallback_name(key)
                )
            annotation[NameObject("/Contents")] = TextStringObject(named[element])
            _relative_link(annotation, relative_base, replacements)
            replacements[reference.idnum] = _object_bytes(
                reference.idnum, reference.generation, _serialise(annotation)
            )
    _outline_titles(reader, heading_names, replacements)
    _open_with_bookmarks(reader, replacements)
    if not replacements:
        return pdf
    try:
        return xref.rewrite(pdf, replacements)
    except UnsupportedPdf as exc:
        log.warning("PDF left as printed (no artifacts, no link texts): %s", exc)
        return pdf
