"""The site's main navigation. Each app adds its own entries here; `visible` decides who sees an entry."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse

from partnerships.roles import is_facilitator, is_partnership_lead
from resources.faq_views import questions_waiting


def everyone(user):
    return True


def can_contribute(user):
    return is_facilitator(user) or is_partnership_lead(user)


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    # Paths under this prefix mark the entry as the current page; "" means the exact URL only.
    section: str = ""
    visible: Callable = field(default=everyone)
    # A number shown beside the label, e.g. how many items wait there: (request) -> int, asked only of those the
    # entry is visible to. `count_label` says what it counts, for screen readers.
    count: Callable | None = None
    count_label: str = ""

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
    # Learning: public pages for everyone; contributing for leads and facilitators; review for facilitators.
    NavItem("Enquiry framework", "learning:enquiry_framework", section="/enquiry/"),
    NavItem("Learning examples", "learning:example_list", section="/learning/"),
    NavItem("Contribute", "learning:my_examples", section="/contribute/", visible=can_contribute),
    NavItem("Review", "learning:review_queue", section="/review/", visible=is_facilitator),
    # Resources, FAQs and the newsletter (the engage page leads to sign-up and the archive).
    NavItem("Resources", "resources:resource_list", section="/resources/"),
    NavItem("FAQs", "resources:faq_list", section="/faqs/"),
    NavItem(
        "Questions",
        "resources:faq_queue",
        section="/faqs/queue/",
        visible=is_facilitator,
        count=questions_waiting,
        count_label="waiting for an answer",
    ),
    NavItem("Engage", "resources:engage", section="/engage/"),
    # The programme at a glance: the facilitators' dashboard (the public coverage page is linked from the matrix).
    NavItem("Dashboard", "dashboard:dashboard", section="/dashboard/", visible=is_facilitator),
]
