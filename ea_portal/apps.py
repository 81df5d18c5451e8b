from django.apps import AppConfig


class EaPortalConfig(AppConfig):
    name = "ea_portal"
    verbose_name = "EA Portal"

    def ready(self):
        # The search index follows every change to what it indexes (see ea_portal.search.signals).
        from ea_portal import mail
        from ea_portal.search import signals

        signals.connect()
        # Mail sent during a request waits for the response to be closed (see ea_portal.mail).
        mail.connect()
