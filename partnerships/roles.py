"""Who may do what. Every view and queryset asks these helpers rather than checking groups itself."""

from functools import wraps

from django.contrib.auth.models import Group
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

FACILITATORS_GROUP = "NCB facilitators"


def is_facilitator(user):
    """An NCB facilitator curates all content; superusers count as facilitators."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    # Cached on the user object: navigation and permission checks ask several times a request.
    if not hasattr(user, "_is_facilitator"):
        user._is_facilitator = user.groups.filter(name=FACILITATORS_GROUP).exists()
    return user._is_facilitator


def led_partnership_ids(user):
    """The ids of the partnerships the user is a lead of (empty for visitors)."""
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_led_partnership_ids"):
        from partnerships.models import MembershipRole

        user._led_partnership_ids = frozenset(
            user.memberships.filter(role=MembershipRole.LEAD).values_list("partnership_id", flat=True)
        )
    return user._led_partnership_ids


def is_partnership_lead(user):
    return bool(led_partnership_ids(user))


def facilitators_group():
    group, _ = Group.objects.get_or_create(name=FACILITATORS_GROUP)
    return group


def check_facilitator(request):
    """None if the user is a facilitator; else the response to give: log in first (anonymous) or 403."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_facilitator(request.user):
        raise PermissionDenied("Only NCB facilitators can do this.")
    return None


def facilitator_required(view):
    """Only facilitators: anonymous visitors are sent to log in; logged-in users who are not facilitators get 403."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        refusal = check_facilitator(request)
        if refusal is not None:
            return refusal
        return view(request, *args, **kwargs)

    return wrapped


def may_contribute_for(user, partnership):
    """Whether the user works on this partnership's own pages (its contact, its drafts): its leads and NCB's
    facilitators; not another partnership's leads, not visitors."""
    return is_facilitator(user) or partnership.pk in led_partnership_ids(user)


def check_contributor_for(request, partnership):
    """None if the user may contribute for the partnership; else log in first (anonymous) or 403."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not may_contribute_for(request.user, partnership):
        raise PermissionDenied("Only this partnership's leads and NCB facilitators can do this.")
    return None
