from django.apps import AppConfig


class EaPortalConfig(AppConfig):
    # The project itself: site-wide views, template tags and the migration history of the search index's table
    # from before search became its own app (ea_portal.search). It has no models of its own.
    name = "ea_portal"
    verbose_name = "EA Portal"
