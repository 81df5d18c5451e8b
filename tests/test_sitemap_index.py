"""/sitemap.xml is an index of one sitemap per kind of public page, each split into pages under the protocol's
limits, built from published content only, cached, and answered with a 304 when the crawler has it already."""

import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache

from ea_portal import sitemaps
from learning.models import State
from tests.learning_data import make_example

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "https://portal.example.org"


@pytest.fixture(autouse=True)
def setup(settings):
    settings.PORTAL_BASE_URL = BASE
    cache.clear()
    yield
    cache.clear()


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)  # noqa: S314 (the portal's own output)


def locations(client, url):
    return [loc.text for loc in parse(client.get(url.removeprefix(BASE))).iter(f"{SITEMAP}loc")]


def test_index_lists_one_sitemap_per_kind_on_the_public_address(client, programme):
    root = parse(client.get("/sitemap.xml"))
    assert root.tag == f"{SITEMAP}sitemapindex"
    assert locations(client, "/sitemap.xml") == [f"{BASE}/sitemap-{section}.xml" for section in sitemaps.SITEMAPS]
    # Sections with dated items carry the newest date.
    learning = next(item for item in root if item.findtext(f"{SITEMAP}loc").endswith("learning.xml"))
    assert learning.findtext(f"{SITEMAP}lastmod") is None  # nothing published yet


def test_sections_are_paginated_under_the_limit_with_published_examples_only(
    client, programme, partnership_a, monkeypatch
):
    monkeypatch.setattr(sitemaps.LearningExampleSitemap, "limit", 2)
    published = [make_example(partnership_a, State.PUBLISHED, title=f"Published {n}") for n in range(5)]
    draft = make_example(partnership_a, State.DRAFT, title="Draft one")
    index = locations(client, "/sitemap.xml")
    learning_pages = [url for url in index if "sitemap-learning.xml" in url]
    assert learning_pages == [
        f"{BASE}/sitemap-learning.xml",
        f"{BASE}/sitemap-learning.xml?p=2",
        f"{BASE}/sitemap-learning.xml?p=3",
    ]
    listed = [url for page in learning_pages for url in locations(client, page)]
    assert sorted(listed) == sorted(f"{BASE}{example.get_absolute_url()}" for example in published)
    assert f"{BASE}{draft.get_absolute_url()}" not in listed
    assert sitemaps.SITEMAP_PAGE_SIZE <= 50_000
    assert client.get("/sitemap-learning.xml?p=9").status_code == 404
    assert client.get("/sitemap-nonsense.xml").status_code == 404


def test_the_cached_sitemap_changes_as_soon_as_content_is_published(client, programme, partnership_a):
    example = make_example(partnership_a, State.SUBMITTED, title="Waiting for review")
    url = f"{BASE}{example.get_absolute_url()}"
    assert url not in locations(client, "/sitemap-learning.xml")
    # Served from the cache the second time, and the same.
    assert url not in locations(client, "/sitemap-learning.xml")
    example.state = State.PUBLISHED
    example.published_at = example.created
    example.save()
    assert url in locations(client, "/sitemap-learning.xml")


def test_query_count_is_constant_and_cached(client, programme, partnership_a, django_assert_num_queries):
    for total in (2, 8):
        while len(locations(client, "/sitemap-learning.xml")) < total:
            make_example(partnership_a, State.PUBLISHED)
        cache.clear()
        # The content's stamp (6 aggregates), then the section's count (7) and page of addresses (8).
        with django_assert_num_queries(8):
            client.get("/sitemap-learning.xml")
        # Built once: the next request reads the stamp and the cache only.
        with django_assert_num_queries(6):
            client.get("/sitemap-learning.xml")


def test_index_and_sections_answer_304_to_a_matching_etag(client, programme, partnership_a):
    for url in ("/sitemap.xml", "/sitemap-learning.xml", "/sitemap-pages.xml"):
        response = client.get(url)
        etag = response["ETag"]
        assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    response = client.get("/sitemap-learning.xml")
    make_example(partnership_a, State.PUBLISHED, title="Newly published")
    assert client.get("/sitemap-learning.xml", headers={"if-none-match": response["ETag"]}).status_code == 200


def test_faq_section_lists_the_themes_with_published_answers(client, programme):
    from partnerships.models import Theme
    from resources.models import FAQ, FAQStatus

    scrutiny, sharing = Theme.objects.get(slug="independent-scrutiny"), Theme.objects.get(slug="information-sharing")
    FAQ.objects.create(question="Q?", answer="A.", theme=scrutiny, status=FAQStatus.PUBLISHED)
    FAQ.objects.create(question="Draft?", answer="A.", theme=sharing, status=FAQStatus.DRAFT)
    assert locations(client, "/sitemap-faqs.xml") == [f"{BASE}/faqs/themes/independent-scrutiny/"]
    # Publishing an answer changes the stamp, so the cached section is rebuilt.
    FAQ.objects.filter(theme=sharing).update(status=FAQStatus.PUBLISHED)
    assert f"{BASE}/faqs/themes/information-sharing/" in locations(client, "/sitemap-faqs.xml")
