"""Site-wide request checks that every view would otherwise have to repeat."""

from django.core.exceptions import BadRequest
from django.http import QueryDict


def has_nul(query_dict):
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in query_dict.lists())


def without_nul(query_dict):
    cleaned = QueryDict(mutable=True)
    for key, values in query_dict.lists():
        cleaned.setlist(key.replace("\x00", ""), [value.replace("\x00", "") for value in values])
    cleaned._mutable = False
    return cleaned


class NulCharactersMiddleware:
    """No text the portal keeps or looks up may contain a NUL character: PostgreSQL refuses them, so a
    `?theme=%00` that reached a query was a 500.

    NULs in the query string are removed (a search or a filter with one still gets its page); a path or a
    posted form with one is a 400, since no page or form of the portal can use it. Uploaded files' contents are
    not form fields and are left to their own checks."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_nul(request.GET):
            request.GET = without_nul(request.GET)
        # request.POST is the parsed form (urlencoded or multipart) of a POST: the CSRF check parses it anyway,
        # so reading it here costs nothing more.
        if "\x00" in request.path or (request.method == "POST" and has_nul(request.POST)):
            raise BadRequest("NUL character in the request.")
        return self.get_response(request)
