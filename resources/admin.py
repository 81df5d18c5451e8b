from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.urls import path, reverse
from django.utils import timezone

from ea_portal.spreadsheets import csv_response
from partnerships.models import Theme
from resources.forms import ResourceForm
from resources.models import FAQ, NewsletterDelivery, NewsletterIssue, Resource, ResourceDownload, Subscriber

EXPORT_CHUNK_SIZE = 2000


SUBSCRIBER_HEADINGS = [
    "Email",
    "Name",
    "Organisation",
    "Status",
    "Themes",
    "Consented at",
    "Confirmed at",
    "Consent wording",
]


def subscriber_rows(queryset):
    yield SUBSCRIBER_HEADINGS
    subscribers = queryset.prefetch_related(Prefetch("themes", queryset=Theme.objects.only("name")))
    for subscriber in subscribers.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        yield [
            subscriber.email,
            subscriber.name,
            subscriber.organisation,
            subscriber.get_status_display(),
            "; ".join(theme.name for theme in subscriber.themes.all()),
            subscriber.consented_at.isoformat() if subscriber.consented_at else "",
            subscriber.confirmed_at.isoformat() if subscriber.confirmed_at else "",
            subscriber.consent_text,
        ]


def stream_subscribers_csv(queryset):
    return csv_response(f"newsletter-subscribers-{timezone.localdate()}.csv", subscriber_rows(queryset.order_by("pk")))


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "organisation", "status", "consented_at", "confirmed_at"]
    list_filter = ["status", "themes"]
    search_fields = ["email", "name", "organisation"]
    readonly_fields = ["consent_text", "consented_at", "confirmed_at", "unsubscribed_at", "created"]
    filter_horizontal = ["themes"]
    date_hierarchy = "created"
    actions = ["export_csv"]
    change_list_template = "resources/admin/subscriber_change_list.html"

    def get_urls(self):
        return [
            path("export/", self.admin_site.admin_view(self.export_view), name="resources_subscriber_export"),
            *super().get_urls(),
        ]

    def export_view(self, request):
        """Every subscriber matching the change list's current search and filters, as a streamed CSV."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        return stream_subscribers_csv(changelist.get_queryset(request))

    @admin.action(description="Export the selected subscribers to CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        return stream_subscribers_csv(queryset)

    def changelist_view(self, request, extra_context=None):
        query = request.GET.urlencode()
        export_url = reverse("admin:resources_subscriber_export") + (f"?{query}" if query else "")
        return super().changelist_view(request, {**(extra_context or {}), "export_url": export_url})


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    form = ResourceForm
    list_display = ["title", "kind", "partnership", "published", "downloads", "updated"]
    list_filter = ["published", "kind", "themes"]
    list_select_related = ["partnership"]
    search_fields = ["title", "description"]
    readonly_fields = ["download_count", "original_filename", "content_type", "file_size", "created", "updated"]
    fields = [
        "title",
        "slug",
        "kind",
        "themes",
        "partnership",
        "description",
        "file",
        "external_url",
        "published",
        *readonly_fields,
    ]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["themes"]
    autocomplete_fields = ["partnership"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(downloads_counted=Count("downloads"))

    @admin.display(description="Downloads", ordering="downloads_counted")
    def downloads(self, resource):
        return resource.downloads_counted


@admin.register(ResourceDownload)
class ResourceDownloadAdmin(admin.ModelAdmin):
    list_display = ["resource", "downloaded_at"]
    list_select_related = ["resource"]
    date_hierarchy = "downloaded_at"
    search_fields = ["resource__title"]

    # The rows are the count of downloads: they can be read here, never added, changed or deleted.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FAQ)
class FAQAdmin(admin.ModelAdmin):
    list_display = ["question_start", "theme", "status", "order", "created"]
    list_filter = ["status", "theme"]
    list_select_related = ["theme"]
    search_fields = ["question", "answer"]

    @admin.display(description="Question")
    def question_start(self, faq):
        return str(faq)


@admin.register(NewsletterIssue)
class NewsletterIssueAdmin(admin.ModelAdmin):
    list_display = ["subject", "published_at", "updated"]
    list_filter = ["themes"]
    search_fields = ["subject", "body"]
    prepopulated_fields = {"slug": ["subject"]}
    filter_horizontal = ["themes"]


@admin.register(NewsletterDelivery)
class NewsletterDeliveryAdmin(admin.ModelAdmin):
    list_display = ["issue", "subscriber", "status", "claimed_at", "sent_at"]
    list_filter = ["status", "issue"]
    list_select_related = ["issue", "subscriber"]
    search_fields = ["subscriber__email", "issue__subject"]
