"""Search became its own app: a database made before the move keeps its search index rows and theme links."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ea_portal.search.models import SearchEntry, SearchKind
from partnerships.models import Theme

BEFORE_THE_MOVE = [("ea_portal", "0001_search_entry"), ("search", None)]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([target for target in targets if target[1] is not None]).apps


@pytest.mark.django_db(transaction=True)
def test_upgrading_a_database_from_before_the_move_keeps_every_entry_and_theme_link():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old_apps = migrate(BEFORE_THE_MOVE)
        OldEntry = old_apps.get_model("ea_portal", "SearchEntry")
        OldTheme = old_apps.get_model("partnerships", "Theme")
        theme = OldTheme.objects.create(name="Multi-agency training", slug="multi-agency-training", order=1)
        entry = OldEntry.objects.create(kind="faq", object_id=7, title="Who chairs the panel?", url="/faqs/#faq-7")
        entry.themes.add(theme)

        migrate(latest)

        moved = SearchEntry.objects.get()
        assert (moved.pk, moved.kind, moved.object_id, moved.title) == (entry.pk, SearchKind.FAQ, 7, entry.title)
        assert list(moved.themes.all()) == [Theme.objects.get(slug="multi-agency-training")]
    finally:
        migrate(latest)
