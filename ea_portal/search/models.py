"""The portal-wide search index: one row per searchable thing, kept up to date by ea_portal.search.signals.

Imports go one way: models -> sources (what each kind indexes, and who may see it) -> kinds."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models

from ea_portal.search.kinds import SearchKind
from ea_portal.search.sources import visibility_filter


class SearchEntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Only entries whose object this user may open. Each kind asks its own model's `visible_to`, so search
        can never show (or count, or quote) anything the object's own pages would refuse."""
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
    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    stage = models.CharField(max_length=30, blank=True, help_text="A learning example's stage.")
    resource_kind = models.CharField(max_length=20, blank=True, help_text="A resource's kind.")
    date = models.DateTimeField(null=True, blank=True, help_text="Published or last updated; sorts by date.")
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
            # Sorting results by date, newest first.
            models.Index(fields=["-date"], name="searchentry_date_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"

    def get_absolute_url(self):
        return self.url
