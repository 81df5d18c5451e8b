from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "resources"
    verbose_name = "Resources"

    def load_programme(self, stdout=None, update=False):
        """load_programme: the deck's resources."""
        from resources import seed

        seed.load(stdout=stdout, update=update)
