"""Absolute addresses: links that leave the portal (emails, feeds) are built on its public address."""

from django.conf import settings


def absolute_url(path, request=None):
    """`path` on the address the request came to, or, outside a request, on settings.PORTAL_BASE_URL."""
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.PORTAL_BASE_URL.rstrip("/") + path
