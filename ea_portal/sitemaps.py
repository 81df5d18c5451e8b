"""sitemap.xml: an index of one sitemap per kind of public page (each split into pages well under the protocol's
50,000 addresses), built from the same `.published()` querysets the pages use, cached, and answered with a 304
when a crawler already has the current version."""

import hashlib
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import sitemaps
from django.contrib.sitemaps.views import SitemapIndexItem
from django.core.cache import cache
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Count, Max
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import escape
from django.views.decorators.http import condition

from ea_portal.links import absolute_url
from learning.models import LearningExample
from partnerships.models import Partnership, Theme
from resources.models import FAQ, FAQStatus, NewsletterIssue, Resource

# Addresses per sitemap page: the protocol allows 50,000; 5,000 keeps each page quick to build and fetch.
SITEMAP_PAGE_SIZE = 5000
# The cache keys carry the content's stamp, so a change is seen at once; this only bounds how long an unused
# version stays in the cache.
SITEMAP_CACHE_SECONDS = 60 * 60
# Slugs are letters, digits and hyphens: this stands in for one in a reversed address.
SLUG_PLACEHOLDER = "slug-placeholder-0"
# What a section says besides the XML (Django's own sitemap view says the same), kept with it in the cache.
SECTION_HEADERS = {"X-Robots-Tag": "noindex, noodp, noarchive"}
CACHED_HEADERS = tuple(SECTION_HEADERS)


class Sitemap(sitemaps.Sitemap):
    """Addresses on the portal's public address (PORTAL_BASE_URL), as in the emails it sends, rather than the
    placeholder domain of django.contrib.sites."""

    limit = SITEMAP_PAGE_SIZE
    # The name of the URL pattern that takes an item's slug, for the sections of many items: reversed once with
    # a placeholder rather than once per item (which cost more than the rest of a 5,000-address page). The
    # sitemap tests check these addresses against the items' get_absolute_url().
    slug_url_name = None

    def location(self, item):
        if self.slug_url_name is None:
            return super().location(item)
        if not hasattr(self, "_slug_url"):
            self._slug_url = reverse(self.slug_url_name, args=[SLUG_PLACEHOLDER])
        return self._slug_url.replace(SLUG_PLACEHOLDER, item.slug)

    def get_latest_lastmod(self):
        """The index's date for this section, from the database: Django's own reads every item to find it."""
        if not hasattr(self, "lastmod"):
            return None
        return self.items().aggregate(latest=Max("updated"))["latest"]

    @property
    def protocol(self):
        return urlsplit(settings.PORTAL_BASE_URL).scheme or "https"

    def get_domain(self, site=None):
        return urlsplit(settings.PORTAL_BASE_URL).netloc


class StaticPagesSitemap(Sitemap):
    priority = 0.8

    def items(self):
        return [
            "home",
            "partnerships:matrix",
            "partnerships:partnership_list",
            "partnerships:theme_list",
            "partnerships:arrangement_list",
            "dashboard:coverage",
            "learning:enquiry_framework",
            "learning:example_list",
            "learning:stage_guide",
            "resources:resource_list",
            "resources:faq_list",
            "resources:engage",
            "resources:newsletter_signup",
            "resources:newsletter_archive",
        ]

    def location(self, item):
        return reverse(item)


# Only what an address and its date need: a full example row is many kilobytes of Markdown and HTML.


class PartnershipSitemap(Sitemap):
    slug_url_name = "partnerships:partnership_detail"

    def items(self):
        return Partnership.objects.only("slug").order_by("pk")


class ThemeSitemap(Sitemap):
    slug_url_name = "partnerships:theme_detail"

    def items(self):
        return Theme.objects.only("slug").order_by("pk")


class ResourceSitemap(Sitemap):
    slug_url_name = "resources:resource_detail"

    def items(self):
        return Resource.objects.published().only("slug", "updated").order_by("pk")

    def lastmod(self, item):
        return item.updated


class LearningExampleSitemap(Sitemap):
    slug_url_name = "learning:example_detail"

    def items(self):
        return LearningExample.objects.published().only("slug", "updated").order_by("pk")

    def lastmod(self, item):
        return item.updated


class FAQThemeSitemap(Sitemap):
    """The pages of answers of each theme that has published FAQs."""

    def items(self):
        return Theme.objects.filter(faqs__status=FAQStatus.PUBLISHED).distinct().only("slug").order_by("pk")

    def location(self, theme):
        return reverse("resources:faq_theme", args=[theme.slug])


class NewsletterIssueSitemap(Sitemap):
    slug_url_name = "resources:newsletter_issue"

    def items(self):
        return NewsletterIssue.objects.published().only("slug", "updated").order_by("pk")

    def lastmod(self, item):
        return item.updated


SITEMAPS = {
    "pages": StaticPagesSitemap,
    "partnerships": PartnershipSitemap,
    "themes": ThemeSitemap,
    "learning": LearningExampleSitemap,
    "resources": ResourceSitemap,
    "faqs": FAQThemeSitemap,
    "newsletter": NewsletterIssueSitemap,
}


def content_stamp(request):
    """What the sitemaps are built from, summed up: each kind's count and latest change (or highest primary key,
    for kinds that record no change time). Any publication, unpublication, edit, addition or removal changes
    it. Six small aggregate queries, computed once per request."""
    if not hasattr(request, "_sitemap_stamp"):
        parts = [
            LearningExample.objects.published().aggregate(n=Count("*"), last=Max("updated")),
            Resource.objects.published().aggregate(n=Count("*"), last=Max("updated")),
            NewsletterIssue.objects.published().aggregate(n=Count("*"), last=Max("updated")),
            FAQ.objects.published().aggregate(n=Count("*"), last=Max("updated")),
            Partnership.objects.aggregate(n=Count("pk"), last=Max("pk")),
            Theme.objects.aggregate(n=Count("pk"), last=Max("pk")),
        ]
        text = repr([(part["n"], part["last"]) for part in parts]) + settings.PORTAL_BASE_URL
        request._sitemap_stamp = hashlib.sha256(text.encode()).hexdigest()[:32]
    return request._sitemap_stamp


def sitemap_etag(request, section=None):
    return f"{content_stamp(request)}-{section or 'index'}-{request.GET.get('p', '1')}"


def cached_sitemap(request, key, build):
    """The sitemap response `build` makes, from the shared cache when this version of the content has been
    built before (by any web process)."""
    key = f"sitemap:{content_stamp(request)}:{key}"
    cached = cache.get(key)
    if cached is None:
        response = build()
        if response.status_code != 200:
            return response
        if hasattr(response, "render"):
            response.render()
        kept = {name: response[name] for name in CACHED_HEADERS if response.has_header(name)}
        cached = (response.content, kept)
        cache.set(key, cached, SITEMAP_CACHE_SECONDS)
    content, headers = cached
    return HttpResponse(content, content_type="application/xml", headers=headers)


def build_index(request):
    """Django's index view, but with the sections' addresses on PORTAL_BASE_URL (Django's uses the request's
    Host header) and no item of any section read."""
    items = []
    for section, sitemap_class in SITEMAPS.items():
        site = sitemap_class()
        location = absolute_url(reverse("sitemap_section", kwargs={"section": section}))
        lastmod = site.get_latest_lastmod()
        items.append(SitemapIndexItem(location, lastmod))
        items += [SitemapIndexItem(f"{location}?p={page}", lastmod) for page in site.paginator.page_range[1:]]
    return TemplateResponse(request, "sitemap_index.xml", {"sitemaps": items}, content_type="application/xml")


@condition(etag_func=sitemap_etag)
def sitemap_index(request):
    """/sitemap.xml, the address robots.txt names: the list of the sections' sitemaps."""
    return cached_sitemap(request, "index", lambda: build_index(request))


@condition(etag_func=sitemap_etag)
def sitemap_section(request, section):
    """One section's sitemap, a page (?p=) at a time."""
    if section not in SITEMAPS:
        raise Http404("No such sitemap section.")
    page = request.GET.get("p", "1")
    return cached_sitemap(request, f"{section}:{page}", lambda: build_section(SITEMAPS[section](), page))


def build_section(site, page):
    """One page of a section's sitemap: the XML Django's sitemap view writes, written here without a template,
    which for 5,000 addresses cost more than everything else together."""
    try:
        items = site.paginator.page(page).object_list
    except (EmptyPage, PageNotAnInteger):
        raise Http404("No such sitemap page.") from None
    dated = hasattr(site, "lastmod")
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n']
    for item in items:
        parts.append(f"<url><loc>{escape(absolute_url(site.location(item)))}</loc>")
        if dated:
            parts.append(f"<lastmod>{site.lastmod(item).isoformat()}</lastmod>")
        if getattr(site, "priority", None) is not None:
            parts.append(f"<priority>{site.priority}</priority>")
        parts.append("</url>\n")
    parts.append("</urlset>\n")
    # As Django's sitemap view says: for crawlers to read, not to list in results.
    return HttpResponse("".join(parts), content_type="application/xml", headers=SECTION_HEADERS)


def robots_txt(request):
    """robots.txt, pointing crawlers to the sitemap."""
    sitemap_url = request.build_absolute_uri(reverse("sitemap"))
    return render(request, "robots.txt", {"sitemap_url": sitemap_url}, content_type="text/plain; charset=utf-8")
