"""Upgrading a database that holds examples: learning 0006 (revisions, drafts needing only a title) fills each
example's last activity from its content saves and review steps, and applies on PostgreSQL with rows present."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from learning.models import LearningExample

BEFORE_REVISIONS = [
    ("learning", "0005_fill_stored_markdown_html"),
    ("partnerships", "0005_partnership_name_single_line"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_upgrading_a_database_with_examples_fills_their_last_activity():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old_apps = migrate(BEFORE_REVISIONS)
        OldExample = old_apps.get_model("learning", "LearningExample")
        OldTransition = old_apps.get_model("learning", "Transition")
        OldPartnership = old_apps.get_model("partnerships", "Partnership")
        partnership = OldPartnership.objects.create(name="Somewhere", slug="somewhere", region="london")
        edited = OldExample.objects.create(
            title="Edited last", slug="edited-last", summary="S.", partnership=partnership
        )
        returned = OldExample.objects.create(title="Returned", slug="returned", summary="S.", partnership=partnership)
        long_ago = timezone.now() - timedelta(days=30)
        OldExample.objects.filter(pk__in=[edited.pk, returned.pk]).update(updated=long_ago)
        return_step = OldTransition.objects.create(
            example=returned, action="return", from_state="submitted", to_state="returned"
        )

        migrate(latest)

        assert LearningExample.objects.get(pk=edited.pk).last_activity == long_ago
        assert LearningExample.objects.get(pk=returned.pk).last_activity == return_step.at
    finally:
        migrate(latest)
