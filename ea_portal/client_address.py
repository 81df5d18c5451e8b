"""The address of the client behind a request: the one function the rate limits and the login lockout use.

Behind reverse proxies every request comes from the nearest proxy's address, and X-Forwarded-For carries the
chain: each proxy appends the address it received the request from. Only the entries our own proxies appended
can be trusted (a client can send any X-Forwarded-For it likes), so with N trusted proxies the client is the
N-th entry from the right. settings.TRUSTED_PROXY_COUNT is N (0: no proxy, use the connection's address).
A missing, short or malformed header never fails: the connection's address is used instead, which counts
such requests together rather than letting a made-up header choose a fresh counter.
"""

import ipaddress

from django.conf import settings

# What a request with no usable address at all (e.g. over a Unix socket without a header) is counted as.
UNKNOWN = "0.0.0.0"  # noqa: S104 (an address to count by, not one to bind to)


def valid_address(value):
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request):
    remote = valid_address(request.META.get("REMOTE_ADDR") or "") or UNKNOWN
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    chain = [entry for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()]
    if len(chain) < proxies:
        return remote
    return valid_address(chain[-proxies]) or remote
