"""Absolute addresses: links that leave the portal (emails, feeds, the sitemap) are built on its one configured
public address, settings.PORTAL_BASE_URL, never on the Host header of a request, which an attacker chooses."""

from django.conf import settings


def absolute_url(path):
    """The public address of a path on the portal, e.g. for "/learning/x/": https://portal.example.org/learning/x/."""
    return settings.PORTAL_BASE_URL.rstrip("/") + path
