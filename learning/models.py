"""Learning examples, their review workflow and history, and the curated questions and approaches of themes."""

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from ea_portal.markdown import (
    LONG_MARKDOWN_LENGTH,
    SHORT_MARKDOWN_LENGTH,
    RenderedMarkdownField,
    RendersMarkdown,
    markdown_validators,
)
from ea_portal.text import unique_slug
from ea_portal.validators import validate_single_line
from partnerships.models import Partnership, Theme
from partnerships.roles import is_facilitator, led_partnership_ids


class Stage(models.TextChoices):
    """How far an approach has got; shown as a label wherever an example appears."""

    IDEA = "idea", "Idea"
    BEING_TESTED = "being-tested", "Being tested"
    EVALUATED_LOCALLY = "evaluated-locally", "Evaluated locally"
    INDEPENDENTLY_EVALUATED = "independently-evaluated", "Independently evaluated"


STAGE_EXPLANATIONS = {
    Stage.IDEA: "A plan or proposal that has not yet been put into practice. Useful for seeing what others are "
    "thinking about; there is no evidence yet of whether it works.",
    Stage.BEING_TESTED: "Being tried out in practice, for example as a pilot. Early learning may be available, "
    "but it has not been evaluated.",
    Stage.EVALUATED_LOCALLY: "Put into practice and evaluated by the partnership itself, for example through "
    "audit, feedback from practitioners and families, or performance data.",
    Stage.INDEPENDENTLY_EVALUATED: "Put into practice and evaluated by someone independent of the partnership, "
    "such as a university, an inspectorate or an independent reviewer.",
}


class State(models.TextChoices):
    """Where an example is in review. Only PUBLISHED examples are visible to everyone."""

    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for review"
    RETURNED = "returned", "Returned with feedback"
    PUBLISHED = "published", "Published"
    UNPUBLISHED = "unpublished", "Unpublished"


# States in which the partnership's own leads may still edit and submit an example.
LEAD_EDITABLE_STATES = frozenset({State.DRAFT, State.RETURNED, State.UNPUBLISHED})

# The Markdown sections of an example, in reading order: (field name, heading).
SECTIONS = [
    ("context", "Context"),
    ("what_was_done", "What was done"),
    ("helped_and_hindered", "What helped and what got in the way"),
    ("impact_and_evidence", "Impact and evidence"),
    ("resources_needed", "Resources needed"),
]
MARKDOWN_FIELDS = ["summary", *[name for name, _ in SECTIONS]]

# Slugs that are pages of their own under /learning/.
RESERVED_SLUGS = frozenset({"stages", "new", "feed"})


class LearningExampleQuerySet(models.QuerySet):
    def published(self):
        """Examples everyone may see. Lists, feeds, search and the dashboard all start from here."""
        return self.filter(state=State.PUBLISHED)

    def visible_to(self, user):
        """Examples this user may open: facilitators see every example; a partnership lead also sees every
        state of their own partnerships' examples; everyone else (visitors, other partnerships' leads) sees
        published examples only. Views answer 404 for anything outside this set."""
        if is_facilitator(user):
            return self.all()
        led = led_partnership_ids(user)
        if led:
            return self.filter(Q(state=State.PUBLISHED) | Q(partnership_id__in=led))
        return self.published()

    def editable_by(self, user):
        """Examples this user may open for editing (states are checked by the edit view)."""
        if is_facilitator(user):
            return self.all()
        return self.filter(partnership_id__in=led_partnership_ids(user))

    def newest_first(self):
        """Published examples, newest first. Every published example has a published_at (a check constraint),
        so where NULLs would sort does not arise, and the plain descending order is what example_published_order_idx
        serves. The primary key breaks ties, so that /learning/'s cursor pages (ea_portal.keyset) list every
        example once."""
        return self.order_by("-published_at", "-pk")

    def for_listing(self):
        """What a list row shows: the partnership and the themes, without a query per row."""
        return self.select_related("partnership").prefetch_related("themes")


class LearningExample(RendersMarkdown, models.Model):
    """A structured practice example from a partnership (or a cross-cutting one from NCB)."""

    MARKDOWN_FIELDS_HTML = {name: f"{name}_html" for name in MARKDOWN_FIELDS}

    # Single line: the title is the subject of the review emails.
    title = models.CharField(max_length=200, validators=[validate_single_line])
    slug = models.SlugField(max_length=220, unique=True)
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="learning_examples",
        help_text="Leave empty for a cross-cutting example written by NCB.",
    )
    # Summary and themes may be empty while the example is a draft (a draft needs only its title); submitting and
    # publishing require them (learning.workflow.missing_for).
    themes = models.ManyToManyField(Theme, related_name="learning_examples", blank=True)
    # Empty for the examples loaded from NCB's deck, which gives no stage; the form asks leads for one.
    stage = models.CharField(max_length=30, choices=Stage.choices, blank=True, default="")
    summary = models.TextField(
        max_length=SHORT_MARKDOWN_LENGTH,
        validators=markdown_validators(SHORT_MARKDOWN_LENGTH),
        blank=True,
        help_text="One paragraph: what the approach is and why it matters.",
    )
    context = models.TextField(
        max_length=LONG_MARKDOWN_LENGTH,
        validators=markdown_validators(LONG_MARKDOWN_LENGTH),
        blank=True,
        help_text="The local situation that led to the approach.",
    )
    what_was_done = models.TextField(
        max_length=LONG_MARKDOWN_LENGTH, validators=markdown_validators(LONG_MARKDOWN_LENGTH), blank=True
    )
    helped_and_hindered = models.TextField(
        "what helped and what got in the way",
        max_length=LONG_MARKDOWN_LENGTH,
        validators=markdown_validators(LONG_MARKDOWN_LENGTH),
        blank=True,
    )
    impact_and_evidence = models.TextField(
        "impact and evidence",
        max_length=LONG_MARKDOWN_LENGTH,
        validators=markdown_validators(LONG_MARKDOWN_LENGTH),
        blank=True,
    )
    resources_needed = models.TextField(
        max_length=LONG_MARKDOWN_LENGTH, validators=markdown_validators(LONG_MARKDOWN_LENGTH), blank=True
    )
    # The sanitised HTML of the Markdown fields, rendered on save (RendersMarkdown): pages never render Markdown.
    summary_html = RenderedMarkdownField()
    context_html = RenderedMarkdownField()
    what_was_done_html = RenderedMarkdownField()
    helped_and_hindered_html = RenderedMarkdownField()
    impact_and_evidence_html = RenderedMarkdownField()
    resources_needed_html = RenderedMarkdownField()
    # Empty for the examples loaded from NCB's deck, which names no contact; the form asks leads for one.
    contact_name = models.CharField("contact name", max_length=120, blank=True, validators=[validate_single_line])
    contact_role = models.CharField("contact's role", max_length=200, blank=True, validators=[validate_single_line])
    contact_email = models.EmailField("contact email", blank=True)

    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    # Optimistic locking: every content save must name the version it started from.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    # The last change to the content; workflow transitions leave it alone.
    updated = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The latest thing that happened to the example: a content save, a review step or a change to its proposed
    # revision. "Last changed" on /contribute/ shows it and orders by it (a return leaves `updated` alone).
    last_activity = models.DateTimeField(default=timezone.now, editable=False)
    # The first publication; the dashboard counts examples published per month from it.
    published_at = models.DateTimeField(null=True, blank=True)
    # Loaded from NCB's interim learning deck: pages name that source instead of the day it was loaded.
    from_deck = models.BooleanField(default=False, editable=False)

    objects = LearningExampleQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        constraints = [
            # Feeds, the sitemap, the dashboard's "published per month" and /learning/'s newest-first order all
            # date a published example by published_at: it must have one.
            models.CheckConstraint(
                condition=~Q(state=State.PUBLISHED) | Q(published_at__isnull=False),
                name="example_published_has_published_at",
            ),
        ]
        indexes = [
            # /learning/ (and its cursor pages), the theme pages and the feeds list published examples
            # newest_first(): this index serves that order, so a page reads its 20 rows rather than sorting all.
            # The dashboard's published-per-month counts read published_at from it too.
            models.Index(
                models.F("published_at").desc(),
                models.F("id").desc(),
                name="example_published_order_idx",
                condition=Q(state=State.PUBLISHED),
            ),
            # /learning/?partnership= and ?stage=: the same order within one partnership or stage.
            models.Index(
                "partnership",
                models.F("published_at").desc(),
                models.F("id").desc(),
                name="example_partnership_order_idx",
                condition=Q(state=State.PUBLISHED),
            ),
            # The coverage charts (learning.coverage.with_published_stage_counts) read published examples' ids and
            # stages from it alone.
            models.Index(
                "stage",
                models.F("published_at").desc(),
                models.F("id").desc(),
                name="example_stage_order_idx",
                condition=Q(state=State.PUBLISHED),
            ),
            # The sitemap's content stamp and its learning section's date: how many examples are published and
            # the newest change among them, read from this index alone rather than from 20,000 wide rows.
            models.Index(fields=["updated"], name="example_published_updated_idx", condition=Q(state=State.PUBLISHED)),
            # The review queue lists submitted examples oldest first.
            models.Index(fields=["state", "submitted_at"], name="example_state_submitted_idx"),
            # /contribute/ lists the examples a user may edit, most recently changed first.
            models.Index(fields=["-last_activity"], name="example_last_activity_idx"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, update_fields=None, **kwargs):
        # Every content save is activity; a save of chosen fields (a review step) says itself whether it is.
        if update_fields is None:
            self.last_activity = timezone.now()
        super().save(*args, update_fields=update_fields, **kwargs)

    def get_absolute_url(self):
        return reverse("learning:example_detail", args=[self.slug])

    def touch(self):
        """Record activity that does not save the example (a change to its proposed revision), without the
        save signals: the published text has not changed."""
        self.last_activity = timezone.now()
        LearningExample.objects.filter(pk=self.pk).update(last_activity=self.last_activity)

    @property
    def is_published(self):
        return self.state == State.PUBLISHED

    @property
    def sections(self):
        """The sections that have text, as (heading, sanitised HTML) pairs."""
        return [(heading, getattr(self, f"{name}_html")) for name, heading in SECTIONS if getattr(self, name).strip()]

    @property
    def source_name(self):
        return self.partnership.name if self.partnership_id else "NCB"

    def assign_unique_slug(self):
        others = LearningExample.objects.exclude(pk=self.pk)
        self.slug = unique_slug(others, self.title, reserved=RESERVED_SLUGS, fallback="example")


class Action(models.TextChoices):
    SUBMIT = "submit", "Submitted for review"
    PUBLISH = "publish", "Published"
    RETURN = "return", "Returned with feedback"
    UNPUBLISH = "unpublish", "Unpublished"
    # Steps of a proposed revision of a published example (ExampleRevision): the example stays published.
    REVISION_SUBMIT = "revision-submit", "Revision submitted for review"
    REVISION_RETURN = "revision-return", "Revision returned with feedback"
    REVISION_PUBLISH = "revision-publish", "Revision published"
    REVISION_WITHDRAW = "revision-withdraw", "Revision withdrawn"


class Transition(models.Model):
    """One step of an example through review: who did it, when, and what they confirmed or said."""

    example = models.ForeignKey(LearningExample, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(max_length=20, choices=Action.choices)
    from_state = models.CharField(max_length=20, choices=State.choices)
    to_state = models.CharField(max_length=20, choices=State.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    feedback = models.TextField(blank=True)
    anonymity_confirmed = models.BooleanField(
        default=False,
        help_text="The person confirmed no child, family or member of staff can be identified from the text.",
    )

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            # An example's history and its latest feedback are read newest first.
            models.Index(fields=["example", "-at"], name="transition_example_at_idx"),
        ]

    def __str__(self):
        return f"{self.example}: {self.get_action_display()}"

    def get_absolute_url(self):
        return self.example.get_absolute_url()


class ExampleVersion(models.Model):
    """A snapshot of an example's content, kept on every save so that nothing written is ever lost."""

    example = models.ForeignKey(LearningExample, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    saved_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            # The history pages and restore find a version by its number.
            models.UniqueConstraint(fields=["example", "number"], name="exampleversion_unique_number"),
        ]

    def __str__(self):
        return f"{self.example}, version {self.number}"

    def get_absolute_url(self):
        return reverse("learning:example_history", args=[self.example.slug])


class RevisionState(models.TextChoices):
    """Where a proposed revision of a published example is. Only an open one (draft, submitted, returned) can
    still change; the published text stays live until the revision is published."""

    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for review"
    RETURNED = "returned", "Returned with feedback"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"


OPEN_REVISION_STATES = frozenset({RevisionState.DRAFT, RevisionState.SUBMITTED, RevisionState.RETURNED})
# States in which the example's partnership leads may still edit and submit a revision (facilitators always may).
LEAD_EDITABLE_REVISION_STATES = frozenset({RevisionState.DRAFT, RevisionState.RETURNED})


class ExampleRevisionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=OPEN_REVISION_STATES)


class ExampleRevision(models.Model):
    """A proposed change to a published example, waiting beside it: the published text stays live until a
    facilitator publishes the revision (learning.workflow.publish_revision), which saves it as a new version."""

    example = models.ForeignKey(LearningExample, on_delete=models.CASCADE, related_name="revisions")
    state = models.CharField(max_length=20, choices=RevisionState.choices, default=RevisionState.DRAFT)
    # The proposed content, in the shape of ExampleVersion.content (learning.history.snapshot).
    content = models.JSONField()
    # The example's version the revision started from: the review page warns if the example has moved on.
    based_on = models.PositiveIntegerField()
    # Optimistic locking of the revision itself, as LearningExample.version does for the example.
    version = models.PositiveIntegerField(default=1)
    note = models.CharField(max_length=200, blank=True, help_text="Where the revision came from, if restored.")
    feedback = models.TextField(blank=True, help_text="NCB's latest feedback when the revision was returned.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = ExampleRevisionQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        constraints = [
            # At most one open revision per example: editing a published example opens it or carries on with it
            # (learning.history.save_revision), and the example page links to "the" pending revision. The states
            # are OPEN_REVISION_STATES, spelt out so that the migration does not depend on a set's order.
            models.UniqueConstraint(
                fields=["example"],
                condition=Q(state__in=["draft", "submitted", "returned"]),
                name="examplerevision_one_open_per_example",
            ),
        ]
        indexes = [
            # The review queue lists submitted revisions oldest first.
            models.Index(fields=["state", "submitted_at"], name="examplerevision_state_idx"),
        ]

    def __str__(self):
        return f"{self.example}: revision ({self.get_state_display().lower()})"

    def get_absolute_url(self):
        return reverse("learning:revision_detail", args=[self.example.slug])

    @property
    def is_open(self):
        return self.state in OPEN_REVISION_STATES


class ItemKind(models.TextChoices):
    QUESTION = "question", "Question to consider"
    APPROACH = "approach", "Approach being taken"


class CuratedItemQuerySet(models.QuerySet):
    def questions(self):
        return self.filter(kind=ItemKind.QUESTION)

    def approaches(self):
        return self.filter(kind=ItemKind.APPROACH)


class CuratedItem(RendersMarkdown, models.Model):
    """A question to consider or an approach being taken, curated by NCB and shown on a theme's page."""

    MARKDOWN_FIELDS_HTML = {"text": "text_html"}

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="curated_items")
    kind = models.CharField(max_length=20, choices=ItemKind.choices)
    group = models.CharField(
        max_length=300,
        blank=True,
        help_text="Optional heading that items are gathered under, such as a workshop's name.",
        validators=[validate_single_line],
    )
    text = models.TextField(
        max_length=SHORT_MARKDOWN_LENGTH,
        validators=markdown_validators(SHORT_MARKDOWN_LENGTH),
        help_text="Markdown. Use a list for either/or options.",
    )
    text_html = RenderedMarkdownField()
    source = models.CharField(
        max_length=200,
        blank=True,
        help_text="Who this comes from, such as a partnership.",
        validators=[validate_single_line],
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Position within the theme's list.")

    objects = CuratedItemQuerySet.as_manager()

    class Meta:
        ordering = ["theme__order", "kind", "order", "pk"]
        indexes = [
            # Theme pages read a theme's items in order.
            models.Index(fields=["theme", "kind", "order"], name="curateditem_theme_kind_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.theme}): {self.text[:60]}"

    def get_absolute_url(self):
        return f"{self.theme.get_absolute_url()}#{self.kind}-{self.pk}"


def themes_with_published_example_counts(themes):
    """Annotate themes with `published_example_count`, in the same query."""
    return themes.annotate(
        published_example_count=Count(
            "learning_examples", filter=Q(learning_examples__state=State.PUBLISHED), distinct=True
        )
    )
