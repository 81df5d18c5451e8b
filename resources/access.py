"""Who may curate resources, FAQs and newsletter issues: NCB facilitators (see partnerships.roles)."""

from functools import wraps

from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from partnerships.roles import is_facilitator


def check_facilitator(request):
    """None if the user may curate; else the response to give: log in first (anonymous) or 403."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_facilitator(request.user):
        raise PermissionDenied("Only NCB facilitators can curate this content.")
    return None


class FacilitatorRequiredMixin(AccessMixin):
    """Anonymous visitors are sent to log in; logged-in users who are not facilitators get 403."""

    def dispatch(self, request, *args, **kwargs):
        refusal = check_facilitator(request)
        if refusal is not None:
            return refusal
        return super().dispatch(request, *args, **kwargs)


def facilitator_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        refusal = check_facilitator(request)
        if refusal is not None:
            return refusal
        return view(request, *args, **kwargs)

    return wrapped
