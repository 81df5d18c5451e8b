"""Site-wide request checks that every view would otherwise have to repeat."""

from django.core.exceptions import BadRequest


def has_nul(query_dict):
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in query_dict.lists())


class RejectNulCharactersMiddleware:
    """A 400 for any request with a NUL character in its path, query string or form fields.

    No text the portal keeps or looks up may contain one: PostgreSQL refuses NUL in strings, so a `?theme=%00`
    reaching a query was a 500. Uploaded files' contents are not form fields and are left to their own checks."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # request.POST is the parsed form (urlencoded or multipart) of a POST: the CSRF check parses it anyway,
        # so reading it here costs nothing more.
        if "\x00" in request.path or has_nul(request.GET) or (request.method == "POST" and has_nul(request.POST)):
            raise BadRequest("NUL character in the request.")
        return self.get_response(request)
