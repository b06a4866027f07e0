"""The self-assessment's header: what a reader needs to date its measured evidence.

The evidence column quotes figures from the measures table, which are as at the data cut (open
complaints count as not answered in time until then). The annual report, committee pack and
learning summary print the data cut; the self-assessment published beside them must too.
"""

from __future__ import annotations

import datetime as dt
import re

from pipeline.self_assessment.build import assemble
from pipeline.self_assessment.model import parse_self_assessment
from pipeline.self_assessment.render import render_html
from tests.unit.test_self_assessment import YEAR, answers, con, landlord  # noqa: F401 - fixture


def _facts(html: str) -> dict[str, str]:
    header = re.search(r'<dl class="facts">(.*?)</dl>', html, re.DOTALL).group(1)
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", header, re.DOTALL)
    return {term: re.sub(r"<[^>]+>", "", text) for term, text in pairs}


def test_the_self_assessment_states_its_data_cut(con):  # noqa: F811 - the imported fixture
    configured = landlord().model_copy(update={"data_cut_date": dt.date(2025, 4, 30)})
    document = assemble(con, configured, parse_self_assessment(answers()), YEAR)
    facts = _facts(render_html(document))
    assert facts["Data cut"].startswith("30 April 2025"), facts


def test_without_a_configured_data_cut_it_says_the_run_date_was_used(con):  # noqa: F811
    configured = landlord().model_copy(update={"data_cut_date": None})
    document = assemble(con, configured, parse_self_assessment(answers()), YEAR)
    facts = _facts(render_html(document))
    assert facts["Data cut"].startswith(f"{dt.date.today():%-d %B %Y} (the run date"), facts
