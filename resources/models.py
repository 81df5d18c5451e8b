"""Tools and resources, FAQs and the newsletter: what NCB shares with everyone beyond the partnerships."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from ea_portal.markdown import (
    LONG_MARKDOWN_LENGTH,
    MEDIUM_MARKDOWN_LENGTH,
    RenderedMarkdownField,
    RendersMarkdown,
    markdown_validators,
)
from ea_portal.text import normalise_email
from ea_portal.validators import validate_single_line
from partnerships.models import Partnership, Theme
from partnerships.roles import is_facilitator


class ResourceKind(models.TextChoices):
    TOOL = "tool", "Tool"
    GUIDANCE = "guidance", "Guidance"
    TEMPLATE = "template", "Template"
    REPORT = "report", "Report"
    FAQ_SET = "faq-set", "FAQ set"
    NEWSLETTER_ISSUE = "newsletter-issue", "Newsletter issue"


class ResourceQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def visible_to(self, user):
        """Facilitators see drafts as well; everyone else only what is published."""
        return self if is_facilitator(user) else self.published()


class Resource(RendersMarkdown, models.Model):
    """A tool, guidance note, template or report: an uploaded file or a link to one elsewhere."""

    MARKDOWN_FIELDS_HTML = {"description": "description_html"}

    title = models.CharField(max_length=200, validators=[validate_single_line])
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=ResourceKind.choices, default=ResourceKind.TOOL)
    themes = models.ManyToManyField(Theme, blank=True, related_name="resources")
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resources",
        help_text="The Early Adopter partnership the resource comes from, if any.",
    )
    description = models.TextField(
        max_length=MEDIUM_MARKDOWN_LENGTH,
        validators=markdown_validators(MEDIUM_MARKDOWN_LENGTH),
        blank=True,
        help_text="Markdown. Raw HTML is removed.",
    )
    description_html = RenderedMarkdownField()
    # Stored under a generated name (see resources.uploads); the uploader's name is kept only to offer it back
    # as the download's file name.
    file = models.FileField(upload_to="resources/", blank=True, max_length=200)
    original_filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=120, blank=True, help_text="The type detected from the content.")
    file_size = models.PositiveBigIntegerField(null=True, blank=True)
    external_url = models.URLField(max_length=500, blank=True, help_text="Where the resource lives, if not here.")
    published = models.BooleanField(default=False)
    # Listed in NCB's interim learning deck, which names it but holds no file: pages say so instead of dates.
    from_deck = models.BooleanField(default=False, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        ordering = ["-updated", "title"]
        constraints = [
            # The download view serves the file or redirects to the address; it relies on there being exactly one.
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(external_url="")) | (~Q(file="") & Q(external_url="")),
                name="resource_file_xor_external_url",
            ),
        ]
        indexes = [
            # The public list (and its cursor pages, ea_portal.keyset) lists published resources last updated
            # first: this index serves that order, so a page deep in 5,000 resources reads its 20 rows only.
            models.Index(
                models.F("updated").desc(),
                models.F("id").desc(),
                name="resource_published_order_idx",
                condition=Q(published=True),
            ),
            # A theme page lists its first published resources by title (resources_tags.theme_resources_and_faqs).
            models.Index(fields=["title"], name="resource_published_title_idx", condition=Q(published=True)),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("resources:resource_detail", args=[self.slug])

    def get_download_url(self):
        return reverse("resources:resource_download", args=[self.slug])

    @property
    def is_external(self):
        return not self.file

    @property
    def file_extension(self):
        """The extension of the stored file: always that of the type detected from its content."""
        return self.file.name.rsplit(".", 1)[-1].lower() if self.file else ""

    def record_download(self, user):
        """Count a download by this user: a row per download, the one record of downloads (the detail page
        counts them, the dashboard charts them per month; an INSERT each, so concurrent downloads are never
        lost). Only a published resource downloaded by someone other than a facilitator counts: facilitators
        opening drafts or checking what they curate are not its readers."""
        if self.published and not is_facilitator(user):
            ResourceDownload.objects.create(resource=self)

    @cached_property
    def download_count(self):
        return self.downloads.count()


class ResourceDownload(models.Model):
    """One download of a resource, for charts of downloads over time."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="downloads")
    downloaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-downloaded_at"]
        indexes = [
            # The dashboards count downloads per resource per month.
            models.Index(fields=["resource", "downloaded_at"], name="resourcedownload_month_idx"),
        ]

    def __str__(self):
        return f"{self.resource} at {self.downloaded_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return self.resource.get_absolute_url()


class FAQStatus(models.TextChoices):
    ASKED = "asked", "Waiting for an answer"
    DRAFT = "draft", "Answered, not published"
    PUBLISHED = "published", "Published"


class FAQQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=FAQStatus.PUBLISHED)

    def queue(self):
        return self.filter(status=FAQStatus.ASKED).order_by("created")

    def visible_to(self, user):
        return self if is_facilitator(user) else self.published()


class FAQ(RendersMarkdown, models.Model):
    """A question and its answer under a theme; visitors' questions wait in the facilitators' queue."""

    MARKDOWN_FIELDS_HTML = {"answer": "answer_html"}

    # PROTECT, like the other content: deleting a theme must not delete its published answers with it.
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, null=True, blank=True, related_name="faqs")
    question = models.TextField(max_length=1000)
    answer = models.TextField(
        max_length=MEDIUM_MARKDOWN_LENGTH,
        validators=markdown_validators(MEDIUM_MARKDOWN_LENGTH),
        blank=True,
        help_text="Markdown. Raw HTML is removed.",
    )
    answer_html = RenderedMarkdownField()
    # Only to tell the asker their answer is published; cleared once it has been used. Never shown publicly.
    asker_email = models.EmailField(blank=True)
    status = models.CharField(max_length=20, choices=FAQStatus.choices, default=FAQStatus.ASKED)
    order = models.PositiveIntegerField(default=0, help_text="Position within its theme.")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = FAQQuerySet.as_manager()

    class Meta:
        verbose_name = "FAQ"
        ordering = ["theme__order", "order", "pk"]
        constraints = [
            # /faqs/ groups published answers by theme: a published FAQ must have a theme and an answer.
            models.CheckConstraint(
                condition=~Q(status=FAQStatus.PUBLISHED) | (Q(theme__isnull=False) & ~Q(answer="")),
                name="faq_published_has_theme_and_answer",
            ),
        ]
        indexes = [
            # The public page and the theme pages read published FAQs of a theme in order.
            models.Index(fields=["status", "theme", "order"], name="faq_status_theme_order_idx"),
        ]

    def __str__(self):
        return self.question[:80]

    def get_absolute_url(self):
        # A permanent address that leads to the page of its theme's FAQs showing it (resources.faq_views).
        return reverse("resources:faq_detail", args=[self.pk])

    @property
    def anchor(self):
        return f"faq-{self.pk}"


class SubscriberStatus(models.TextChoices):
    PENDING = "pending", "Waiting for confirmation"
    CONFIRMED = "confirmed", "Confirmed"
    UNSUBSCRIBED = "unsubscribed", "Unsubscribed"


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=SubscriberStatus.CONFIRMED)

    def find(self, email):
        return self.filter(email=normalise_email(email)).first()


class Subscriber(models.Model):
    """A newsletter sign-up. Only confirmed addresses (double opt-in) receive newsletters."""

    email = models.EmailField(max_length=254)
    name = models.CharField(max_length=120, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="subscribers", verbose_name="themes of interest")
    status = models.CharField(max_length=20, choices=SubscriberStatus.choices, default=SubscriberStatus.PENDING)
    consent_text = models.TextField(help_text="The consent statement exactly as the person agreed to it.")
    consented_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["email"]
        constraints = [
            # Sign-up finds an address whatever its letter case and never creates a second row for it.
            models.UniqueConstraint(Lower("email"), name="subscriber_unique_email_ci"),
        ]
        indexes = [
            # send_newsletter and the admin filter by status.
            models.Index(fields=["status"], name="subscriber_status_idx"),
        ]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("admin:resources_subscriber_change", args=[self.pk])


class NewsletterIssueQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False, published_at__lte=timezone.now())

    def visible_to(self, user):
        return self if is_facilitator(user) else self.published()


class NewsletterIssue(RendersMarkdown, models.Model):
    """One issue of the programme's newsletter, written by facilitators and sent with send_newsletter."""

    MARKDOWN_FIELDS_HTML = {"body": "body_html"}

    # Single line: it is the subject of the email.
    subject = models.CharField(max_length=200, validators=[validate_single_line])
    slug = models.SlugField(max_length=200, unique=True)
    body = models.TextField(
        max_length=LONG_MARKDOWN_LENGTH,
        validators=markdown_validators(LONG_MARKDOWN_LENGTH),
        help_text="Markdown. Raw HTML is removed.",
    )
    body_html = RenderedMarkdownField()
    themes = models.ManyToManyField(
        Theme,
        blank=True,
        related_name="newsletter_issues",
        help_text="Sent to subscribers interested in any of these themes; no theme means everyone.",
    )
    published_at = models.DateTimeField(null=True, blank=True, help_text="Empty while it is a draft.")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = NewsletterIssueQuerySet.as_manager()

    class Meta:
        ordering = [F("published_at").desc(nulls_first=True), "-created"]

    def __str__(self):
        return self.subject

    def get_absolute_url(self):
        return reverse("resources:newsletter_issue", args=[self.slug])

    @property
    def is_published(self):
        return self.published_at is not None and self.published_at <= timezone.now()


class DeliveryStatus(models.TextChoices):
    SENDING = "sending", "Claimed, sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Refused by the mail server"


class NewsletterDelivery(models.Model):
    """An issue sent (or being sent) to one subscriber: send_newsletter's record of who has had it."""

    issue = models.ForeignKey(NewsletterIssue, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.SENDING)
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True, help_text="Why the mail server refused this message.")

    class Meta:
        verbose_name_plural = "newsletter deliveries"
        ordering = ["-claimed_at"]
        constraints = [
            # send_newsletter claims a row before sending: a second run (or a rerun after a crash) can never
            # send the same issue to the same subscriber twice.
            models.UniqueConstraint(fields=["issue", "subscriber"], name="delivery_unique_issue_subscriber"),
        ]

    def __str__(self):
        return f"{self.issue} to {self.subscriber}"

    def get_absolute_url(self):
        return self.issue.get_absolute_url()


class SendStatus(models.TextChoices):
    QUEUED = "queued", "Waiting for the worker"
    SENDING = "sending", "Sending"
    DONE = "done", "Sent"


class NewsletterSend(models.Model):
    """The one sending of an issue to its subscribers, with its progress: started from the issue's page (run by
    the worker) or by send_newsletter, and resumed by either after an interruption."""

    issue = models.ForeignKey(NewsletterIssue, on_delete=models.CASCADE, related_name="sends")
    send_to_all = models.BooleanField(default=False, help_text="Everyone confirmed, whatever their themes.")
    status = models.CharField(max_length=20, choices=SendStatus.choices, default=SendStatus.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    total = models.PositiveIntegerField(default=0, help_text="Subscribers it was going to reach when it started.")
    sent = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    # Recipients are paged through by key: everyone up to this subscriber id has been dealt with.
    last_subscriber_id = models.BigIntegerField(default=0)
    # The queued task allowed to carry the send on: a batch whose id is not this one (superseded by the
    # watchdog's resume) stops, so there is only ever one chain of batches.
    task_id = models.CharField(max_length=64, blank=True)
    last_error = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    # Moves with every message: a send not done whose `updated` is older than the stall time has stopped.
    updated = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        constraints = [
            # Sending twice is impossible: the issue page and send_newsletter both create this row before any
            # message goes, and a second one for the same issue is refused here.
            models.UniqueConstraint(fields=["issue"], name="newsletter_send_one_per_issue"),
        ]

    def __str__(self):
        return f"Sending of {self.issue}"

    def get_absolute_url(self):
        return self.issue.get_absolute_url()

    @property
    def is_done(self):
        return self.status == SendStatus.DONE

    @property
    def handled(self):
        return self.sent + self.failed
