import csv
import io

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import StreamingHttpResponse
from django.urls import path, reverse
from django.utils import timezone

from ea_portal.spreadsheets import neutralise
from resources.forms import ResourceForm
from resources.models import (
    FAQ,
    NewsletterDelivery,
    NewsletterIssue,
    Resource,
    ResourceDownload,
    Subscriber,
    SubscriberStatus,
)

# Rows per query. Each chunk is two queries (the subscribers, then their themes), whatever the chunk holds.
EXPORT_CHUNK_SIZE = 5000
EXPORT_HEADER = ["Email", "Name", "Organisation", "Status", "Themes", "Consented at", "Confirmed at", "Consent wording"]
EXPORT_END = "# end of export: {count} rows"


def _chunks(queryset):
    """The subscribers as plain tuples, a chunk at a time, paged by primary key: each query starts where the
    last one stopped, so the last chunk costs what the first did."""
    rows = queryset.order_by("pk").values_list(
        "pk", "email", "name", "organisation", "status", "consented_at", "confirmed_at", "consent_text"
    )
    last = 0
    while True:
        chunk = list(rows.filter(pk__gt=last)[:EXPORT_CHUNK_SIZE])
        if chunk:
            yield chunk
        if len(chunk) < EXPORT_CHUNK_SIZE:
            return
        last = chunk[-1][0]


def _theme_names(chunk):
    """Each subscriber's theme names, in the themes' own order, for one chunk in one query."""
    through = Subscriber.themes.through
    pairs = (
        through.objects.filter(subscriber_id__in=[row[0] for row in chunk])
        .order_by("theme__order", "theme__name")
        .values_list("subscriber_id", "theme__name")
    )
    names = {}
    for subscriber_id, name in pairs:
        names.setdefault(subscriber_id, []).append(name)
    return names


def _timestamp(value):
    return value.isoformat() if value else ""


def _csv_text(rows):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


def subscriber_rows(queryset):
    """The CSV's text, a chunk of rows at a time (one write to the client per chunk, not per row), then a last
    line giving the number of rows: a download cut short (a proxy or worker timeout) lacks it, so an incomplete
    file never looks complete."""
    labels = dict(SubscriberStatus.choices)
    yield _csv_text([EXPORT_HEADER])
    count = 0
    for chunk in _chunks(queryset):
        themes = _theme_names(chunk)
        yield _csv_text(
            [
                neutralise(value)
                for value in (
                    email,
                    name,
                    organisation,
                    labels.get(status, status),
                    "; ".join(themes.get(pk, ())),
                    _timestamp(consented_at),
                    _timestamp(confirmed_at),
                    consent_text,
                )
            ]
            for pk, email, name, organisation, status, consented_at, confirmed_at, consent_text in chunk
        )
        count += len(chunk)
    yield _csv_text([[EXPORT_END.format(count=count)]])


def stream_subscribers_csv(queryset):
    response = StreamingHttpResponse(subscriber_rows(queryset), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="newsletter-subscribers-{timezone.localdate()}.csv"'
    return response


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
