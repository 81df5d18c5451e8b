"""Related examples for a learning example, stored (RelatedExample) rather than worked out on every page view.

The example page reads its list in one query (`related_examples`). The lists are computed here when examples
change: indexing an example queues it (ea_portal.search.indexing), and on commit a task on the worker
(ea_portal.search.tasks) recomputes its list and the lists of the examples it may now belong to or drop out
of. `rebuild_search_index` recomputes every list at once (`rebuild_related`).

Scoring, from a bounded set of candidates among the published examples:
- each shared theme counts THEME_SCORE, more than any wording can, so shared themes come first; the candidates
  through themes are the newest THEME_CANDIDATES examples of each of the example's themes;
- then shared title words, each weighted by its rarity (log of published examples / examples with the word in
  their title). Only the example's RARE_WORDS rarest words count, and only words found in at most
  max(MIN_WORD_EXAMPLES, 1/WORD_SHARE of the examples): a word such as "partnership", in nearly every title,
  says nothing and would make every example a candidate;
- ties go to the newest.
An unpublished example leaves the lists at once: the read keeps published examples only, whatever is stored.
After a change, the lists recomputed are bounded too: the changed example's own, those naming it, and those of
its candidates it now scores into; a list elsewhere that it would only tie into stays as it is until the next
`rebuild_search_index`. The same Python scoring serves SQLite and PostgreSQL.
"""

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import batched

from django.db import transaction
from django.db.models import Count, Min

from ea_portal.search.indexing import take_related
from ea_portal.search.models import RelatedExample
from ea_portal.search.query import STOP_WORDS
from learning.models import LearningExample

RELATED_EXAMPLES = 5
THEME_SCORE = 1000.0
THEME_CANDIDATES = 100
RARE_WORDS = 4
MIN_WORD_EXAMPLES = 50
WORD_SHARE = 50
WORD = re.compile(r"[^\W_]+")
WRITE_BATCH = 5000


def title_words(title):
    """The title's meaningful words, lower case, with a plural "s" taken off ("reviews" counts as "review")."""
    words = set()
    for word in WORD.findall(title.lower()):
        if len(word) <= 2 or word in STOP_WORDS or word.isdigit():
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.add(word)
    return words


@dataclass
class Item:
    pk: int
    themes: frozenset
    words: frozenset
    newest: tuple  # sorts the newest first


class Corpus:
    """The published examples' themes and title words, and the indexes that find an example's candidates."""

    def __init__(self, items):
        self.items = {item.pk: item for item in items}
        self.by_theme = defaultdict(list)
        self.by_word = defaultdict(list)
        for item in sorted(self.items.values(), key=lambda item: item.newest):
            for theme_id in item.themes:
                self.by_theme[theme_id].append(item.pk)
            for word in item.words:
                self.by_word[word].append(item.pk)
        total = len(self.items)
        self.max_word_examples = max(MIN_WORD_EXAMPLES, total // WORD_SHARE)
        self.rarity = {word: math.log((total + 1) / len(pks)) + 1 for word, pks in self.by_word.items()}

    def scores(self, item):
        """The candidates' scores against `item` (which need not be published), best first."""
        scores = Counter()
        for theme_id in item.themes:
            for pk in self.by_theme.get(theme_id, ())[:THEME_CANDIDATES]:
                scores[pk] += THEME_SCORE
        words = [word for word in item.words if 0 < len(self.by_word.get(word, ())) <= self.max_word_examples]
        for word in sorted(words, key=lambda word: (-self.rarity[word], word))[:RARE_WORDS]:
            for pk in self.by_word[word]:
                scores[pk] += self.rarity[word]
        scores.pop(item.pk, None)
        return sorted(scores.items(), key=lambda pair: (-pair[1], self.items[pair[0]].newest))

    def related(self, item, limit=RELATED_EXAMPLES):
        return self.scores(item)[:limit]


def load_items(examples):
    """Items for these examples: two queries (the examples, their themes), however many."""
    rows = list(examples.order_by().values_list("pk", "title", "published_at", "created"))
    themes = defaultdict(set)
    links = LearningExample.themes.through.objects.filter(learningexample_id__in=examples.order_by().values("pk"))
    for example_id, theme_id in links.values_list("learningexample_id", "theme_id").iterator(chunk_size=10_000):
        themes[example_id].add(theme_id)
    items = []
    for pk, title, published_at, created in rows:
        newest = -(published_at or created).timestamp()
        items.append(Item(pk, frozenset(themes[pk]), frozenset(title_words(title)), (newest, -pk)))
    return items


def rows_for(example_id, related):
    return [
        RelatedExample(example_id=example_id, related_id=pk, score=score, position=position)
        for position, (pk, score) in enumerate(related, start=1)
    ]


@transaction.atomic
def replace_lists(lists):
    """Store these examples' lists ({example id: [(related id, score)]}), replacing what they had."""
    for example_ids in batched(lists, WRITE_BATCH):
        RelatedExample.objects.filter(example_id__in=example_ids)._raw_delete(RelatedExample.objects.db)
    rows = [row for example_id, related in lists.items() for row in rows_for(example_id, related)]
    RelatedExample.objects.bulk_create(rows, batch_size=WRITE_BATCH)


def update_related(example_ids):
    """Recompute the lists of these (changed) examples, and of every example whose list they may enter or leave:
    the lists that name them, and their candidates that now score them at least as high as their list's last."""
    example_ids = set(example_ids)
    corpus = Corpus(load_items(LearningExample.objects.published()))
    changed = {item.pk: item for item in load_items(LearningExample.objects.filter(pk__in=example_ids))}
    lists = {pk: corpus.related(item) for pk, item in changed.items()}

    naming = set(RelatedExample.objects.filter(related_id__in=example_ids).values_list("example_id", flat=True))
    scored = {}
    for pk, item in changed.items():
        if pk in corpus.items:
            for other, score in corpus.scores(item):
                scored[other] = max(score, scored.get(other, 0.0))
    stored = {
        example_id: (count, lowest)
        for example_id, count, lowest in RelatedExample.objects.filter(example_id__in=scored)
        .values("example_id")
        .annotate(count=Count("pk"), lowest=Min("score"))
        .values_list("example_id", "count", "lowest")
    }
    entering = {
        pk
        for pk, score in scored.items()
        if pk not in stored or stored[pk][0] < RELATED_EXAMPLES or score >= stored[pk][1]
    }
    others = (naming | entering) - set(lists)
    if others:
        # Drafts and other unpublished examples that named a changed one are not in the corpus: load them too.
        missing = others - set(corpus.items)
        unpublished = load_items(LearningExample.objects.filter(pk__in=missing))
        items = {**corpus.items, **{item.pk: item for item in unpublished}}
        for pk in others:
            if pk in items:
                lists[pk] = corpus.related(items[pk])
    replace_lists(lists)
    return len(lists)


def rebuild_related():
    """Every example's list, from scratch (the index rebuild): a few queries and one pass in memory, in
    minutes at the national data set's 20,000 examples. Returns the number of examples given a list."""
    every = load_items(LearningExample.objects.all())
    published = set(LearningExample.objects.published().values_list("pk", flat=True))
    corpus = Corpus(item for item in every if item.pk in published)
    RelatedExample.objects.all()._raw_delete(RelatedExample.objects.db)
    rows = []
    for item in every:
        rows.extend(rows_for(item.pk, corpus.related(item)))
        if len(rows) >= WRITE_BATCH:
            RelatedExample.objects.bulk_create(rows)
            rows = []
    RelatedExample.objects.bulk_create(rows)
    return len(every)


def related_examples(example, theme_ids=None, limit=RELATED_EXAMPLES):
    """Up to `limit` published examples related to `example`, best first, as stored: one query. Examples changed
    in this transaction and not yet recomputed (the worker does it after commit) are recomputed first, so a
    change is always reflected in the same request. `theme_ids` is no longer needed (the stored scores include
    the themes); it is accepted so the hook's callers need not change."""
    waiting = take_related()
    if waiting:
        update_related(waiting)
    rows = RelatedExample.objects.shown_with(example).select_related("related__partnership")[:limit]
    return [row.related for row in rows]
