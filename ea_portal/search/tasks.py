"""The search app's work on the task worker."""

from django.tasks import task

from ea_portal.search.related import update_related


@task()
def update_related_examples(example_ids: list[int]) -> int:
    """Recompute the related examples of these changed examples and of the lists they enter or leave (queued on
    commit by ea_portal.search.indexing). Returns the number of lists written."""
    return update_related(example_ids)
