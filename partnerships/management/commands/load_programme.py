from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from partnerships.models import Membership, MembershipRole, Partnership
from partnerships.roles import facilitators_group

# Each app with starting data from the deck gives its AppConfig a `load_programme(stdout)` method; they run in
# INSTALLED_APPS order, lower apps first (search, last, indexes what the others created). This command names no
# app above partnerships. Every loader creates only what is missing, so the command can be run any number of
# times.

DEMO_PASSWORD = "ea-portal-demo"  # noqa: S105 (refused unless DJANGO_DEBUG is on)
DEMO_LEAD_PARTNERSHIP = "devon-plymouth-torbay"


class Command(BaseCommand):
    help = "Load the Early Adopter programme's data from NCB's deck. Safe to run again: it changes nothing then."

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo-users",
            action="store_true",
            help="Also create a demo facilitator and a demo partnership lead (development only).",
        )

    def handle(self, *args, demo_users=False, **options):
        if demo_users and not settings.DEBUG:
            raise CommandError(
                "--demo-users creates accounts with a known password; it runs only with DJANGO_DEBUG on."
            )
        facilitators_group()
        for config in apps.get_app_configs():
            if hasattr(config, "load_programme"):
                config.load_programme(stdout=self.stdout)
        if demo_users:
            self.create_demo_users()
        self.stdout.write(self.style.SUCCESS("Programme data loaded."))

    @transaction.atomic
    def create_demo_users(self):
        User = get_user_model()
        facilitator, created = User.objects.get_or_create(
            username="facilitator", defaults={"email": "facilitator@example.org", "first_name": "Demo"}
        )
        if created:
            facilitator.set_password(DEMO_PASSWORD)
            facilitator.save()
        facilitator.groups.add(facilitators_group())

        lead, created = User.objects.get_or_create(
            username="lead", defaults={"email": "lead@example.org", "first_name": "Demo"}
        )
        if created:
            lead.set_password(DEMO_PASSWORD)
            lead.save()
        partnership = Partnership.objects.get(slug=DEMO_LEAD_PARTNERSHIP)
        Membership.objects.get_or_create(user=lead, partnership=partnership, defaults={"role": MembershipRole.LEAD})

        self.stdout.write(
            "Demo accounts (development only):\n"
            f"  NCB facilitator: username 'facilitator', password '{DEMO_PASSWORD}'\n"
            f"  Partnership lead ({partnership}): username 'lead', password '{DEMO_PASSWORD}'"
        )
