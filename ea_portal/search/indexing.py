"""Writing the search index: a batch of objects of one kind at a time, in a fixed number of queries.

Changes are not indexed one signal at a time (loading the programme alone saves a partnership's entry dozens
of times, once per authority and approach): signals `schedule` what they touched, and the batch is written
when the transaction commits, or earlier when something reads the index (`flush_pending`), so a search always
sees the transaction's own changes. Indexing an object reads it afresh from the database, so writing an entry
twice, late, or after a rollback is always safe.

Examples scheduled for reindexing are also queued for their related examples (ea_portal.search.related): on
commit a task on the worker recomputes them; something reading related examples in the same transaction (a
test, or a view right after a change) computes them first.

Each entry row is written once: its vector is computed in the same INSERT ... ON CONFLICT UPDATE that writes
its text. A rebuild empties the tables with one DELETE each (no rows loaded), inserts, recomputes every related
list in bulk, and ANALYZEs what it wrote: these machines run PostgreSQL without autovacuum, and a plan made
from the statistics of a nearly empty index is a slow plan.
"""

import threading
from collections import defaultdict
from itertools import batched

from django.db import connection, transaction
from django.db.models.expressions import RawSQL

from ea_portal.search.models import RelatedExample, SearchEntry, SearchKind
from ea_portal.search.sources import SOURCES

BATCH_SIZE = 500
ENTRY_FIELDS = [
    "title",
    "url",
    "themes_text",
    "summary",
    "body",
    "names",
    "partnership_id",
    "stage",
    "resource_kind",
    "date",
    "published_at",
    "public",
    "public_from",
    "theme_ids",
]
# The example ids whose related examples wait to be recomputed (see the module's docstring).
RELATED = "related"


# Title and theme names above summary above body; English stemming ("reviews" finds "review"). Raw SQL with the
# document's own text as parameters, so the row's INSERT computes its vector (no second UPDATE of every row) and
# building a batch costs no expression compiling per row; the same vector as
# SearchVector("title", "themes_text", weight="A") + SearchVector("summary", weight="B") + SearchVector("body",
# weight="C"), all config="english".
WEIGHTED_VECTOR_SQL = " || ".join(
    f"setweight(to_tsvector('english'::regconfig, %s), '{weight}')" for weight in ("A", "B", "C")
)


def weighted_vector(doc):
    # The SQL is a constant; the text goes as parameters.
    return RawSQL(WEIGHTED_VECTOR_SQL, (f"{doc.title} {doc.themes_text}", doc.summary, doc.body))  # noqa: S611


def uses_full_text_search():
    return connection.vendor == "postgresql"


_pending = threading.local()


def pending():
    if not hasattr(_pending, "keys"):
        _pending.keys = defaultdict(set)
    return _pending.keys


def schedule(kind, object_ids):
    """Reindex these objects when the transaction commits (at once outside a transaction), or before the index
    is next read, whichever comes first."""
    pending()[kind].update(object_ids)
    if kind == SearchKind.EXAMPLE:
        # Published, unpublished, edited, given other themes or deleted: its related examples, and others', may
        # change. They are computed from the examples themselves, not from the index.
        pending()[RELATED].update(object_ids)
    # Every time, not only when the batch was empty: a rolled-back transaction drops its callbacks but not the
    # batch, and the next commit must still write it. Flushing an empty batch costs nothing.
    transaction.on_commit(flush_pending)
    transaction.on_commit(enqueue_related)


def flush_pending():
    """Write every scheduled change. Everything that reads the index calls this first."""
    keys = pending()
    while any(object_ids for kind, object_ids in keys.items() if kind != RELATED):
        kind = next(kind for kind, object_ids in keys.items() if object_ids and kind != RELATED)
        object_ids = keys.pop(kind)
        index_objects(kind, object_ids)


def take_related():
    """The example ids waiting for their related examples, now taken off the queue."""
    return sorted(pending().pop(RELATED, ()))


def enqueue_related():
    """After commit: the worker recomputes the related examples of the examples this transaction changed."""
    from ea_portal.search.tasks import update_related_examples

    example_ids = take_related()
    if example_ids:
        update_related_examples.enqueue(example_ids)


def index_objects(kind, object_ids):
    """(Re)index these objects of one kind; objects that no longer exist leave the index."""
    source = SOURCES[kind]
    object_ids = set(object_ids)
    if not object_ids:
        return
    objects = list(source.queryset().filter(pk__in=object_ids))
    gone = object_ids - {obj.pk for obj in objects}
    if gone:
        remove_objects(kind, gone)
    if not objects:
        return
    renamed = renamed_objects(kind, objects)
    write_documents([source.document(obj) for obj in objects])
    for obj in renamed:
        schedule_dependants(kind, obj)


def renamed_objects(kind, objects):
    """Themes and partnerships whose name changed: their names are in other entries too."""
    if kind not in (SearchKind.THEME, SearchKind.PARTNERSHIP):
        return []
    titles = dict(
        SearchEntry.objects.filter(kind=kind, object_id__in=[obj.pk for obj in objects]).values_list(
            "object_id", "title"
        )
    )
    return [obj for obj in objects if obj.pk in titles and titles[obj.pk] != obj.name]


def schedule_dependants(kind, obj):
    """A theme's name is in the entry of everything with the theme; a partnership's in its examples' entries."""
    if kind == SearchKind.THEME:
        for other_kind, object_id in entries_with_theme(obj):
            schedule(other_kind, [object_id])
    else:
        schedule(SearchKind.EXAMPLE, obj.learning_examples.values_list("pk", flat=True))


def entries_with_theme(theme, kinds=None):
    """(kind, object_id) of every entry linked to the theme, other than the theme's own."""
    entries = SearchEntry.objects.filter(themes=theme).exclude(kind=SearchKind.THEME)
    if kinds is not None:
        entries = entries.filter(kind__in=kinds)
    return list(entries.values_list("kind", "object_id"))


def remove_objects(kind, object_ids):
    SearchEntry.objects.filter(kind=kind, object_id__in=object_ids).delete()


@transaction.atomic
def write_documents(documents, fresh=False):
    """Upsert the entries with their vectors (on PostgreSQL) and replace their theme links: four queries for
    the whole batch (three when `fresh`: a rebuild's empty tables have no old links to delete)."""
    full_text = uses_full_text_search()
    entries = [
        SearchEntry(
            kind=doc.kind,
            object_id=doc.object_id,
            search_vector=weighted_vector(doc) if full_text else None,
            **{name: getattr(doc, name) for name in ENTRY_FIELDS},
        )
        for doc in documents
    ]
    SearchEntry.objects.bulk_create(
        entries,
        update_conflicts=True,
        unique_fields=["kind", "object_id"],
        update_fields=[*ENTRY_FIELDS, "search_vector"],
    )
    keys = {(doc.kind, doc.object_id): doc for doc in documents}
    kinds = {doc.kind for doc in documents}
    entry_ids = {
        (kind, object_id): pk
        for pk, kind, object_id in SearchEntry.objects.filter(
            kind__in=kinds, object_id__in=[doc.object_id for doc in documents]
        ).values_list("pk", "kind", "object_id")
        if (kind, object_id) in keys
    }
    links = SearchEntry.themes.through
    if not fresh:
        links.objects.filter(searchentry_id__in=entry_ids.values())._raw_delete(links.objects.db)
    links.objects.bulk_create(
        links(searchentry_id=entry_ids[key], theme_id=theme.pk)
        for key, doc in keys.items()
        for theme in {theme.pk: theme for theme in doc.themes}.values()
    )


def empty_index():
    """Delete every entry, theme link and related example with one DELETE per table: the ORM's delete() would
    load every entry to look for cascades first."""
    for model in (SearchEntry.themes.through, RelatedExample, SearchEntry):
        model.objects.all()._raw_delete(model.objects.db)


def index_tables():
    return [model._meta.db_table for model in (SearchEntry, SearchEntry.themes.through, RelatedExample)]


def analyze_index():
    """Fresh planner statistics for the tables just written (autovacuum is off on these machines). Outside a
    transaction, PostgreSQL also VACUUMs them: a rebuild leaves every old row dead, and without autovacuum they
    would stay, each rebuild making every scan of the index slower (and index-only scans need the visibility map
    that VACUUM sets)."""
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        for table in index_tables():
            cursor.execute(f"{'VACUUM (ANALYZE)' if vacuum else 'ANALYZE'} {connection.ops.quote_name(table)}")


def rebuild(stdout=None):
    """Empty the index and index everything again, then every example's related examples, in one transaction
    (searches meanwhile see the old index); then fresh statistics. Returns the number of entries per kind."""
    from ea_portal.search.related import rebuild_related

    with transaction.atomic():
        pending().clear()
        empty_index()
        counts = dict.fromkeys(SOURCES, 0)
        for kind, source in SOURCES.items():
            ids = source.model.objects.order_by("pk").values_list("pk", flat=True)
            for batch in batched(ids.iterator(chunk_size=BATCH_SIZE), BATCH_SIZE):
                objects = list(source.queryset().filter(pk__in=batch))
                write_documents([source.document(obj) for obj in objects], fresh=True)
                counts[kind] += len(objects)
        lists = rebuild_related()
    analyze_index()
    if stdout is not None:
        total = sum(counts.values())
        details = ", ".join(
            f"{count} {SOURCES[kind].model._meta.verbose_name_plural}" for kind, count in counts.items()
        )
        stdout.write(f"Search index rebuilt: {total} entries ({details}); related examples of {lists} examples.")
    return counts
