"""Starting content for the learning app from NCB's deck. Creates only what is missing, so it can run again.

- the practice examples: Devon's and North Lincolnshire's scrutiny processes, and NCB's cross-cutting example
  on the role of the independent scrutineer (its menu of functions and the people to involve);
- the role of education: questions to consider and approaches being taken;
- West Berkshire's (with Reading and Wokingham) workshop questions for engaging wider partners, keeping the
  either/or options of workshop 2C.
"""

import datetime

from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone

from learning.history import record_version
from learning.models import CuratedItem, ItemKind, LearningExample, Stage, State
from partnerships.models import Partnership, Theme
from partnerships.roles import facilitators_group

# The deck is NCB's interim learning of the 2018/19 programme.
DECK_DATE = timezone.make_aware(datetime.datetime(2019, 3, 1, 9, 0))

EXAMPLES = [
    {
        "slug": "devon-scrutiny-processes",
        "title": "Devon's scrutiny processes: peer review, bought-in expertise and practice evaluation",
        "partnership": "devon-plymouth-torbay",
        "themes": ["independent-scrutiny"],
        "stage": Stage.IDEA,
        "summary": "Devon will use some or all of four processes to conduct its scrutiny work: peer reviews with "
        "neighbouring safeguarding partners, expert scrutiny bought in from national bodies, internal peer "
        "reviews between teams within Devon, and locally based scrutiny from its practice evaluation work.",
        "context": "Under the new arrangements the safeguarding partners must make sure their arrangements are "
        "independently scrutinised. Devon set out in its published arrangements (November 2018) how it "
        "would do this.",
        "what_was_done": "Devon will make use of some or all of the following processes in conducting its "
        "scrutiny work:\n\n"
        "- Developing partnering arrangements with neighbouring safeguarding partners to provide peer reviews;\n"
        "- To buy in expert scrutiny from national bodies and/or acknowledged experts as needed;\n"
        "- To generate a system of internal peer reviews within Devon – e.g. a team of practitioners from one "
        "area peer reviewing the work of a team from another;\n"
        "- To ensure the practice evaluation work generates locally based scrutiny with local safeguarding "
        "systems and that those lessons are disseminated more widely across the County as needed.",
        "contact_name": "Devon Children and Families Partnership",
        "contact_role": "Safeguarding partnership business team",
    },
    {
        "slug": "north-lincolnshire-scrutiny-and-assurance-framework",
        "title": "North Lincolnshire's Children's MARS Board Scrutiny and Assurance Framework",
        "partnership": "north-lincolnshire",
        "themes": ["independent-scrutiny"],
        "stage": Stage.BEING_TESTED,
        "summary": "Through the Children's MARS Board Scrutiny and Assurance Framework, a range of mechanisms "
        "ensure scrutiny and assurance, including independent scrutiny: the section 11 process, assurance "
        "events, practice learning and line-of-sight events, and peer review.",
        "context": "North Lincolnshire's Children's Multi-Agency Resilience and Safeguarding (MARS) Board "
        "published its local arrangements plan in November 2018.",
        "what_was_done": "Through the Children's MARS Board Scrutiny and Assurance Framework, a range of "
        "mechanisms are in place to ensure scrutiny and assurance including independent scrutiny, which are:\n\n"
        "- Section 11 Process\n"
        "- Assurance Events\n"
        "- Practice Learning Process and Line of Sight Events\n"
        "- Peer Review\n\n"
        "Independent Scrutiny Officer(s) will play a significant role in the framework, as will safeguarding "
        "partners and representatives from relevant agencies, to engage in peer review processes including at "
        "a regional and national level.",
        "impact_and_evidence": "These mechanisms provide opportunities for quality assurance, case tracking and "
        "deep dives into specific agencies, themes, cohorts and areas of focus.",
        "helped_and_hindered": "In the spirit of continuous learning and a responsive approach, there will be "
        "ongoing review of the framework, including independent scrutiny arrangements. This reinforces the "
        "local ethos of being forward thinking and outward looking and the ongoing drive towards ‘breaking the "
        "mould’, while ensuring the approach to scrutiny and assurance continues to be transparent and "
        "inclusive.",
        "contact_name": "North Lincolnshire Children's MARS Board",
        "contact_role": "Board business unit",
    },
    {
        "slug": "role-of-the-independent-scrutineer",
        "title": "The role of the independent scrutineer: a menu of functions and the people to involve",
        "partnership": None,
        "themes": ["independent-scrutiny"],
        "stage": Stage.IDEA,
        "summary": "Emerging learning from the Early Adopters: there may be a need for a whole range of tools, a "
        "menu of options, to evaluate practice and policy at different levels, with an array of people across "
        "the partnership engaged.",
        "context": "The Early Adopters are working out what independent scrutiny of the new arrangements should "
        "look like. NCB gathered the functions and people they have identified.",
        "what_was_done": "There may be a need for various functions including:\n\n"
        "- Challenge and accountability\n"
        "- Addressing conflicts of interest\n"
        "- Escalation\n"
        "- Conflict resolution\n"
        "- Decision making re: Case Reviews\n"
        "- Review of progress\n"
        "- Analysis and assessment of performance\n"
        "- Identifying and mitigating risks\n\n"
        "There needs to be an array of people across the partnership engaged including:\n\n"
        "- National experts\n"
        "- Peer reviewers\n"
        "- Frontline practitioners\n"
        "- Children and Young People\n"
        "- Parents and carers who are involved in the system",
        "contact_name": "NCB Safeguarding Early Adopters team",
        "contact_role": "Learning facilitator",
    },
]

EDUCATION = "engagement-with-schools"
WIDER_PARTNERS = "role-of-wider-partners"
WEST_BERKSHIRE = "Reading, West Berkshire and Wokingham Early Adopter"
WORKSHOP_1 = (
    "West Berkshire workshop 1: who will constitute the Board membership, and how partnership with children, "
    "young people and families is effectively achieved"
)
WORKSHOP_2 = (
    "West Berkshire workshop 2: how we will work together to achieve effective independent scrutiny, ensure "
    "the effectiveness of arrangements and support and challenge each other (Q&P: Quality and Performance)"
)

# theme slug, kind, group, text, source
ITEMS = [
    (
        EDUCATION,
        ItemKind.QUESTION,
        "",
        "What is the role of schools and other wider community partners in safeguarding in the new arrangements?",
        "",
    ),
    (
        EDUCATION,
        ItemKind.QUESTION,
        "",
        "What arrangements will effectively ensure that all schools (including multi academy trusts), colleges "
        "and other educational providers (early years, post-16), in the local area are fully engaged, involved "
        "and included in the new safeguarding arrangements?",
        "",
    ),
    (
        EDUCATION,
        ItemKind.QUESTION,
        "",
        "How is a culture of partnership working, with all wider partners, created outside of formal board structures?",
        "",
    ),
    (
        EDUCATION,
        ItemKind.APPROACH,
        "",
        "Utilise existing ‘forums’ to engage with education (across Early Years, Schools, FE).",
        "",
    ),
    (EDUCATION, ItemKind.APPROACH, "", "Chair of governors key education engagement group.", ""),
    (EDUCATION, ItemKind.APPROACH, "", "Two way dialogue.", ""),
    (EDUCATION, ItemKind.APPROACH, "", "Peer auditing schools.", ""),
    (EDUCATION, ItemKind.APPROACH, "", "Separate voluntary and faiths sector strand in some areas.", ""),
    (
        EDUCATION,
        ItemKind.APPROACH,
        "",
        "Representative from secondary school seconded one day per week to the local authority, conducting "
        "visits to post-16 and Early Years providers.",
        "",
    ),
    (
        EDUCATION,
        ItemKind.APPROACH,
        "",
        "Feeding back to schools is important – keeping them in the loop re referrals, engagement with "
        "families. This could be promoted via multi-agency events and using model of feedback from police to "
        "schools.",
        "",
    ),
    (
        WIDER_PARTNERS,
        ItemKind.QUESTION,
        WORKSHOP_1,
        "Based on your experience, what comments do you have on the proposal to adopt membership Option …?",
        WEST_BERKSHIRE,
    ),
    (
        WIDER_PARTNERS,
        ItemKind.QUESTION,
        WORKSHOP_1,
        "What are the risks and benefits that you would specifically like all partners to give thought to?",
        WEST_BERKSHIRE,
    ),
    (WIDER_PARTNERS, ItemKind.QUESTION, WORKSHOP_1, "How might the transition be managed?", WEST_BERKSHIRE),
    (
        WIDER_PARTNERS,
        ItemKind.QUESTION,
        WORKSHOP_1,
        "In your experience as a LSCB Board Member, what have been the most effective ways of engaging children, "
        "young people and families in the work of the LSCB?",
        WEST_BERKSHIRE,
    ),
    (
        WIDER_PARTNERS,
        ItemKind.QUESTION,
        WORKSHOP_1,
        "How would you like to see these replicated in new arrangements?",
        WEST_BERKSHIRE,
    ),
    (
        WIDER_PARTNERS,
        ItemKind.QUESTION,
        WORKSHOP_2,
        "**Workshop 2A**: All LSCB Board senior leaders are asked to consider the membership of the Q&P "
        "sub-groups and ensure that they have sufficient representation on the groups, ideally from key "
        "managers/leaders within their services who can effectively contribute to analysis of performance data, "
        "proactively undertake partnership audit and assurance functions, and propose and follow through on "
        "recommendations relating to practice and service design.",
        WEST_BERKSHIRE,
    ),
    (
        WIDER_PARTNERS,
        ItemKind.QUESTION,
        WORKSHOP_2,
        "**Workshop 2B**: LSCB Members are asked to review the list of annual reports presented to LSCB Boards "
        "in the course of a year and to determine which of these reports:\n\n"
        "- Need to go to the LSCB Board for discussion; or\n"
        "- Could be received by Quality and Performance (on the condition that Q&P then summarise their view of "
        "these reports to LSCB Board).",
        WEST_BERKSHIRE,
    ),
    (
        WIDER_PARTNERS,
        ItemKind.QUESTION,
        WORKSHOP_2,
        "**Workshop 2C**: LSCB Members are asked to comment on how they would like to achieve effective support "
        "and challenge of each other within the system. Would you prefer to:\n\n"
        "- Discuss all risks or capacity issues in the Board meeting; **or** send them in writing to the Chair "
        "and Business Managers in advance of the meeting, discussing the exceptions that the Board need to note "
        "in the meeting.\n"
        "- Receive all Q&P data reports; **or** receive only an exception report produced by Q&P following "
        "their discussions.\n"
        "- Receive all audit reports; **or** receive a summary of activity, learning and recommendations from "
        "Q&P Chairs.\n"
        "- Meet periodically with children and young people in a LSCB Board environment; **or** expect all LSCB "
        "members have direct contact with children and young people to understand their lived experiences "
        "outside of Board meetings, to inform LSCB priorities and planning.",
        WEST_BERKSHIRE,
    ),
]

# Facilitators may use the Django admin for learning content too (if made staff); the portal's own pages
# check roles through partnerships.roles, not these permissions.
FACILITATOR_PERMISSIONS = [
    "add_learningexample",
    "change_learningexample",
    "view_learningexample",
    "add_curateditem",
    "change_curateditem",
    "delete_curateditem",
    "view_curateditem",
    "view_exampleversion",
]


@transaction.atomic
def load(stdout=None):
    created = {"examples": 0, "items": 0}
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    partnerships = {partnership.slug: partnership for partnership in Partnership.objects.all()}
    for data in EXAMPLES:
        if LearningExample.objects.filter(slug=data["slug"]).exists():
            continue
        fields = {key: value for key, value in data.items() if key not in {"themes", "partnership"}}
        example = LearningExample.objects.create(
            **fields,
            partnership=partnerships[data["partnership"]] if data["partnership"] else None,
            state=State.PUBLISHED,
            published_at=DECK_DATE,
        )
        example.themes.set([themes[slug] for slug in data["themes"]])
        # The deck's content dates from the deck, not from the day it was loaded (auto_now would say today).
        LearningExample.objects.filter(pk=example.pk).update(created=DECK_DATE, updated=DECK_DATE)
        record_version(example, None, note="Loaded from NCB's deck")
        created["examples"] += 1

    for order, (theme_slug, kind, group, text, source) in enumerate(ITEMS, 1):
        _, was_created = CuratedItem.objects.get_or_create(
            theme=themes[theme_slug],
            kind=kind,
            text=text,
            defaults={"group": group, "source": source, "order": order},
        )
        created["items"] += was_created

    facilitators_group().permissions.add(
        *Permission.objects.filter(content_type__app_label="learning", codename__in=FACILITATOR_PERMISSIONS)
    )
    if stdout is not None:
        stdout.write(f"Learning: {created['examples']} examples and {created['items']} questions and approaches added.")
    return created
