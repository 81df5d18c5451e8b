from django.conf import settings
from django.shortcuts import render

from partnerships.models import Partnership, PublishedArrangement, Theme


def home(request):
    context = {
        "partnership_count": Partnership.objects.count(),
        "theme_count": Theme.objects.count(),
        "approach_count": Theme.objects.in_matrix().count(),
        "enquiry_line_count": Theme.objects.enquiry_lines().count(),
        "arrangement_count": PublishedArrangement.objects.count(),
    }
    return render(request, "home.html", context)


def contact(request):
    return render(request, "contact.html", {"contact_email": settings.PROGRAMME_CONTACT_EMAIL})
