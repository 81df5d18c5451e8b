"""Whole anonymous pages from the shared cache, and compression of what is safe to compress.

**What counts as public.** A response is public when nothing in it belongs to one visitor or is a secret: the
request carried no session cookie and no pending messages (so no user is logged in and the page shows nobody's
name or messages), the page used no CSRF token (no form that posts, whose token is a secret), it sets no cookie,
and it is not marked `Cache-Control: private` or `no-store` (views that show a visitor's own details, such as the
newsletter links carrying a token, mark themselves so). Only public responses are cached, and only public
responses are compressed.

**Caching** (`PageCacheMiddleware`). A public `200` answer to a `GET` is kept in the shared cache (Redis in
production) under the scheme, host, path and normalised query string, and whether the client takes gzip, together
with the content version it was rendered under (ea_portal.content_version). A later `GET` or `HEAD` without a
session or messages cookie is answered from there when the stored version is still the current one, in one cache
round trip and without touching the database; any publish, unpublish or edit of published content bumps the
version, so a page never outlives the content it shows. A logged-in visitor (session cookie) is never served from
the cache and never stored in it. Each answer says `X-Cache: hit` or `X-Cache: miss` (none when the page could
not be cached). The middleware sits below the security and CSP middleware, which add their headers to every
answer, cached or not (the CSP has no nonce: a cached page cannot carry a stale one). As a safety net for state
changes that send no model signal (a bulk update), any successful POST by a logged-in user bumps the version
too: every edit, publish and curation move goes through one.

Switch: `DJANGO_PAGE_CACHE` (default on when `DJANGO_CACHE_URL` names a shared cache, off otherwise: with one
local-memory cache per process a publish in one process could not retire the pages of another).
`DJANGO_PAGE_CACHE_SECONDS` (default 600) bounds how long an entry may be kept, and so the memory that rarely
visited addresses take.

**Compression** (`PublicGZipMiddleware`). Django's GZipMiddleware, applied to public text responses only. BREACH
recovers a secret from the compressed size of a page that reflects attacker-chosen text beside it; a public page
has no secret to recover (no CSRF token, nothing of a logged-in user's), so compressing it is safe, and Django's
random padding of the gzip header is kept as a second line. Pages for logged-in users and pages with a CSRF token
go uncompressed. Static files are compressed ahead of time by WhiteNoise (gzip and Brotli).
"""

import hashlib
import logging
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.gzip import GZipMiddleware, re_accepts_gzip
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

from ea_portal import content_version


def header_items(value):
    return {item.split("=")[0].strip().lower() for item in value.split(",") if item.strip()}


CACHEABLE_VARY = {"cookie", "accept-encoding"}
# Headers worth keeping with a page. The security and CSP headers are added afresh on every answer by the
# middleware above this one; Set-Cookie is never there (such a page is not cached).
STORED_HEADERS = {
    "content-type",
    "content-language",
    "content-encoding",
    "vary",
    "etag",
    "last-modified",
    "cache-control",
    "x-frame-options",
    "x-content-type-options",
}
COMPRESSIBLE_TYPES = ("text/", "application/xml", "application/rss+xml", "application/atom+xml", "application/json")
# Query strings longer than this are served but not kept: no page of the portal needs one, and an endless supply
# of distinct addresses would only fill the cache.
MAX_QUERY_STRING = 512

logger = logging.getLogger(__name__)


def anonymous_request(request):
    """True for a request that no logged-in user or pending message can be behind (checked on cookies alone, so
    without loading any session)."""
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and CookieStorage.cookie_name not in request.COOKIES


def cache_control_forbids(response):
    return bool(header_items(response.get("Cache-Control", "")) & {"private", "no-store", "no-cache"})


def nonce_used(request):
    # The portal's CSP names no nonce; were one ever added, a page that used it could not be served twice.
    return bool(getattr(request, "_csp_nonce", None))


def is_public(request, response):
    """Nothing in this response belongs to one visitor or is a secret (see the module's docstring)."""
    user = getattr(request, "user", None)
    return (
        anonymous_request(request)
        and not (user is not None and user.is_authenticated)
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not response.cookies
        and not response.streaming
        and not cache_control_forbids(response)
        and not nonce_used(request)
    )


def accepts_gzip(request):
    return bool(re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))


def page_key(request):
    """The address the page answers, normalised: parameters sorted, so ?a=1&b=2 and ?b=2&a=1 share an entry."""
    query = urlencode(sorted(parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True)))
    address = f"{request.scheme}://{request.get_host()}{request.path}?{query}|gzip={accepts_gzip(request)}"
    return "page:" + hashlib.sha256(address.encode()).hexdigest()


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.PAGE_CACHE or request.path in settings.PAGE_CACHE_EXEMPT_PATHS:
            return self.get_response(request)
        candidate = (
            request.method in ("GET", "HEAD")
            and anonymous_request(request)
            and len(request.META.get("QUERY_STRING", "")) <= MAX_QUERY_STRING
        )
        if candidate:
            # get_host() validates the host first: a disallowed one raises here, as CommonMiddleware would.
            key = page_key(request)
            try:
                # One round trip for both: the version in force and the page with the version it was stored under.
                found = cache.get_many([content_version.KEY, key])
                version = found.get(content_version.KEY) or content_version.current()
            except Exception:
                # The cache is down: pages are rendered as if there were none (the readiness probe reports it).
                logger.warning("Page cache unavailable", exc_info=True)
                candidate = False
            else:
                stored = found.get(key)
                if stored is not None and stored["version"] == version:
                    return self.cached_response(request, stored)
        response = self.get_response(request)
        if candidate and request.method == "GET" and self.cacheable(request, response):
            self.store(key, version, response)
            response["X-Cache"] = "miss"
        elif request.method not in ("GET", "HEAD", "OPTIONS", "TRACE") and response.status_code < 400:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                # robust: the change has been made; a cache that cannot be reached is logged, not a 500.
                transaction.on_commit(content_version.bump, robust=True)
        return response

    @staticmethod
    def cacheable(request, response):
        if response.status_code != 200 or not is_public(request, response):
            return False
        return header_items(response.get("Vary", "")) <= CACHEABLE_VARY

    @staticmethod
    def store(key, version, response):
        headers = {name: value for name, value in response.items() if name.lower() in STORED_HEADERS}
        entry = {"version": version, "content": response.content, "headers": headers}
        try:
            cache.set(key, entry, timeout=settings.PAGE_CACHE_SECONDS)
        except Exception:
            logger.warning("Page cache unavailable", exc_info=True)

    @staticmethod
    def cached_response(request, stored):
        response = HttpResponse(stored["content"])
        for name, value in stored["headers"].items():
            response[name] = value
        response["Content-Length"] = str(len(stored["content"]))
        response["X-Cache"] = "hit"
        # Feeds and the sitemap answer conditional requests; a copy from the cache does the same.
        return get_conditional_response(
            request,
            etag=response.get("ETag"),
            last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
            response=response,
        )


class PublicGZipMiddleware(GZipMiddleware):
    """GZipMiddleware for public text responses only (see the module's docstring for why)."""

    def process_response(self, request, response):
        if not is_public(request, response):
            return response
        if not response.get("Content-Type", "").startswith(COMPRESSIBLE_TYPES):
            return response
        return super().process_response(request, response)
