import logging

from django.apps import AppConfig, apps
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

# Everything the public pages show comes from these apps' models. Connecting to every model of them (the
# many-to-many tables included) means a model added later is covered without anyone remembering to list it;
# saving a draft retires the cached pages too, which costs a few re-renders and never shows stale content.
CONTENT_APPS = ("partnerships", "learning", "resources")
# Rows that change often and that no public page shows: retiring every cached page on each would be waste.
NOT_SHOWN_ON_PUBLIC_PAGES = {
    "resources.resourcedownload",  # counted for facilitators only
    "resources.subscriber",
    "resources.subscriber_themes",
    "resources.newsletterdelivery",
    "resources.newslettersend",
}


def bump_after_commit(**kwargs):
    # One bump per saved row (a cache write each when the transaction commits): cheap, and never skipped because an
    # earlier one was registered in a savepoint that is later rolled back. Bulk loaders bump once themselves.
    # robust: the change has committed whatever happens here; a cache that cannot be reached is logged, not a 500.
    transaction.on_commit(write_search_index_then_bump, robust=True)


def write_search_index_then_bump():
    """The search index is written when the same transaction commits; write it first, so that no search page is
    rendered from the old index after the bump and then kept under the new version."""
    from ea_portal import content_version
    from ea_portal.search.indexing import flush_pending

    flush_pending()
    content_version.bump()


def bump_after_migrate(**kwargs):
    # A migration may rewrite content in bulk (data migrations), and a new or flushed database has nothing in
    # common with pages cached before it.
    from ea_portal import content_version

    try:
        content_version.bump()
    except Exception:
        # migrate must not fail because the cache is unreachable; pages cached before expire on their own.
        logging.getLogger(__name__).warning("Could not bump the content version after migrate", exc_info=True)


class EaPortalConfig(AppConfig):
    # The project itself: site-wide views, template tags and the migration history of the search index's table
    # from before search became its own app (ea_portal.search). It has no models of its own.
    name = "ea_portal"
    verbose_name = "EA Portal"

    def ready(self):
        for label in CONTENT_APPS:
            for model in apps.get_app_config(label).get_models(include_auto_created=True):
                if model._meta.label_lower in NOT_SHOWN_ON_PUBLIC_PAGES:
                    continue
                uid = f"content-version-{model._meta.label_lower}"
                post_save.connect(bump_after_commit, sender=model, dispatch_uid=uid + "-save")
                post_delete.connect(bump_after_commit, sender=model, dispatch_uid=uid + "-delete")
                if model._meta.auto_created:
                    m2m_changed.connect(bump_after_commit, sender=model, dispatch_uid=uid + "-m2m")
        # Any sender: this app has no models, so migrate sends it no post_migrate of its own.
        post_migrate.connect(bump_after_migrate, dispatch_uid="content-version-migrate")
