"""RSS and Atom feeds of what is published, built on the same `.published()` querysets as the pages.

Addresses in the feeds are on the portal's public address (PORTAL_BASE_URL), as in its emails and sitemap,
rather than the placeholder domain of django.contrib.sites.
"""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from ea_portal.markdown import render_markdown
from resources.models import NewsletterIssue, Resource
from resources.newsletter import absolute_url

FEED_LENGTH = 30


class PortalFeed(Feed):
    page_url_name = None
    feed_url_name = None

    def link(self):
        return absolute_url(reverse(self.page_url_name))

    def feed_url(self):
        return absolute_url(reverse(self.feed_url_name))

    def item_link(self, item):
        return absolute_url(item.get_absolute_url())


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
        return str(render_markdown(item.description))

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

    def items(self):
        return NewsletterIssue.objects.published().order_by("-published_at")[:FEED_LENGTH]

    def item_title(self, item):
        return item.subject

    def item_description(self, item):
        return str(render_markdown(item.body))

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated


class NewsletterAtomFeed(NewsletterFeed):
    feed_type = Atom1Feed
    feed_url_name = "resources:newsletter_feed_atom"
    subtitle = NewsletterFeed.description
