from django.core.management.base import BaseCommand

from ea_portal import content_version


class Command(BaseCommand):
    help = (
        "Retire every cached page and fragment (a new content version). Run it after changing published content "
        "straight in the database; the portal's own saves and loaders do it themselves."
    )

    def handle(self, *args, **options):
        content_version.bump()
        self.stdout.write(self.style.SUCCESS("Content version bumped: cached pages will be rendered afresh."))
