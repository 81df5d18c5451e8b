"""The Early Adopter programme as NCB's deck "Safeguarding Early Adopters: interim learning" gives it.

`load()` creates whatever is missing and never overwrites what is there, so it can be run again at any time
(and after NCB staff have corrected something in the admin) without changing anything.
"""

import datetime

from django.db import transaction
from django.utils.text import slugify

from partnerships.models import LocalAuthority, Partnership, PublishedArrangement, Region, SiteApproach, Theme

# The deck's link under "Who are they and what are the approaches they are developing?", beside its matrix.
NCB_OVERVIEW_URL = (
    "https://www.ncb.org.uk/resources-publications/resources/safeguarding-early-adopters-overview-learning"
)

# name, slug, description, matrix column label, enquiry line, resource-list label. The names and descriptions
# are the portal team's (the deck describes no theme); pages show the descriptions as a portal note.
THEMES = [
    (
        "Independent scrutiny",
        "independent-scrutiny",
        "How the partnership's arrangements are independently scrutinised and held to account.",
        "Ind. Scrutiny",
        "Independent Scrutiny",
        "Independent Scrutiny",
    ),
    (
        "Learning reviews",
        "learning-reviews",
        "Local child safeguarding practice reviews and how learning from them is shared.",
        "Local reviews",
        "Learning Reviews",
        "Learning reviews",
    ),
    (
        "Child death review",
        "child-death-review",
        "Child death review arrangements, including regional alignment across areas.",
        "CDR",
        "Regional Alignment of CDR",
        "Child Death Reviews",
    ),
    (
        "Engagement with schools and education",
        "engagement-with-schools",
        "Involving schools, colleges and early years providers in the new arrangements.",
        "Engagement with schools",
        "",
        "",
    ),
    (
        "Role of wider partners",
        "role-of-wider-partners",
        "How agencies beyond the three safeguarding partners take part and are held to account.",
        "",
        "Role of Wider Partners",
        "The role of wider partners",
    ),
    (
        "Voice of children, young people and families",
        "voice-of-children-young-people-and-families",
        "Hearing and acting on the views and lived experience of children, young people and families.",
        "Voice of the child",
        "Role of Children, Young People and Families",
        "The voice of children and young people",
    ),
    (
        "Practice challenges",
        "practice-challenges",
        "Addressing the practice challenges that matter most locally.",
        "Practice challenges",
        "Addressing Local Practice Challenges",
        "",
    ),
    (
        "Contextual safeguarding",
        "contextual-safeguarding",
        "Responding to harm young people meet outside the home: peers, schools, neighbourhoods, online.",
        "Contextual safeguarding",
        "",
        "",
    ),
    (
        "Structural arrangements",
        "structural-arrangements",
        "How the partnership is structured and governed, including alternative structural models.",
        "Alternative structural model",
        "Structural arrangements",
        "",
    ),
    (
        "Information sharing",
        "information-sharing",
        "Sharing information between agencies to keep children safe.",
        "",
        "Information Sharing",
        "",
    ),
    (
        "Resourcing and funding",
        "resourcing-and-funding",
        "How the partners fund and resource the arrangements.",
        "",
        "Resourcing",
        "Funding approaches",
    ),
]

# The deck's matrix columns, left to right, by theme slug.
MATRIX_COLUMNS = [
    "independent-scrutiny",
    "learning-reviews",
    "child-death-review",
    "engagement-with-schools",
    "voice-of-children-young-people-and-families",
    "practice-challenges",
    "contextual-safeguarding",
    "structural-arrangements",
]

# The enquiry framework's nine lines, in the deck's order, by theme slug.
ENQUIRY_LINES = [
    "structural-arrangements",
    "independent-scrutiny",
    "learning-reviews",
    "voice-of-children-young-people-and-families",
    "role-of-wider-partners",
    "practice-challenges",
    "information-sharing",
    "child-death-review",
    "resourcing-and-funding",
]

# The lines the deck sets in bold: the focus of its interim learning.
ENQUIRY_FOCUS = ["independent-scrutiny", "learning-reviews", "role-of-wider-partners"]

# The deck's matrix, row by row: site name, region, member authorities, and one flag per matrix column
# (in MATRIX_COLUMNS order). "X" marks a theme the site is developing. The deck gives no region: those are
# public fact, added by the portal team and shown as a portal note.
SITES = [
    ("Tameside", Region.NORTH_WEST, ["Tameside"], "X..XX..."),
    ("Trafford", Region.NORTH_WEST, ["Trafford"], "X.....X."),
    ("Salford", Region.NORTH_WEST, ["Salford"], ".X......"),
    (
        "Northumberland, Gateshead, Newcastle upon Tyne, North Tyneside, South Tyneside, Sunderland",
        Region.NORTH_EAST,
        ["Northumberland", "Gateshead", "Newcastle upon Tyne", "North Tyneside", "South Tyneside", "Sunderland"],
        ".......X",
    ),
    ("Calderdale", Region.YORKSHIRE, ["Calderdale"], "...XXX.."),
    ("North Lincolnshire", Region.YORKSHIRE, ["North Lincolnshire"], "X..X..X."),
    ("York", Region.YORKSHIRE, ["York"], "...XX..."),
    ("Hertfordshire", Region.EAST_OF_ENGLAND, ["Hertfordshire"], "X..X...."),
    (
        "Dudley, Sandwell, Walsall, Wolverhampton",
        Region.WEST_MIDLANDS,
        ["Dudley", "Sandwell", "Walsall", "Wolverhampton"],
        "..X....X",
    ),
    ("Birmingham", Region.WEST_MIDLANDS, ["Birmingham"], ".X......"),
    ("Stoke on Trent/Staffordshire", Region.WEST_MIDLANDS, ["Stoke-on-Trent", "Staffordshire"], "...X...X"),
    ("Solihull", Region.WEST_MIDLANDS, ["Solihull"], "...X...X"),
    ("Bexley, Greenwich, Lewisham", Region.LONDON, ["Bexley", "Greenwich", "Lewisham"], "XXX..X.X"),
    # The deck does not list this partnership's member authorities.
    ("North West London Partnership", Region.LONDON, [], "..X....."),
    ("Reading, W. Berks, Wokingham", Region.SOUTH_EAST, ["Reading", "West Berkshire", "Wokingham"], "...X...X"),
    ("Devon, Plymouth, Torbay", Region.SOUTH_WEST, ["Devon", "Plymouth", "Torbay"], ".X...X.."),
    ("Wiltshire", Region.SOUTH_WEST, ["Wiltshire"], "X......X"),
]

# The deck's "Who has published their new arrangements?": the site, the authority the deck names, and the
# document's address. The deck gives neither title nor date: both are read from the address (pages say so).
ARRANGEMENTS = [
    (
        "Bexley, Greenwich, Lewisham",
        "Bexley",
        "Bexley Children and Young People Safeguarding Partnership Arrangements",
        datetime.date(2018, 10, 1),
        "https://media.inzu.net/2acc977c715cd84d14a75f01032546ad/mysite/downloads/684%20Bexley%20Children%20and"
        "%20Young%20People%20Safeguarding%20Partnership%20Arrangements%20October%202018%20FINAL.pdf",
    ),
    (
        "Devon, Plymouth, Torbay",
        "Devon",
        "Safeguarding arrangements for children and young people in Devon: our response to Working Together 2018",
        datetime.date(2018, 11, 1),
        "https://www.devonchildrenandfamilypartnership.org.uk/documents/2018/11/safeguarding-arrangements-for-"
        "children-and-young-people-in-devon-our-response-to-working-together-2018.pdf/",
    ),
    (
        "North Lincolnshire",
        "North Lincolnshire",
        "CMARS Local Arrangements Plan",
        datetime.date(2018, 11, 1),
        "http://www.northlincsmars.co.uk/wp-content/uploads/2018/11/CMARS-Local-Arrangements-Plan.pdf",
    ),
]


@transaction.atomic
def load(stdout=None):
    """Create the programme's themes, sites, matrix marks and arrangements where missing."""
    created = {"themes": 0, "partnerships": 0, "authorities": 0, "marks": 0, "arrangements": 0}

    themes = {}
    for order, (name, slug, description, matrix_label, enquiry_line, resource_label) in enumerate(THEMES, 1):
        theme, was_created = Theme.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": description,
                "order": order,
                "matrix_label": matrix_label,
                "matrix_order": MATRIX_COLUMNS.index(slug) + 1 if slug in MATRIX_COLUMNS else None,
                "enquiry_line": enquiry_line,
                "enquiry_order": ENQUIRY_LINES.index(slug) + 1 if slug in ENQUIRY_LINES else None,
                "resource_label": resource_label,
            },
        )
        themes[slug] = theme
        created["themes"] += was_created

    partnerships = {}
    for order, (name, region, authorities, marks) in enumerate(SITES, 1):
        partnership, was_created = Partnership.objects.get_or_create(
            slug=slugify(name),
            defaults={
                "name": name,
                "region": region,
                "deck_order": order,
            },
        )
        partnerships[name] = partnership
        created["partnerships"] += was_created
        for authority in authorities:
            _, was_created = LocalAuthority.objects.get_or_create(
                slug=slugify(authority), defaults={"name": authority, "partnership": partnership}
            )
            created["authorities"] += was_created
        for column, flag in zip(MATRIX_COLUMNS, marks, strict=True):
            if flag == "X":
                _, was_created = SiteApproach.objects.get_or_create(partnership=partnership, theme=themes[column])
                created["marks"] += was_created

    for site, authority, title, month, url in ARRANGEMENTS:
        _, was_created = PublishedArrangement.objects.get_or_create(
            partnership=partnerships[site],
            document_url=url,
            defaults={
                "title": title,
                "published_month": month,
                "authority": LocalAuthority.objects.get(name=authority),
            },
        )
        created["arrangements"] += was_created

    if stdout is not None:
        stdout.write("Programme: " + ", ".join(f"{count} {what} created" for what, count in created.items()))
    return created
