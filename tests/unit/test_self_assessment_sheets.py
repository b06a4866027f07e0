"""The self-assessment workbook's sheet names: one per section of the Code, whole words only.

Excel allows 31 characters and no ``[]:*?/\\``; the names were cut mid-word ("5. The complaint
handling proce") and the colon of section 9's title left a double space ("9. Scrutiny and
oversight  cont")."""

from __future__ import annotations

import re

from pipeline.self_assessment.reference import load_provisions
from pipeline.self_assessment.render import _sheet_name


def test_every_sections_sheet_name_is_whole_words_of_its_title_within_excels_limit():
    sections = {s.number: s.title for s in load_provisions().sections}
    assert len(sections) == 9
    names = []
    for number, title in sections.items():
        name = _sheet_name(number, title)
        names.append(name)
        assert len(name) <= 31 and not re.search(r"[\[\]:*?/\\]", name), name
        assert "  " not in name and name == name.strip(), name
        words = f"{number}. {title}".replace(":", "").split()
        shown = name.split()
        # the name is the title's first words, none of them cut
        assert shown == words[: len(shown)], (name, title)
        assert not name.endswith(","), name
    assert len(set(names)) == len(names)
