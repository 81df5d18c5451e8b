"""Hooks: how a lower app asks for something only a higher app can give, without importing it.

Apps import only downward (see the README's code map), but learning's pages show related examples and the
learning and resources lists filter by words, and both answers come from the search index, which sits above
them. So the lower app calls a hook declared here, and the search app provides it when Django starts
(SearchConfig.ready). This module imports no app.
"""

from django.core.exceptions import ImproperlyConfigured


class Hook:
    def __init__(self, name, provided_by):
        self.name = name
        self.provided_by = provided_by
        self.provider = None

    def provide(self, function):
        self.provider = function
        return function

    def __call__(self, *args, **kwargs):
        if self.provider is None:
            raise ImproperlyConfigured(f"Nothing provides {self.name}: is {self.provided_by} in INSTALLED_APPS?")
        return self.provider(*args, **kwargs)


# text_matches(model, text): a queryset of the primary keys of the objects of `model` whose indexed text matches
# `text` the way the site search does, or None when the text has no word worth searching for.
text_matches = Hook("text_matches", "ea_portal.search")

# text_listing(model, text, theme=None, partnership_ids=None, stage=None): the published objects of `model`
# matching `text` as text_matches does, narrowed by those filters, as a queryset of search entries with
# `object_id` and `published_at` (the list's order), or None when the text has no word worth searching for.
text_listing = Hook("text_listing", "ea_portal.search")

# related_examples(example, theme_ids, limit): published learning examples related to `example`, best first, as
# stored when examples last changed (one query; theme_ids is no longer needed, and kept for the callers).
related_examples = Hook("related_examples", "ea_portal.search")
