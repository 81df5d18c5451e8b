"""Starting content for the resources app from NCB's deck. Creates only what is missing.

The deck's "Tools and Resources from the programme" lists a compliance/quality resource and learning examples
and FAQs across six key learning themes. It names them but holds no file, so each entry carries the deck's own
words only (no description, no date) and links to NCB's programme page, the address the deck gives for
downloading the programme's resources. Pages show them as listed in the deck, with the files on NCB's website.
"""

from django.db import transaction

from partnerships.models import Theme
from resources.models import Resource, ResourceKind

NCB_PROGRAMME_PAGE = (
    "https://www.ncb.org.uk/what-we-do/our-priorities/vulnerable-children/projects-and-programmes/"
    "safeguarding-early-adopters"
)

THEMED_TITLE = "Learning examples and FAQs across the key learning themes: {label}"

# (slug, title, kind, the deck's theme name as in Theme.resource_label, if any)
ENTRIES = [
    ("compliance-and-quality", "Compliance/Quality", ResourceKind.TOOL, ""),
    *[
        (slug, THEMED_TITLE.format(label=label), ResourceKind.FAQ_SET, label)
        for slug, label in [
            ("learning-examples-and-faqs-independent-scrutiny", "Independent Scrutiny"),
            ("learning-examples-and-faqs-learning-reviews", "Learning reviews"),
            ("learning-examples-and-faqs-child-death-reviews", "Child Death Reviews"),
            ("learning-examples-and-faqs-funding-approaches", "Funding approaches"),
            ("learning-examples-and-faqs-role-of-wider-partners", "The role of wider partners"),
            ("learning-examples-and-faqs-voice-of-children-and-young-people", "The voice of children and young people"),
        ]
    ],
]


@transaction.atomic
def load(stdout=None, update=False):
    """Create the deck's entries where missing; with `update`, also give the existing ones the deck's words
    back (earlier loads invented a description for each)."""
    created, updated = [], []
    themes = {theme.resource_label: theme for theme in Theme.objects.exclude(resource_label="")}
    for slug, title, kind, label in ENTRIES:
        resource = Resource.objects.filter(slug=slug).first()
        if resource is not None:
            if update and (resource.title, resource.description, resource.from_deck) != (title, "", True):
                resource.title, resource.description, resource.from_deck = title, "", True
                resource.save(update_fields=["title", "description", "from_deck", "updated"])
                updated.append(slug)
            continue
        resource = Resource.objects.create(
            slug=slug, title=title, kind=kind, external_url=NCB_PROGRAMME_PAGE, published=True, from_deck=True
        )
        if label in themes:
            resource.themes.add(themes[label])
        created.append(slug)
    if stdout is not None and (created or updated):
        stdout.write(f"Resources: added {len(created)} and updated {len(updated)} catalogue entries from the deck.")
    return {"resources": len(created), "resources updated": len(updated)}
