"""Stored and reflected markup injection: hostile text in every field people write, on every page that shows it.

Each payload of tests/data/xss_payloads.txt goes into every user-writable field (learning examples, review
feedback, people's names, questions and approaches, resources, FAQs, newsletter issues, partnership and theme
text). Each page is parsed before (benign text) and after (the payload): outside the sanitised Markdown, the
elements and their attribute names must be exactly those of the benign rendering, so text can never add an
attribute (an `http-equiv` to the page description, an `onfocus` to an input) or an element. Inside sanitised
Markdown, only the allow-listed tags and attributes may appear.
"""

from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from ea_portal.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS
from learning.history import record_version, snapshot
from learning.models import MARKDOWN_FIELDS, Action, CuratedItem, ItemKind, State, Transition
from partnerships.models import Theme
from resources.models import FAQ, FAQStatus, NewsletterIssue, Resource
from tests.learning_data import make_example

PAYLOADS = [
    line
    for line in (Path(__file__).parent / "data" / "xss_payloads.txt").read_text(encoding="utf-8").splitlines()
    if line and not line.startswith("#")
]
THEME = "independent-scrutiny"
# Sanitised Markdown (and the word-by-word difference of two versions) is checked against its own allow-list,
# not against the benign page's structure, which depends on the text.
SANITISED = {
    "prose": (ALLOWED_TAGS, {"href", "title", "rel", "scope"}),
    "diff-text": ({"del", "ins", "span"}, {"class"}),
}
assert set().union(*ALLOWED_ATTRIBUTES.values()) <= SANITISED["prose"][1]


class Structure(HTMLParser):
    """The page as a list of (tag, attribute names) in document order, sanitised subtrees excepted (those are
    checked against their allow-list as they are read)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []
        self.problems = []
        self._inside = None  # (kind, tag, depth) of the sanitised subtree being read

    def handle_starttag(self, tag, attrs):
        names = tuple(sorted(name for name, _ in attrs))
        if self._inside:
            kind, root, depth = self._inside
            tags, attributes = SANITISED[kind]
            if tag not in tags or not set(names) <= attributes:
                self.problems.append((tag, names))
            if tag == root:
                self._inside = (kind, root, depth + 1)
            return
        self.elements.append((tag, names))
        classes = (dict(attrs).get("class") or "").split()
        kind = next((kind for kind in SANITISED if kind in classes), None)
        if kind:
            self._inside = (kind, tag, 1)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self._inside and self._inside[1] == tag:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if self._inside and tag == self._inside[1]:
            kind, root, depth = self._inside
            self._inside = (kind, root, depth - 1) if depth > 1 else None

    @classmethod
    def of(cls, html):
        parser = cls()
        parser.feed(html)
        parser.close()
        return parser


def fetch(client_for, pages):
    found = {}
    for user, url in pages:
        response = client_for(user).get(url)
        assert response.status_code == 200, url
        found[(user, url)] = Structure.of(response.content.decode())
    return found


def write_everywhere(text, objects, lead, facilitator):
    """Put `text` into every field people write, saving as the portal does (so stored HTML is re-rendered)."""
    for user in (lead, facilitator):
        user.first_name = user.last_name = text
        user.save()
    for example in objects["examples"]:
        example.title = text
        example.contact_name = example.contact_role = text
        for name in MARKDOWN_FIELDS:
            setattr(example, name, text)
        example.save()
        # The latest version holds the same text, so history and comparison pages show it too.
        example.versions.filter(number=example.version).update(content=snapshot(example))
    Transition.objects.filter(example__in=objects["examples"]).exclude(feedback="").update(feedback=text)
    for item in objects["items"]:
        item.group = item.source = item.text = text
        item.save()
    objects["resource"].title = objects["resource"].description = text
    objects["resource"].save()
    for faq in objects["faqs"]:
        faq.question = faq.answer = text
        faq.save()
    objects["issue"].subject = objects["issue"].body = text
    objects["issue"].save()
    partnership, theme = objects["partnership"], objects["theme"]
    partnership.summary = theme.description = text
    partnership.save()
    theme.save()


@pytest.fixture
def content(programme, partnership_a, lead_a, facilitator):
    """One of everything people write, with benign text, and the transitions that show names and feedback."""
    published = make_example(partnership_a, State.PUBLISHED, title="Published example", contact_role="Lead")
    returned = make_example(partnership_a, State.RETURNED, title="Returned example", contact_role="Lead")
    submitted = make_example(partnership_a, State.SUBMITTED, title="Submitted example", contact_role="Lead")
    for example in (published, returned, submitted):
        Transition.objects.create(
            example=example, action=Action.SUBMIT, from_state=State.DRAFT, to_state=State.SUBMITTED, by=lead_a
        )
    Transition.objects.create(
        example=returned,
        action=Action.RETURN,
        from_state=State.SUBMITTED,
        to_state=State.RETURNED,
        by=facilitator,
        feedback="Please say more about the evidence.",
    )
    theme = Theme.objects.get(slug=THEME)
    for example in (published, returned, submitted):
        example.themes.set([theme])
    items = [
        CuratedItem.objects.create(theme=theme, kind=kind, group="Workshop", text="An item.", source="Devon")
        for kind in ItemKind.values
    ]
    resource = Resource.objects.create(
        title="A toolkit",
        slug="a-toolkit",
        description="A description.",
        external_url="https://example.org/t",
        published=True,
    )
    resource.themes.set([theme])
    faqs = [
        FAQ.objects.create(theme=theme, question="A question?", answer="An answer.", status=FAQStatus.PUBLISHED),
        FAQ.objects.create(question="Waiting?", status=FAQStatus.ASKED),
    ]
    issue = NewsletterIssue.objects.create(
        subject="Spring issue", slug="spring-issue", body="News.", published_at=timezone.now()
    )
    return {
        "examples": [published, returned, submitted],
        "items": items,
        "resource": resource,
        "faqs": faqs,
        "issue": issue,
        "partnership": partnership_a,
        "theme": theme,
    }


def pages_showing(content, lead, facilitator):
    published, returned, submitted = content["examples"]
    item = content["items"][0]
    theme, partnership = content["theme"], content["partnership"]
    asked = content["faqs"][1]
    public = [
        reverse("home"),
        reverse("learning:example_list"),
        published.get_absolute_url(),
        reverse("partnerships:theme_detail", args=[theme.slug]),
        reverse("partnerships:theme_list"),
        reverse("partnerships:partnership_detail", args=[partnership.slug]),
        reverse("resources:resource_list"),
        content["resource"].get_absolute_url(),
        reverse("resources:faq_list"),
        reverse("resources:newsletter_archive"),
        content["issue"].get_absolute_url(),
        reverse("resources:engage"),
        reverse("learning:enquiry_framework"),
    ]
    for_lead = [
        reverse("learning:my_examples"),
        returned.get_absolute_url(),
        reverse("learning:example_edit", args=[returned.slug]),
        reverse("learning:example_submit", args=[returned.slug]),
    ]
    for_facilitator = [
        reverse("learning:review_queue"),
        reverse("learning:example_review", args=[submitted.slug]),
        returned.get_absolute_url(),
        reverse("learning:example_history", args=[published.slug]),
        reverse("learning:example_compare", args=[published.slug]) + "?from=1&to=2",
        reverse("learning:curation_list"),
        reverse("learning:curation_edit", args=[item.pk]),
        reverse("learning:curation_delete", args=[item.pk]),
        reverse("resources:resource_edit", args=[content["resource"].slug]),
        reverse("resources:faq_queue"),
        reverse("resources:faq_manage"),
        reverse("resources:faq_answer", args=[asked.pk]),
        reverse("resources:newsletter_issue_edit", args=[content["issue"].slug]),
        reverse("partnerships:lead_list"),
    ]
    return (
        [(None, url) for url in public]
        + [(lead, url) for url in for_lead]
        + [(facilitator, url) for url in for_facilitator]
    )


@pytest.mark.django_db
def test_hostile_text_adds_no_element_or_attribute_to_any_page(client_for, content, lead_a, facilitator):
    published = content["examples"][0]
    # A second version with different benign text in every field that the payloads will also change, so that the
    # comparison page compares the same fields before and after.
    for name in ["title", "contact_name", "contact_role", *MARKDOWN_FIELDS]:
        setattr(published, name, "Different words")
    published.version += 1
    published.save()
    record_version(published, facilitator, note="Changed")
    # The portal's own notes on partnerships and themes are shown only when written (issue 12): write them here too.
    content["partnership"].summary = content["theme"].description = "Different words"
    content["partnership"].save()
    content["theme"].save()
    pages = pages_showing(content, lead_a, facilitator)
    benign = fetch(client_for, pages)

    # One payload at a time in every field (not one test per payload: the pages are read once for the baseline).
    for payload in PAYLOADS:
        write_everywhere(payload, content, lead_a, facilitator)
        hostile = fetch(client_for, pages)
        for page in pages:
            assert hostile[page].problems == [], (payload, page)
            assert hostile[page].elements == benign[page].elements, (payload, page)


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS)
def test_reflected_text_adds_no_element_or_attribute(client, programme, payload):
    for url, parameter in [
        (reverse("search"), "q"),
        (reverse("login"), "next"),
        (reverse("learning:example_list"), "q"),
    ]:
        benign = Structure.of(client.get(url, {parameter: "nothing matches zqxj"}).content.decode())
        hostile = Structure.of(client.get(url, {parameter: payload}).content.decode())
        assert hostile.problems == [] and hostile.elements == benign.elements, url


def test_the_description_of_an_example_is_its_summary_as_escaped_text(client, partnership_a):
    summary = "0;url='https://phish.invalid/' some words\" http-equiv=\"refresh"
    example = make_example(partnership_a, State.PUBLISHED, summary=summary)
    html = client.get(example.get_absolute_url()).content.decode()
    assert '<meta name="description" content="0;url=&#x27;https://phish.invalid/&#x27; some words&quot; ' in html
    assert not any("http-equiv" in names for _, names in Structure.of(html).elements)
