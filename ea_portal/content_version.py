"""The content version: one token in the shared cache that changes whenever published content may have changed.

Everything cached from published content (whole anonymous pages, ea_portal.page_cache; fragments such as the
matrix's body) puts the current version in its key, so one `bump()` retires all of it at once and nothing has to
know which page shows what. The project app (ea_portal.apps) bumps after every commit that saved, deleted or
re-linked a row of the content apps; bulk loaders call `bump()` themselves at the end, and `manage.py
bump_content_version` does it by hand (after a change made straight in the database).

The version is a random token, not a counter: two processes bumping at once both leave a version nobody has used
before, and a cache that lost the key (evicted, flushed, a new Redis) starts from a fresh token rather than from
a number an older set of pages was stored under. This module imports no app.
"""

import hashlib
import secrets

from django.conf import settings
from django.core.cache import cache

KEY = "content-version"


def _new_token():
    return secrets.token_hex(8)


def current():
    """The version now in force (one cache read; a missing key is set to a fresh token first)."""
    version = cache.get(KEY)
    if version is None:
        # add(), not set(): of several processes finding it missing at once, the first one's token stands.
        cache.add(KEY, _new_token(), timeout=None)
        version = cache.get(KEY)
    return version


def bump():
    """Retire everything cached under the current version. Call it after the change has committed (a page
    rendered between a bump and the commit would be cached under the new version with the old content)."""
    cache.set(KEY, _new_token(), timeout=None)


def cached_fragment(name, variant, render):
    """The HTML `render()` returns for this `variant` of fragment `name` (e.g. a page's query string), kept in the
    shared cache under the current version, so a fragment nobody's own content is in serves logged-in users too.

    With the page cache switched off (settings.PAGE_CACHE, off in tests and for the benchmark's uncached table)
    it always renders."""
    if not settings.PAGE_CACHE:
        return render()
    key = f"fragment:{name}:{current()}:{hashlib.sha256(variant.encode()).hexdigest()}"
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, timeout=settings.PAGE_CACHE_SECONDS)
    return html


def cached_value(name, compute, timeout=None):
    """Like cached_fragment, for any value the cache can hold (a count the navigation shows to every facilitator,
    say): `compute()` once per content version, or every time with the page cache off."""
    if not settings.PAGE_CACHE:
        return compute()
    key = f"value:{name}:{current()}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=settings.PAGE_CACHE_SECONDS if timeout is None else timeout)
    return value
