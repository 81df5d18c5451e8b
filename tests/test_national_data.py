"""generate_national_data (issue 14): the made-up national data set the benchmarks measure, at a tiny scale."""

import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from ea_portal.markdown import render_markdown
from ea_portal.national_data import GENERATED_DOMAIN, GENERATED_PARTNERSHIP_NOTE, RARE_WORDS
from learning.models import MARKDOWN_FIELDS, ExampleVersion, LearningExample, State
from partnerships.models import LocalAuthority, Partnership, SiteApproach
from resources.models import FAQ, NewsletterIssue, Resource, ResourceDownload, Subscriber

TODAY = "2026-06-01"


def generate(*extra, seed=7, scale=0.005):
    call_command(
        "generate_national_data",
        "--seed",
        str(seed),
        "--scale",
        str(scale),
        "--today",
        TODAY,
        *extra,
        verbosity=0,
        stdout=StringIO(),
    )


@pytest.fixture
def deck(db):
    call_command("load_programme", stdout=StringIO())


def fingerprint():
    """Everything generated that a reader could tell apart, without the database's own ids."""
    return {
        "partnerships": list(Partnership.objects.order_by("slug").values_list("slug", "region")),
        "authorities": list(LocalAuthority.objects.order_by("slug").values_list("slug", "partnership__slug")),
        "marks": sorted(SiteApproach.objects.values_list("partnership__slug", "theme__slug")),
        "examples": list(
            LearningExample.objects.order_by("slug").values_list(
                "slug",
                "title",
                "state",
                "stage",
                "partnership__slug",
                "summary",
                "context",
                "published_at",
                "created",
                "contact_email",
            )
        ),
        "example themes": sorted(
            LearningExample.themes.through.objects.values_list("learningexample__slug", "theme__slug")
        ),
        "versions": sorted(ExampleVersion.objects.values_list("example__slug", "number", "saved_at")),
        "resources": list(Resource.objects.order_by("slug").values_list("slug", "title", "published", "created")),
        "downloads": sorted(ResourceDownload.objects.values_list("resource__slug", "downloaded_at")),
        "faqs": list(
            FAQ.objects.order_by("asker_email").values_list("asker_email", "question", "status", "theme__slug")
        ),
        "subscribers": list(Subscriber.objects.order_by("email").values_list("email", "status", "consented_at")),
        "issues": list(NewsletterIssue.objects.order_by("slug").values_list("slug", "body", "published_at")),
    }


def test_sizes_scale_and_every_stored_field_is_filled(deck):
    generate("--partnerships", "20")

    assert Partnership.objects.count() == 20
    assert LearningExample.objects.count() == 100  # 20,000 × 0.005, the deck's four included
    assert Resource.objects.count() == 25
    assert FAQ.objects.count() == 10
    assert Subscriber.objects.count() == 500
    assert NewsletterIssue.objects.count() == 1
    generated = LearningExample.objects.filter(contact_email__endswith=GENERATED_DOMAIN)
    assert generated.count() == 96
    assert all(example.versions.count() == 3 for example in generated)
    # A realistic mix: most examples published, each with the date the feeds and the list sort by.
    assert generated.filter(state=State.PUBLISHED).count() > 60
    assert not generated.filter(state=State.PUBLISHED, published_at__isnull=True).exists()
    # Bulk inserts bypass save(): the stored HTML must be what saving would have rendered.
    for example in generated:
        for name in MARKDOWN_FIELDS:
            assert getattr(example, f"{name}_html") == render_markdown(getattr(example, name))
    for faq in FAQ.objects.all():
        assert faq.answer_html == render_markdown(faq.answer)
    assert ResourceDownload.objects.exists()
    # Every generated partnership has authorities and at least one mark in the matrix.
    generated_partnerships = Partnership.objects.filter(summary=GENERATED_PARTNERSHIP_NOTE)
    assert generated_partnerships.count() == 3
    for partnership in generated_partnerships:
        assert partnership.authorities.exists()
        assert partnership.approaches.exists()


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(deck):
    generate(seed=7)
    first = fingerprint()
    generate(seed=7)  # replaces the first run's data
    assert fingerprint() == first
    generate(seed=8)
    assert fingerprint()["examples"] != first["examples"]
    # Each run replaced the last: the sizes did not grow.
    assert LearningExample.objects.count() == 100


def test_refuses_a_database_with_real_content_unless_told(deck, lead_a):
    LearningExample.objects.create(title="A real example", slug="a-real-example", summary="Real.")

    with pytest.raises(CommandError) as refusal:
        generate()
    assert "real content" in str(refusal.value)
    assert "1 learning examples" in str(refusal.value) and "1 user accounts" in str(refusal.value)
    assert "--allow-real-content" in str(refusal.value)
    assert LearningExample.objects.count() == 5  # the deck's four and the real one: nothing generated

    generate("--allow-real-content")
    assert LearningExample.objects.count() == 100
    # Real content is kept, by this run and by the next, which replaces only what was generated.
    generate("--allow-real-content", seed=8)
    assert LearningExample.objects.filter(slug="a-real-example").exists()
    assert get_user_model().objects.filter(pk=lead_a.pk).exists()


def test_pages_open_on_the_generated_data(deck, client, client_for, facilitator):
    generate()
    example = LearningExample.objects.published().filter(contact_email__endswith=GENERATED_DOMAIN).first()
    partnership = Partnership.objects.order_by("-deck_order").first()
    public = [
        "/",
        "/matrix/",
        "/learning/",
        "/learning/?theme=independent-scrutiny",
        "/learning/?q=peer+review",
        example.get_absolute_url(),
        partnership.get_absolute_url(),
        "/themes/independent-scrutiny/",
        "/resources/",
        "/faqs/",
        "/arrangements/",
        "/search/?q=safeguarding",
        f"/search/?q={RARE_WORDS[0]}",
        "/search/",
        "/sitemap.xml",
    ]
    for url in public:
        assert client.get(url).status_code == 200, url
    search = client.get("/search/?q=peer+review")
    assert "peer review" in search.text.lower()

    signed_in = client_for(facilitator)
    for url in ["/dashboard/", "/review/", "/contribute/", "/faqs/manage/"]:
        assert signed_in.get(url).status_code == 200, url


def test_scale_must_be_positive(deck):
    with pytest.raises(CommandError, match="--scale"):
        generate(scale=0)


def test_dates_fall_before_the_day_generated_for(deck):
    generate()
    today = datetime.datetime.fromisoformat(TODAY).replace(tzinfo=datetime.UTC)
    published = LearningExample.objects.filter(contact_email__endswith=GENERATED_DOMAIN, published_at__isnull=False)
    assert all(today - datetime.timedelta(days=731) < e.published_at <= today for e in published)
