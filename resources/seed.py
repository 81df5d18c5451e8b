"""Starting content for the resources app from NCB's deck. Creates only what is missing.

The deck's "Tools and Resources from the programme" lists a compliance/quality resource and learning examples
and FAQs across six learning themes. The deck names them but does not include them, so each catalogue entry
links to NCB's programme page (the deck's own address for "download new resources") and says so.
"""

from django.db import transaction

from partnerships.models import Theme
from resources.models import Resource, ResourceKind

NCB_PROGRAMME_PAGE = (
    "https://www.ncb.org.uk/what-we-do/our-priorities/vulnerable-children/projects-and-programmes/"
    "safeguarding-early-adopters"
)

COMPLIANCE_DESCRIPTION = (
    "Tools from the Safeguarding Early Adopters programme for checking the compliance and quality of new "
    "multi-agency safeguarding arrangements.\n\n"
    "The programme's interim learning lists this resource; it is not yet published on this portal. Follow the "
    "link to NCB's programme page, where NCB publishes the programme's resources."
)

THEMED_DESCRIPTION = (
    "Learning examples and frequently asked questions from the Early Adopter partnerships on "
    "{topic}.\n\n"
    "The programme's interim learning lists this set; it is not yet published on this portal. Follow the link "
    "to NCB's programme page, where NCB publishes the programme's resources, and see this theme's page for the "
    "FAQs answered here."
)

# (slug, the deck's theme name as in Theme.resource_label, the topic in running text)
THEMED_SETS = [
    ("learning-examples-and-faqs-independent-scrutiny", "Independent Scrutiny", "independent scrutiny"),
    ("learning-examples-and-faqs-learning-reviews", "Learning reviews", "learning reviews"),
    ("learning-examples-and-faqs-child-death-reviews", "Child Death Reviews", "child death reviews"),
    ("learning-examples-and-faqs-funding-approaches", "Funding approaches", "funding approaches"),
    ("learning-examples-and-faqs-role-of-wider-partners", "The role of wider partners", "the role of wider partners"),
    (
        "learning-examples-and-faqs-voice-of-children-and-young-people",
        "The voice of children and young people",
        "the voice of children and young people",
    ),
]


@transaction.atomic
def load(stdout=None):
    created = []
    if not Resource.objects.filter(slug="compliance-and-quality").exists():
        Resource.objects.create(
            slug="compliance-and-quality",
            title="Compliance and quality",
            kind=ResourceKind.TOOL,
            description=COMPLIANCE_DESCRIPTION,
            external_url=NCB_PROGRAMME_PAGE,
            published=True,
        )
        created.append("compliance-and-quality")
    themes = {theme.resource_label: theme for theme in Theme.objects.exclude(resource_label="")}
    for slug, label, topic in THEMED_SETS:
        if Resource.objects.filter(slug=slug).exists():
            continue
        resource = Resource.objects.create(
            slug=slug,
            title=f"Learning examples and FAQs: {topic}",
            kind=ResourceKind.FAQ_SET,
            description=THEMED_DESCRIPTION.format(topic=topic),
            external_url=NCB_PROGRAMME_PAGE,
            published=True,
        )
        if label in themes:
            resource.themes.add(themes[label])
        created.append(slug)
    if stdout is not None and created:
        stdout.write(f"Resources: added {len(created)} catalogue entries from the deck.")
    return {"resources": len(created)}
