from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = "Learning"

    def load_programme(self, stdout=None, update=False):
        """load_programme: the deck's learning examples, questions to consider and approaches."""
        from learning import seed

        seed.load(stdout=stdout, update=update)
