"""RSS and Atom feeds of what is published, built on the same `.published()` querysets as the pages."""

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from resources.markdown import render_markdown
from resources.models import NewsletterIssue, Resource

FEED_LENGTH = 30


class ResourcesFeed(Feed):
    title = "Safeguarding Early Adopters: tools and resources"
    link = reverse_lazy("resources:resource_list")
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
    subtitle = ResourcesFeed.description


class NewsletterFeed(Feed):
    title = "Safeguarding Early Adopters: newsletter"
    link = reverse_lazy("resources:newsletter_archive")
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
    subtitle = NewsletterFeed.description
