"""Pagination that stays fast however deep a visitor goes into a long list.

The first pages are numbered and read with OFFSET, which is cheap while the offset is small. Beyond them the
"Next" and "Previous" links carry a cursor: the ordering keys of the last (or first) row shown, and the page
reads the rows after (or before) it. With an index serving the ordering, page 800 of /learning/ then costs what
page 1 does, where OFFSET 16,000 would read and throw away 16,000 rows first.

The list must be ordered by `keys`, all descending, the last of them unique (the primary key), and none of them
NULL in the rows listed (published examples always have a published_at: a check constraint says so).
"""

from dataclasses import dataclass
from datetime import datetime
from functools import reduce
from operator import or_

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

CURSOR_SEPARATOR = "~"


@dataclass
class KeysetPage:
    """One page of a keyset-paginated list; the template reads it like Django's Page where it can."""

    object_list: list
    count: int
    num_pages: int
    # None on a cursor page reached without a believable page number.
    number: int | None
    # Query strings (the list's other parameters kept) of the neighbouring pages and of the first page.
    first_query: str = ""
    previous_query: str | None = None
    next_query: str | None = None

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    @property
    def has_previous(self):
        return self.previous_query is not None

    @property
    def has_next(self):
        return self.next_query is not None

    @property
    def has_other_pages(self):
        return self.has_previous or self.has_next


def _cursor(obj, keys):
    values = []
    for key in keys:
        value = getattr(obj, key)
        values.append(value.isoformat() if hasattr(value, "isoformat") else str(value))
    return CURSOR_SEPARATOR.join(values)


def _parse_cursor(model, keys, text):
    """The key values a cursor names, or None if it is not one (a hand-edited or truncated link)."""
    parts = (text or "").split(CURSOR_SEPARATOR)
    if len(parts) != len(keys):
        return None
    values = []
    for key, part in zip(keys, parts, strict=True):
        model_field = model._meta.pk if key == "pk" else model._meta.get_field(key)
        try:
            value = model_field.to_python(part)
        except ValidationError:
            return None
        # A date without a time zone (a hand-edited link) names no moment: the database would guess one.
        if value is None or (isinstance(value, datetime) and timezone.is_naive(value)):
            return None
        values.append(value)
    return values


def _beyond(keys, values, direction):
    """Rows strictly after the cursor (`lt`, older in a newest-first list) or before it (`gt`). The first key's
    bound is repeated on its own (`lte`/`gte`) so that the database can start its index scan at the cursor."""
    conditions = []
    for position, key in enumerate(keys):
        equal = dict(zip(keys[:position], values[:position], strict=True))
        conditions.append(Q(**equal, **{f"{key}__{direction}": values[position]}))
    return Q(**{f"{keys[0]}__{direction}e": values[0]}) & reduce(or_, conditions)


def _query(params, **changes):
    params = params.copy()
    for name in ("page", "after", "before"):
        params.pop(name, None)
    for name, value in changes.items():
        params[name] = str(value)
    return params.urlencode()


def _number(text):
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


def keyset_page(request, queryset, *, keys, per_page, numbered_pages):
    """The page of `queryset` (ordered newest first by `keys`) that the request's `page`, `after` or `before`
    parameter names. Two queries before the rows' own prefetches: the count, and the page's rows (with one
    more row to know whether another page follows). A page number, cursor or mixture that makes no sense
    gives the first page, as Django's Paginator.get_page does."""
    params = request.GET
    count = queryset.count()
    num_pages = max(1, -(-count // per_page))
    number = _number(params.get("page"))
    model = queryset.model
    descending = [f"-{key}" for key in keys]

    for name, direction in (("after", "lt"), ("before", "gt")):
        values = _parse_cursor(model, keys, params.get(name)) if name in params else None
        if values is None:
            continue
        shown = number if number is not None and numbered_pages < number <= num_pages else None
        if direction == "lt":
            rows = list(queryset.filter(_beyond(keys, values, "lt")).order_by(*descending)[: per_page + 1])
            has_next, has_previous = len(rows) > per_page, True
            rows = rows[:per_page]
        else:
            ascending = list(keys)
            rows = list(queryset.filter(_beyond(keys, values, "gt")).order_by(*ascending)[: per_page + 1])
            has_previous, has_next = len(rows) > per_page, True
            rows = list(reversed(rows[:per_page]))
            if not has_previous:
                # Back at the top of the list: show it as the numbered first page it is.
                break
        if not rows:
            break
        return KeysetPage(
            object_list=rows,
            count=count,
            num_pages=num_pages,
            number=shown,
            first_query=_query(params),
            previous_query=_previous_query(params, rows, keys, shown, numbered_pages) if has_previous else None,
            next_query=_next_query(params, rows, keys, shown, numbered_pages) if has_next else None,
        )

    if number is None or not 1 <= number <= min(num_pages, numbered_pages):
        number = 1
    offset = (number - 1) * per_page
    rows = list(queryset.order_by(*descending)[offset : offset + per_page + 1])
    has_next = len(rows) > per_page
    rows = rows[:per_page]
    return KeysetPage(
        object_list=rows,
        count=count,
        num_pages=num_pages,
        number=number,
        first_query=_query(params),
        previous_query=_query(params, page=number - 1) if number > 1 else None,
        next_query=_next_query(params, rows, keys, number, numbered_pages) if has_next else None,
    )


def _next_query(params, rows, keys, number, numbered_pages):
    if number is not None and number + 1 <= numbered_pages:
        return _query(params, page=number + 1)
    changes = {"after": _cursor(rows[-1], keys)}
    if number is not None:
        changes["page"] = number + 1
    return _query(params, **changes)


def _previous_query(params, rows, keys, number, numbered_pages):
    if number is not None and number - 1 <= numbered_pages:
        return _query(params, page=number - 1)
    changes = {"before": _cursor(rows[0], keys)}
    if number is not None:
        changes["page"] = number - 1
    return _query(params, **changes)
