"""RSS and Atom feeds, the <link rel="alternate"> that announce them, sitemap.xml and robots.txt."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from partnerships.models import Partnership, Theme
from resources.models import NewsletterIssue, Resource

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def parse_xml(content):
    return ET.fromstring(content)  # noqa: S314 (the portal's own output, not untrusted input)


@pytest.fixture
def content(programme):
    Resource.objects.create(
        title="Scrutiny toolkit", slug="scrutiny-toolkit", external_url="https://x.org/t", published=True,
        description="A **toolkit** <script>x</script>",
    )  # fmt: skip
    Resource.objects.create(title="Draft resource", slug="draft-resource", external_url="https://x.org/d")
    NewsletterIssue.objects.create(
        subject="Spring update", slug="spring-update", body="News.", published_at=timezone.now()
    )
    NewsletterIssue.objects.create(subject="Draft issue", slug="draft-issue", body="Secret.")


def rss_titles(response):
    assert response["Content-Type"].startswith("application/rss+xml")
    return [item.findtext("title") for item in parse_xml(response.content).iter("item")]


def atom_titles(response):
    assert response["Content-Type"].startswith("application/atom+xml")
    return [entry.findtext(f"{ATOM}title") for entry in parse_xml(response.content).iter(f"{ATOM}entry")]


def test_resource_feeds_list_published_resources_only(client, content):
    assert rss_titles(client.get(reverse("resources:resource_feed_rss"))) == ["Scrutiny toolkit"]
    assert atom_titles(client.get(reverse("resources:resource_feed_atom"))) == ["Scrutiny toolkit"]


def test_feed_items_are_sanitised_html_with_portal_addresses(client, content, settings):
    settings.PORTAL_BASE_URL = "https://portal.example.org"
    rss = client.get(reverse("resources:resource_feed_rss")).content.decode()
    assert "&lt;strong&gt;toolkit&lt;/strong&gt;" in rss
    # The writer's <script> is text, not a tag, once the feed reader unescapes the description.
    assert "&lt;script" not in rss
    assert "<link>https://portal.example.org/resources/scrutiny-toolkit/</link>" in rss
    assert "example.com" not in rss


def test_newsletter_feeds_list_published_issues_only(client, content):
    assert rss_titles(client.get(reverse("resources:newsletter_feed_rss"))) == ["Spring update"]
    assert atom_titles(client.get(reverse("resources:newsletter_feed_atom"))) == ["Spring update"]


@pytest.mark.parametrize(
    ("page", "feeds"),
    [
        ("resources:resource_list", ["resources:resource_feed_rss", "resources:resource_feed_atom"]),
        ("resources:newsletter_archive", ["resources:newsletter_feed_rss", "resources:newsletter_feed_atom"]),
        ("resources:newsletter_signup", ["resources:newsletter_feed_rss", "resources:newsletter_feed_atom"]),
    ],
)
def test_pages_announce_their_feeds_in_the_head(client, content, page, feeds):
    html = client.get(reverse(page)).content.decode()
    head = html.split("</head>")[0]
    for feed in feeds:
        assert 'rel="alternate"' in head and f'href="{reverse(feed)}"' in head


def sitemap_locations(client, base):
    """Every address in the sitemap: /sitemap.xml is an index of the sections' sitemaps."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    locations = set()
    for section in parse_xml(response.content).iter(f"{SITEMAP}loc"):
        assert section.text.startswith(f"{base}/sitemap-")
        response = client.get(section.text.removeprefix(base))
        assert response.status_code == 200
        locations |= {loc.text for loc in parse_xml(response.content).iter(f"{SITEMAP}loc")}
    return locations


def test_sitemap_lists_public_pages_only(client, content, settings):
    settings.PORTAL_BASE_URL = "https://portal.example.org"
    base = "https://portal.example.org"
    locations = sitemap_locations(client, base)
    for path in [
        "/",
        reverse("partnerships:matrix"),
        reverse("partnerships:arrangement_list"),
        reverse("resources:faq_list"),
        reverse("resources:engage"),
        reverse("resources:newsletter_archive"),
        Partnership.objects.get(slug="trafford").get_absolute_url(),
        Theme.objects.get(slug="information-sharing").get_absolute_url(),
        reverse("resources:resource_detail", args=["scrutiny-toolkit"]),
        reverse("resources:newsletter_issue", args=["spring-update"]),
    ]:
        assert base + path in locations
    assert not any("draft" in location for location in locations)
    assert len([loc for loc in locations if "/partnerships/" in loc]) == 1 + 17


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /admin/" in text
