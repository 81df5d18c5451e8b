"""Related examples for a learning example: published examples sharing its themes or its words."""

from functools import reduce
from operator import or_

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Count, F, FloatField, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from ea_portal.search.indexing import uses_full_text_search
from ea_portal.search.models import SearchEntry, SearchKind
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
    this example's title by the search index's vectors, then the newest. One query, whatever the number of
    examples. Shared themes come from the examples themselves; wording from the index as last committed."""
    shared_themes = (
        LearningExample.themes.through.objects.filter(learningexample_id=OuterRef("pk"), theme_id__in=theme_ids)
        .values("learningexample_id")
        .annotate(total=Count("pk"))
        .values("total")
    )
    candidates = (
        LearningExample.objects.published()
        .exclude(pk=example.pk)
        .annotate(shared_themes=Coalesce(Subquery(shared_themes, output_field=IntegerField()), Value(0)))
    )
    related = Q(shared_themes__gt=0)
    ordering = [F("shared_themes").desc()]
    query = title_query(example.title) if uses_full_text_search() else None
    if query is not None:
        similar = SearchEntry.objects.filter(kind=SearchKind.EXAMPLE, search_vector=query)
        similarity = similar.filter(object_id=OuterRef("pk")).annotate(rank=SearchRank(F("search_vector"), query))
        candidates = candidates.annotate(
            similarity=Coalesce(Subquery(similarity.values("rank")[:1], output_field=FloatField()), Value(0.0))
        )
        related |= Q(pk__in=similar.values("object_id"))
        ordering.append(F("similarity").desc())
    ordering += [F("published_at").desc(nulls_last=True), "pk"]
    return list(candidates.filter(related).select_related("partnership").order_by(*ordering)[:limit])
