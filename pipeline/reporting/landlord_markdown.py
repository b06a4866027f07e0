"""A landlord's own markdown (``board_response.md``, ``narrative.md``) as accessible, safe HTML.

The annual report prints what a landlord writes beside its own sections, so what the markdown
makes must meet the same bar (WCAG 2.2 AA) as the product's text:

- raw HTML is shown as text, attribute lists are off and only http(s), mailto and in-page links
  are kept (a link to anything else becomes its words, without the link);
- headings sit under the section's heading and never skip a level (1.3.1, 2.4.6); an empty
  heading is dropped;
- a table gets a caption (a ``Table: ...`` line next to it, else the heading it sits under, else
  the section's name), column headers with ``scope="col"``, a row header per row, and the
  product's own table classes and scrolling wrapper, so it looks and prints like the product's
  tables (1.3.1, 1.4.10);
- an image is never fetched or shown: its description is printed in its place as a note (1.1.1);
- a link without words is named by its address (2.4.4); footnotes' ids are the section's own
  (two markdown files in one report both had ``fn:1``) and their links are named;
- an abbreviation defined in the markdown (``*[HR]: Human resources``) keeps its ``<abbr>`` and
  goes into the document's glossary (:func:`abbreviations`, 3.1.4).

What the report cannot show as written is said to the landlord, by file and line only, by
:func:`markdown_problems` (the data-quality report's "Annual report inputs by year").
"""

from __future__ import annotations

import html as html_lib
import re
import xml.etree.ElementTree as etree
from collections.abc import Iterable

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

# Python-Markdown's "extra" bundle less attr_list (any HTML attribute from the text) and
# md_in_html (raw HTML is text here anyway).
_EXTRA_WITHOUT_ATTRIBUTES = ("abbr", "def_list", "fenced_code", "footnotes", "tables")
_SAFE_HREF = re.compile(r"(?:https?:|mailto:|#)", re.IGNORECASE)
_HEADING = re.compile(r"h([1-6])")
# pandoc's table caption: a paragraph starting "Table:" just before or after the table
_CAPTION_LINE = re.compile(r"^\s*Table:\s*", re.IGNORECASE)
_ALIGN = re.compile(r"text-align:\s*(left|right|center)")
# a cell that holds a figure (a count, a percentage, money, a mark): right-aligned as the
# product's tables align their figures
_FIGURE = re.compile(r"^(?:[£$€]?[-+]?\d[\d,]*(?:\.\d+)?%?|<5|\[c\]|\[U\]|–|-)$")


def _text(element: etree.Element) -> str:
    return " ".join("".join(element.itertext()).split())


class _Accessible(Treeprocessor):
    """Runs after the inline patterns, footnotes and abbreviations (priority 1)."""

    def __init__(self, md, top_heading: int | None, id_prefix: str, name: str) -> None:
        super().__init__(md)
        self.top_heading = top_heading
        self.id_prefix = id_prefix
        self.name = name

    def unescape(self, text: str) -> str:
        return self.md.treeprocessors["unescape"].unescape(text).replace("\x02amp\x03", "&")

    def run(self, root: etree.Element) -> None:
        self._images(root)
        self._links(root)
        self._headings(root)
        self._tables(root)
        self._footnotes(root)

    # --- images ---------------------------------------------------------------------------------

    def _images(self, root: etree.Element) -> None:
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag != "img":
                    continue
                alt = " ".join((child.get("alt") or "").split())
                note = etree.Element("span", {"class": "image-omitted"})
                note.text = (
                    f"[Image not included in this report: {alt}]"
                    if alt
                    else "[An image is not included in this report.]"
                )
                note.tail = child.tail
                parent.remove(child)
                parent.insert(index, note)

    # --- links ----------------------------------------------------------------------------------

    def _links(self, root: etree.Element) -> None:
        for link in root.iter("a"):
            href = html_lib.unescape(self.unescape(link.get("href") or "")).strip()
            if not _SAFE_HREF.match(href):
                # a javascript: or data: address, a file path: the words stay, the link goes
                link.tag = "span"
                link.attrib.clear()
                continue
            link.set("href", href)
            if not _text(link):
                link.text = href.removeprefix("mailto:")

    # --- headings -------------------------------------------------------------------------------

    def _headings(self, root: etree.Element) -> None:
        headings = [e for e in root.iter() if _HEADING.fullmatch(e.tag)]
        for parent in list(root.iter()):
            for child in list(parent):
                if child in headings and not _text(child):
                    parent.remove(child)
        headings = [e for e in headings if _text(e)]
        if not headings:
            return
        levels = [int(e.tag[1]) for e in headings]
        top = self.top_heading or min(levels)
        shift = top - min(levels)
        previous = top - 1  # the section's own heading
        for element, level in zip(headings, levels, strict=True):
            # the first heading at the top level, and none more than one below the one before
            new = min(max(top, level + shift), previous + 1, 6)
            element.tag = f"h{new}"
            previous = new

    # --- tables ---------------------------------------------------------------------------------

    def _tables(self, root: etree.Element) -> None:
        number = 0
        for parent in list(root.iter()):
            heading, under_heading = None, 0
            children = list(parent)
            for child in children:
                if _HEADING.fullmatch(child.tag):
                    heading, under_heading = _text(child), 0
                if child.tag != "table":
                    continue
                number += 1
                under_heading += 1
                caption = self._caption_line(parent, child)
                if caption is None and heading:
                    caption = (
                        heading if under_heading == 1 else f"{heading} (table {under_heading})"
                    )
                if caption is None:
                    caption = f"{self.name}: table {number}"
                self._table(parent, child, f"{self.id_prefix}-table-{number}", caption)

    def _caption_line(self, parent: etree.Element, table: etree.Element) -> str | None:
        children = list(parent)
        index = children.index(table)
        for neighbour in (children[index - 1 : index], children[index + 1 : index + 2]):
            if neighbour and neighbour[0].tag == "p" and _CAPTION_LINE.match(_text(neighbour[0])):
                parent.remove(neighbour[0])
                return _CAPTION_LINE.sub("", _text(neighbour[0]))
        return None

    def _table(self, parent: etree.Element, table: etree.Element, table_id: str, caption: str):
        caption_id = f"{table_id}-caption"
        table.attrib.update({"class": "gt_table", "aria-labelledby": caption_id})
        caption_element = etree.Element("caption", {"id": caption_id})
        caption_element.text = caption
        table.insert(0, caption_element)
        rows = [row for row in table.iter("tr")]
        body_rows = [row for section in table.iter("tbody") for row in section.iter("tr")]
        columns = max((len(row) for row in rows), default=0)
        align = []
        for column in range(columns):
            cells = [row[column] for row in rows if column < len(row)]
            written = next(
                (m.group(1) for c in cells if (m := _ALIGN.search(c.get("style") or ""))), None
            )
            figures = [_text(row[column]) for row in body_rows if column < len(row)]
            numeric = column > 0 and figures and all(_FIGURE.match(f) for f in figures if f)
            align.append(written or ("right" if numeric else "left"))
        for section in table:
            if section.tag == "thead":
                for row in section.iter("tr"):
                    row.set("class", "gt_col_headings")
                    for column, cell in enumerate(row):
                        cell.attrib.clear()
                        if not _text(cell):  # an empty corner heads nothing: not a header
                            cell.tag = "td"
                            cell.set("class", "gt_col_heading gt_columns_bottom_border")
                            continue
                        cell.attrib.update(
                            {
                                "class": "gt_col_heading gt_columns_bottom_border "
                                f"gt_{align[column]}",
                                "scope": "col",
                            }
                        )
            elif section.tag == "tbody":
                section.set("class", "gt_table_body")
                for row in section.iter("tr"):
                    for column, cell in enumerate(row):
                        cell.attrib.clear()
                        cell.set("class", f"gt_row gt_{align[column]}")
                        if column == 0 and len(row) > 1 and _text(cell):
                            # the row's label names each figure a screen reader reads in it
                            cell.tag = "th"
                            cell.attrib.update(
                                {"class": f"gt_font_normal gt_row gt_{align[0]}", "scope": "row"}
                            )
        # the product's wrapper: scrolls sideways on a narrow screen, reachable by keyboard
        # (WCAG 2.1.1, 1.4.10), named by the caption; printed whole (reports/css/report.css)
        index = list(parent).index(table)
        block = etree.Element("div", {"class": "table-block"})
        scroll = etree.SubElement(
            block,
            "div",
            {
                "id": table_id,
                "tabindex": "0",
                "role": "group",
                "aria-labelledby": caption_id,
                "class": "table-scroll",
            },
        )
        block.tail, table.tail = table.tail, None
        parent.remove(table)
        scroll.append(table)
        parent.insert(index, block)

    # --- footnotes ------------------------------------------------------------------------------

    def _footnotes(self, root: etree.Element) -> None:
        for element in root.iter():
            identifier = element.get("id") or ""
            if identifier.startswith(("fn:", "fnref:")):
                element.set("id", f"{self.id_prefix}-{identifier}")
            href = element.get("href") or ""
            if element.tag == "a" and href.startswith(("#fn:", "#fnref:")):
                element.set("href", f"#{self.id_prefix}-{href[1:]}")
                number = href.split(":", 1)[1]
                if "footnote-ref" in (element.get("class") or ""):
                    element.set("aria-label", f"Footnote {number}")
                elif "footnote-backref" in (element.get("class") or ""):
                    element.set("aria-label", f"Back to the text of footnote {number}")


class _AccessibleExtension(Extension):
    def __init__(self, top_heading: int | None, id_prefix: str, name: str) -> None:
        super().__init__()
        self.args = (top_heading, id_prefix, name)

    def extendMarkdown(self, md) -> None:  # noqa: N802 - Python-Markdown's name
        md.treeprocessors.register(_Accessible(md, *self.args), "accessible", 1)


def render_markdown_safe(
    text: str,
    top_heading: int | None = None,
    *,
    id_prefix: str = "markdown",
    name: str = "Text",
) -> Markup:
    """Markdown to HTML with raw HTML shown as text and only http(s)/mailto/in-page links kept.

    ``top_heading`` moves the headings so the highest becomes that level, keeping their nesting
    without skipping a level (a board response under the report's ``h2`` section heading
    starts at ``h3``). ``id_prefix`` makes the ids of its tables and footnotes its own (two
    files in one report); ``name`` (the section's title) names a table with no heading or
    ``Table:`` line of its own.
    """
    # "extra" without attr_list: `{: onclick="..." style="..." }` after a paragraph, heading or
    # link set any attribute, an event handler included, on the published page
    engine = markdown.Markdown(
        extensions=[
            *_EXTRA_WITHOUT_ATTRIBUTES,
            "sane_lists",
            _AccessibleExtension(top_heading, id_prefix, name),
        ]
    )
    # Raw HTML blocks and inline tags become plain text (escaped on output).
    engine.preprocessors.deregister("html_block")
    engine.inlinePatterns.deregister("html")
    html = engine.convert(text)
    # Belt and braces: no address other than a safe one survives, whatever made the link.
    html = re.sub(r'href="(?!https?:|mailto:|#)[^"]*"', 'href="#"', html, flags=re.IGNORECASE)
    return Markup(html)


_ABBR = re.compile(r'<abbr title="([^"]*)">([^<]*)</abbr>')


def abbreviations(html: str) -> dict[str, str]:
    """The abbreviations a landlord's markdown defines (``*[HR]: Human resources``), as its
    rendered ``<abbr>`` elements give them: term -> meaning."""
    return {
        html_lib.unescape(term): html_lib.unescape(meaning)
        for meaning, term in _ABBR.findall(str(html))
        if meaning.strip()
    }


# --- what the report cannot show as written ------------------------------------------------------

_FENCE = re.compile(r"^\s*(```|~~~)")
_CODE_SPAN = re.compile(r"`[^`]*`")
_IMAGE = re.compile(r"!\[[^\]]*\]\s*[(\[]")
_RAW_HTML = re.compile(r"<(?:!--|/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>)")
_LINK = re.compile(r"(?<!!)\[([^\]]*)\]\(\s*<?([^)\s>]*)")
_ABBR_DEFINITION = re.compile(r"^\*\[([^\]]+)\]:")
# link words that say nothing of where the link goes, read out of context in a list of links
VAGUE_LINK_WORDS = {"here", "click here", "this", "this link", "link", "more", "read more", "see"}
# a word in capitals: two capitals or more, digits allowed (CH02), a plural s
_CAPITALS = re.compile(r"\b([A-Z][A-Z0-9]*[A-Z][A-Z0-9]*)s?\b")
# capitals a reader needs no explanation of: file formats, the country, a PO Box of an address
# kept (a public body's) and its postcode
NOT_ABBREVIATIONS = {"PDF", "HTML", "XLSX", "CSV", "UK", "OK", "PO"}
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b")


def _lines(numbers: list[int]) -> str:
    if len(numbers) == 1:
        return f"line {numbers[0]}"
    return f"lines {', '.join(map(str, numbers[:-1]))} and {numbers[-1]}"


def markdown_problems(body: str, rel: str, first_line: int, known: Iterable[str]) -> list[str]:
    """What in ``body`` (``rel``'s markdown from line ``first_line``) the report cannot show as
    written, each kind once with its lines, in words the writer can act on: never the text
    itself (it may hold a resident's details or a name). ``known``: the terms a glossary
    explains (the product's and landlord.yaml's ``glossary``)."""
    lines = body.split("\n")
    known = set(known) | {
        m.group(1).strip() for line in lines if (m := _ABBR_DEFINITION.match(line))
    }
    found: dict[str, list[int]] = {}
    fenced = False
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced or _ABBR_DEFINITION.match(line):
            continue
        number = first_line + index
        text = _CODE_SPAN.sub(" ", line)
        kinds = []
        if _IMAGE.search(text):
            kinds.append("image")
        if _RAW_HTML.search(text):
            kinds.append("html")
        for words, href in _LINK.findall(text):
            words = " ".join(words.split()).lower().strip(".:")
            if not _SAFE_HREF.match(href):
                kinds.append("unsafe link")
            if not words:
                kinds.append("empty link")
            elif words in VAGUE_LINK_WORDS:
                kinds.append("vague link")
        # link addresses and autolinks are not words a reader reads
        words = _POSTCODE.sub(" ", re.sub(r"\]\([^)]*\)|<[^>]*>", " ", text))
        if any(
            term not in known and term not in NOT_ABBREVIATIONS for term in _CAPITALS.findall(words)
        ):
            kinds.append("abbreviation")
        for kind in dict.fromkeys(kinds):
            found.setdefault(kind, []).append(number)
    return [f"{rel}: {_lines(numbers)}: {_ADVICE[kind]}" for kind, numbers in found.items()]


_ADVICE = {
    "image": "an image is not included in the report (a picture from a file or a web address is "
    "never fetched or printed); its description, the words in ![...], is printed in its place. "
    "Say in words what it shows, give its figures as a markdown table, or link to it instead",
    "html": "HTML tags are printed as typed, not as formatting (the report never runs HTML from "
    "a file); use markdown instead: **bold**, [words](https://...), a | table |",
    "unsafe link": "a link to something other than a web page (https://...), an email address "
    "(mailto:...) or a place in the report is printed as its words, without the link",
    "empty link": "a link has no words, so the report names it by its address; write words "
    "saying where it goes: [the Ombudsman's annual letter](https://...)",
    "vague link": "a link's words ('here', 'click here', 'read more') do not say where it goes, "
    "and a screen reader's list of links reads them alone; write words naming the page",
    "abbreviation": "a word in capitals that no glossary explains (an abbreviation?): spell it "
    "out, define it in the file (*[HR]: Human resources) or in landlord.yaml under glossary "
    "(docs/landlord.md), and the report's glossary explains it",
}
