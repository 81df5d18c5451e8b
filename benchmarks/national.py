"""Every page at national scale (issue 14): the portal under load, and each page on its own with caches off.

Run against a scratch PostgreSQL database (never a real one: generate_national_data fills it with made-up data, and
refuses a database holding real content):

    createdb ea_portal_bench
    .venv/bin/python benchmarks/national.py --database-url postgres://USER:PASSWORD@127.0.0.1:5432/ea_portal_bench

It migrates the database, loads the programme, grows it to the national data set (`manage.py
generate_national_data`; `--skip-generate` measures what is there), VACUUM ANALYZEs it (as autovacuum would), then:

1. starts gunicorn as production runs it (debug off, 2 sync workers, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS,
   DATABASE_URL, the shared Redis cache as DJANGO_CACHE_URL, collected static files served by WhiteNoise) and runs
   wrk (Debian's `wrk`, 16 connections, --duration seconds) against each page in turn, every request carrying
   `X-Forwarded-Proto: https` as the HTTPS proxy in front of production would (so the SSL redirect does not
   answer instead of the page), logged-in pages with the session cookie of a user logged in once. The trivial
   view is /healthz: it passes through every middleware and touches nothing (no database, cache or template), so
   its requests/s is what the stack itself costs; it is measured first and last, and ratios use the mean of both
   (the machine is shared: the two show how much its load moved during the run);
2. renders each page in this process with every cache replaced by Django's DummyCache: the server time (median
   of --runs requests, after one warm-up), the number of SQL queries, and the HTML's size, uncompressed and
   gzipped; and the home page with all its assets as a browser asking for gzip gets them from gunicorn.

Prints two Markdown tables (benchmarks/README.md keeps those of the last full run, with the machine described).
"""

import argparse
import gzip
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = "127.0.0.1"

# Targets of issue 14: minimum ratio of the trivial view's requests/s, and maximum server time with caches off.
PUBLIC, SEARCH, LOGGED_IN, OTHER = "public", "search", "logged in", "other"
RATIO_TARGET = {PUBLIC: 0.5, SEARCH: 0.25, LOGGED_IN: 0.1}
TIME_TARGET_MS = {PUBLIC: 50, SEARCH: 100, LOGGED_IN: 200, OTHER: 50}
P99_TARGET_MS = {PUBLIC: 100}
MAX_HTML_BYTES = 200_000
HOME_WIRE_TARGET_BYTES = 60_000


@dataclass
class Page:
    name: str
    url: str
    kind: str
    user: str | None = None  # "facilitator" or "lead": logged in as the benchmark's own user
    results: dict = field(default_factory=dict)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"), help="a scratch PostgreSQL database")
    parser.add_argument(
        "--cache-url",
        default=os.environ.get("DJANGO_CACHE_URL", "redis://127.0.0.1:6379/4"),
        help="the Redis gunicorn's workers share (default redis://127.0.0.1:6379/4); flushed before the run",
    )
    parser.add_argument("--duration", type=int, default=30, help="seconds of wrk per page (default 30)")
    parser.add_argument("--connections", type=int, default=16, help="wrk's connections (default 16)")
    parser.add_argument("--runs", type=int, default=5, help="single requests per page with caches off (default 5)")
    parser.add_argument("--port", type=int, default=8400, help="gunicorn's port (default 8400)")
    parser.add_argument(
        "--pages",
        help='comma-separated names of the pages to measure, as the tables name them, e.g. "home,search: two words" '
        "(default all; the trivial view is always measured)",
    )
    parser.add_argument("--skip-generate", action="store_true", help="measure the data already in the database")
    parser.add_argument("--skip-load", action="store_true", help="only the second table (no gunicorn, no wrk)")
    parser.add_argument("--scale", default="1", help="generate_national_data's --scale (default 1: national)")
    parser.add_argument("--seed", default="2019", help="generate_national_data's --seed")
    return parser.parse_args()


def production_environment(options, static_root):
    """The variables production sets (README, Production), for gunicorn and for this process alike: the session
    cookie made here must be valid there, so both share one secret key."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ea_portal.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": f"{HOST},localhost",
        "DJANGO_PORTAL_BASE_URL": f"https://{HOST}:{options.port}",
        "DATABASE_URL": options.database_url,
        "DJANGO_CACHE_URL": options.cache_url,
        "DJANGO_STATIC_ROOT": str(static_root),
    }


def manage(environment, *arguments):
    subprocess.run([PYTHON, "manage.py", *arguments], cwd=ROOT, env=environment, check=True)  # noqa: S603 (ours)


def prepare_database(options, environment):
    manage(environment, "migrate", "--verbosity", "0")
    manage(environment, "load_programme")
    if not options.skip_generate:
        manage(environment, "generate_national_data", "--seed", options.seed, "--scale", options.scale)


def vacuum_analyze():
    """As autovacuum would after a bulk load (it is off on these machines): fresh statistics, and visibility maps
    so that index-only scans need not visit the tables."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def benchmark_users():
    """A facilitator and a lead of the partnership with the most examples, made here with the generator's
    domain (so they never count as real content), logged in once each: their session cookies."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.test import Client

    from ea_portal.national_data import GENERATED_DOMAIN
    from partnerships.models import Membership, MembershipRole, Partnership
    from partnerships.roles import facilitators_group

    User = get_user_model()
    facilitator, _ = User.objects.get_or_create(
        username="benchmark-facilitator",
        defaults={"email": f"benchmark-facilitator@{GENERATED_DOMAIN}", "first_name": "Benchmark"},
    )
    facilitator.groups.add(facilitators_group())
    lead, _ = User.objects.get_or_create(
        username="benchmark-lead", defaults={"email": f"benchmark-lead@{GENERATED_DOMAIN}", "first_name": "Benchmark"}
    )
    busiest = Partnership.objects.annotate(examples=Count("learning_examples")).order_by("-examples", "pk").first()
    Membership.objects.get_or_create(user=lead, partnership=busiest, defaults={"role": MembershipRole.LEAD})
    users, cookies = {"facilitator": facilitator, "lead": lead}, {}
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        cookies[role] = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    return users, cookies


def pages():
    """Every page of issue 14's table and targets, with addresses taken from the data."""
    from django.db.models import Count, Q

    from ea_portal.national_data import COMMON_PHRASE, COMMON_WORD, RARE_WORDS
    from learning.models import LearningExample
    from partnerships.models import Partnership, Theme

    theme = Theme.objects.annotate(examples=Count("learning_examples")).order_by("-examples", "pk").first()
    partnership = (
        Partnership.objects.annotate(
            examples=Count("learning_examples", filter=Q(learning_examples__state="published"))
        )
        .order_by("-examples", "pk")
        .first()
    )
    # The newest published example with the most common kind of title: its related examples are many.
    example = (
        LearningExample.objects.published().filter(title__icontains=COMMON_PHRASE).order_by("-published_at").first()
    )
    example = example or LearningExample.objects.published().order_by("-published_at").first()
    phrase = COMMON_PHRASE.replace(" ", "+")
    return [
        Page("trivial view (/healthz)", "/healthz", OTHER),
        Page("home", "/", PUBLIC),
        Page("matrix", "/matrix/", PUBLIC),
        Page("learning list", "/learning/", PUBLIC),
        Page("learning list: theme filter", f"/learning/?theme={theme.slug}", PUBLIC),
        Page("learning list: words", f"/learning/?q={phrase}", PUBLIC),
        Page("example page", example.get_absolute_url(), PUBLIC),
        Page("theme page", theme.get_absolute_url(), PUBLIC),
        Page("partnership page", partnership.get_absolute_url(), PUBLIC),
        Page("resources", "/resources/", PUBLIC),
        Page("FAQs", "/faqs/", PUBLIC),
        Page("arrangements", "/arrangements/", PUBLIC),
        Page("search: common word", f"/search/?q={COMMON_WORD}", SEARCH),
        Page("search: two words", f"/search/?q={phrase}", SEARCH),
        Page("search: rare word", f"/search/?q={RARE_WORDS[0]}", SEARCH),
        Page("search: with a facet", f"/search/?q={phrase}&theme={theme.slug}", SEARCH),
        Page("search: no words", "/search/", SEARCH),
        Page("sitemap", "/sitemap.xml", OTHER),
        Page("dashboard", "/dashboard/", LOGGED_IN, user="facilitator"),
        Page("review queue", "/review/", LOGGED_IN, user="facilitator"),
        Page("FAQs to manage", "/faqs/manage/", LOGGED_IN, user="facilitator"),
        Page("contribute", "/contribute/", LOGGED_IN, user="lead"),
    ]


# Under load ---------------------------------------------------------------------------------------------------


def start_gunicorn(options, environment, log_path):
    command = [
        PYTHON, "-m", "gunicorn", "ea_portal.wsgi", "--bind", f"{HOST}:{options.port}", "--workers", "2",
        "--worker-class", "sync", "--timeout", "120", "--error-logfile", str(log_path),
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=environment, start_new_session=True)  # noqa: S603 (ours)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if fetch(options, "/healthz").status == 200:
                return process
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.5)
        if process.poll() is not None:
            break
    process.terminate()
    sys.exit(f"gunicorn did not start: see {log_path}")


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(options, url, cookie=None, accept_encoding=None):
    """One request to gunicorn as the HTTPS proxy would pass it on; redirects are answers, not followed."""
    headers = {"X-Forwarded-Proto": "https", "Host": HOST}
    if cookie:
        headers["Cookie"] = cookie
    if accept_encoding:
        headers["Accept-Encoding"] = accept_encoding
    # Only ever our own gunicorn, over http.
    request = urllib.request.Request(urljoin(f"http://{HOST}:{options.port}", url), headers=headers)  # noqa: S310
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=120) as response:
            return Response(response.status, response.read(), dict(response.headers))
    except urllib.error.HTTPError as error:
        return Response(error.code, error.read(), dict(error.headers))


def parse_duration_ms(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit]


def run_wrk(options, page, cookie):
    command = [
        "wrk", "-t2", f"-c{options.connections}", f"-d{options.duration}s", "--timeout", "60s", "--latency",
        "-H", "X-Forwarded-Proto: https", "-H", f"Host: {HOST}",
    ]  # fmt: skip
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    command.append(urljoin(f"http://{HOST}:{options.port}", page.url))
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603 (ours)
    results = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))}
    for percentile in ("50", "99"):
        found = re.search(rf"^\s+{percentile}(?:\.0+)?%\s+(\S+)", output, re.MULTILINE)
        results[f"p{percentile}"] = parse_duration_ms(found.group(1)) if found else None
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    timeouts = re.search(r"timeout (\d+)", output)
    results["errors"] = (int(errors.group(1)) if errors else 0) + (int(timeouts.group(1)) if timeouts else 0)
    results["requests"] = int(re.search(r"(\d+) requests in", output).group(1))
    return results


class Assets(HTMLParser):
    """The stylesheets, scripts, images and icons a page asks the browser to fetch."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and {"stylesheet", "icon", "preload", "manifest"} & set((attrs.get("rel") or "").split()):
            self.urls.append(attrs.get("href"))
        elif tag in ("script", "img", "source") and attrs.get("src"):
            self.urls.append(attrs["src"])


def home_on_the_wire(options):
    """Bytes a browser asking for gzip receives for the home page and everything it loads (CSS url()s
    included), bodies only, as gunicorn and WhiteNoise send them."""
    home = fetch(options, "/", accept_encoding="gzip")
    parser = Assets()
    parser.feed(decoded(home).decode())
    rows = [("/ (HTML)", len(home.body), home.headers.get("Content-Encoding", "none"))]
    queue, seen = [url for url in parser.urls if url], set()
    while queue:
        url = urlsplit(queue.pop(0)).path
        if url in seen or not url.startswith("/"):
            continue
        seen.add(url)
        response = fetch(options, url, accept_encoding="gzip")
        rows.append((url, len(response.body), response.headers.get("Content-Encoding", "none")))
        if url.endswith(".css"):
            for found in re.findall(r"url\(['\"]?([^'\")]+)['\"]?\)", decoded(response).decode(errors="replace")):
                if not found.startswith("data:"):
                    queue.append(urljoin(url, found))
    return rows


def decoded(response):
    return gzip.decompress(response.body) if response.headers.get("Content-Encoding") == "gzip" else response.body


def measure_under_load(options, environment, selected, cookies):
    log_path = Path(tempfile.gettempdir()) / f"national-benchmark-gunicorn-{options.port}.log"
    process = start_gunicorn(options, environment, log_path)
    try:
        trivial_first = None
        for page in selected:
            cookie = cookies.get(page.user)
            for _ in range(2):  # warm-up, and the page must answer 200 (a redirect means the login did not hold)
                response = fetch(options, page.url, cookie)
            if response.status != 200:
                sys.exit(f"{page.name} ({page.url}) answered {response.status}; see {log_path}")
            print(f"wrk {page.name} ({page.url}) ...", file=sys.stderr, flush=True)
            page.results.update(run_wrk(options, page, cookie))
            if page.url == "/healthz" and trivial_first is None:
                trivial_first = dict(page.results)
        trivial = next(page for page in selected if page.url == "/healthz")
        print("wrk trivial view again ...", file=sys.stderr, flush=True)
        trivial_last = run_wrk(options, trivial, None)
        wire = home_on_the_wire(options)
    finally:
        process.terminate()
        process.wait(timeout=30)
    return trivial_first, trivial_last, wire


# With caches off, in this process -----------------------------------------------------------------------------


def measure_single_requests(options, selected, users):
    from django.conf import settings
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    dummy = {alias: {"BACKEND": "django.core.cache.backends.dummy.DummyCache"} for alias in settings.CACHES}
    with override_settings(CACHES=dummy):
        clients = {None: Client()}
        for role, user in users.items():
            clients[role] = Client()
            clients[role].force_login(user)
        for page in selected:
            client = clients[page.user]
            response = client.get(page.url, secure=True, HTTP_HOST=HOST)
            if response.status_code != 200:
                sys.exit(f"{page.name} ({page.url}) answered {response.status_code} in process")
            timings = []
            for _ in range(options.runs):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(page.url, secure=True, HTTP_HOST=HOST)
                    timings.append((time.perf_counter() - started) * 1000)
            body = response.getvalue() if not response.streaming else b"".join(response.streaming_content)
            page.results.update(
                server_ms=statistics.median(timings),
                queries=len(queries.captured_queries),
                html_bytes=len(body),
                gzip_bytes=len(gzip.compress(body, compresslevel=6)),
            )


# Report -------------------------------------------------------------------------------------------------------


def met(value, target, at_least=True):
    if target is None or value is None:
        return "–"
    return "yes" if (value >= target if at_least else value <= target) else "**no**"


def ms(value):
    return "–" if value is None else f"{value:,.0f}" if value >= 10 else f"{value:.1f}"


def report(selected, trivial_first, trivial_last, wire):
    if trivial_first is not None:
        trivial_rps = (trivial_first["rps"] + trivial_last["rps"]) / 2
        print(
            f"\nUnder load (wrk -c16, gunicorn 2 sync workers): trivial view {trivial_first['rps']:,.0f} requests/s "
            f"first, {trivial_last['rps']:,.0f} last; ratios to their mean, {trivial_rps:,.0f}.\n"
        )
        print("| page | requests/s | p50 ms | p99 ms | errors | ratio | target | met? |")
        print("|---|---:|---:|---:|---:|---:|---:|---|")
        for page in selected:
            results = page.results
            if "rps" not in results:
                continue
            ratio = results["rps"] / trivial_rps
            target = RATIO_TARGET.get(page.kind)
            p99_target = P99_TARGET_MS.get(page.kind)
            verdict = met(ratio, target)
            if p99_target is not None and verdict == "yes":
                verdict = met(results["p99"], p99_target, at_least=False)
            target_text = "–" if target is None else f"≥ {target}" + (f", p99 < {p99_target}" if p99_target else "")
            print(
                f"| {page.name} | {results['rps']:,.1f} | {ms(results['p50'])} | {ms(results['p99'])} | "
                f"{results['errors']} | {ratio:.4f} | {target_text} | {verdict} |"
            )
    print("\nOne request at a time, caches off (DummyCache), in process: median of the runs.\n")
    print("| page | server ms | target ms | met? | queries | HTML KB | gzipped KB | ≤ 200 KB? |")
    print("|---|---:|---:|---|---:|---:|---:|---|")
    for page in selected:
        results = page.results
        if page.url == "/healthz" or "server_ms" not in results:
            continue
        target = TIME_TARGET_MS[page.kind]
        print(
            f"| {page.name} | {ms(results['server_ms'])} | {target} | {met(results['server_ms'], target, False)} | "
            f"{results['queries']} | {results['html_bytes'] / 1000:,.1f} | {results['gzip_bytes'] / 1000:,.1f} | "
            f"{met(results['html_bytes'], MAX_HTML_BYTES, False)} |"
        )
    if wire:
        total = sum(size for _, size, _ in wire)
        print(
            f"\nHome with all its assets on the wire (Accept-Encoding: gzip, bodies only): {total / 1000:,.1f} KB "
            f"(target ≤ {HOME_WIRE_TARGET_BYTES / 1000:.0f} KB: {met(total, HOME_WIRE_TARGET_BYTES, False)})\n"
        )
        print("| file | bytes on the wire | Content-Encoding |")
        print("|---|---:|---|")
        for url, size, encoding in wire:
            print(f"| {url} | {size:,} | {encoding} |")


def main():
    options = parse_args()
    if not options.database_url or not options.database_url.startswith(("postgres://", "postgresql://")):
        sys.exit("Give a scratch PostgreSQL database: --database-url postgres://... (or DATABASE_URL).")
    static_root = Path(tempfile.mkdtemp(prefix="national-benchmark-static-"))
    environment = production_environment(options, static_root)
    os.environ.update(environment)
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.test.utils import setup_test_environment

    try:
        prepare_database(options, environment)
        vacuum_analyze()
        all_pages = pages()
        wanted = {name.strip() for name in options.pages.split(",")} if options.pages else None
        selected = [page for page in all_pages if wanted is None or page.name in wanted or page.url == "/healthz"]
        if wanted and wanted - {page.name for page in all_pages}:
            sys.exit(f"No such pages: {', '.join(sorted(wanted - {page.name for page in all_pages}))}")
        users, cookies = benchmark_users()
        trivial_first = trivial_last = wire = None
        if not options.skip_load:
            manage(environment, "collectstatic", "--noinput", "--verbosity", "0")
            import redis

            redis.Redis.from_url(options.cache_url).flushdb()
            trivial_first, trivial_last, wire = measure_under_load(options, environment, selected, cookies)
        setup_test_environment()
        measure_single_requests(options, selected, users)
        report(selected, trivial_first, trivial_last, wire)
    finally:
        shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    main()
