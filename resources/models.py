"""Tools and resources, FAQs and the newsletter: what NCB shares with everyone beyond the partnerships."""

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

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


class Resource(models.Model):
    """A tool, guidance note, template or report: an uploaded file or a link to one elsewhere."""

    title = models.CharField(max_length=200)
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
    description = models.TextField(blank=True, help_text="Markdown. Raw HTML is removed.")
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
    download_count = models.PositiveIntegerField(default=0, editable=False)
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
            # The public list filters on published and orders by last update.
            models.Index(fields=["published", "-updated"], name="resource_published_idx"),
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

    def record_download(self):
        """Count one download: an atomic UPDATE, so concurrent downloads are never lost, and a row per download
        so the dashboards can chart downloads per month."""
        Resource.objects.filter(pk=self.pk).update(download_count=F("download_count") + 1)
        ResourceDownload.objects.create(resource=self)


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


class FAQ(models.Model):
    """A question and its answer under a theme; visitors' questions wait in the facilitators' queue."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, null=True, blank=True, related_name="faqs")
    question = models.TextField(max_length=1000)
    answer = models.TextField(blank=True, help_text="Markdown. Raw HTML is removed.")
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
        return f"{reverse('resources:faq_list')}#{self.anchor}"

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


def normalise_email(email):
    return email.strip().lower()


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


class NewsletterIssue(models.Model):
    """One issue of the programme's newsletter, written by facilitators and sent with send_newsletter."""

    subject = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    body = models.TextField(help_text="Markdown. Raw HTML is removed.")
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


class NewsletterDelivery(models.Model):
    """An issue sent (or being sent) to one subscriber: send_newsletter's record of who has had it."""

    issue = models.ForeignKey(NewsletterIssue, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.SENDING)
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

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
