from ea_portal.navigation import MAIN_NAVIGATION
from partnerships.roles import is_facilitator


def navigation(request):
    user = getattr(request, "user", None)
    items = [
        {"label": item.label, "url": item.url(), "current": item.is_current(request.path)}
        for item in MAIN_NAVIGATION
        if user is not None and item.visible(user)
    ]
    return {"main_navigation": items, "is_facilitator": user is not None and is_facilitator(user)}
