"""The base of every RSS and Atom feed on the portal.

Addresses in the feeds are on the portal's public address (PORTAL_BASE_URL), as in its emails and sitemap,
rather than the placeholder domain of django.contrib.sites.
"""

from django.contrib.syndication.views import Feed
from django.urls import reverse

from ea_portal.mail import absolute_url

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
