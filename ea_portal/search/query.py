"""The search itself: what the user asked (all of it in the URL), the matching entries they may see, facets
with counts, and snippets.

On PostgreSQL: full-text search on the stored, weighted `search_vector` (GIN index) with web-search syntax,
ranking, `ts_headline` snippets and trigram similarity on names for near-miss spellings. On SQLite (a local
run): case-insensitive matching of each word over the same fields. Either way the page gets the same shape.

What a search costs at the national data set (20,000 examples), and why it stays small:
- visibility and facets are columns of the index's own rows (`public`, `public_from`, `kind`, `partnership`,
  `stage`, `theme_ids`; ea_portal.search.sources), so no query joins back to the examples, resources or FAQs
  tables, nor to the theme links;
- the facet counts are one query that reads the matches once and never ranks (count_facets); with no words,
  an index-only scan of `searchentry_facets_idx`;
- only what can be shown is ranked: ts_rank reads every candidate's vector, so on PostgreSQL it is computed
  for at most RANK_CANDIDATES matches, the newest; a word in thousands of entries shows the best of its newest
  matches first, then the rest newest first, and a page among the ranked ones is read from them alone
  (CandidatesFirst). A rarer word (the usual search) has every match ranked;
- ts_headline runs for the page's rows only (PostgreSQL computes it after the sort and the LIMIT);
- JIT compilation is off for the portal's connections (settings.DATABASES), which cost more than the queries;
- the list with no words reads the newest entries through `searchentry_newest_idx`.
"""

import re
from collections import Counter
from dataclasses import dataclass, field

import nh3
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, TrigramWordSimilarity
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Case, F, FloatField, IntegerField, Q, TextField, Value, When
from django.db.models.functions import Concat, Replace
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import mark_safe

from ea_portal.search.indexing import flush_pending, uses_full_text_search
from ea_portal.search.models import SearchEntry, SearchKind
from ea_portal.search.sources import decode_theme_ids, source_for_model
from learning.models import Stage
from partnerships.models import Partnership, Theme
from resources.models import ResourceKind

MAX_QUERY_LENGTH = 200
RESULTS_PER_PAGE = 20
# Control characters (NUL above all) cannot go to PostgreSQL in a string and mean nothing in a search.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]+")
# Near-miss spellings are looked for only with words this long: shorter ones are near everything.
TRIGRAM_MIN_WORD_LENGTH = 4
# How much a near-miss name counts beside full-text rank (ts_rank of a title match is about 0.6).
TRIGRAM_WEIGHT = 0.5
SNIPPET_CHARACTERS = 240
# How many matches, the newest, full-text search ranks (see the module's docstring).
RANK_CANDIDATES = 500


class Sort:
    RELEVANCE = "relevance"
    DATE = "date"
    CHOICES = [(RELEVANCE, "Relevance"), (DATE, "Newest first")]


# Facets in the order they are shown: URL parameter, legend.
FACETS = [("type", "Type"), ("theme", "Theme"), ("partnership", "Early Adopter partnership"), ("stage", "Stage")]


@dataclass
class SearchParams:
    """Everything the user asked for, read from the URL; anything unknown is ignored, never an error."""

    text: str = ""
    shortened: bool = False
    types: list = field(default_factory=list)
    themes: list = field(default_factory=list)
    partnerships: list = field(default_factory=list)
    stages: list = field(default_factory=list)
    sort: str = Sort.RELEVANCE
    page: str | None = None

    @classmethod
    def from_query(cls, data):
        text = CONTROL_CHARACTERS.sub(" ", data.get("q", "")).strip()
        shortened = len(text) > MAX_QUERY_LENGTH
        text = text[:MAX_QUERY_LENGTH].strip()
        sort = data.get("sort")
        if sort not in (Sort.RELEVANCE, Sort.DATE):
            sort = Sort.RELEVANCE if text else Sort.DATE
        return cls(
            text=text,
            shortened=shortened,
            types=[value for value in dict.fromkeys(data.getlist("type")) if value in SearchKind.values],
            themes=list(dict.fromkeys(data.getlist("theme"))),
            partnerships=list(dict.fromkeys(data.getlist("partnership"))),
            stages=[value for value in dict.fromkeys(data.getlist("stage")) if value in Stage.values],
            sort=sort,
            page=data.get("page"),
        )

    @property
    def has_filters(self):
        return bool(self.types or self.themes or self.partnerships or self.stages)

    @property
    def by_relevance(self):
        return bool(self.text) and self.sort == Sort.RELEVANCE


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    name: str
    legend: str
    values: list


@dataclass
class SearchResults:
    params: SearchParams
    page_obj: object
    facets: list
    # False when the text had nothing left to search for (only punctuation or very common words).
    searchable: bool = True


# Terms: a quoted phrase (perhaps with a leading "-") or a word.
TERM = re.compile(r'(-?)"([^"]*)"|(\S+)')
EDGE_PUNCTUATION = re.compile(r"^\W+|\W+$")
# Words too common to mean anything: what PostgreSQL's English configuration ignores, roughly.
STOP_WORDS = frozenset({
    "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "as", "at", "be",
    "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "did", "do", "does",
    "doing", "down", "during", "each", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her",
    "here", "hers", "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "me", "more",
    "most", "my", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "out", "over",
    "own", "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "them", "then", "there",
    "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "we", "were",
    "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "you", "your"
})  # fmt: skip


@dataclass
class Terms:
    """The words and phrases of a query, for SQLite's matching and for highlighting."""

    wanted: list
    unwanted: list

    @classmethod
    def parse(cls, text):
        wanted, unwanted = [], []
        for match in TERM.finditer(text):
            minus, phrase, word = match.groups()
            if word is not None:
                minus = "-" if word.startswith("-") and len(word) > 1 else ""
                phrase = word
            term = " ".join(EDGE_PUNCTUATION.sub("", part) for part in phrase.split()).strip()
            if not term or all(part.lower() in STOP_WORDS or not part for part in term.split()):
                continue
            (unwanted if minus else wanted).append(term)
        return cls(wanted=wanted, unwanted=unwanted)


class SimpleMatching:
    """SQLite: every wanted word or phrase somewhere in the entry, case-insensitively; none of the unwanted."""

    FIELD_WEIGHTS = {"title": 4, "themes_text": 4, "names": 3, "summary": 2, "body": 1}

    def __init__(self, text):
        self.terms = Terms.parse(text)
        self.searchable = bool(self.terms.wanted)

    @classmethod
    def anywhere(cls, term, names=True):
        condition = Q()
        for name in cls.FIELD_WEIGHTS:
            if names or name != "names":
                condition |= Q(**{f"{name}__icontains": term})
        return condition

    def condition(self, names=True):
        if not self.searchable:
            return Q(pk__in=[])
        condition = Q()
        for term in self.terms.wanted:
            condition &= self.anywhere(term, names)
        for term in self.terms.unwanted:
            condition &= ~self.anywhere(term, names)
        return condition

    def rank(self, candidates, rank_all=False):
        if not self.searchable:
            return Value(0)
        whens = [
            Case(
                When(**{f"{name}__icontains": term}, then=Value(weight)), default=Value(0), output_field=IntegerField()
            )
            for term in self.terms.wanted
            for name, weight in self.FIELD_WEIGHTS.items()
        ]
        total = whens[0]
        for expression in whens[1:]:
            total = total + expression
        return total

    def with_snippets(self, results):
        return results

    def snippet(self, entry):
        return highlighted_snippet(join_text(entry.summary, entry.body), self.terms.wanted)


class FullTextSearch:
    """PostgreSQL: web-search syntax ("quoted phrases", or, -word) against the stored weighted vector, plus
    near-miss spellings of partnership, authority and theme names by trigram similarity."""

    def __init__(self, text):
        self.query = SearchQuery(text, search_type="websearch", config="english")
        words = [EDGE_PUNCTUATION.sub("", word) for word in text.split()]
        self.names_text = " ".join(word for word in words if len(word) >= TRIGRAM_MIN_WORD_LENGTH)
        # Text with no wanted word (only punctuation, very common words or -words) is not sent to the database:
        # the page says there was nothing to search for, as on SQLite.
        self.searchable = bool(Terms.parse(text).wanted)

    def condition(self, names=True):
        """`names=False` for entries that have none (learning examples): the condition is then the vector's
        match alone, which the GIN index answers without PostgreSQL reading each row's vector again."""
        if not self.searchable:
            return Q(pk__in=[])
        condition = Q(search_vector=self.query)
        if self.names_text and names:
            # Both alternatives are answered by an index (the vector's GIN, the names' trigram GIN), which the
            # facet counts are told to use (facet_rows): any third condition here would make PostgreSQL test
            # every match's vector again, row by row.
            condition |= Q(names__trigram_word_similar=self.names_text)
        return condition

    def rank(self, candidates, rank_all=False):
        """Relevance for the newest RANK_CANDIDATES of `candidates` (the matching entries the user may see, as
        narrowed by the facets), NULL (last) for the others; for every one of them with `rank_all`."""
        rank = SearchRank(F("search_vector"), self.query)
        if self.names_text:
            rank = rank + TrigramWordSimilarity(self.names_text, "names") * TRIGRAM_WEIGHT
        if rank_all:
            return rank
        return Case(When(pk__in=newest(candidates), then=rank), default=Value(None), output_field=FloatField())

    def with_snippets(self, results):
        # Escaped before ts_headline adds its <mark>s, so the content's own markup can only ever show as text.
        text = Concat("summary", Value(" "), "body", output_field=TextField())
        for character, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
            text = Replace(text, Value(character), Value(entity))
        return results.annotate(
            headline=SearchHeadline(
                text,
                self.query,
                config="english",
                start_sel="<mark>",
                stop_sel="</mark>",
                max_words=35,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            )
        ).defer("body")

    def snippet(self, entry):
        # Only <mark> may come back; anything else (there should be nothing) is escaped by nh3.
        return mark_safe(nh3.clean(entry.headline, tags={"mark"}, attributes={}))  # noqa: S308 (cleaned here)


def join_text(*parts):
    return " ".join(part for part in parts if part)


def highlighted_snippet(text, terms=()):
    """About SNIPPET_CHARACTERS of the text around the first term found, escaped, with every term in <mark>."""
    if not text:
        return ""
    pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE) if terms else None
    first = pattern.search(text) if pattern else None
    start = 0
    if first and first.start() > SNIPPET_CHARACTERS // 3:
        start = text.rfind(" ", 0, first.start() - SNIPPET_CHARACTERS // 3) + 1
    end = start + SNIPPET_CHARACTERS
    if end < len(text):
        end = text.rfind(" ", start, end) if text.rfind(" ", start, end) > start else end
    window = text[start:end]
    pieces = pattern.split(window) if pattern else [window]
    found = pattern.findall(window) if pattern else []
    html = escape(pieces[0])
    for match, piece in zip(found, pieces[1:], strict=True):
        html += f"<mark>{escape(match)}</mark>{escape(piece)}"
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(f"{prefix}{html}{suffix}")  # noqa: S308 (every piece of text escaped above)


def newest(entries):
    """The ids of the newest RANK_CANDIDATES of these entries: the candidates full-text search ranks."""
    return entries.order_by(F("date").desc(nulls_last=True), "-pk").values("pk")[:RANK_CANDIDATES]


class CandidatesFirst:
    """Results by relevance when only the newest RANK_CANDIDATES matches are ranked: those come first (every
    other match's rank is NULL, sorted last), so a page within them is read from them alone, without scanning
    every match; a page beyond them from the whole ordering. Sliced by the paginator like a queryset."""

    def __init__(self, candidates, everything):
        self.candidates = candidates
        self.everything = everything
        self.ordered = True

    def __getitem__(self, index):
        if isinstance(index, slice) and index.stop is not None and index.stop <= RANK_CANDIDATES:
            return self.candidates[index]
        return self.everything[index]


class CountedPaginator(Paginator):
    """A paginator told the number of results, which the facet counts have already summed."""

    def __init__(self, object_list, per_page, count):
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self):
        return self.known_count


def matcher_for(text):
    return FullTextSearch(text) if uses_full_text_search() else SimpleMatching(text)


def matching_object_ids(model, text):
    """The ids of the objects of `model` whose index entry matches `text` as the search page would match it,
    or None when the text has no word worth searching for: the learning and resources lists' word filters
    (provided to them as ea_portal.hooks.text_matches). Visibility is the caller's: the lists already show only
    what the user may see."""
    matcher = matcher_for(text)
    if not matcher.searchable:
        return None
    flush_pending()
    kind = source_for_model(model).kind
    # Examples and resources have no `names` (only themes and partnerships do).
    return SearchEntry.objects.filter(matcher.condition(names=False), kind=kind).values("object_id")


def matching_listing(model, text, *, theme=None, partnership_ids=None, stage=None):
    """The published learning examples whose entry matches `text`, narrowed by /learning/'s other filters, as
    index entries (`object_id`, `published_at`) for that list to count and page in its own order; or None when
    the text has no word worth searching for (provided as ea_portal.hooks.text_listing).

    Why entries and not example ids: a common word matches thousands of examples, and joining every match to
    the wide examples table, once to count and once to sort, cost /learning/?q= about 230 ms at the national
    data set. Every filter has its column here (`public` is the example's published state, `theme_ids` its
    themes, `partnership`, `stage`, `published_at`), so the count and the page's 20 ids come from the entries
    alone, and only those 20 examples are read."""
    matcher = matcher_for(text)
    if not matcher.searchable:
        return None
    flush_pending()
    # Examples have no `names` (only themes and partnerships do), so their names need not be compared.
    entries = SearchEntry.objects.filter(matcher.condition(names=False), kind=source_for_model(model).kind, public=True)
    if theme is not None:
        entries = entries.filter(theme_filter([theme.pk]))
    if partnership_ids is not None:
        entries = entries.filter(partnership_id__in=partnership_ids)
    if stage:
        entries = entries.filter(stage=stage)
    return entries.only("object_id", "published_at")


def theme_filter(theme_ids):
    """Entries with any of these themes, from the row's own `theme_ids`."""
    condition = Q()
    for theme_id in theme_ids:
        condition |= Q(theme_ids__contains=f",{theme_id},")
    return condition


@dataclass
class SearchQueries:
    """The querysets of one search, before any is run."""

    entries: object  # matching entries this user may see, before the facets narrow them
    facet_filters: dict
    results: object  # the results, narrowed, annotated and ordered: the page is a slice of it
    matcher: object
    chosen: dict  # the chosen types, theme ids, partnership ids and stages


def build_queries(params, user, themes, partnerships, total=None):
    """The search's querysets. `total`, the number of results when already counted, lets a search with at most
    RANK_CANDIDATES results rank them all without first picking its candidates."""
    theme_ids = {theme.slug: theme.pk for theme in themes}
    partnership_ids = {partnership.slug: partnership.pk for partnership in partnerships}
    params.themes = [slug for slug in params.themes if slug in theme_ids]
    params.partnerships = [slug for slug in params.partnerships if slug in partnership_ids]

    entries = SearchEntry.objects.visible_to(user)
    matcher = matcher_for(params.text) if params.text else None
    if matcher is not None:
        entries = entries.filter(matcher.condition())

    facet_filters = {
        "type": Q(kind__in=params.types) if params.types else Q(),
        "theme": theme_filter([theme_ids[slug] for slug in params.themes]) if params.themes else Q(),
        "partnership": Q(partnership_id__in=[partnership_ids[slug] for slug in params.partnerships])
        if params.partnerships
        else Q(),
        "stage": Q(stage__in=params.stages) if params.stages else Q(),
    }
    results = entries.filter(*facet_filters.values()).defer("search_vector", "names")
    if matcher is not None:
        rank_all = total is not None and total <= RANK_CANDIDATES
        ranked = matcher.with_snippets(results.annotate(rank=matcher.rank(results, rank_all=rank_all)))
        if uses_full_text_search() and params.by_relevance and not rank_all:
            candidates = results.filter(pk__in=newest(results)).annotate(rank=matcher.rank(results, rank_all=True))
            ranked = CandidatesFirst(
                matcher.with_snippets(candidates).order_by(*ordering(params)), ranked.order_by(*ordering(params))
            )
        else:
            ranked = ranked.order_by(*ordering(params))
        results = ranked
    else:
        results = results.order_by(*ordering(params))
    chosen = {
        "type": set(params.types),
        "partnership": {partnership_ids[slug] for slug in params.partnerships},
        "stage": set(params.stages),
        "theme": {theme_ids[slug] for slug in params.themes},
    }
    return SearchQueries(entries=entries, facet_filters=facet_filters, results=results, matcher=matcher, chosen=chosen)


def search(params, user):
    """Run a search for this user. Queries: the themes and the partnerships (for facet labels and the
    URL's slugs), the facets' GROUP BY (which also counts the results) and the page of results: four,
    whatever the data."""
    flush_pending()
    themes = list(Theme.objects.only("pk", "name", "slug", "order"))
    partnerships = list(Partnership.objects.only("pk", "name", "slug", "deck_order"))
    queries = build_queries(params, user, themes, partnerships)
    matcher = queries.matcher
    facets, total = count_facets(queries, params, themes, partnerships)
    if matcher is not None and total <= RANK_CANDIDATES:
        # Few enough to rank them all: no need to pick the newest first (building queries runs none).
        queries = build_queries(params, user, themes, partnerships, total=total)
    page_obj = CountedPaginator(queries.results, RESULTS_PER_PAGE, total).get_page(params.page)

    names = {partnership.pk: partnership.name for partnership in partnerships}
    for entry in page_obj:
        entry.snippet = matcher.snippet(entry) if matcher else highlighted_snippet(entry.summary or entry.body)
        entry.partnership_name = names.get(entry.partnership_id, "")
        entry.stage_label = Stage(entry.stage).label if entry.stage in Stage.values else ""
        entry.resource_kind_label = (
            ResourceKind(entry.resource_kind).label if entry.resource_kind in ResourceKind.values else ""
        )

    return SearchResults(
        params=params, page_obj=page_obj, facets=facets, searchable=matcher is None or matcher.searchable
    )


def ordering(params):
    newest = F("date").desc(nulls_last=True)
    if params.by_relevance:
        return [F("rank").desc(nulls_last=True), newest, "title", "pk"]
    if params.text:
        return [newest, F("rank").desc(nulls_last=True), "title", "pk"]
    return [newest, "kind", "title", "pk"]


# A common word ("safeguarding", in 84% of examples) makes PostgreSQL's planner read the whole index table and test
# every row's vector, because it costs the match (`@@`) as cheap as a comparison of numbers: 25-35 ms at the
# national data set, where the vector's GIN index answers in 13 ms. So the facet counts with words are planned
# without sequential scans. SET LOCAL in the same statement string as the query, which PostgreSQL runs as one
# transaction, so the setting ends with it (within a caller's transaction it lasts to that transaction's end:
# it changes plans only, never results).
PLAN_WITH_INDEXES = "SET LOCAL enable_seqscan = off; "


def facet_rows(sql, sql_params, with_words=False):
    """The two GROUP BYs of count_facets over the marked matches' query (`sql`)."""
    prefix = PLAN_WITH_INDEXES if with_words and uses_full_text_search() else ""
    with connection.cursor() as cursor:
        # COUNT(*), not of a column: with no words the CTE can read searchentry_facets_idx alone. Raw SQL because
        # the ORM has no CTE; the matches' query inside it is the ORM's, with its parameters.
        cursor.execute(
            f"""{prefix}WITH marked (kind, partnership_id, stage, theme_ids, theme_pass, other_pass) AS ({sql})
            SELECT kind, partnership_id, stage, NULL, COUNT(*) FROM marked WHERE theme_pass = 1
            GROUP BY kind, partnership_id, stage
            UNION ALL
            SELECT NULL, NULL, NULL, theme_ids, COUNT(*) FROM marked WHERE other_pass = 1 GROUP BY theme_ids""",  # noqa: S608 (the ORM's SQL)
            sql_params,
        )
        return cursor.fetchall()


def count_facets(queries, params, themes, partnerships):
    """Counts per facet value, each over the results narrowed by every *other* facet, so that choosing a second
    value in the same facet widens the search rather than emptying it; and the number of results.

    One query, which reads the visible matches once (a CTE, which PostgreSQL materialises as it is read twice)
    and groups them twice: by (type, partnership, stage) among those passing the theme facet, and by the row's
    `theme_ids` among those passing the other three. At most one row per combination present, whatever the
    number of matches, and no join: the three facets and the total are summed from the first here, the themes'
    counts from the second."""
    filters = queries.facet_filters

    def passes(condition):
        return Case(When(condition, then=Value(1)), default=Value(0)) if condition else Value(1)

    marked = (
        queries.entries.order_by()
        .annotate(
            theme_pass=passes(filters["theme"]),
            other_pass=passes(Q(filters["type"], filters["partnership"], filters["stage"])),
        )
        .values_list("kind", "partnership_id", "stage", "theme_ids", "theme_pass", "other_pass")
    )
    try:
        sql, sql_params = marked.query.sql_with_params()
    except EmptyResultSet:  # text with nothing to search for: nothing matches, and nothing need be asked
        sql = None
    rows = [] if sql is None else facet_rows(sql, sql_params, with_words=queries.matcher is not None)
    chosen = queries.chosen
    counts = {"type": Counter(), "partnership": Counter(), "stage": Counter(), "theme": Counter()}
    total = 0
    for kind, partnership_id, stage, encoded_themes, number in rows:
        if encoded_themes is not None:
            for theme_id in decode_theme_ids(encoded_themes):
                counts["theme"][theme_id] += number
            continue
        values = {"type": kind, "partnership": partnership_id, "stage": stage}
        passes = {name: not chosen[name] or value in chosen[name] for name, value in values.items()}
        for name in values:
            if all(passed for other, passed in passes.items() if other != name):
                counts[name][values[name]] += number
        if all(passes.values()):
            total += number

    choices = {
        "type": [(kind.value, kind.value, kind.label) for kind in SearchKind],
        "theme": [(theme.slug, theme.pk, theme.name) for theme in themes],
        "partnership": [(partnership.slug, partnership.pk, partnership.name) for partnership in partnerships],
        "stage": [(stage.value, stage.value, stage.label) for stage in Stage],
    }
    selected = {
        "type": params.types,
        "theme": params.themes,
        "partnership": params.partnerships,
        "stage": params.stages,
    }
    facets = []
    for name, legend in FACETS:
        values = [
            FacetValue(value=value, label=label, count=counts[name].get(key, 0), selected=value in selected[name])
            for value, key, label in choices[name]
        ]
        # Values with no results are left out, unless chosen: the user must be able to untick them.
        values = [value for value in values if value.count or value.selected]
        if values:
            facets.append(Facet(name=name, legend=legend, values=values))
    return facets, total
