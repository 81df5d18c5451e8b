"""End to end in Debian's Chromium: signing up to the newsletter, downloading a resource, and axe-core on every
page of the resources, FAQs and newsletter feature."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.utils import timezone

from partnerships.models import Theme
from resources.models import FAQ, FAQStatus, NewsletterIssue, Resource, Subscriber, SubscriberStatus
from resources.newsletter import unsubscribe_token
from tests.browser import arrive
from tests.conftest import wait_for_mail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


@pytest.fixture
def catalogue(programme, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    scrutiny = Theme.objects.get(slug="independent-scrutiny")
    resource = Resource(
        title="Scrutiny toolkit",
        slug="scrutiny-toolkit",
        description="How to **scrutinise** the arrangements.",
        published=True,
        original_filename="Scrutiny toolkit.pdf",
        content_type="application/pdf",
    )
    resource.file.save("generated.pdf", ContentFile(PDF_BYTES), save=False)
    resource.save()
    resource.themes.add(scrutiny)
    FAQ.objects.create(
        theme=scrutiny, question="Who is the independent scrutineer?", answer="Someone *independent*.",
        status=FAQStatus.PUBLISHED, order=1,
    )  # fmt: skip
    FAQ.objects.create(question="A visitor's question waiting?")
    issue = NewsletterIssue.objects.create(
        subject="Spring update", slug="spring-update", body="News from the **Early Adopters**.",
        published_at=timezone.now(),
    )  # fmt: skip
    issue.themes.add(scrutiny)
    return resource


def test_visitor_signs_up_and_confirms_from_the_email(page, catalogue, live_server, settings):
    # Links in emails are on the public address: here, the live server.
    settings.PORTAL_BASE_URL = live_server.url
    page.goto("/engage/")
    page.get_by_role("link", name="Sign up for the newsletter").click()
    page.get_by_role("heading", level=1, name="Sign up for the newsletter").wait_for()
    page.get_by_role("textbox", name="Email address").fill("Visitor@Example.org")
    page.get_by_label("Name (optional)").fill("Vic")
    page.get_by_label("Independent scrutiny").check()
    page.get_by_label(settings.NEWSLETTER_CONSENT_TEXT).check()
    page.get_by_role("button", name="Sign up").click()
    page.get_by_role("heading", level=1, name="Check your email").wait_for()

    wait_for_mail(page)
    (email,) = mail.outbox
    assert email.to == ["visitor@example.org"]
    (link,) = re.findall(r"http://\S+/newsletter/confirm/\S+/", email.body)
    page.goto(link)
    page.get_by_role("button", name="Confirm my sign-up").click()
    page.get_by_role("heading", level=1, name="You are signed up").wait_for()
    assert Subscriber.objects.get().status == SubscriberStatus.CONFIRMED


def test_visitor_downloads_a_resource(page, catalogue):
    page.goto("/resources/")
    page.get_by_role("link", name="Scrutiny toolkit").click()
    page.get_by_role("heading", level=1, name="Scrutiny toolkit").wait_for()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download Scrutiny toolkit").click()
    download = download_info.value
    assert download.suggested_filename == "Scrutiny_toolkit.pdf"
    with open(download.path(), "rb") as downloaded:
        assert downloaded.read() == PDF_BYTES
    catalogue.refresh_from_db()
    assert catalogue.download_count == 1


PUBLIC_PAGES = [
    "/resources/",
    "/resources/?kind=tool&theme=independent-scrutiny",
    "/resources/?kind=nothing",
    "/resources/scrutiny-toolkit/",
    "/faqs/",
    "/faqs/themes/independent-scrutiny/",
    "/faqs/ask/",
    "/engage/",
    "/newsletter/",
    "/newsletter/check-your-email/",
    "/newsletter/archive/",
    "/newsletter/archive/spring-update/",
    "/newsletter/confirm/not-a-token/",
    "/themes/independent-scrutiny/",
]


def test_an_old_link_to_an_answer_on_the_faq_page_still_reaches_it(page, catalogue):
    """/faqs/ held every answer at an anchor until the answers moved to pages by theme: a link of the old kind
    is sent on to the answer's page by static/js/faq-anchor.js."""
    faq = FAQ.objects.get(status=FAQStatus.PUBLISHED)
    page.goto(f"/faqs/#{faq.anchor}")
    arrive(page, heading="Frequently asked questions: Independent scrutiny", url=re.compile(r"/faqs/themes/"))
    assert page.url.endswith(f"/faqs/themes/independent-scrutiny/#{faq.anchor}")
    assert page.locator(f"#{faq.anchor}").is_visible()
    # A link to a theme's anchor on the old page stays where it is, on the list of themes.
    page.goto("/faqs/#theme-independent-scrutiny")
    arrive(page, heading="Frequently asked questions")
    assert page.url.endswith("/faqs/#theme-independent-scrutiny")


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_no_axe_violations_on_public_pages(page, catalogue, axe, path):
    page.goto(path)
    axe(page)


def test_no_axe_violations_on_forms_with_errors(page, catalogue, axe):
    page.goto("/newsletter/")
    page.get_by_role("button", name="Sign up").click()
    page.get_by_text("There are problems with what you entered").wait_for()
    axe(page)
    page.goto("/faqs/ask/")
    page.get_by_role("button", name="Send question").click()
    page.get_by_text("There is a problem with what you entered").wait_for()
    axe(page)


def test_no_axe_violations_on_unsubscribe_pages(page, catalogue, axe):
    subscriber = Subscriber.objects.create(
        email="reader@example.org", status=SubscriberStatus.CONFIRMED, consent_text=settings.NEWSLETTER_CONSENT_TEXT,
        consented_at=timezone.now(),
    )  # fmt: skip
    page.goto(f"/newsletter/unsubscribe/{unsubscribe_token(subscriber)}/")
    axe(page)
    page.get_by_role("button", name="Unsubscribe").click()
    page.get_by_role("heading", level=1, name="You are unsubscribed").wait_for()
    axe(page)


FACILITATOR_PAGES = [
    "/resources/",
    "/resources/new/",
    "/resources/scrutiny-toolkit/",
    "/resources/scrutiny-toolkit/edit/",
    "/faqs/",
    "/faqs/queue/",
    "/faqs/manage/",
    "/faqs/new/",
    "/newsletter/archive/",
    "/newsletter/archive/new/",
    "/newsletter/archive/spring-update/",
    "/newsletter/archive/spring-update/edit/",
]


def test_no_axe_violations_on_facilitator_pages(page, log_in_with_cookie, catalogue, facilitator, axe):
    log_in_with_cookie(facilitator)  # not through the log-in page (another feature's): these pages on their own
    for path in [*FACILITATOR_PAGES, f"/faqs/{FAQ.objects.get(status=FAQStatus.ASKED).pk}/answer/"]:
        page.goto(path)
        axe(page)
