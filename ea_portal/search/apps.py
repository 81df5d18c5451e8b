from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "ea_portal.search"
    label = "search"
    verbose_name = "Search"

    def ready(self):
        # The search index follows every change to what it indexes (see ea_portal.search.signals).
        from ea_portal import hooks
        from ea_portal.search import signals
        from ea_portal.search.query import matching_listing, matching_object_ids
        from ea_portal.search.related import related_examples

        signals.connect()
        # What the learning and resources apps ask of the index without importing search (see ea_portal.hooks).
        hooks.text_matches.provide(matching_object_ids)
        hooks.text_listing.provide(matching_listing)
        hooks.related_examples.provide(related_examples)

    def load_programme(self, stdout=None, update=False):
        """load_programme's last step: after the programme data, make sure the index holds all of it."""
        from ea_portal.search.indexing import rebuild

        rebuild(stdout=stdout)
