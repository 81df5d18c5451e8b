"""The portal-wide search index: one row per searchable thing, kept up to date by ea_portal.search.signals;
and the stored related examples of each learning example.

Imports go one way: models -> sources (what each kind indexes, and who may see it) -> kinds."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models

from ea_portal.search.kinds import SearchKind
from ea_portal.search.sources import visibility_filter
from learning.models import State


class SearchEntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Only entries whose object this user may open, decided from the entry's own columns (`public`,
        `public_from`, `kind`, `partnership`), which indexing copies from the object's state with the same rules
        as the model's `visible_to`: search never joins back to the content's tables, and never shows (or
        counts, or quotes) anything the object's own pages would refuse."""
        return self.filter(visibility_filter(user))


class SearchEntry(models.Model):
    """The searchable text and facets of one example, resource, FAQ, newsletter issue, theme or partnership."""

    kind = models.CharField(max_length=20, choices=SearchKind.choices)
    object_id = models.PositiveBigIntegerField()
    title = models.CharField(max_length=300)
    url = models.CharField(max_length=500)
    themes_text = models.TextField(blank=True, help_text="The names of the themes, weighted like the title.")
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    # Names a near-miss spelling should still find: a partnership's and its authorities' names, a theme's names.
    names = models.TextField(blank=True)
    themes = models.ManyToManyField("partnerships.Theme", blank=True, related_name="+")
    # The same themes' ids as ",3,7,": the search's theme filter and theme counts read them from the row
    # (ea_portal.search.query), with no join to the links; the links serve reindexing after a theme changes.
    theme_ids = models.CharField(max_length=500, blank=True, default="")
    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    stage = models.CharField(max_length=30, blank=True, help_text="A learning example's stage.")
    resource_kind = models.CharField(max_length=20, blank=True, help_text="A resource's kind.")
    date = models.DateTimeField(null=True, blank=True, help_text="Published or last updated; sorts by date.")
    # /learning/'s own order (newest published first, the deck's examples too, which have no `date`), so that its
    # word filter counts and pages the matches from these rows alone (matching_listing), without joining them to
    # the wide examples table.
    published_at = models.DateTimeField(null=True, blank=True, help_text="A learning example's published_at.")
    # Who may see it, copied from the object whenever it is indexed (see ea_portal.search.sources): public is
    # what the object's `published()` says; a newsletter issue scheduled for later is public from then.
    public = models.BooleanField(default=False, help_text="Everyone may see it (from public_from, if set).")
    public_from = models.DateTimeField(null=True, blank=True, help_text="A scheduled newsletter issue's time.")
    # Title and theme names (A), summary (B), body (C), English stemming; written by ea_portal.search.indexing on
    # PostgreSQL only. Its GIN index, and the trigram index on `names`, are made by migration ea_portal 0001 on
    # PostgreSQL only, so that SQLite can still migrate.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = SearchEntryQuerySet.as_manager()

    class Meta:
        # The table kept its name when search became its own app, so existing databases keep their rows (the
        # migrations ea_portal 0002 and search 0001 only move the model between apps' states).
        db_table = "ea_portal_searchentry"
        verbose_name_plural = "search entries"
        ordering = ["kind", "title"]
        constraints = [
            # Indexing upserts on (kind, object_id): one entry per object, even when two saves race.
            models.UniqueConstraint(fields=["kind", "object_id"], name="searchentry_unique_object"),
        ]
        indexes = [
            # /learning/ filtered by words (ea_portal.search.query.matching_listing): its page in the list's own
            # order, read by walking this index and testing each entry's vector until 20 match, when the word
            # is common; a rare word's few matches are found by the vector's GIN index and sorted.
            models.Index(
                models.F("published_at").desc(),
                models.F("object_id").desc(),
                name="searchentry_example_order_idx",
                condition=models.Q(kind=SearchKind.EXAMPLE, public=True),
            ),
            # Sorting by date: searchentry_newest_idx, made by migration search 0002 on PostgreSQL only (SQLite
            # cannot index "DESC NULLS LAST").
            # The facet counts of the list with no words (ea_portal.search.query.count_facets): visibility and
            # every facet's column in one index, counted by an index-only scan rather than over the wide rows.
            models.Index(
                fields=["public", "kind", "partnership", "stage", "theme_ids", "public_from"],
                name="searchentry_facets_idx",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"

    def get_absolute_url(self):
        return self.url


class RelatedExampleQuerySet(models.QuerySet):
    def shown_with(self, example):
        """The published examples stored as related to this one, best first. Whether the related example is
        still published is read at once, so an unpublished example leaves every list the moment it goes."""
        return self.filter(example=example, related__state=State.PUBLISHED).order_by("position")


class RelatedExample(models.Model):
    """One of a learning example's related examples, computed when examples change (ea_portal.search.related)
    so that an example page reads its list in one query instead of comparing it with every other example."""

    # No index of its own: the unique constraint on (example, position) starts with it.
    example = models.ForeignKey("learning.LearningExample", on_delete=models.CASCADE, related_name="+", db_index=False)
    # Indexed (the foreign key's own index): recomputing after a change finds every list naming the example.
    related = models.ForeignKey("learning.LearningExample", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(help_text="Shared themes, then shared rare title words.")
    position = models.PositiveSmallIntegerField(help_text="1 for the most related.")

    objects = RelatedExampleQuerySet.as_manager()

    class Meta:
        ordering = ["example", "position"]
        constraints = [
            # One row per place in a list; the example page reads a list in order through its index.
            models.UniqueConstraint(fields=["example", "position"], name="relatedexample_unique_position"),
        ]

    def __str__(self):
        return f"{self.related_id} is related to {self.example_id} (#{self.position})"

    def get_absolute_url(self):
        return self.example.get_absolute_url()
