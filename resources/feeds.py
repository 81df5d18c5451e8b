"""RSS and Atom feeds of published resources and newsletter issues, built on the same `.published()` querysets
as the pages."""

from django.utils.feedgenerator import Atom1Feed

from ea_portal.feeds import FEED_LENGTH, PortalFeed
from resources.models import NewsletterIssue, Resource


class ResourcesFeed(PortalFeed):
    title = "Safeguarding Early Adopters: tools and resources"
    page_url_name = "resources:resource_list"
    feed_url_name = "resources:resource_feed_rss"
    description = "New and updated tools and resources from NCB's Safeguarding Early Adopters programme."

    def items(self):
        return Resource.objects.published().order_by("-updated")[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return str(item.description_html)

    def item_pubdate(self, item):
        return item.created

    def item_updateddate(self, item):
        return item.updated


class ResourcesAtomFeed(ResourcesFeed):
    feed_type = Atom1Feed
    feed_url_name = "resources:resource_feed_atom"
    subtitle = ResourcesFeed.description


class NewsletterFeed(PortalFeed):
    title = "Safeguarding Early Adopters: newsletter"
    page_url_name = "resources:newsletter_archive"
    feed_url_name = "resources:newsletter_feed_rss"
    description = "Issues of the Safeguarding Early Adopters programme's newsletter."
    stamp_fields = ("updated", "published_at")

    def items(self):
        return NewsletterIssue.objects.published().order_by("-published_at")[:FEED_LENGTH]

    def item_title(self, item):
        return item.subject

    def item_description(self, item):
        return str(item.body_html)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated


class NewsletterAtomFeed(NewsletterFeed):
    feed_type = Atom1Feed
    feed_url_name = "resources:newsletter_feed_atom"
    subtitle = NewsletterFeed.description
