"""Who may do what. Every view and queryset asks these helpers rather than checking groups itself."""

from django.contrib.auth.models import Group

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
