"""The site's main navigation. Each app adds its own entries here; `visible` decides who sees an entry."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse


def everyone(user):
    return True


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    # Paths under this prefix mark the entry as the current page; "" means the exact URL only.
    section: str = ""
    visible: Callable = field(default=everyone)

    def url(self):
        return reverse(self.url_name)

    def is_current(self, path):
        url = self.url()
        if self.section:
            return path.startswith(self.section)
        return path == url


MAIN_NAVIGATION = [
    NavItem("Home", "home"),
    NavItem("Theme matrix", "partnerships:matrix", section="/matrix/"),
    NavItem("Early Adopters", "partnerships:partnership_list", section="/partnerships/"),
    NavItem("Themes", "partnerships:theme_list", section="/themes/"),
    NavItem("Published arrangements", "partnerships:arrangement_list", section="/arrangements/"),
    # Resources, FAQs and the newsletter (the engage page leads to sign-up and the archive).
    NavItem("Resources", "resources:resource_list", section="/resources/"),
    NavItem("FAQs", "resources:faq_list", section="/faqs/"),
    NavItem("Engage", "resources:engage", section="/engage/"),
]
