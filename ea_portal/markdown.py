"""Markdown for everything people write on the portal (learning examples, questions and approaches, resources,
FAQs, newsletters): limits on what may be saved, rendering to safe HTML once at save time, and plain text.

Rendering uses markdown-it-py, whose parser does linear work on any input (Python-Markdown took over 60 s on
50,000 nested brackets and raised RecursionError on deep lists). Its output is sanitised by nh3 (Ammonia) with an
allow-list of tags and attributes and links only to http, https and mailto addresses, so no script, event
handler, embedded frame or javascript: link reaches a page, a feed or an email. The writer's Markdown is stored
untouched; the sanitised HTML is stored beside it by `RendersMarkdown.save()`, so pages never render Markdown.
"""

import html
import re
from functools import cache, lru_cache

import nh3
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h3", "h4", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
URL_SCHEMES = {"http", "https", "mailto"}
# Writers' headings sit inside a page's own h1/h2 outline: every level becomes h3 so the outline stays right.
HEADING = re.compile(r"<(/?)h[1-6]\b")
SPACES = re.compile(r"\s+")

# Length limits of the Markdown fields, in characters. The parser's worst case (unmatched brackets, see
# benchmarks/markdown_corpus.py) costs 6 to 10 µs of CPU a character, so the longest text a form accepts is
# checked and rendered in under 100 ms.
SHORT_MARKDOWN_LENGTH = 1_500
MEDIUM_MARKDOWN_LENGTH = 5_000
LONG_MARKDOWN_LENGTH = 8_000
# The parser is never given more than this, even for text that bypassed validation (a bulk import, an old
# version restored): the rest of such a text is left out of the page, never out of the database.
RENDER_LIMIT = LONG_MARKDOWN_LENGTH

# Blocks nested deeper than this are dropped by the parser. Validation refuses text that reaches it, so
# nothing a writer saved goes missing from the page.
MAX_NESTING = 20
NESTING_MESSAGE = (
    "Lists or quotations are nested too deeply to show. Use fewer levels (at most about eight levels of list)."
)


@cache
def parser(raw_html):
    """One parser per configuration, built once: building one per text dominated short renders.

    `raw_html=True` passes raw HTML through to nh3 (which removes it or keeps allowed tags, as the forms'
    help says); `raw_html=False` keeps HTML as the text that was typed, for the search index."""
    md = MarkdownIt("commonmark", {"html": raw_html, "maxNesting": MAX_NESTING}).enable("table")
    # Every link is parsed as a link and nh3 decides which addresses may stay (URL_SCHEMES): a javascript: link
    # becomes its text, not the Markdown source around it.
    md.validateLink = lambda url: True
    return md


@lru_cache(maxsize=8)
def parsed(text):
    """The tokens of some Markdown, at most RENDER_LIMIT characters of it. Cached because a save checks the text
    (validate_markdown_nesting) and then renders it: parsing is the costly half of rendering. Eight entries cover
    the six Markdown fields of an example; one entry holds up to about 3 MB, and saves empty the cache."""
    return parser(raw_html=True).parse(text[:RENDER_LIMIT])


def render_markdown(text):
    """Sanitised HTML for some Markdown, at most RENDER_LIMIT characters of it."""
    md = parser(raw_html=True)
    rendered = md.renderer.render(parsed(text or ""), md.options, {})
    cleaned = nh3.clean(
        HEADING.sub(r"<\1h3", rendered),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(cleaned)  # noqa: S308 (sanitised by nh3 just above)


def markdown_text(text):
    """The words of some Markdown without its formatting (HTML typed into it stays text), for the search index."""
    if not text:
        return ""
    rendered = parser(raw_html=False).render(text[:RENDER_LIMIT])
    return SPACES.sub(" ", html.unescape(strip_tags(rendered))).strip()


def html_text(rendered):
    """The text of some HTML as a plain, unescaped string: one that the template engine escapes wherever it is
    put, attribute values included. (`striptags` keeps a string marked safe, so a quote in it could end an
    attribute and add one, such as a meta refresh.)"""
    return SPACES.sub(" ", html.unescape(strip_tags(str(rendered or "")))).strip()


def validate_markdown_nesting(text):
    if any(token.level >= MAX_NESTING - 1 for token in parsed(text)):
        raise ValidationError(NESTING_MESSAGE, code="markdown_nesting")


def markdown_validators(max_length):
    """The validators of a Markdown field: its length limit first, so the parser only ever checks text that fits."""
    return [MaxLengthValidator(max_length), validate_markdown_nesting]


class RenderedMarkdownField(models.TextField):
    """Sanitised HTML rendered from a Markdown field of the same row. Only `render_markdown` ever writes it, so
    it is marked safe as it is read and templates show it as it is."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):
        return value if value is None or isinstance(value, SafeString) else mark_safe(value)  # noqa: S308


class RendersMarkdown:
    """A model mixin: `MARKDOWN_FIELDS_HTML` maps each Markdown field to the RenderedMarkdownField beside it, and
    every save that writes a Markdown field writes its HTML too."""

    MARKDOWN_FIELDS_HTML = {}

    def render_markdown_fields(self, names=None):
        for name, html_name in self.MARKDOWN_FIELDS_HTML.items():
            if names is None or name in names:
                setattr(self, html_name, render_markdown(getattr(self, name)))

    def save(self, *args, update_fields=None, **kwargs):
        self.render_markdown_fields(update_fields)
        if update_fields is not None:
            update_fields = {*update_fields}
            update_fields |= {html for name, html in self.MARKDOWN_FIELDS_HTML.items() if name in update_fields}
        super().save(*args, update_fields=update_fields, **kwargs)
        parsed.cache_clear()


def fill_rendered_html(model, fields, batch_size=500):
    """For data migrations: render and store the HTML of every row of `model`, `fields` mapping each Markdown
    field to its RenderedMarkdownField (historical models have no RendersMarkdown.save)."""
    batch = []
    for row in model.objects.only("pk", *fields).iterator(chunk_size=batch_size):
        for name, html_name in fields.items():
            setattr(row, html_name, render_markdown(getattr(row, name)))
        batch.append(row)
        if len(batch) == batch_size:
            model.objects.bulk_update(batch, list(fields.values()))
            batch = []
    model.objects.bulk_update(batch, list(fields.values()))
