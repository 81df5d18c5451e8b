"""Keep the search index in step with the content: every save, delete and change of themes schedules a reindex
of what it touched (see ea_portal.search.indexing), so a search never finds a deleted object or misses a saved
one."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from ea_portal.search.indexing import entries_with_theme, schedule
from ea_portal.search.models import SearchKind
from ea_portal.search.sources import SOURCES
from learning.models import CuratedItem, LearningExample
from partnerships.models import LocalAuthority, Partnership, SiteApproach, Theme
from resources.models import NewsletterIssue, Resource

# Models whose themes are a many-to-many field, by the kind of entry they make.
THEMED = {
    SearchKind.EXAMPLE: LearningExample,
    SearchKind.RESOURCE: Resource,
    SearchKind.NEWSLETTER: NewsletterIssue,
    SearchKind.PARTNERSHIP: Partnership,
}
# Models that are part of another object's entry: (model, the kind of that entry, the attribute naming it).
PARTS = [
    (LocalAuthority, SearchKind.PARTNERSHIP, "partnership_id"),
    (SiteApproach, SearchKind.PARTNERSHIP, "partnership_id"),
    (CuratedItem, SearchKind.THEME, "theme_id"),
]
DISPATCH_PREFIX = "ea_portal.search"


def schedule_entries(keys):
    for kind, object_id in keys:
        schedule(kind, [object_id])


def object_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        schedule(sender_kinds[sender], [instance.pk])


def object_deleting(sender, instance, **kwargs):
    # A deleted theme's links go without signals: note whose entries named it while the links are still there.
    if sender is Theme:
        instance._search_entries_with_theme = entries_with_theme(instance)


def object_deleted(sender, instance, **kwargs):
    schedule(sender_kinds[sender], [instance.pk])
    schedule_entries(getattr(instance, "_search_entries_with_theme", []))


def themes_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    kind = through_kinds[sender]
    if not reverse:
        schedule(kind, [instance.pk])
    elif pk_set:
        # theme.learning_examples.add(...) and the like: the instance is the theme.
        schedule(kind, pk_set)
    else:
        # theme.learning_examples.clear(): the index still knows which of them had the theme.
        schedule_entries(entries_with_theme(instance, kinds=[kind]))


def part_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    kind, attribute = part_kinds[sender]
    owner_id = getattr(instance, attribute)
    if owner_id is not None:
        schedule(kind, [owner_id])


sender_kinds = {source.model: kind for kind, source in SOURCES.items()}
through_kinds = {model.themes.through: kind for kind, model in THEMED.items()}
part_kinds = {model: (kind, attribute) for model, kind, attribute in PARTS}


def connect():
    for model in sender_kinds:
        uid = f"{DISPATCH_PREFIX}.{model._meta.label}"
        post_save.connect(object_saved, sender=model, dispatch_uid=f"{uid}.saved")
        pre_delete.connect(object_deleting, sender=model, dispatch_uid=f"{uid}.deleting")
        post_delete.connect(object_deleted, sender=model, dispatch_uid=f"{uid}.deleted")
    for through in through_kinds:
        m2m_changed.connect(themes_changed, sender=through, dispatch_uid=f"{DISPATCH_PREFIX}.{through._meta.label}")
    for model in part_kinds:
        uid = f"{DISPATCH_PREFIX}.{model._meta.label}.part"
        post_save.connect(part_changed, sender=model, dispatch_uid=f"{uid}.saved")
        post_delete.connect(part_changed, sender=model, dispatch_uid=f"{uid}.deleted")
