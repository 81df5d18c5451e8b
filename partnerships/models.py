from django.conf import settings
from django.db import models
from django.db.models import Count
from django.urls import reverse

from ea_portal.validators import validate_single_line


class Region(models.TextChoices):
    """The English regions the Early Adopter sites sit in."""

    NORTH_EAST = "north-east", "North East"
    NORTH_WEST = "north-west", "North West"
    YORKSHIRE = "yorkshire-and-the-humber", "Yorkshire and the Humber"
    EAST_MIDLANDS = "east-midlands", "East Midlands"
    WEST_MIDLANDS = "west-midlands", "West Midlands"
    EAST_OF_ENGLAND = "east-of-england", "East of England"
    LONDON = "london", "London"
    SOUTH_EAST = "south-east", "South East"
    SOUTH_WEST = "south-west", "South West"


class ApproachStage(models.TextChoices):
    PLANNING = "planning", "Planning"
    TESTING = "testing", "Testing"
    EVALUATED = "evaluated", "Evaluated"


class ThemeQuerySet(models.QuerySet):
    def in_matrix(self):
        """The eight themes that are columns of the deck's EA theme matrix, in the deck's order."""
        return self.filter(matrix_order__isnull=False).order_by("matrix_order")

    def enquiry_lines(self):
        """The themes that are lines of NCB's enquiry framework, in the framework's order."""
        return self.filter(enquiry_order__isnull=False).order_by("enquiry_order")

    def with_partnership_counts(self):
        return self.annotate(partnership_count=Count("approaches", distinct=True))


class Theme(models.Model):
    """One theme of the portal's single taxonomy (see shared/domain.md)."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(
        blank=True,
        help_text="The portal team's own one or two sentences, shown as a portal note: the deck describes no theme.",
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Position in theme lists.")
    matrix_label = models.CharField(
        max_length=60, blank=True, help_text="The column label in the deck's EA theme matrix, if it is a column."
    )
    matrix_order = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Column position in the matrix; empty for themes not in the matrix."
    )
    enquiry_line = models.CharField(
        max_length=120, blank=True, help_text="The line of NCB's enquiry framework this theme answers, if any."
    )
    enquiry_order = models.PositiveSmallIntegerField(null=True, blank=True)
    resource_label = models.CharField(
        max_length=120, blank=True, help_text="The deck's name for this theme in its tools and resources list."
    )

    objects = ThemeQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            # The matrix view and its CSV download rely on each column having one position.
            models.UniqueConstraint(
                fields=["matrix_order"],
                condition=models.Q(matrix_order__isnull=False),
                name="theme_unique_matrix_order",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("partnerships:theme_detail", args=[self.slug])

    @property
    def column_label(self):
        return self.matrix_label or self.name


class PartnershipQuerySet(models.QuerySet):
    def with_theme_counts(self):
        return self.annotate(theme_count=Count("approaches", distinct=True))


class Partnership(models.Model):
    """An Early Adopter site: a partnership of one or more local authority areas."""

    # Single line: the lead invitation's subject names the partnership.
    name = models.CharField(
        max_length=200,
        unique=True,
        validators=[validate_single_line],
        help_text="The site's name as the deck gives it.",
    )
    slug = models.SlugField(max_length=200, unique=True)
    # The region and summary are the portal team's, not the deck's (pages label them as a portal note).
    region = models.CharField(max_length=40, choices=Region.choices)
    summary = models.TextField(blank=True, help_text="The portal team's own words, shown as a portal note.")
    deck_order = models.PositiveSmallIntegerField(default=0, help_text="Row position in the deck's matrix.")
    themes = models.ManyToManyField(Theme, through="SiteApproach", related_name="partnerships")
    # Who to ask about the partnership's work. NCB's deck names nobody, so these start empty and the page says so;
    # the partnership's leads and NCB's facilitators fill them in from the partnership's page.
    contact_name = models.CharField("contact name", max_length=120, blank=True, validators=[validate_single_line])
    contact_role = models.CharField("contact's role", max_length=200, blank=True, validators=[validate_single_line])
    contact_email = models.EmailField("contact email", blank=True)

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        ordering = ["deck_order", "name"]
        indexes = [
            # The matrix and partnership list filter by region.
            models.Index(fields=["region"], name="partnership_region_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("partnerships:partnership_detail", args=[self.slug])

    @property
    def has_contact(self):
        return bool(self.contact_name)


class LocalAuthority(models.Model):
    """A local authority area that is a member of an Early Adopter partnership."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="authorities")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return self.partnership.get_absolute_url()


class SiteApproach(models.Model):
    """A mark in the EA theme matrix: a partnership developing an approach to a theme."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="approaches")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="approaches")
    description = models.TextField(blank=True, help_text="A short description of the approach.")
    # Empty unless someone records it: NCB's deck marks who is developing what, never how far they have got.
    stage = models.CharField(max_length=20, choices=ApproachStage.choices, blank=True, default="")

    class Meta:
        ordering = ["partnership__deck_order", "theme__order"]
        verbose_name = "site approach"
        constraints = [
            # One mark per cell of the matrix; load_programme relies on it to stay idempotent.
            models.UniqueConstraint(fields=["partnership", "theme"], name="siteapproach_unique_cell"),
        ]

    def __str__(self):
        return f"{self.partnership}: {self.theme}"

    def get_absolute_url(self):
        return f"{self.partnership.get_absolute_url()}#approach-{self.theme.slug}"


class PublishedArrangement(models.Model):
    """A partnership's published document setting out its new safeguarding arrangements."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="arrangements")
    # The deck lists Bexley's document, not the Bexley, Greenwich and Lewisham partnership's: pages name it.
    authority = models.ForeignKey(
        LocalAuthority,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="arrangements",
        help_text="The member authority whose document this is, if it is not the whole partnership's.",
    )
    title = models.CharField(max_length=300, help_text="As read from the document's address.")
    published_month = models.DateField(
        help_text="The first day of the month of publication, as read from the document's address."
    )
    document_url = models.URLField(max_length=500)

    class Meta:
        ordering = ["published_month", "partnership__name"]
        constraints = [
            # load_programme finds an arrangement by its partnership and document to stay idempotent.
            models.UniqueConstraint(fields=["partnership", "document_url"], name="arrangement_unique_document"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return f"{reverse('partnerships:arrangement_list')}#arrangement-{self.pk}"

    @property
    def publisher_name(self):
        """Whose document it is: the authority the deck names, or the whole partnership."""
        return self.authority.name if self.authority_id else self.partnership.name


class MembershipRole(models.TextChoices):
    LEAD = "lead", "Partnership lead"


class Membership(models.Model):
    """A user's place in a partnership; leads may contribute content for it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=MembershipRole.choices, default=MembershipRole.LEAD)

    class Meta:
        ordering = ["partnership__name"]
        constraints = [
            # The role checks in partnerships.roles look a user up once per partnership.
            models.UniqueConstraint(fields=["user", "partnership"], name="membership_unique_user_partnership"),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()}, {self.partnership}"

    def get_absolute_url(self):
        return self.partnership.get_absolute_url()
