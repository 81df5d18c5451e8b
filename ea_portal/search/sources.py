"""What each kind of content puts in the search index, and who may see it.

A source turns one object into a Document: the text and facets of its SearchEntry, and who may see it. The
entry stores the object's visibility (`public`, `public_from`, and the partnership whose leads also see its
drafts) so that searching and counting read the index table alone; each source states it with the rules of
its model's `published()` and `visible_to(user)` (tests/test_search_index_facets.py holds them to the same
answers).
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch, Q
from django.utils import timezone

from ea_portal.markdown import markdown_text as plain_text
from ea_portal.search.kinds import SearchKind
from learning.models import SECTIONS, CuratedItem, LearningExample, State
from partnerships.models import LocalAuthority, Partnership, SiteApproach, Theme
from partnerships.roles import is_facilitator, led_partnership_ids
from resources.models import FAQ, FAQStatus, NewsletterIssue, Resource

SPACES = re.compile(r"\s+")


def join(*parts):
    return " ".join(part for part in parts if part)


def encode_theme_ids(theme_ids):
    """ ",3,7,": every id between commas, so `theme_ids` contains ",7," exactly when the entry has theme 7."""
    theme_ids = sorted(set(theme_ids))
    return f",{','.join(str(pk) for pk in theme_ids)}," if theme_ids else ""


def decode_theme_ids(text):
    return [int(pk) for pk in text.split(",") if pk]


@dataclass
class Document:
    kind: str
    object_id: int
    title: str
    url: str
    themes: list = field(default_factory=list)
    summary: str = ""
    body: str = ""
    names: str = ""
    partnership_id: int | None = None
    stage: str = ""
    resource_kind: str = ""
    date: datetime | None = None
    published_at: datetime | None = None
    # Everyone may see it (from public_from, when that is set); see visibility_filter.
    public: bool = True
    public_from: datetime | None = None

    @property
    def themes_text(self):
        return ", ".join(theme.name for theme in self.themes)

    @property
    def theme_ids(self):
        return encode_theme_ids(theme.pk for theme in self.themes)


class Source:
    kind = None
    model = None

    def queryset(self):
        """Everything one document needs, without a query per object."""
        return self.model.objects.all()

    def document(self, obj):
        raise NotImplementedError


class ExampleSource(Source):
    kind = SearchKind.EXAMPLE
    model = LearningExample

    def queryset(self):
        return LearningExample.objects.select_related("partnership").prefetch_related("themes")

    def document(self, example):
        sections = [plain_text(getattr(example, name)) for name, _ in SECTIONS]
        return Document(
            kind=self.kind,
            object_id=example.pk,
            title=example.title,
            url=example.get_absolute_url(),
            themes=list(example.themes.all()),
            summary=plain_text(example.summary),
            # Who it comes from is part of what it says: "Devon peer review" finds Devon's example.
            body=join(*sections, example.source_name),
            partnership_id=example.partnership_id,
            stage=example.stage,
            # The deck's examples have no date of their own (they were loaded, not published on a day).
            date=None if example.from_deck else example.published_at or example.created,
            published_at=example.published_at,
            public=example.state == State.PUBLISHED,
        )


class ResourceSource(Source):
    kind = SearchKind.RESOURCE
    model = Resource

    def queryset(self):
        return Resource.objects.select_related("partnership").prefetch_related("themes")

    def document(self, resource):
        return Document(
            kind=self.kind,
            object_id=resource.pk,
            title=resource.title,
            url=resource.get_absolute_url(),
            themes=list(resource.themes.all()),
            summary=plain_text(resource.description),
            body=join(resource.get_kind_display(), resource.partnership.name if resource.partnership_id else ""),
            partnership_id=resource.partnership_id,
            resource_kind=resource.kind,
            date=None if resource.from_deck else resource.updated,
            public=resource.published,
        )


class FAQSource(Source):
    kind = SearchKind.FAQ
    model = FAQ

    def queryset(self):
        return FAQ.objects.select_related("theme")

    def document(self, faq):
        # The asker's email address is never indexed: it is not for anyone else to see.
        return Document(
            kind=self.kind,
            object_id=faq.pk,
            title=SPACES.sub(" ", faq.question).strip()[:300],
            url=faq.get_absolute_url(),
            themes=[faq.theme] if faq.theme_id else [],
            summary=plain_text(faq.answer),
            date=faq.updated,
            public=faq.status == FAQStatus.PUBLISHED,
        )


class NewsletterSource(Source):
    kind = SearchKind.NEWSLETTER
    model = NewsletterIssue

    def queryset(self):
        return NewsletterIssue.objects.prefetch_related("themes")

    def document(self, issue):
        return Document(
            kind=self.kind,
            object_id=issue.pk,
            title=issue.subject,
            url=issue.get_absolute_url(),
            themes=list(issue.themes.all()),
            body=plain_text(issue.body),
            date=issue.published_at or issue.created,
            # A scheduled issue is public from its publication time on, without being indexed again then.
            public=issue.published_at is not None,
            public_from=issue.published_at,
        )


class ThemeSource(Source):
    kind = SearchKind.THEME
    model = Theme

    def queryset(self):
        return Theme.objects.prefetch_related(
            Prefetch("curated_items", queryset=CuratedItem.objects.order_by("kind", "order", "pk"))
        )

    def document(self, theme):
        # The deck's other names for the theme (matrix column, enquiry line, resource list) find it too.
        other_names = [name for name in (theme.matrix_label, theme.enquiry_line, theme.resource_label) if name]
        return Document(
            kind=self.kind,
            object_id=theme.pk,
            title=theme.name,
            url=theme.get_absolute_url(),
            themes=[theme],
            summary=join(theme.description, *other_names),
            body=join(*(join(item.group, plain_text(item.text)) for item in theme.curated_items.all())),
            names=join(theme.name, *other_names),
        )


class PartnershipSource(Source):
    kind = SearchKind.PARTNERSHIP
    model = Partnership

    def queryset(self):
        return Partnership.objects.prefetch_related(
            Prefetch("authorities", queryset=LocalAuthority.objects.order_by("name")),
            Prefetch("approaches", queryset=SiteApproach.objects.select_related("theme")),
        )

    def document(self, partnership):
        authorities = [authority.name for authority in partnership.authorities.all()]
        approaches = list(partnership.approaches.all())
        return Document(
            kind=self.kind,
            object_id=partnership.pk,
            title=partnership.name,
            url=partnership.get_absolute_url(),
            themes=[approach.theme for approach in approaches],
            summary=join(partnership.summary, partnership.get_region_display()),
            body=join(*authorities, *(approach.description for approach in approaches)),
            names=join(partnership.name, *authorities),
            partnership_id=partnership.pk,
        )


SOURCES = {
    source.kind: source
    for source in (
        ExampleSource(),
        ResourceSource(),
        FAQSource(),
        NewsletterSource(),
        ThemeSource(),
        PartnershipSource(),
    )
}


def source_for_model(model):
    for source in SOURCES.values():
        if source.model is model:
            return source
    return None


def visibility_filter(user):
    """A filter on SearchEntry keeping only what this user may see, from the entry's own columns: facilitators
    see everything; everyone else what is public (a scheduled newsletter issue once its time has come); a
    partnership lead also every example of their own partnerships, whatever its state, as
    LearningExample.objects.visible_to does."""
    if is_facilitator(user):
        return Q()
    condition = Q(public=True) & (Q(public_from__isnull=True) | Q(public_from__lte=timezone.now()))
    led = led_partnership_ids(user)
    if led:
        condition |= Q(kind=SearchKind.EXAMPLE, partnership_id__in=led)
    return condition
