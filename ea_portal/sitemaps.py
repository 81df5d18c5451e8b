"""sitemap.xml: every public page, built from the same `.published()` querysets the pages use."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import sitemaps
from django.shortcuts import render
from django.urls import reverse

from learning.models import LearningExample
from partnerships.models import Partnership, Theme
from resources.models import NewsletterIssue, Resource


class Sitemap(sitemaps.Sitemap):
    """Addresses on the portal's public address (PORTAL_BASE_URL), as in the emails it sends, rather than the
    placeholder domain of django.contrib.sites."""

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


class PartnershipSitemap(Sitemap):
    def items(self):
        return Partnership.objects.order_by("pk")


class ThemeSitemap(Sitemap):
    def items(self):
        return Theme.objects.order_by("pk")


class ResourceSitemap(Sitemap):
    def items(self):
        return Resource.objects.published().order_by("pk")

    def lastmod(self, item):
        return item.updated


class LearningExampleSitemap(Sitemap):
    def items(self):
        return LearningExample.objects.published().order_by("pk")

    def lastmod(self, item):
        return item.updated


class NewsletterIssueSitemap(Sitemap):
    def items(self):
        return NewsletterIssue.objects.published().order_by("pk")

    def lastmod(self, item):
        return item.updated


SITEMAPS = {
    "pages": StaticPagesSitemap,
    "partnerships": PartnershipSitemap,
    "themes": ThemeSitemap,
    "learning": LearningExampleSitemap,
    "resources": ResourceSitemap,
    "newsletter": NewsletterIssueSitemap,
}


def robots_txt(request):
    """robots.txt, pointing crawlers to the sitemap."""
    sitemap_url = request.build_absolute_uri(reverse("sitemap"))
    return render(request, "robots.txt", {"sitemap_url": sitemap_url}, content_type="text/plain; charset=utf-8")
