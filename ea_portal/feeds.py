"""The base of every RSS and Atom feed on the portal.

Addresses in the feeds are on the portal's public address (PORTAL_BASE_URL), as in its emails and sitemap,
rather than the placeholder domain of django.contrib.sites.

Feed readers ask again every few minutes: each feed answers with an ETag and a Last-Modified, and with a 304
and no body when the reader already has what the feed would show.
"""

import hashlib

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.views.decorators.http import condition

from ea_portal.links import absolute_url

FEED_LENGTH = 30


class PortalFeed(Feed):
    page_url_name = None
    feed_url_name = None
    # The items' fields that change when what the feed shows of them changes; each is a date.
    stamp_fields = ("updated",)

    def __call__(self, request, *args, **kwargs):
        stamps = self.item_stamps()
        # The ETag names exactly the items shown and their versions: an item published, changed or taken away
        # changes it. Last-Modified, for readers that send only If-Modified-Since, is the newest of their dates.
        text = f"{type(self).__name__} {settings.PORTAL_BASE_URL} {stamps!r}"
        etag = hashlib.sha256(text.encode()).hexdigest()[:32]
        dates = [value for stamp in stamps for value in stamp[1:] if value is not None]
        last_modified = max(dates, default=None)
        view = condition(etag_func=lambda request: etag, last_modified_func=lambda request: last_modified)(
            super().__call__
        )
        return view(request, *args, **kwargs)

    def item_stamps(self):
        """The shown items' primary keys and dates, from one narrow query (the same slice of the same
        queryset as items())."""
        return list(self.items().values_list("pk", *self.stamp_fields))

    def link(self):
        return absolute_url(reverse(self.page_url_name))

    def feed_url(self):
        return absolute_url(reverse(self.feed_url_name))

    def item_link(self, item):
        return absolute_url(item.get_absolute_url())
