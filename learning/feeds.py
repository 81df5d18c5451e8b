"""RSS and Atom feeds of published learning examples, from the same `.published()` queryset as /learning/."""

from django.utils.feedgenerator import Atom1Feed

from ea_portal.feeds import FEED_LENGTH, PortalFeed
from learning.models import LearningExample


class LearningExamplesFeed(PortalFeed):
    title = "Safeguarding Early Adopters: learning examples"
    page_url_name = "learning:example_list"
    feed_url_name = "learning:example_feed_rss"
    description = "Newly published practice examples from the Early Adopter partnerships and NCB."
    stamp_fields = ("updated", "published_at")

    def items(self):
        return LearningExample.objects.published().for_listing().newest_first()[:FEED_LENGTH]

    def item_title(self, item):
        return f"{item.title} ({item.source_name}; stage: {item.get_stage_display()})"

    def item_description(self, item):
        return str(item.summary_html)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated

    def item_categories(self, item):
        return [theme.name for theme in item.themes.all()]


class LearningExamplesAtomFeed(LearningExamplesFeed):
    feed_type = Atom1Feed
    feed_url_name = "learning:example_feed_atom"
    subtitle = LearningExamplesFeed.description
