from django.core.management.base import BaseCommand

from ea_portal.search.indexing import rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the search index from scratch: every example, resource, FAQ, newsletter issue, theme and "
        "partnership. Saves keep the index up to date; run this after loading data without signals (bulk loads, "
        "raw fixtures) or if the index is ever in doubt."
    )

    def handle(self, *args, **options):
        rebuild(stdout=self.stdout)
