from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ea_portal import content_version
from partnerships.models import Membership, MembershipRole, Partnership
from partnerships.roles import facilitators_group

# Each app with starting data from the deck gives its AppConfig a `load_programme(stdout)` method; they run in
# INSTALLED_APPS order, lower apps first (search, last, indexes what the others created). This command names no
# app above partnerships. Every loader creates only what is missing, so the command can be run any number of
# times. With
# --update-seed, loaders that accept `update` also bring records an earlier load created back to the deck's text.

DEMO_PASSWORD = "ea-portal-demo"  # noqa: S105 (refused unless DJANGO_DEBUG is on)
DEMO_LEAD_PARTNERSHIP = "devon-plymouth-torbay"
# Clearly made-up, distinct names, so review trails say who did what ("by Fran Facilitator (demo)").
DEMO_NAMES = {"facilitator": ("Fran", "Facilitator (demo)"), "lead": ("Lee", "Lead (demo)")}


class Command(BaseCommand):
    help = "Load the Early Adopter programme's data from NCB's deck. Safe to run again: it changes nothing then."

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo-users",
            action="store_true",
            help="Also create a demo facilitator and a demo partnership lead (development only).",
        )
        parser.add_argument(
            "--update-seed",
            action="store_true",
            help="Also rewrite the learning examples and resources an earlier load created to NCB's deck's text, "
            "clearing stages, contacts, dates and descriptions that older versions of this command invented.",
        )

    def handle(self, *args, demo_users=False, update_seed=False, **options):
        if demo_users and not settings.DEBUG:
            raise CommandError(
                "--demo-users creates accounts with a known password; it runs only with DJANGO_DEBUG on."
            )
        facilitators_group()
        for config in apps.get_app_configs():
            if hasattr(config, "load_programme"):
                config.load_programme(stdout=self.stdout, update=update_seed)
        if demo_users:
            self.create_demo_users()
        # Saves bump the content version as they commit; this covers whatever a loader wrote in bulk.
        content_version.bump()
        self.stdout.write(self.style.SUCCESS("Programme data loaded."))

    @staticmethod
    def demo_user(username):
        first_name, last_name = DEMO_NAMES[username]
        user, created = get_user_model().objects.get_or_create(
            username=username,
            defaults={"email": f"{username}@example.org", "first_name": first_name, "last_name": last_name},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        elif user.first_name == "Demo" and not user.last_name:
            # Earlier versions named both accounts "Demo".
            user.first_name, user.last_name = first_name, last_name
            user.save(update_fields=["first_name", "last_name"])
        return user

    @transaction.atomic
    def create_demo_users(self):
        facilitator = self.demo_user("facilitator")
        facilitator.groups.add(facilitators_group())

        lead = self.demo_user("lead")
        partnership = Partnership.objects.get(slug=DEMO_LEAD_PARTNERSHIP)
        Membership.objects.get_or_create(user=lead, partnership=partnership, defaults={"role": MembershipRole.LEAD})

        self.stdout.write(
            "Demo accounts (development only):\n"
            f"  NCB facilitator ({facilitator.get_full_name()}): username 'facilitator', password '{DEMO_PASSWORD}'\n"
            f"  Partnership lead ({lead.get_full_name()}, {partnership}): username 'lead', password '{DEMO_PASSWORD}'"
        )
