from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "ea_portal.search"
    label = "search"
    verbose_name = "Search"

    def ready(self):
        # The search index follows every change to what it indexes (see ea_portal.search.signals).
        from ea_portal.search import signals

        signals.connect()
