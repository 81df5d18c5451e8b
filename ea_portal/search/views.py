from django.shortcuts import render

from ea_portal.search.query import FACETS, MAX_QUERY_LENGTH, SearchParams, Sort, search


def search_page(request):
    """/search/: the whole search (words, facets, sort, page) is in the URL, so any search can be shared."""
    params = SearchParams.from_query(request.GET)
    results = search(params, request.user)
    context = {
        "params": params,
        "results": results,
        "page_obj": results.page_obj,
        "facets": results.facets,
        "sort_choices": Sort.CHOICES,
        "max_query_length": MAX_QUERY_LENGTH,
        "facet_names": [name for name, _ in FACETS],
    }
    return render(request, "search/search.html", context)
