"""Helpers for the search tests: content of every kind, and the search page read as a user reads it."""

import re
from dataclasses import dataclass
from html import unescape

from django.urls import reverse
from django.utils import timezone

from learning.models import State
from partnerships.models import Theme
from resources.models import FAQ, FAQStatus, NewsletterIssue, Resource, ResourceKind
from tests.learning_data import make_example

SEARCH_URL = reverse("search")
RESULT = re.compile(r'<li class="search-result">(.*?)</li>', re.S)
TITLE = re.compile(r'<h3 class="h5 mb-1"><a href="([^"]*)">(.*?)</a></h3>', re.S)
KIND = re.compile(r'<span class="badge search-kind">(.*?)</span>')
SNIPPET = re.compile(r'<p class="search-snippet mb-1">(.*?)</p>', re.S)
FACET = re.compile(
    r'name="(type|theme|partnership|stage)" value="([^"]*)" id="[^"]*"( checked)?>\s*'
    r"<label[^>]*>(.*?) \((\d+)\)</label>"
)
TAGS = re.compile(r"<[^>]+>")


@dataclass
class Result:
    url: str
    title: str
    kind: str
    snippet_html: str
    html: str

    @property
    def snippet(self):
        return unescape(TAGS.sub("", self.snippet_html))


def results(response):
    assert response.status_code == 200
    found = []
    for block in RESULT.findall(response.content.decode()):
        url, title = TITLE.search(block).groups()
        snippet = SNIPPET.search(block)
        found.append(
            Result(
                url=url,
                title=unescape(title),
                kind=KIND.search(block).group(1),
                snippet_html=snippet.group(1) if snippet else "",
                html=block,
            )
        )
    return found


def titles(response):
    return [result.title for result in results(response)]


def facets(response):
    """{facet: {value: (label, count, checked)}} as the facet checkboxes show them."""
    shown = {}
    for name, value, checked, label, count in FACET.findall(response.content.decode()):
        shown.setdefault(name, {})[value] = (unescape(label), int(count), bool(checked))
    return shown


def search(client, q="", **params):
    return client.get(SEARCH_URL, {"q": q, **params})


def theme(slug):
    return Theme.objects.get(slug=slug)


def make_resource(title, description="", *, published=True, kind=ResourceKind.GUIDANCE, themes=(), **extra):
    resource = Resource.objects.create(
        title=title,
        slug=re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:200],
        kind=kind,
        description=description,
        external_url="https://example.org/resource",
        published=published,
        **extra,
    )
    resource.themes.set(Theme.objects.filter(slug__in=themes))
    return resource


def make_faq(question, answer, *, published=True, theme_slug="independent-scrutiny"):
    return FAQ.objects.create(
        question=question,
        answer=answer,
        theme=theme(theme_slug),
        status=FAQStatus.PUBLISHED if published else FAQStatus.DRAFT,
    )


def make_newsletter(subject, body, *, published=True):
    return NewsletterIssue.objects.create(
        subject=subject,
        slug=re.sub(r"[^a-z0-9]+", "-", subject.lower()).strip("-"),
        body=body,
        published_at=timezone.now() if published else None,
    )


def make_published_example(title, partnership=None, **extra):
    return make_example(partnership, state=State.PUBLISHED, title=title, **extra)
