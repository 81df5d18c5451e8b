"""The facilitators' overviews behind the dashboard's resource and newsletter figures: every resource (drafts
too) with its downloads, and the newsletter's subscribers counted by status and by month. Counts only: the
subscribers' own details stay in the admin, for staff."""

from django import forms
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.shortcuts import render
from django.utils import timezone

from ea_portal.months import MonthField, month_bounds
from partnerships.models import Theme
from partnerships.roles import facilitator_required
from resources.models import Resource, Subscriber, SubscriberStatus

RESOURCES_PER_PAGE = 50

# ?sort= value: (label, ordering). Ties fall back on the title, so pages never shuffle.
RESOURCE_ORDERS = {
    "downloads": ("Most downloaded first", ["-downloads_counted", "title", "pk"]),
    "title": ("Title, A to Z", ["title", "pk"]),
    "updated": ("Most recently changed first", ["-updated", "title", "pk"]),
}


class ResourceDownloadsForm(forms.Form):
    month = MonthField(
        label="Count downloads in the month", required=False, help_text="Leave empty for every download so far."
    )
    sort = forms.ChoiceField(
        label="Order", required=False, choices=[(key, label) for key, (label, _) in RESOURCE_ORDERS.items()]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].widget.attrs["class"] = "form-control"
        self.fields["sort"].widget.attrs["class"] = "form-select"


@facilitator_required
def resource_downloads(request):
    """Every resource, published or draft, with how often it has been downloaded (in one month, if chosen)."""
    form = ResourceDownloadsForm(request.GET)
    choice = form.cleaned_data if form.is_valid() else {}
    month = choice.get("month")
    sort = choice.get("sort") or "downloads"
    in_month = Q()
    if month:
        start, end = month_bounds(month)
        in_month = Q(downloads__downloaded_at__gte=start, downloads__downloaded_at__lt=end)
    resources = Resource.objects.annotate(downloads_counted=Count("downloads", filter=in_month)).order_by(
        *RESOURCE_ORDERS[sort][1]
    )
    paginator = Paginator(resources, RESOURCES_PER_PAGE)
    # Counting the annotated query would join every download again; the annotation leaves out no resource.
    paginator.count = Resource.objects.count()
    page_obj = paginator.get_page(request.GET.get("page"))
    context = {"form": form, "month": month, "order": RESOURCE_ORDERS[sort][0], "page_obj": page_obj}
    return render(request, "resources/resource_downloads.html", context)


@facilitator_required
def subscribers_summary(request):
    """How many people are signed up, by status, by month of confirmation and by theme of interest."""
    by_status = dict(Subscriber.objects.values_list("status").annotate(count=Count("pk")).order_by())
    statuses = [(status, label, by_status.get(status, 0)) for status, label in SubscriberStatus.choices]
    months = (
        Subscriber.objects.filter(confirmed_at__isnull=False)
        .annotate(month=TruncMonth("confirmed_at"))
        .values("month")
        .annotate(
            confirmed=Count("pk"),
            still_confirmed=Count("pk", filter=Q(status=SubscriberStatus.CONFIRMED)),
        )
        .order_by("-month")
    )
    # TruncMonth groups in the portal's time zone, as the dashboard's chart does.
    growth = [{**row, "month": timezone.localtime(row["month"]).date()} for row in months]
    themes = Theme.objects.annotate(
        confirmed=Count("subscribers", filter=Q(subscribers__status=SubscriberStatus.CONFIRMED))
    ).order_by("order", "name")
    context = {
        "statuses": statuses,
        "total": sum(by_status.values()),
        "growth": growth,
        "themes": themes,
    }
    return render(request, "resources/subscribers_summary.html", context)
