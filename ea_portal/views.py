from django.shortcuts import render

from partnerships.models import Partnership, PublishedArrangement, Theme


def home(request):
    context = {
        "partnership_count": Partnership.objects.count(),
        "theme_count": Theme.objects.count(),
        "arrangement_count": PublishedArrangement.objects.count(),
    }
    return render(request, "home.html", context)
