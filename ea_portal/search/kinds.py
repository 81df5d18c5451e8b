"""The kinds of thing the search index holds."""

from django.db import models


class SearchKind(models.TextChoices):
    """What a search result is; the order here is the order of the "Type" facet."""

    EXAMPLE = "example", "Learning example"
    RESOURCE = "resource", "Resource"
    FAQ = "faq", "FAQ"
    NEWSLETTER = "newsletter", "Newsletter issue"
    THEME = "theme", "Theme"
    PARTNERSHIP = "partnership", "Early Adopter partnership"
