import datetime

from django.core.management.base import BaseCommand, CommandError

from ea_portal import national_data


class Command(BaseCommand):
    help = (
        "Grow the loaded programme (run load_programme first) to a made-up national data set: 150 partnerships, "
        "20,000 learning examples with versions and review trails, 5,000 resources with downloads, 2,000 FAQs, "
        "100,000 newsletter subscribers and 50 issues (times --scale). Replaces the data of an earlier run; "
        "refuses a database holding real content. For benchmarks on a scratch database only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2019, help="The same seed on the same day gives the same data.")
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Multiply every size by this, e.g. 0.01 (default 1: national)."
        )
        parser.add_argument(
            "--partnerships", type=int, help="Partnerships in all, the deck's included (default 150 × scale)."
        )
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            help="Generate as if on this day, YYYY-MM-DD (default today): data spreads over the two years before it.",
        )
        parser.add_argument(
            "--allow-real-content",
            action="store_true",
            help="Run even though the database holds content that neither the deck nor this command created.",
        )

    def handle(self, *args, seed, scale, partnerships, today, allow_real_content, **options):
        if scale <= 0:
            raise CommandError("--scale must be greater than 0.")
        real = national_data.real_content()
        if real and not allow_real_content:
            found = ", ".join(f"{count} {kind}" for kind, count in real.items())
            raise CommandError(
                f"This database holds real content (neither NCB's deck nor an earlier run of this command created "
                f"it): {found}. generate_national_data adds tens of thousands of made-up records and deletes those "
                "of its earlier runs: run it on a scratch database, or pass --allow-real-content if you really mean "
                "to mix them (real content is kept)."
            )
        sizes = national_data.Sizes.scaled(scale, partnerships)
        written = national_data.generate(
            seed=seed, sizes=sizes, today=today, progress=options["verbosity"] > 0, stdout=self.stdout
        )
        summary = ", ".join(f"{count} {kind}" for kind, count in written.items())
        self.stdout.write(self.style.SUCCESS(f"National data generated (seed {seed}, scale {scale}): {summary}."))
