"""The example workspaces' people-written annual report inputs, one set per reporting year.

Called by each landlord's ``*_config`` module for its workspace: writes ``annual_report/<year>/``
``board_response.md`` (dated, attributed to a role, each year's own text, consistent with that
year's figures), ``narrative.md`` (the analyst's commentary) and ``other_reports.yaml``. The
self-assessments in the same folders are written by people and never touched here (see
docs/governance.md for every file's format).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .dates import YEARS


@dataclass(frozen=True)
class Board:
    date: str
    role: str
    meeting: str
    body: str
    carried_from: str | None = None


@dataclass(frozen=True)
class YearText:
    board: Board | None
    narrative: str
    written_by: str
    other_reports: list[dict] = field(default_factory=list)


def _board_md(board: Board) -> str:
    lines = ["---", f"date: {board.date}", f'role: "{board.role}"', f'meeting: "{board.meeting}"']
    if board.carried_from:
        lines.append(f'carried_from: "{board.carried_from}"')
    return "\n".join(lines) + "\n---\n" + board.body.strip() + "\n"


def _narrative_md(text: YearText) -> str:
    return f'---\nwritten_by: "{text.written_by}"\n---\n' + text.narrative.strip() + "\n"


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _reports_yaml(reports: list[dict]) -> str:
    out = [
        "# Other relevant reports for this year's annual complaints report (docs/governance.md)."
    ]
    if not reports:
        out.append("[]")
    for report in reports:
        first = True
        for key in ("title", "published", "by", "summary", "link"):
            if key not in report:
                continue
            value = report[key] if key == "published" else _quoted(report[key])
            out.append(f"{'- ' if first else '  '}{key}: {value}")
            first = False
    return "\n".join(out) + "\n"


def write_annual_inputs(ws, texts: dict[str, YearText]) -> None:
    """Write ``annual_report/<year>/`` board response, narrative and other reports for ``ws``."""
    for year in YEARS:
        text = texts[year]
        base = f"annual_report/{year}"
        if text.board is not None:
            ws.text(f"{base}/board_response.md", _board_md(text.board))
        ws.text(f"{base}/narrative.md", _narrative_md(text))
        ws.text(f"{base}/other_reports.yaml", _reports_yaml(text.other_reports))


SPOTLIGHT_DAMP = {
    "title": "Spotlight on damp and mould: one year on",
    "published": "2023-02-21",
    "by": "Housing Ombudsman",
    "summary": "Sector-wide follow-up; our action plan against its recommendations is in the "
    "learning section",
    "link": "https://www.housing-ombudsman.org.uk/reports/spotlight-reports/",
}
SPOTLIGHT_ATTITUDES = {
    "title": "Spotlight on attitudes, respect and rights",
    "published": "2024-01-18",
    "by": "Housing Ombudsman",
    "summary": "Sector-wide report on how landlords treat residents; our response was taken to "
    "the committee",
    "link": "https://www.housing-ombudsman.org.uk/reports/spotlight-reports/",
}

HOUSING21 = {
    "2023-24": YearText(
        Board(
            "2024-09-19",
            "Chair of the Board and Member Responsible for Complaints",
            "Board meeting, 19 September 2024",
            """
The Board has considered this first annual complaints report under the statutory Complaint
Handling Code, with our self-assessment. The self-assessment records two provisions we do not yet
meet, and the report shows five more answered "yes" that our own case data does not support: stage
2 reviews carried out by the person who handled stage 1, reasonable adjustments not always made
when asked, and, under three provisions, actions we promised residents in complaint responses not
done by the date we gave. The Board does not count those as met and has asked for each to be
corrected.

Most stage 1 and stage 2 complaints were answered within the Code's timescales, but not all. The
Ombudsman's annual letter asked us to improve repair record keeping and stage 2 timeliness; the
Executive will report progress on both each quarter.

The Ombudsman issued a Complaint Handling Failure Order this year about a stage 2 request not
answered in time. It was complied with within two weeks.
""",
        ),
        """
## What stands out in 2023-24

- Stage 1 volumes were steady across the year; repairs remain the largest theme, responsive
  repairs above all, followed by communication and staff conduct.
- Our tracker recorded few Ombudsman determinations for the year, far fewer than the Ombudsman's
  annual letter: the letter counts cases our tracker did not hold (see the Ombudsman section).
- A Complaint Handling Failure Order about stage 2 timeliness, complied with.

The figures in this report come from ERICA exports; rows that could not be read are listed in the
data-quality report and are not in the figures.
""",
        "Complaints Insight Analyst",
        [SPOTLIGHT_ATTITUDES],
    ),
    "2024-25": YearText(
        Board(
            "2025-09-18",
            "Member Responsible for Complaints",
            "Board meeting, 18 September 2025",
            """
The Board has reviewed this report and the self-assessment, whose answers the Customer Services
Committee carried forward from 2023-24 after checking each against this year's figures. The five
answers the data contradicted last year are still contradicted this year, so the Board has set a
date for each fix and will not accept a third year of the same finding.

The share of all answers sent in time was little changed from last year at both stages, and CH02,
the regulator's measure, rose at both. The Ombudsman determined more
of our cases this year and its letter asked us to agree extensions with residents and explain them
in writing; that is now part of the stage 2 template.

A further Complaint Handling Failure Order was issued, for evidence not sent to the Ombudsman by
its deadline. It was complied with, and the Board has asked for a deadline log for Ombudsman
requests.
""",
        ),
        """
## What stands out in 2024-25

- The share of all answers sent in time was close to last year's at both stages; CH02, the
  regulator's measure for our rented homes, rose at both.
- The Ombudsman determined more of our cases than last year; its letter counts more determinations
  than our table holds and measures maladministration differently (see the Ombudsman section).
- The self-assessment answers were carried from 2023-24, marked as such, and rechecked against this
  year's data.
""",
        "Complaints Insight Analyst",
        [
            {
                "title": "Resident Complaints Panel: annual scrutiny of complaint handling",
                "published": "2025-07-10",
                "by": "Resident Complaints Panel",
                "summary": "Reviewed a sample of closed complaints; asked for plainer stage 2 "
                "letters",
                "link": "https://housing21.example/complaints/panel",
            }
        ],
    ),
    "2025-26": YearText(
        Board(
            "2026-07-16",
            "Chair of the Board and Member Responsible for Complaints",
            "Board meeting, 16 July 2026",
            """
The Board has considered this report together with our self-assessment against the Complaint
Handling Code. The share of answers sent in time slipped slightly at stage 1 and did not improve at
stage 2, and CH02, the regulator's measure, fell at both stages, so the Board does not regard complaint handling
as improved; it has asked the Executive to report
quarterly on every stage 2 extension longer than 20 working days and the reasons for it.

Responsive repairs remain by far the largest source of complaints, followed by communication and
staff conduct. The Board will look for fewer repeat complaints from the same homes next year.

From 27 January 2026 our heat-network customers have the protection of Ofgem's rules. The Board
will receive the number of heat-network complaints not resolved within eight weeks, and whether
every resident was told of their right to go to the Energy Ombudsman, at each meeting. Care
complaints are reported apart from housing complaints, as our policy sends them to the Local
Government and Social Care Ombudsman.
""",
        ),
        """
## What stands out in 2025-26

- The share of all answers sent in time was slightly below last year at stage 1 and unchanged at
  stage 2; CH02, the regulator's measure, fell at both stages.
- No Complaint Handling Failure Order was issued this year.
- The new policy (27 January 2026) brought heat-network complaints under Ofgem's rules and removed
  the six-month limit on asking for stage 2.
- The self-assessment was written afresh this year; the same five answers are contradicted by the
  data as in the last two years.
""",
        "Complaints Insight Analyst",
        [
            {
                "title": "Internal audit: complaint handling and learning",
                "published": "2026-03-05",
                "by": "Internal Audit",
                "summary": "Reasonable assurance; two actions on stage 2 reviewer independence",
                "link": "internal_audit_2025-26.pdf",
            }
        ],
    ),
}

SMALL = {
    "2023-24": YearText(
        Board(
            "2024-09-26",
            "Chair, Board of Management, and Member Responsible for Complaints",
            "Board of Management, 26 September 2024",
            """
The Board of Management has reviewed this report and our self-assessment, after the Audit and
Compliance Sub-committee considered them. We are a small organisation and a handful of cases moves
our percentages a long way, so the Board looks at each stage 2 complaint and each Ombudsman case
individually.

Every stage 2 complaint this year was answered in time. The Ombudsman issued a Complaint Handling
Failure Order about a stage 2 response issued late; the Board asked why, and the complaints officer
now reports every stage 2 deadline to the Director of Operations a week before it falls.
""",
        ),
        """
## What stands out in 2023-24

- Fewer than fifty stage 1 complaints: percentages move a long way with each case.
- A Complaint Handling Failure Order about a stage 2 response issued late, complied with.
- Our self-assessment admits two gaps (accessible versions of the policy; staff training).
""",
        "Complaints Officer",
        [],
    ),
    "2024-25": YearText(
        Board(
            "2025-09-25",
            "Chair, Board of Management, and Member Responsible for Complaints",
            "Board of Management, 25 September 2025",
            """
The Board of Management welcomes that more stage 1 answers were sent in time this year, though
CH02, the regulator's measure, was close to last year's. It notes that
the data does not support eight of the self-assessment's "yes" answers, including acknowledgement
in time, stage 2 reviews by someone other than the stage 1 handler and actions promised to residents
done by the date we gave; these are not counted as met and the Audit and Compliance Sub-committee
will follow each one.

The Ombudsman's annual letter recorded a finding of service failure on repairs, and reminded landlords of our size to publish this report and the self-assessment on our
website, which we do.
""",
        ),
        """
## What stands out in 2024-25

- More stage 1 answers were sent in time than in 2023-24; CH02, the regulator's measure, was close
  to last year's.
- The Ombudsman's letter and our table agree on the year's determinations.
- Eight "yes" answers are contradicted by the data and are not counted as met.
""",
        "Complaints Officer",
        [SPOTLIGHT_ATTITUDES],
    ),
    "2025-26": YearText(
        Board(
            "2026-09-24",
            "Chair, Board of Management, and Member Responsible for Complaints",
            "Board of Management, 24 September 2026",
            """
The Board of Management is concerned that stage 1 and stage 2 timeliness both fell this year. It
has asked for acknowledgement within five working days to be met in every case next year and for
each late stage 2 response to be reported to the Audit and Compliance Sub-committee.

Most complaints are about repairs and, in winter, about communal heating and hot water at our two
extra care schemes. The Heat Network Addendum we adopted in March 2026 makes sure these are logged
as complaints once a resident is unhappy with how a repair is being handled. We also made goodwill
payments for loss of heat without residents having to complain, shown separately in the report.
""",
        ),
        """
## What stands out in 2025-26

- Stage 1 and stage 2 timeliness fell; with so few cases each late reply moves the figure a lot.
- The Heat Network Addendum (March 2026) is in force.
- No Complaint Handling Failure Order was issued this year.
""",
        "Complaints Officer",
        [],
    ),
}

HOMES_PLUS = {
    "2023-24": YearText(
        Board(
            "2024-09-12",
            "Chair of the Board and Member Responsible for Complaints",
            "Board meeting, 12 September 2024",
            """
The Board has read this report, which covers our homes in England and in Scotland, side by side
rather than as one figure because the two countries follow different complaint procedures.

Stage 2 timeliness in England was below where the Board wants it. The Ombudsman's annual letter
asked us to make sure complaints handled by our managing agent follow our policy and timescales;
the Board has asked for the agent's figures beside our own every quarter.
""",
        ),
        """
## What stands out in 2023-24

- Stage 2 timeliness was the weakest measure this year.
- The Ombudsman's letter counts more determinations than our tracker holds; the section on the
  letter explains why.
""",
        "Customer Insight Manager",
        [SPOTLIGHT_DAMP],
    ),
    "2024-25": YearText(
        Board(
            "2025-09-11",
            "Member Responsible for Complaints",
            "Board meeting, 11 September 2025",
            """
The Board welcomes that more answers were sent in time at both stages this year; CH02, the
regulator's measure for our rented homes in England, rose at stage 2 but not at stage 1. The Ombudsman
issued a Complaint Handling Failure Order about a stage 1 complaint our managing agent did not
progress; it was complied with, and the agent now reports every open stage 1 case to us weekly.

The Ombudsman's letter noted fewer determinations and faster compliance with its orders, and
highlighted damp and mould as the most common finding. The Board will follow the damp and mould
action plan at each meeting.
""",
        ),
        """
## What stands out in 2024-25

- More answers were sent in time at both stages than in 2023-24; CH02, the regulator's measure for
  our rented homes in England, was close to last year's at stage 1 and rose at stage 2.
- A Complaint Handling Failure Order about a managing-agent case.
- The Ombudsman's letter and our table each count five determinations, but not the same ones:
  the letter's are the Housing Ombudsman's on cases our managing agent handled in England, our
  table's the SPSO's about our Scottish homes (see the section on the letter).
""",
        "Customer Insight Manager",
        [
            {
                "title": "Tenant scrutiny review: managing-agent complaints",
                "published": "2025-05-22",
                "by": "Tenant Scrutiny Group",
                "summary": "Compared agent-handled and in-house complaints; recommended one "
                "shared tracker",
                "link": "https://homesplus.example/scrutiny",
            }
        ],
    ),
    "2025-26": YearText(
        Board(
            "2026-07-09",
            "Chair of the Board and Member Responsible for Complaints",
            "Board meeting, 9 July 2026",
            """
The Board notes that in England the share of answers sent in time was lower than last year at both
stages, most of all at stage 2, while in Scotland it rose slightly at both; that
CH02, the regulator's measure for our rented homes in England, rose at stage 1 but fell sharply at
stage 2, and that the Ombudsman determined more of our cases. In England, the Board wants complaints handled by our
managing agent to meet the same timescales as our own and has asked for that comparison each
quarter.

Scottish stage 1 complaints are answered within five working days in most cases, and a minority of
complex Scottish complaints go straight to stage 2 as the SPSO model allows. The Board will continue
to publish what residents told us and what we changed every quarter.
""",
        ),
        """
## What stands out in 2025-26

- In England the share of all answers sent in time slipped at stage 1 and fell at stage 2; in
  Scotland it rose slightly at both stages. CH02 rose at stage 1 and fell sharply at stage 2.
- Ombudsman determinations rose; no Complaint Handling Failure Order was issued.
""",
        "Customer Insight Manager",
        [],
    ),
}

COUNCIL = {
    "2023-24": YearText(
        Board(
            "2024-10-03",
            "Chair, Housing Advisory Board",
            "Housing Advisory Board, 3 October 2024",
            """
The Housing Advisory Board and the Tenant Voice Forum have considered this report and the
self-assessment against the Housing Ombudsman's Complaint Handling Code.

Stage 1 complaints are too often answered late, as the self-assessment admits. The Ombudsman issued
a Complaint Handling Failure Order when a complaint was not escalated to stage 2; it was complied
with, and escalation requests are now logged the day they arrive.
""",
        ),
        """
## What stands out in 2023-24

- Stage 1 timeliness is below the Code's expectation; the self-assessment says so.
- A Complaint Handling Failure Order (a complaint not escalated), complied with.
- The Ombudsman's letter counts determinations on cases referred before our tracker began.
""",
        "Complaints and Customer Insight Lead",
        [SPOTLIGHT_DAMP],
    ),
    "2024-25": YearText(
        Board(
            "2025-10-02",
            "Cabinet Member for Housing (Member Responsible for Complaints)",
            "Housing Advisory Board, 2 October 2025",
            """
We accept the Ombudsman's finding of non-compliance: our policy did not limit how long an extension
can last or require the resident to be given the Ombudsman's details. The policy will be revised at
its next review; until then the report shows timeliness both as the Code measures it and as our
policy allows, and the Board uses the Code's figure as its target.

Of the Complaint Handling Failure Orders issued this year, the order about a stage 1 response not
issued had not been complied with at the year end; the Board has asked for weekly updates until it
is.
""",
        ),
        """
## What stands out in 2024-25

- The Ombudsman found our policy did not comply with the Code on extensions.
- The Complaint Handling Failure Order about a stage 1 response was not complied with by the
  year end.
- Stage 2 timeliness fell from 2023-24.
""",
        "Complaints and Customer Insight Lead",
        [SPOTLIGHT_ATTITUDES],
    ),
    "2025-26": YearText(
        Board(
            "2026-07-02",
            "Chair, Housing Advisory Board",
            "Housing Advisory Board, 2 July 2026",
            """
The survey we send to every complainant shows that residents who waited longest were the least
satisfied, whatever the outcome. Stage 1 timeliness fell this year, and the Board has asked
senior managers to fill the two vacant investigating officer posts before the autumn.

The Ombudsman determined five of our cases this year. Senior managers will continue to review
complaint levels and causes every month and report themes to this Board each quarter.
""",
        ),
        """
## What stands out in 2025-26

- Stage 1 timeliness fell; two investigating officer posts are vacant.
- The Ombudsman determined more of our cases than in the two earlier years.
""",
        "Complaints and Customer Insight Lead",
        [],
    ),
}

TEXTS = {
    "housing21": HOUSING21,
    "small_specialist": SMALL,
    "homes_plus": HOMES_PLUS,
    "council_housing": COUNCIL,
}
