"""Starting content for the learning app from NCB's deck. Creates only what is missing, so it can run again.

Everything loaded here is the deck's own text, word for word, in the fields it fits; what the deck does not
give (a stage of development, a contact, a context, a date) is left empty, and pages leave empty parts out.
tests/test_deck_fidelity.py checks every text field below against the deck.

- the practice examples: Devon's and North Lincolnshire's scrutiny processes, NCB's menu for the role of the
  independent scrutineer, and West Berkshire's (with Reading and Wokingham) workshop questions for engaging
  wider partners;
- the role of education: things to consider and approaches being taken;
- West Berkshire's workshop questions again, as the wider partners theme's questions to consider.
"""

from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone

from learning.history import record_version
from learning.models import CuratedItem, ItemKind, LearningExample, State
from partnerships.models import Partnership, Theme
from partnerships.roles import facilitators_group

SCRUTINEER = "The role of the Independent Scrutineer"
WEST_BERKSHIRE = "West Berkshire (including Reading and Wokingham) EA"

WORKSHOP_1 = (
    "Approach to workshop 1: Questions designed to identify who will constitute the Board membership and how "
    "partnership with children, young people and families is effectively achieved"
)
WORKSHOP_2 = (
    "Approach to workshop 2: Questions designed to elicit how we will work together to achieve effective "
    "independent scrutiny, ensure the effectiveness of arrangements and support/challenge each other (Q&P stands "
    "for Quality and Performance)"
)
WORKSHOP_1_QUESTIONS = [
    "*Based on your experience, what comments do you have on the proposal to adopt membership Option ...?*",
    "*What are the risks and benefits that you would specifically like all partners to give thought to?*",
    "*How might the transition be managed?*",
    "*In your experience as a LSCB Board Member, what have been the most effective ways of engaging children, "
    "young people and families in the work of the LSCB?*",
    "*How would you like to see these replicated in new arrangements?*",
]
WORKSHOP_2_QUESTIONS = [
    "**Workshop 2A** - All LSCB Board senior leaders are asked to consider the membership of the Q&P sub-groups "
    "and ensure that they have sufficient representation on the groups, ideally from key managers/leaders within "
    "their services who can effectively contribute to analysis of performance data, proactively undertake "
    "partnership audit and assurance functions, and propose and follow through on recommendations relating to "
    "practice and service design.",
    # "than" is the deck's word.
    "**Workshop 2B** - LSCB Members are asked to review the list of annual reports presented to LSCB Boards in "
    "the course of a year and to determine which of these reports:\n\n"
    "- Need to go to the LSCB Board for discussion\n"
    "- Could be received by Quality and Performance (on the condition that Q&P than summarise their view of these "
    "reports to LSCB Board).",
    "**Workshop 2C** - LSCB Members are asked to comment on how they would like to achieve effective support and "
    "challenge of each other within the system (please consider each bullet point below).\n\n"
    "Would you prefer to:\n\n"
    "- Discuss all risks or capacity issues in the Board meeting; or send them in writing to the Chair and "
    "Business Managers in advance of the meeting, discussing the exceptions that the Board need to note in the "
    "meeting.\n"
    "- Receive all Q&P data reports; or receive only an exception report produced by Q&P following their "
    "discussions.\n"
    "- Receive all audit reports; or receive a summary of activity, learning and recommendations from Q&P "
    "Chairs.\n"
    "- Meet periodically with children and young people in a LSCB Board environment; or expect all LSCB members "
    "have direct contact with children and young people to understand their lived experiences outside of Board "
    "meetings, to inform LSCB priorities and planning.",
]


def _bullets(items):
    return "\n".join(f"- {item}" for item in items)


# The deck's passages have no sections of their own, so each passage is the example's summary as a whole,
# except West Berkshire's, whose workshop questions are what the partnership did.
EXAMPLES = [
    {
        "slug": "devon-scrutiny-processes",
        "title": "Devon: processes in conducting its scrutiny work",
        "partnership": "devon-plymouth-torbay",
        "themes": ["independent-scrutiny"],
        "summary": "Will make use of some or all of the following processes in conducting its scrutiny work:\n\n"
        + _bullets(
            [
                "Developing partnering arrangements with neighbouring safeguarding partners to provide peer reviews;",
                "To buy in expert scrutiny from national bodies and/or acknowledged experts as needed;",
                "To generate a system of internal peer reviews within Devon – e.g. a team of practitioners from "
                "one area peer reviewing the work of a team from another;",
                "To ensure the practice evaluation work described above generates locally based scrutiny with "
                "local safeguarding systems and that those lessons are disseminated more widely across the County "
                "as needed.",
            ]
        ),
    },
    {
        "slug": "north-lincolnshire-scrutiny-and-assurance-framework",
        "title": "North Lincolnshire: Children's MARS Board Scrutiny and Assurance Framework",
        "partnership": "north-lincolnshire",
        "themes": ["independent-scrutiny"],
        "summary": "Through the Children's MARS Board Scrutiny and Assurance Framework, a range of mechanisms are "
        "in place to ensure scrutiny and assurance including independent scrutiny, which are:\n\n"
        + _bullets(
            [
                "Section 11 Process",
                "Assurance Events",
                "Practice Learning Process and Line of Sight Events",
                "Peer Review",
            ]
        )
        + "\n\nThese mechanisms provide opportunities for quality assurance, case tracking and deep dives into "
        "specific agencies, themes, cohorts and areas of focus. In the spirit of continuous learning and a "
        "responsive approach, there will be ongoing review of the Children's MARS Board Scrutiny and Assurance "
        "Framework, including independent scrutiny arrangements. This reinforces the local ethos of being forward "
        "thinking and outward looking and the ongoing drive towards 'breaking the mould', while ensuring the "
        "approach to scrutiny and assurance continues to be transparent and inclusive.\n\n"
        "Independent Scrutiny Officer(s) will play a significant role in the Children's MARS Board Scrutiny and "
        "Assurance Framework, as will safeguarding partners and representatives from relevant agencies, to engage "
        "in peer review processes including at a regional and national level.",
    },
    {
        "slug": "role-of-the-independent-scrutineer",
        "title": SCRUTINEER,
        "partnership": None,
        "themes": ["independent-scrutiny"],
        "summary": "There may be a need for a whole range of tools/a menu of options to utilise to evaluate "
        "practice and policy at different levels.\n\n"
        "There may be a need for various functions including:\n\n"
        + _bullets(
            [
                "Challenge and accountability",
                "Addressing conflicts of interest",
                "Escalation",
                "Conflict resolution",
                "Decision making re: Case Reviews",
                "Review of progress",
                "Analysis and assessment of performance",
                "Identifying and mitigating risks",
            ]
        )
        + "\n\nThere needs to be an array of people across the partnership engaged including:\n\n"
        + _bullets(
            [
                "National experts",
                "Peer reviewers",
                "Frontline practitioners",
                "Children and Young People",
                "Parents and carers who are involved in the system",
            ]
        ),
    },
    {
        "slug": "west-berkshire-workshop-questions-wider-partners",
        "title": "Practice examples from the Early Adopters – engaging wider partners: West Berkshire (including "
        "Reading and Wokingham)",
        "partnership": "reading-w-berks-wokingham",
        "themes": ["role-of-wider-partners"],
        "summary": "West Berkshire (including Reading and Wokingham) EA have identified some useful questions for "
        "use in workshops with wider partners. There are two areas of focus:\n\n"
        + _bullets(
            [
                "**Questions designed to identify who will constitute the Board membership and how partnership "
                "with children, young people and families is effectively achieved**",
                "**Questions designed to elicit how we will work together to achieve effective independent "
                "scrutiny, ensure the effectiveness of arrangements and support/challenge each other (Q&P stands "
                "for Quality and Performance)**",
            ]
        ),
        "what_was_done": "Approach to workshop 1:\n\n"
        + _bullets(WORKSHOP_1_QUESTIONS)
        + "\n\nApproach to workshop 2:\n\n"
        + "\n\n".join(WORKSHOP_2_QUESTIONS),
    },
]

EDUCATION = "engagement-with-schools"
EDUCATION_GROUP = "The role of education"
WIDER_PARTNERS = "role-of-wider-partners"

EDUCATION_QUESTIONS = [
    "What is the role of schools and other wider community partners in safeguarding in the new arrangements?",
    "What arrangements will effectively ensure that all schools (including multi academy trusts), colleges and "
    "other educational providers (early years, post-16), in the local area are fully engaged, involved and "
    "included in the new safeguarding arrangements?",
    "How is a culture of partnership working, with all wider partners, created outside of formal board structures?",
]
EDUCATION_APPROACHES = [
    "Utilise existing 'forums' to engage with education (across Early Years, Schools, FE);",
    "Chair of governors key education engagement group",
    "Two way dialogue",
    "Peer auditing schools",
    "Separate voluntary and faiths sector strand in some areas",
    "Representative from secondary school seconded one day per week to LA, conducting visits to post-16 and "
    "Early Years providers",
    "Feeding back to schools is important – keeping them in the loop re referrals, engagement with families. This "
    "could be promoted via multi-agency events and using model of feedback from police to schools.",
]

# theme slug, kind, group, text, source
ITEMS = [
    *[(EDUCATION, ItemKind.QUESTION, EDUCATION_GROUP, text, "") for text in EDUCATION_QUESTIONS],
    *[(EDUCATION, ItemKind.APPROACH, EDUCATION_GROUP, text, "") for text in EDUCATION_APPROACHES],
    *[(WIDER_PARTNERS, ItemKind.QUESTION, WORKSHOP_1, text, WEST_BERKSHIRE) for text in WORKSHOP_1_QUESTIONS],
    *[(WIDER_PARTNERS, ItemKind.QUESTION, WORKSHOP_2, text, WEST_BERKSHIRE) for text in WORKSHOP_2_QUESTIONS],
]

# The fields load() sets from EXAMPLES; update_seed() rewrites exactly these, and clears the rest.
DECK_FIELDS = [
    "title",
    "summary",
    "context",
    "what_was_done",
    "helped_and_hindered",
    "impact_and_evidence",
    "resources_needed",
    "stage",
    "contact_name",
    "contact_role",
    "contact_email",
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


def _deck_values(data):
    values = dict.fromkeys(DECK_FIELDS, "")
    values.update({key: value for key, value in data.items() if key in DECK_FIELDS})
    return values


@transaction.atomic
def load(stdout=None, update=False):
    """Create what is missing. With `update`, also rewrite the examples an earlier load created (found by slug,
    with no author) to the deck's text, clearing what the deck does not give: older loads invented some."""
    created = {"examples": 0, "items": 0, "examples updated": 0}
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    partnerships = {partnership.slug: partnership for partnership in Partnership.objects.all()}
    now = timezone.now()
    for data in EXAMPLES:
        existing = LearningExample.objects.filter(slug=data["slug"], created_by=None).first()
        if existing is not None:
            values = {**_deck_values(data), "from_deck": True}
            if update and any(getattr(existing, field) != value for field, value in values.items()):
                for field, value in values.items():
                    setattr(existing, field, value)
                # A new version, as any edit makes, so the history shows what the update changed.
                existing.version += 1
                existing.save()
                record_version(existing, None, note="Brought back to NCB's deck by load_programme --update-seed")
                created["examples updated"] += 1
            continue
        if LearningExample.objects.filter(slug=data["slug"]).exists():
            continue
        example = LearningExample.objects.create(
            **_deck_values(data),
            slug=data["slug"],
            partnership=partnerships[data["partnership"]] if data["partnership"] else None,
            state=State.PUBLISHED,
            # Published on the portal when loaded; pages show "From NCB's interim learning deck" instead.
            published_at=now,
            from_deck=True,
        )
        example.themes.set([themes[slug] for slug in data["themes"]])
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
        stdout.write(
            f"Learning: {created['examples']} examples and {created['items']} questions and approaches added"
            + (f", {created['examples updated']} examples brought back to the deck." if update else ".")
        )
    return created
