"""Search at scale: load at least 10,000 learning examples into a PostgreSQL database, then print the query plan
(EXPLAIN ANALYZE) of the search page's main query and of its facet counts, and how long whole searches take.

Run against a scratch database (never a real one: it adds thousands of made-up examples):

    createdb ea_portal_bench
    export DATABASE_URL=postgres://USER:PASSWORD@127.0.0.1:5432/ea_portal_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python benchmarks/search_explain.py --examples 10000 --query "peer review"

Running it again tops the examples up to --examples and measures again.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ea_portal.settings")

import django

django.setup()

from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.http import QueryDict  # noqa: E402
from django.utils import timezone  # noqa: E402

from ea_portal.search.indexing import rebuild  # noqa: E402
from ea_portal.search.models import SearchEntry  # noqa: E402
from ea_portal.search.query import RESULTS_PER_PAGE, SearchParams, build_queries, search  # noqa: E402
from learning import seed as learning_seed  # noqa: E402
from learning.models import LearningExample, Stage, State  # noqa: E402
from partnerships import programme_data  # noqa: E402
from partnerships.models import Partnership, Theme  # noqa: E402

SLUG_PREFIX = "benchmark-example-"
ACTIVITIES = [
    "peer review", "independent scrutiny", "practice evaluation", "learning review", "child death review",
    "multi-agency audit", "section 11 audit", "line of sight event", "assurance event", "family group conference",
    "school safeguarding forum", "contextual safeguarding panel", "voice of the child survey", "young inspectors",
    "funding formula", "information sharing agreement", "neglect strategy", "exploitation hub",
]  # fmt: skip
SETTINGS = [
    "between neighbouring partnerships", "within the local authority", "with the police", "across health providers",
    "with schools and colleges", "with the voluntary and faith sector", "across the region", "with families",
]  # fmt: skip
SENTENCES = [
    "Practitioners from each agency took part and reported back to the safeguarding partners.",
    "The approach was tested over six months and evaluated by the partnership's business unit.",
    "Children and young people helped design the questions and reviewed the findings.",
    "The board agreed a shared set of measures and a timetable for reporting.",
    "Frontline staff said the sessions improved their understanding of each other's roles.",
    "An independent reviewer challenged the partners on the evidence for their conclusions.",
    "Funding came from the three partners in equal shares, with a contribution from schools.",
    "Learning was shared through briefings, newsletters and a practitioner conference.",
]


def add_examples(total, rng):
    """Top the benchmark examples up to `total`, in bulk (no signals): the index is rebuilt afterwards."""
    existing = LearningExample.objects.filter(slug__startswith=SLUG_PREFIX).count()
    partnerships = list(Partnership.objects.all())
    themes = list(Theme.objects.all())
    now = timezone.now()
    batch = []
    for number in range(existing, total):
        activity, setting = rng.choice(ACTIVITIES), rng.choice(SETTINGS)
        published = rng.random() < 0.9
        batch.append(
            LearningExample(
                title=f"{activity.capitalize()} {setting} ({number})",
                slug=f"{SLUG_PREFIX}{number}",
                partnership=rng.choice(partnerships),
                stage=rng.choice(Stage.values),
                summary=f"How one partnership ran {activity} {setting}. " + rng.choice(SENTENCES),
                context=" ".join(rng.sample(SENTENCES, 3)),
                what_was_done=f"The partners set up {rng.choice(ACTIVITIES)}. " + " ".join(rng.sample(SENTENCES, 4)),
                impact_and_evidence=" ".join(rng.sample(SENTENCES, 2)),
                contact_name="Benchmark contact",
                state=State.PUBLISHED if published else State.DRAFT,
                published_at=now - timezone.timedelta(days=rng.randint(0, 900)) if published else None,
            )
        )
    created = LearningExample.objects.bulk_create(batch, batch_size=1000)
    links = LearningExample.themes.through
    links.objects.bulk_create(
        (
            links(learningexample_id=example.pk, theme_id=theme.pk)
            for example in created
            for theme in rng.sample(themes, rng.randint(1, 3))
        ),
        batch_size=5000,
    )
    return len(created)


def explain(queryset):
    return queryset.explain(analyze=True, buffers=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=10_000, help="benchmark examples to have (default 10000)")
    parser.add_argument("--query", default="peer review", help='the search to measure (default "peer review")')
    parser.add_argument("--runs", type=int, default=20, help="whole searches to time (default 20)")
    options = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit(
            "This benchmark measures PostgreSQL's full-text search: set DATABASE_URL to a scratch PostgreSQL database."
        )

    with transaction.atomic():
        programme_data.load()
        learning_seed.load()
        added = add_examples(options.examples, random.Random(2019))  # noqa: S311 (made-up text, repeatable)
    started = time.perf_counter()
    counts = rebuild()
    rebuilt_in = time.perf_counter() - started
    with connection.cursor() as cursor:
        # As autovacuum would after a bulk load: the rebuild replaced every row.
        for table in ("ea_portal_searchentry", "ea_portal_searchentry_themes", "learning_learningexample"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    print(f"Database: {connection.settings_dict['NAME']} ({connection.cursor().connection.server_version})")
    print(
        f"Learning examples: {LearningExample.objects.count()} ({added} added now), "
        f"{LearningExample.objects.published().count()} published"
    )
    print(f"Search entries: {SearchEntry.objects.count()} {counts}; index rebuilt in {rebuilt_in:.1f} s")

    visitor = AnonymousUser()
    params = SearchParams.from_query(QueryDict(f"q={options.query}"))
    themes, partnerships = list(Theme.objects.all()), list(Partnership.objects.all())
    queries = build_queries(params, visitor, themes, partnerships)
    print(f"\n== The main search query: a visitor's first page of results for {options.query!r}, by relevance ==\n")
    print(explain(queries.results[:RESULTS_PER_PAGE]))
    print("\n== The facets' counts by type, partnership and stage, which also give the number of results ==\n")
    combinations = queries.entries.order_by().values("kind", "partnership_id", "stage").annotate(total=Count("pk"))
    print(explain(combinations))

    timings = []
    for _ in range(options.runs):
        started = time.perf_counter()
        result = search(SearchParams.from_query(QueryDict(f"q={options.query}")), visitor)
        list(result.page_obj)
        timings.append((time.perf_counter() - started) * 1000)
    print(f"\n== Whole searches (five queries: two lists, two of facets, the page), {options.runs} runs ==")
    print(
        f"{result.page_obj.paginator.count} results; median {statistics.median(timings):.1f} ms, "
        f"fastest {min(timings):.1f} ms, slowest {max(timings):.1f} ms"
    )


if __name__ == "__main__":
    main()
