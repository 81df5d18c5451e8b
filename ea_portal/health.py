"""Probes for a load balancer: /healthz says the process answers, /readyz that it can serve pages.

/healthz touches nothing (no database, cache or storage), so a database outage does not make the load
balancer restart every web process. /readyz checks the database, the cache and the file storage, each in its
own thread with one short deadline for all, and answers 503 naming the checks that failed or timed out.
Neither is cached by anyone (Cache-Control: no-store), and the logging filter below keeps them out of the log.
Both still obey ALLOWED_HOSTS: probe with a Host header the portal accepts.
"""

import logging
import uuid
from concurrent.futures import ThreadPoolExecutor, wait

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

HEALTH_PATHS = ("/healthz", "/readyz")


def check_database():
    connection = connections["default"]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        # Each check runs in a thread of its own, with a connection of its own: never leave it open.
        connection.close()


def check_cache():
    key, value = f"readyz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    try:
        if cache.get(key) != value:
            raise RuntimeError("the cache did not return what was stored")
    finally:
        cache.delete(key)


def check_storage():
    # A lookup of a name that never exists: reaches the bucket (or the media directory) without writing.
    default_storage.exists(f"readyz/{uuid.uuid4().hex}")


CHECKS = {"database": check_database, "cache": check_cache, "storage": check_storage}


@never_cache
def healthz(request):
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request):
    executor = ThreadPoolExecutor(max_workers=len(CHECKS), thread_name_prefix="readyz")
    futures = {name: executor.submit(check) for name, check in CHECKS.items()}
    wait(futures.values(), timeout=settings.READINESS_TIMEOUT_SECONDS)
    # A hung check keeps its thread; the answer does not wait for it.
    executor.shutdown(wait=False, cancel_futures=True)
    results = {}
    for name, future in futures.items():
        if not future.done():
            results[name] = f"timed out after {settings.READINESS_TIMEOUT_SECONDS} s"
        elif future.exception() is not None:
            results[name] = f"failed: {type(future.exception()).__name__}"
        else:
            results[name] = "ok"
    failed = [name for name, result in results.items() if result != "ok"]
    return JsonResponse(
        {"status": "unavailable" if failed else "ok", "checks": results, "failed": failed},
        status=503 if failed else 200,
    )


class SkipHealthChecks(logging.Filter):
    """Drops log records about the probes (a load balancer calls them every few seconds)."""

    def filter(self, record):
        path = getattr(getattr(record, "request", None), "path", None)
        if path is None and isinstance(record.args, tuple) and record.args:
            # django.server's records carry the request line ("GET /healthz HTTP/1.1") as the first argument.
            parts = str(record.args[0]).split()
            path = parts[1].split("?")[0] if len(parts) > 1 else None
        return path not in HEALTH_PATHS
