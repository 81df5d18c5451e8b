from functools import partial

from ea_portal.navigation import MAIN_NAVIGATION
from partnerships.roles import is_facilitator


def navigation(request):
    """The main navigation for this user. Entries with a count (facilitators' queues) exist only for signed-in
    facilitators, so an anonymous page (cached whole, the same for every visitor) never carries one."""
    user = getattr(request, "user", None)
    items = []
    for item in MAIN_NAVIGATION:
        if user is None or not item.visible(user):
            continue
        entry = {"label": item.label, "url": item.url(), "current": item.is_current(request.path)}
        if item.count is not None:
            # A callable, which the template calls only where it draws the navigation: the admin's pages, which
            # render with this context too but show no navigation, do not pay for the count.
            entry |= {"count": partial(item.count, request), "count_label": item.count_label}
        items.append(entry)
    # A page inside two entries' sections (/faqs/queue/ is in /faqs/ too) is the current page of the more
    # specific one only: one link says aria-current.
    current = [entry for entry in items if entry["current"]]
    for entry in sorted(current, key=lambda entry: len(entry["url"]))[:-1]:
        entry["current"] = False
    return {"main_navigation": items, "is_facilitator": user is not None and is_facilitator(user)}
