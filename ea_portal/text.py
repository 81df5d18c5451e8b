"""Text every app shapes the same way: slugs for addresses, and email addresses as they are stored."""

from django.utils.text import slugify


def unique_slug(queryset, text, *, reserved=frozenset(), max_length=200, fallback="item"):
    """A slug of `text` that no object in `queryset` has and that is not `reserved` (the addresses of pages
    beside the objects' own, such as "new" or "feed"): the plain slug, else with -2, -3 and so on."""
    base = slugify(text)[:max_length] or fallback
    slug, number = base, 2
    while slug in reserved or queryset.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def normalise_email(email):
    """An email address as the portal stores and compares it: trimmed and lower-cased, so that one person
    is one subscriber or one lead whatever case they type."""
    return email.strip().lower()
