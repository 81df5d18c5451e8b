"""The resources catalogue: list, filters, detail, downloads, curation by facilitators, theme pages and seed."""

import pytest
from django.core.files.base import ContentFile
from django.db import IntegrityError
from django.urls import reverse

from ea_portal.search.indexing import flush_pending
from partnerships.models import Theme
from resources import seed
from resources.models import Resource, ResourceDownload, ResourceKind
from tests.html import visible_text

pytestmark = pytest.mark.django_db

LIST_URL = reverse("resources:resource_list")
PDF_BYTES = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def make_resource(title, *, themes=(), published=True, kind=ResourceKind.TOOL, description="", file=None, **extra):
    slug = extra.pop("slug", title.lower().replace(" ", "-"))
    if file is None and "external_url" not in extra:
        extra["external_url"] = f"https://example.org/{slug}"
    resource = Resource(title=title, slug=slug, kind=kind, published=published, description=description, **extra)
    if file is not None:
        resource.file.save(f"{slug}.pdf", ContentFile(file), save=False)
        resource.content_type = "application/pdf"
    resource.save()
    resource.themes.set(themes)
    return resource


def resource_titles(response):
    assert response.status_code == 200
    return [resource.title for resource in response.context["object_list"]]


# The public catalogue ---------------------------------------------------------------------------------


def test_list_shows_published_resources_only(client, programme, facilitator):
    make_resource("Scrutiny toolkit")
    make_resource("Draft template", published=False)
    assert resource_titles(client.get(LIST_URL)) == ["Scrutiny toolkit"]


def test_facilitators_see_drafts_marked(client_for, programme, facilitator):
    make_resource("Draft template", published=False)
    response = client_for(facilitator).get(LIST_URL)
    assert resource_titles(response) == ["Draft template"]
    assert "Draft" in visible_text(response.content)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "template"}, ["CDR template"]),
        ({"theme": "independent-scrutiny"}, ["Scrutiny toolkit"]),
        ({"q": "rapid review"}, ["CDR template"]),
        ({"q": "SCRUTINY"}, ["Scrutiny toolkit"]),
        ({"kind": "tool", "theme": "child-death-review"}, []),
    ],
)
def test_filters(client, programme, params, expected):
    make_resource("Scrutiny toolkit", themes=[Theme.objects.get(slug="independent-scrutiny")])
    make_resource(
        "CDR template",
        kind=ResourceKind.TEMPLATE,
        description="For a rapid review meeting.",
        themes=[Theme.objects.get(slug="child-death-review")],
    )
    response = client.get(LIST_URL, params)
    assert sorted(resource_titles(response)) == expected
    if not expected:
        assert "No resource matches these filters" in response.content.decode()


def test_unknown_filter_value_is_explained(client, programme):
    response = client.get(LIST_URL, {"kind": "spreadsheet"})
    assert "Select a valid choice" in response.content.decode()


def test_list_is_paginated(client, programme):
    for number in range(25):
        make_resource(f"Resource {number:02}")
    first = client.get(LIST_URL)
    assert len(resource_titles(first)) == 20
    assert "Page 1 of 2" in first.content.decode()
    assert len(resource_titles(client.get(LIST_URL, {"page": 2}))) == 5


def test_empty_catalogue_says_so(client, programme):
    assert "No resources have been published yet" in client.get(LIST_URL).content.decode()


def test_detail_renders_sanitised_markdown(client, programme):
    resource = make_resource(
        "Toolkit",
        description="**Bold** <script>alert(1)</script> [bad](javascript:alert(1)) [good](https://ncb.org.uk)",
    )
    html = client.get(resource.get_absolute_url()).content.decode()
    assert "<strong>Bold</strong>" in html
    assert "<script>alert(1)</script>" not in html
    assert "javascript:" not in html
    assert 'href="https://ncb.org.uk"' in html


@pytest.mark.parametrize("view", ["resources:resource_detail", "resources:resource_download"])
def test_unpublished_resource_is_404_to_all_but_facilitators(client_for, programme, facilitator, lead_a, view):
    resource = make_resource("Secret draft", published=False)
    url = reverse(view, args=[resource.slug])
    assert client_for(None).get(url).status_code == 404
    assert client_for(lead_a).get(url).status_code == 404
    assert client_for(facilitator).get(url).status_code in {200, 302}
    # A facilitator opening a draft is not a reader: nothing is counted.
    assert resource.download_count == 0


# Downloads -----------------------------------------------------------------------------------------------


def test_download_serves_the_file_safely_and_counts(client, programme, media_root):
    resource = make_resource("Toolkit", file=PDF_BYTES, original_filename='Toolkit "final".pdf')
    response = client.get(resource.get_download_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Toolkit_final.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    client.get(resource.get_download_url())
    resource.refresh_from_db()
    assert resource.download_count == 2
    assert ResourceDownload.objects.filter(resource=resource).count() == 2


def test_only_downloads_of_published_resources_by_others_than_facilitators_count(
    client_for, programme, facilitator, lead_a
):
    resource = make_resource("NCB page", external_url="https://www.ncb.org.uk/some-resource")
    for user in (facilitator, lead_a, None, facilitator):
        assert client_for(user).get(resource.get_download_url()).status_code == 302
    # The lead and the visitor; the facilitator's two downloads are not counted.
    assert Resource.objects.get(pk=resource.pk).download_count == 2
    assert client_for(facilitator).get(resource.get_absolute_url()).content.decode().count("Downloaded 2 times") == 1


def test_external_resource_download_counts_then_redirects(client, programme):
    resource = make_resource("NCB page", external_url="https://www.ncb.org.uk/some-resource")
    response = client.get(resource.get_download_url())
    assert response.status_code == 302
    assert response["Location"] == "https://www.ncb.org.uk/some-resource"
    resource.refresh_from_db()
    assert resource.download_count == 1


def test_missing_file_is_404_and_not_counted(client, programme, media_root):
    resource = make_resource("Toolkit", file=PDF_BYTES)
    resource.file.storage.delete(resource.file.name)
    assert client.get(resource.get_download_url()).status_code == 404
    resource.refresh_from_db()
    assert resource.download_count == 0


def test_database_refuses_a_resource_with_both_file_and_address(programme, media_root):
    with pytest.raises(IntegrityError):
        make_resource("Both", file=PDF_BYTES, external_url="https://example.org/x")


# Curation: roles x views ----------------------------------------------------------------------------------


def protected_urls(resource):
    return [
        ("get", reverse("resources:resource_create")),
        ("get", reverse("resources:resource_edit", args=[resource.slug])),
        ("post", reverse("resources:resource_publish", args=[resource.slug])),
    ]


@pytest.mark.parametrize(
    ("who", "expected"),
    [("facilitator", {200, 302}), ("lead_a", {403}), ("lead_b", {403}), (None, {302})],
)
def test_curation_pages_roles(client_for, request, programme, who, expected):
    user = request.getfixturevalue(who) if who else None
    resource = make_resource("Toolkit", published=False)
    client = client_for(user)
    for method, url in protected_urls(resource):
        response = getattr(client, method)(url, {"action": "publish"} if method == "post" else None)
        assert response.status_code in expected, url
        if user is None:
            assert response["Location"].startswith(reverse("login"))
    resource.refresh_from_db()
    assert resource.published == (who == "facilitator")


def test_publish_needs_post(client_for, programme, facilitator):
    resource = make_resource("Toolkit", published=False)
    response = client_for(facilitator).get(reverse("resources:resource_publish", args=[resource.slug]))
    assert response.status_code == 405


def test_facilitator_creates_edits_publishes_and_unpublishes(client_for, programme, facilitator):
    client = client_for(facilitator)
    theme = Theme.objects.get(slug="learning-reviews")
    response = client.post(
        reverse("resources:resource_create"),
        {"title": "Rapid review guide", "kind": "guidance", "themes": [theme.pk], "external_url": "https://x.org/g"},
        follow=True,
    )
    resource = Resource.objects.get()
    assert resource.slug == "rapid-review-guide" and not resource.published
    assert "saved as a draft" in response.content.decode()
    assert client_for(None).get(resource.get_absolute_url()).status_code == 404

    client = client_for(facilitator)
    client.post(
        reverse("resources:resource_edit", args=[resource.slug]),
        {"title": "Rapid review guidance", "kind": "guidance", "themes": [theme.pk], "external_url": "https://x.org/g"},
    )
    response = client.post(
        reverse("resources:resource_publish", args=[resource.slug]), {"action": "publish"}, follow=True
    )
    assert "is published" in response.content.decode()
    resource.refresh_from_db()
    assert resource.title == "Rapid review guidance" and resource.published
    assert client_for(None).get(resource.get_absolute_url()).status_code == 200

    client = client_for(facilitator)
    client.post(reverse("resources:resource_publish", args=[resource.slug]), {"action": "unpublish"})
    assert client_for(None).get(resource.get_absolute_url()).status_code == 404


def test_replacing_a_file_deletes_the_old_one(client_for, programme, facilitator, media_root):
    from django.core.files.uploadedfile import SimpleUploadedFile

    resource = make_resource("Toolkit", file=PDF_BYTES)
    old_path = media_root / resource.file.name
    assert old_path.exists()
    client_for(facilitator).post(
        reverse("resources:resource_edit", args=[resource.slug]),
        {"title": "Toolkit", "kind": "tool", "file": SimpleUploadedFile("v2.csv", b"a,b\n1,2\n")},
    )
    resource.refresh_from_db()
    assert resource.file.name.endswith(".csv") and resource.content_type == "text/csv"
    assert not old_path.exists()


def test_slugs_are_unique_and_avoid_reserved_words(client_for, programme, facilitator):
    client = client_for(facilitator)
    for _ in range(2):
        client.post(
            reverse("resources:resource_create"), {"title": "New", "kind": "tool", "external_url": "https://x.org"}
        )
    assert sorted(Resource.objects.values_list("slug", flat=True)) == ["new-2", "new-3"]


# Theme pages -----------------------------------------------------------------------------------------------


def test_theme_page_lists_its_published_resources(client, programme):
    scrutiny = Theme.objects.get(slug="independent-scrutiny")
    make_resource("Scrutiny toolkit", themes=[scrutiny])
    make_resource("Scrutiny draft", themes=[scrutiny], published=False)
    make_resource("Other theme", themes=[Theme.objects.get(slug="child-death-review")])
    text = visible_text(client.get(scrutiny.get_absolute_url()).content)
    assert "Scrutiny toolkit" in text
    assert "Scrutiny draft" not in text and "Other theme" not in text


# Query counts ---------------------------------------------------------------------------------------------


def add_resources(count):
    themes = list(Theme.objects.all())
    start = Resource.objects.count()
    for number in range(start, start + count):
        make_resource(f"Bulk {number:03}", themes=themes[number % 3 : number % 3 + 2])


def test_list_query_count_does_not_grow(client, programme, django_assert_num_queries):
    for total in (3, 60):
        add_resources(total - Resource.objects.count())
        # 1 the paginator's count, 2 the page of resources with their partnerships, 3 their themes
        # (prefetched), 4 the theme choices of the filter form.
        with django_assert_num_queries(4):
            client.get(LIST_URL)
        # The test's transaction never commits, so the words filter (through the search index) would write the
        # new resources' entries first: write them before counting.
        flush_pending()
        # Filtered by theme: the same four, and 5 the chosen theme validated by the filter form; the words are a
        # subquery on the search index within query 2.
        with django_assert_num_queries(5):
            response = client.get(LIST_URL, {"theme": "independent-scrutiny", "q": "bulk"})
        assert resource_titles(response)


# Seed ------------------------------------------------------------------------------------------------------


def test_seed_loads_the_decks_catalogue_once(programme):
    seed.load()
    seed.load()
    assert Resource.objects.count() == 7
    assert Resource.objects.published().count() == 7
    compliance = Resource.objects.get(slug="compliance-and-quality")
    assert compliance.title == "Compliance/Quality" and compliance.description == "" and compliance.from_deck
    by_theme = {
        resource.themes.get().slug
        for resource in Resource.objects.filter(kind=ResourceKind.FAQ_SET).prefetch_related("themes")
    }
    assert by_theme == {
        "independent-scrutiny",
        "learning-reviews",
        "child-death-review",
        "resourcing-and-funding",
        "role-of-wider-partners",
        "voice-of-children-young-people-and-families",
    }
    # The deck names them and holds no file: no invented description, marked as the deck's, linking to NCB.
    assert all(r.description == "" and r.from_deck and r.is_external for r in Resource.objects.all())


def test_seed_keeps_what_facilitators_changed(programme):
    seed.load()
    Resource.objects.filter(slug="compliance-and-quality").update(title="Compliance and quality tools")
    Resource.objects.filter(slug="learning-examples-and-faqs-learning-reviews").delete()
    seed.load()
    assert Resource.objects.get(slug="compliance-and-quality").title == "Compliance and quality tools"
    assert Resource.objects.filter(slug="learning-examples-and-faqs-learning-reviews").exists()


def test_the_admin_cannot_add_change_or_delete_counted_downloads(client_for, programme, admin_user):
    resource = make_resource("Toolkit")
    download = ResourceDownload.objects.create(resource=resource)
    client = client_for(admin_user)
    assert client.get(reverse("admin:resources_resourcedownload_changelist")).status_code == 200
    assert client.get(reverse("admin:resources_resourcedownload_add")).status_code == 403
    delete_url = reverse("admin:resources_resourcedownload_delete", args=[download.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert resource.download_count == 1
