from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = "Early Adopter programme"

    def load_programme(self, stdout=None, update=False):
        """load_programme's first step: the deck's sites, authorities, themes, matrix marks and arrangements."""
        from partnerships import programme_data

        programme_data.load(stdout=stdout)
