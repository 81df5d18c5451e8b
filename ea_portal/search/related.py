"""Related examples for a learning example: published examples sharing its themes or its words."""

from functools import reduce
from operator import or_

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from ea_portal.models import SearchEntry, SearchKind
from ea_portal.search.indexing import flush_pending, uses_full_text_search
from ea_portal.search.query import EDGE_PUNCTUATION, STOP_WORDS
from learning.models import LearningExample

RELATED_EXAMPLES = 5
TITLE_WORDS = 12


def title_query(title):
    """Any of the title's meaningful words, stemmed: the text similarity of other examples to this one."""
    words = [EDGE_PUNCTUATION.sub("", word) for word in title.split()]
    words = [word for word in words if len(word) > 2 and word.lower() not in STOP_WORDS][:TITLE_WORDS]
    if not words:
        return None
    return reduce(or_, (SearchQuery(word, config="english") for word in words))


def related_examples(example, theme_ids, limit=RELATED_EXAMPLES):
    """Up to `limit` published examples, most shared themes first, then (on PostgreSQL) the closest in wording to
    this example's title, then the newest. Two queries, whatever the number of examples."""
    flush_pending()
    shared_themes = (
        SearchEntry.themes.through.objects.filter(searchentry_id=OuterRef("pk"), theme_id__in=theme_ids)
        .values("searchentry_id")
        .annotate(total=Count("pk"))
        .values("total")
    )
    candidates = SearchEntry.objects.filter(
        kind=SearchKind.EXAMPLE,
        object_id__in=LearningExample.objects.published().exclude(pk=example.pk).values("pk"),
    ).annotate(shared_themes=Coalesce(Subquery(shared_themes, output_field=IntegerField()), Value(0)))
    related = Q(shared_themes__gt=0)
    ordering = [F("shared_themes").desc()]
    query = title_query(example.title) if uses_full_text_search() else None
    if query is not None:
        candidates = candidates.annotate(similarity=SearchRank(F("search_vector"), query))
        related |= Q(search_vector=query)
        ordering.append(F("similarity").desc(nulls_last=True))
    ordering += [F("date").desc(nulls_last=True), "pk"]
    ids = list(candidates.filter(related).order_by(*ordering).values_list("object_id", flat=True)[:limit])
    examples = LearningExample.objects.select_related("partnership").in_bulk(ids)
    return [examples[pk] for pk in ids if pk in examples]
