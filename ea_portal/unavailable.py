"""A plain 503 page when the database cannot be reached, instead of a 500 on every page.

Two ways in: a view (or a template's context processor, or the lazy session and user behind them) that fails
to reach the database is caught by the middleware's process_exception; a failure outside any view (a session
saved in SessionMiddleware's response phase) reaches Django's 500 handler, which hands database failures to the
same page. The page itself touches no database: no base template, no context processors.
"""

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views import defaults

# Connection failures and a server going away; a ProgrammingError or IntegrityError is a bug and stays a 500.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def unavailable_response():
    body = loader.get_template("503.html").render({"contact_email": settings.OUTAGE_CONTACT_EMAIL})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(settings.OUTAGE_RETRY_AFTER_SECONDS)
    # A proxy or browser that kept the outage page would go on showing it after the database is back.
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_UNAVAILABLE):
            return unavailable_response()
        return None


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: the outage page for database failures raised outside a view, Django's own otherwise."""
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return unavailable_response()
    return defaults.server_error(request, template_name)
