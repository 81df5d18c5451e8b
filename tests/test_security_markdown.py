"""Markdown that could hang or crash a worker: every Markdown field has a length limit and refuses text nested too
deeply to show, the renderer is never given more than it can render quickly, and pages show HTML rendered once,
when the text was saved.

The corpus of pathological inputs is tests/data/markdown_corpus.json. Timings are not asserted here (see
benchmarks/markdown_corpus.py); what is asserted is the work the renderer is given.
"""

import pytest
from django.urls import reverse
from django.utils import timezone
from markdown_it import MarkdownIt

from ea_portal import markdown
from learning.forms import CuratedItemForm, LearningExampleForm
from learning.models import CuratedItem, ItemKind, LearningExample, Stage, State
from partnerships.models import Theme
from resources.forms import FAQForm, NewsletterIssueForm, ResourceForm
from resources.models import FAQ, FAQStatus, NewsletterIssue, Resource
from tests.learning_data import example_form_data, make_example
from tests.markdown_data import pathological_texts

TEXTS = pathological_texts()


@pytest.fixture
def renderer_calls(monkeypatch):
    """The length of every text given to the Markdown parser (to render or to validate)."""
    markdown.parsed.cache_clear()
    calls = []
    for method in ("render", "parse"):
        original = getattr(MarkdownIt, method)

        def recording(self, src, env=None, _original=original):
            calls.append(len(src))
            return _original(self, src, env)

        monkeypatch.setattr(MarkdownIt, method, recording)
    return calls


@pytest.fixture
def theme(db):
    return Theme.objects.create(name="Independent scrutiny", slug="independent-scrutiny", description="A theme.")


# Each Markdown field with the form that saves it: a function from (text, theme) to (bound form, field name).
def example_data(theme, **changes):
    data = {
        "title": "Family group conferences",
        "themes": [theme.pk],
        "stage": Stage.IDEA,
        "summary": "Families.",
        "contact_name": "Jo Lead",
        "version": 1,
    }
    return {**data, **changes}


def example_summary(text, theme, user):
    return LearningExampleForm(example_data(theme, summary=text), user=user), "summary"


def example_section(text, theme, user):
    return LearningExampleForm(example_data(theme, what_was_done=text), user=user), "what_was_done"


def curated_item(text, theme, user):
    return CuratedItemForm({"theme": theme.pk, "kind": ItemKind.QUESTION, "text": text, "order": 0}), "text"


def resource(text, theme, user):
    data = {"title": "Toolkit", "kind": "tool", "description": text, "external_url": "https://example.org/t"}
    return ResourceForm(data), "description"


def faq(text, theme, user):
    return FAQForm({"theme": theme.pk, "question": "Why?", "answer": text}), "answer"


def newsletter(text, theme, user):
    return NewsletterIssueForm({"subject": "Spring", "body": text}), "body"


@pytest.mark.django_db
@pytest.mark.parametrize("field_form", [example_summary, example_section, curated_item, resource, faq, newsletter])
def test_every_markdown_field_refuses_or_renders_pathological_text_within_bounds(
    renderer_calls, facilitator, theme, field_form
):
    # One test per field, every text in turn: a test per text and field took minutes for its fixtures alone.
    for name, text, too_deep in TEXTS:
        form, field = field_form(text, theme, facilitator)
        limit = form._meta.model._meta.get_field(field).max_length
        valid = form.is_valid()
        errors = form.errors.get(field)
        length = len(text.strip())  # as the form keeps it
        if not length:
            assert valid or errors == ["This field is required."], name
        elif length > limit:
            assert errors == [f"Ensure this value has at most {limit} characters (it has {length})."], name
        elif too_deep:
            assert errors == [markdown.NESTING_MESSAGE], name
        else:
            assert valid, (name, form.errors)
            saved = form.save()
            # Rendered once, when saved, and kept beside the text.
            html = getattr(type(saved).objects.get(pk=saved.pk), f"{field}_html")
            assert html == markdown.render_markdown(text.strip()), name
            saved.delete()
        # The parser never saw more than it can handle quickly, whatever the form was given.
        assert all(length <= markdown.RENDER_LIMIT for length in renderer_calls), name


def test_rendering_any_text_completes_without_recursion_error(renderer_calls):
    """What bypasses the forms (a bulk import, an old version restored) still renders, bounded."""
    for name, text, _ in TEXTS:
        html = markdown.render_markdown(text)
        assert isinstance(html, str) and "<script" not in html, name
    assert max(renderer_calls) <= markdown.RENDER_LIMIT


@pytest.mark.django_db
def test_the_example_form_says_what_is_wrong_and_keeps_the_text(client_for, lead_a):
    deep = "- " * 700 + "x"
    response = client_for(lead_a).post(reverse("learning:example_create"), example_form_data(context=deep))
    assert response.status_code == 200
    assert LearningExample.objects.count() == 0
    html = response.content.decode()
    assert "Lists or quotations are nested too deeply to show." in html
    # Nothing written is lost: the text is back in the form to be corrected.
    assert deep in html


@pytest.mark.django_db
def test_pages_show_stored_html_and_never_render_markdown(client_for, renderer_calls, partnership_a, facilitator):
    example = make_example(partnership_a, State.PUBLISHED, summary="**Bold** summary")
    theme = Theme.objects.get(slug="independent-scrutiny")
    CuratedItem.objects.create(theme=theme, kind=ItemKind.QUESTION, text="*A question?*")
    FAQ.objects.create(theme=theme, question="Why?", answer="**Because**", status=FAQStatus.PUBLISHED)
    made = Resource.objects.create(
        title="Kit", slug="kit", description="**Kit**", external_url="https://example.org/k", published=True
    )
    issue = NewsletterIssue.objects.create(subject="News", slug="news", body="**News**", published_at=timezone.now())
    renderer_calls.clear()
    markdown.parsed.cache_clear()
    pages = [
        example.get_absolute_url(),
        reverse("learning:example_list"),
        reverse("partnerships:theme_detail", args=[theme.slug]),
        reverse("resources:faq_list"),
        made.get_absolute_url(),
        issue.get_absolute_url(),
        reverse("learning:example_feed_rss"),
        reverse("resources:newsletter_feed_rss"),
        reverse("learning:curation_list"),
    ]
    client = client_for(facilitator)
    for url in pages:
        assert client.get(url).status_code == 200, url
    assert renderer_calls == []
    assert "<strong>Bold</strong> summary" in client.get(example.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_saving_only_some_fields_renders_only_theirs(partnership_a, renderer_calls):
    example = make_example(partnership_a, State.SUBMITTED, summary="*One*")
    renderer_calls.clear()
    example.state, example.published_at = State.PUBLISHED, timezone.now()
    example.save(update_fields=["state", "published_at"])
    assert renderer_calls == []
    example.summary = "*Two*"
    example.save(update_fields=["summary"])
    assert LearningExample.objects.get(pk=example.pk).summary_html == "<p><em>Two</em></p>\n"


@pytest.mark.django_db
def test_the_data_migration_fills_stored_html_of_existing_rows(partnership_a):
    LearningExample.objects.bulk_create(
        [LearningExample(title="Old", slug="old", summary="**Old**", context="*ctx*", contact_name="C")]
    )
    markdown.fill_rendered_html(LearningExample, {"summary": "summary_html", "context": "context_html"})
    example = LearningExample.objects.get(slug="old")
    assert (example.summary_html, example.context_html) == ("<p><strong>Old</strong></p>\n", "<p><em>ctx</em></p>\n")


def test_raw_html_in_markdown_is_removed_but_stays_text_in_the_search_index():
    text = 'Hello <script>alert(1)</script> <b onclick="x()">bold</b> [a](javascript:alert(1))'
    assert (
        str(markdown.render_markdown(text)) == '<p>Hello  <b>bold</b> <a rel="noopener noreferrer nofollow">a</a></p>\n'
    )
    assert markdown.markdown_text(text) == 'Hello <script>alert(1)</script> <b onclick="x()">bold</b> a'
