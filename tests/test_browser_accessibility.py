"""What axe-core cannot see (issue 13), in Debian's Chromium, for a visitor, a lead, a facilitator and an admin:

- every element a keyboard reaches has a focus ring of at least 3:1 against what is around it (WCAG 1.4.11);
- no page scrolls sideways at 320 CSS pixels (WCAG 1.4.10);
- a form sent with mistakes puts focus on its error summary and "Error: " at the start of the page title, and its
  red error text (a checkbox's label included) is at least 4.5:1.

Each test walks one page of every template the role can open, and reports every failure at once, with a
screenshot of each page that overflows in test-artifacts/.
"""

from collections import defaultdict

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from learning import seed
from learning.models import CuratedItem, State
from partnerships.models import Theme
from resources.forms import consent_statement
from resources.models import FAQ, FAQStatus, NewsletterIssue, Resource, Subscriber, SubscriberStatus
from resources.newsletter import unsubscribe_token
from tests.browser import TEXT_CONTRAST_SCRIPT, element_kind, tab_through
from tests.conftest import PASSWORD, make_user
from tests.learning_data import make_example

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MINIMUM_RING_CONTRAST = 3
NARROWEST = 320

PUBLIC_PAGES = [
    "/",
    "/matrix/",
    "/partnerships/",
    "/partnerships/devon-plymouth-torbay/",
    "/themes/",
    "/themes/independent-scrutiny/",
    "/arrangements/",
    "/enquiry/",
    "/learning/",
    "/learning/stages/",
    "/learning/devon-scrutiny-processes/",
    "/resources/",
    "/resources/scrutiny-toolkit/",
    "/engage/",
    "/faqs/",
    "/faqs/ask/",
    "/newsletter/",
    "/newsletter/archive/",
    "/newsletter/archive/spring-update/",
    "/search/?q=peer+review",
    "/no-such-page/",
]
VISITOR_PAGES = [
    *PUBLIC_PAGES,
    "/accounts/login/",
    "/accounts/password_reset/",
    "/accounts/password_reset/done/",
    "/accounts/reset/MQ/not-a-token/",
    "/newsletter/check-your-email/",
    "/newsletter/confirm/not-a-token/",
    "{unsubscribe}",
]
LEAD_PAGES = [
    *PUBLIC_PAGES,
    "/contribute/",
    "/contribute/new/",
    "{draft}",
    "{draft}edit/",
    "{draft}submit/",
    "{draft}history/",
    "/review/",  # not theirs: the 403 page
    "/partnerships/devon-plymouth-torbay/contact/",
    "/accounts/password_change/",
    "/accounts/password_change/done/",
]
FACILITATOR_PAGES = [
    *PUBLIC_PAGES,
    "/review/",
    "/review/curation/",
    "/review/curation/new/",
    "/review/curation/{item}/edit/",
    "/review/curation/{item}/delete/",
    "{submitted}review/",
    "{submitted}history/",
    "{submitted}history/compare/?from=1&to=1",
    "/accounts/leads/",
    "/accounts/leads/new/",
    "/accounts/leads/{lead}/",
    "/accounts/leads/{lead}/deactivate/",
    "/partnerships/devon-plymouth-torbay/contact/",
    "/dashboard/",
    "/coverage/",
    "/resources/new/",
    "/resources/scrutiny-toolkit/edit/",
    "/faqs/queue/",
    "/faqs/manage/",
    "/faqs/new/",
    "/faqs/{question}/answer/",
    "/newsletter/archive/new/",
    "/newsletter/archive/spring-update/edit/",
    "/accounts/password_change/",
]
ROLES = {"visitor": VISITOR_PAGES, "lead": LEAD_PAGES, "facilitator": FACILITATOR_PAGES, "staff": FACILITATOR_PAGES}


@pytest.fixture
def site(programme, partnership_a, lead_a, facilitator, settings, tmp_path):
    """Something on every page: the deck's learning, a draft and a submitted example, a resource, FAQs, an issue."""
    settings.MEDIA_ROOT = tmp_path / "media"
    seed.load()
    scrutiny = Theme.objects.get(slug="independent-scrutiny")
    resource = Resource(
        title="Scrutiny toolkit", slug="scrutiny-toolkit", description="How to scrutinise.", published=True,
        original_filename="Scrutiny toolkit.pdf", content_type="application/pdf",
    )  # fmt: skip
    resource.file.save("generated.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    resource.save()
    resource.themes.add(scrutiny)
    FAQ.objects.create(
        theme=scrutiny, question="Who is the independent scrutineer?", answer="Someone independent.",
        status=FAQStatus.PUBLISHED, order=1,
    )  # fmt: skip
    question = FAQ.objects.create(question="A visitor's question waiting for an answer?", asker_email="a@example.org")
    issue = NewsletterIssue.objects.create(
        subject="Spring update", slug="spring-update", body="News.", published_at=timezone.now()
    )
    issue.themes.add(scrutiny)
    subscriber = Subscriber.objects.create(
        email="reader@example.org", status=SubscriberStatus.CONFIRMED, consent_text=consent_statement(),
        consented_at=timezone.now(),
    )  # fmt: skip
    places = {
        "draft": make_example(partnership_a, State.RETURNED, title="A returned draft").get_absolute_url(),
        "submitted": make_example(partnership_a, State.SUBMITTED, title="Waiting for review").get_absolute_url(),
        "item": CuratedItem.objects.first().pk,
        "question": question.pk,
        "lead": lead_a.pk,
        "unsubscribe": f"/newsletter/unsubscribe/{unsubscribe_token(subscriber)}/",
    }
    staff = make_user("admin", first_name="Sam", last_name="Administrator", is_staff=True, is_superuser=True)
    return {"places": places, "users": {"visitor": None, "lead": lead_a, "facilitator": facilitator, "staff": staff}}


def pages_for(role, site):
    return [path.format(**site["places"]) for path in ROLES[role]]


def open_as(log_in_with_cookie, site, role):
    user = site["users"][role]
    if user is not None:
        log_in_with_cookie(user)


def visit(page, path):
    """Open a page and wait until it has loaded (some of these pages answer 403 or 404 on purpose)."""
    page.goto(path, wait_until="load")


@pytest.mark.parametrize("role", ROLES)
def test_every_focused_element_has_a_ring_of_3_to_1(page, site, log_in_with_cookie, role, capsys):
    open_as(log_in_with_cookie, site, role)
    # Bootstrap animates its focus rings in; without motion they are measured as they finally look.
    page.emulate_media(reduced_motion="reduce")
    page.set_viewport_size({"width": 1280, "height": 900})
    weakest = {}
    failures = []
    for path in pages_for(role, site):
        visit(page, path)
        for stop in tab_through(page):
            kind = element_kind(stop)
            if kind not in weakest or stop["ratio"] < weakest[kind]["ratio"]:
                weakest[kind] = {**stop, "path": path}
            if stop["ratio"] < MINIMUM_RING_CONTRAST:
                failures.append(
                    f"{path}: {stop['element']} “{stop['label']}” {stop['ratio']}:1 on {stop['background']}"
                )
    # The collapsed navigation's Menu button shows only on narrow screens.
    page.set_viewport_size({"width": 390, "height": 800})
    visit(page, "/")
    for stop in tab_through(page):
        if "navbar-toggler" in stop["element"]:
            weakest["button.navbar-toggler"] = {**stop, "path": "/ at 390px"}
            if stop["ratio"] < MINIMUM_RING_CONTRAST:
                failures.append(f"/ at 390px: Menu button {stop['ratio']}:1 on {stop['background']}")
    with capsys.disabled():
        print(f"\nWeakest focus ring of each kind of element ({role}):")
        for kind, stop in sorted(weakest.items(), key=lambda item: item[1]["ratio"]):
            print(f"  {stop['ratio']:>5}:1  {kind}  “{stop['label']}” on {stop['background']} at {stop['path']}")
    assert "button.navbar-toggler" in weakest, "the Menu button was not reached with the keyboard"
    assert not failures, f"{len(failures)} focus rings under {MINIMUM_RING_CONTRAST}:1:\n" + "\n".join(failures)


# Runs in the page: the innermost elements reaching past the right edge, to say what to fix.
WIDEST_ELEMENTS_SCRIPT = """(edge) => [...document.body.querySelectorAll('*')]
  .filter((el) => el.getBoundingClientRect().right > edge + 0.5)
  .filter((el) => ![...el.children].some((child) => child.getBoundingClientRect().right > edge + 0.5))
  .slice(0, 3)
  .map((el) => {
    const right = Math.round(el.getBoundingClientRect().right);
    return `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} (${right}px)`;
  })"""


@pytest.mark.parametrize("role", ROLES)
def test_no_page_scrolls_sideways_at_320_pixels(page, site, log_in_with_cookie, role, artifacts_dir, capsys):
    open_as(log_in_with_cookie, site, role)
    page.set_viewport_size({"width": NARROWEST, "height": 640})
    overflowing = {}
    paths = pages_for(role, site)
    for stale in artifacts_dir.glob(f"reflow-{role}-*.png"):
        stale.unlink()
    for path in paths:
        visit(page, path)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > NARROWEST:
            overflowing[path] = (width, page.evaluate(WIDEST_ELEMENTS_SCRIPT, NARROWEST))
            name = path.strip("/").replace("/", "_").replace("?", "_") or "home"
            page.screenshot(path=str(artifacts_dir / f"reflow-{role}-{name}.png"), full_page=True)
    with capsys.disabled():
        print(f"\n{len(overflowing)} of {len(paths)} pages scroll sideways at {NARROWEST}px ({role}):")
        for path, (width, elements) in overflowing.items():
            print(f"  {path}: {width}px; {', '.join(elements)}")
    assert not overflowing, f"wider than {NARROWEST}px: {overflowing}"


# Each state: the role, the page, and the button that sends the form with a mistake (None: the page itself has
# an invalid query and shows its errors as it opens).
ERROR_STATES = [
    ("visitor", "/accounts/login/", "Log in"),
    ("visitor", "/accounts/password_reset/", "Send the link"),
    ("visitor", "/faqs/ask/", "Send question"),
    ("visitor", "/newsletter/", "Sign up"),
    ("visitor", "/learning/?theme=no-such-theme", None),
    ("visitor", "/resources/?kind=nothing", None),
    ("visitor", "/matrix/?theme=no-such-theme", None),
    ("lead", "/contribute/new/", "Save"),
    ("lead", "{draft}submit/", "Submit for review"),
    ("lead", "/accounts/password_change/", "Change password"),
    ("facilitator", "{submitted}review/", "Publish"),
    ("facilitator", "{submitted}review/", "Return with feedback"),
    ("facilitator", "/review/curation/new/", "Save"),
    ("facilitator", "/accounts/leads/new/", "Add the lead and send the invitation"),
    ("facilitator", "/accounts/leads/{lead}/", "Move the lead"),
    ("facilitator", "/resources/new/", "Save resource"),
    ("facilitator", "/faqs/new/", "Publish FAQ"),
    ("facilitator", "/faqs/{question}/answer/", "Publish answer"),
    ("facilitator", "/newsletter/archive/new/", "Save issue"),
]


# What turns red when a form is sent with mistakes: the summary, each field's message, a checkbox's own label.
ERROR_TEXT = ".error-summary li, .invalid-feedback, .form-check-input.is-invalid ~ .form-check-label"


@pytest.mark.parametrize("role", ["visitor", "lead", "facilitator"])
def test_a_form_sent_with_mistakes_puts_focus_on_its_error_summary(page, site, log_in_with_cookie, role, capsys):
    open_as(log_in_with_cookie, site, role)
    results = defaultdict(list)
    for state_role, path, button in ERROR_STATES:
        if state_role != role:
            continue
        path = path.format(**site["places"])
        visit(page, path)
        if path == "/accounts/login/":
            page.get_by_label("Username").fill("nobody")
            page.get_by_label("Password").fill(PASSWORD)
        if button is not None:
            page.get_by_role("main").get_by_role("button", name=button, exact=True).click()
        page.locator(".error-summary").wait_for()
        page.wait_for_load_state("load")
        focused = page.evaluate("() => document.activeElement.classList.contains('error-summary')")
        for text in page.evaluate(TEXT_CONTRAST_SCRIPT, ERROR_TEXT):
            if text["ratio"] < 4.5:
                low = f"{path}: “{text['text']}” {text['ratio']}:1, {text['colours']}"
                results["error text under 4.5:1"].append(low)
        title = page.title()
        results["focus on the summary" if focused else "focus elsewhere"].append(path)
        results["title starts with Error" if title.startswith("Error: ") else "title without Error"].append(title)
    with capsys.disabled():
        print(f"\nError states ({role}): " + "; ".join(f"{key}: {len(value)}" for key, value in results.items()))
    assert not results["focus elsewhere"], f"focus is not on the error summary: {results['focus elsewhere']}"
    assert not results["title without Error"], f"titles without “Error: ”: {results['title without Error']}"
    assert not results["error text under 4.5:1"], "\n".join(results["error text under 4.5:1"])
