from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from tqdm import tqdm

from resources.models import NewsletterIssue
from resources.newsletter import claimed_but_unsent, recipients, send_issue


class Command(BaseCommand):
    help = (
        "Email a published newsletter issue to the confirmed subscribers interested in its themes (or everyone "
        "with --all), in batches. Safe to rerun after an interruption: nobody gets it twice, nobody is missed."
    )

    def add_arguments(self, parser):
        parser.add_argument("issue", help="The issue's slug (as in its address) or its id.")
        parser.add_argument(
            "--all", action="store_true", dest="send_to_all", help="Send to every confirmed subscriber."
        )
        parser.add_argument("--batch-size", type=int, default=100, help="Messages per batch (default 100).")
        parser.add_argument(
            "--retry-in-doubt",
            action="store_true",
            help="Release deliveries left 'sending' by a run that was killed outright, and send them again. Those "
            "subscribers may get the issue twice.",
        )

    def handle(self, *args, issue, send_to_all, batch_size, retry_in_doubt, **options):
        lookup = Q(slug=issue) | Q(pk=int(issue)) if issue.isdigit() else Q(slug=issue)
        found = NewsletterIssue.objects.filter(lookup).first()
        if found is None:
            raise CommandError(f"No newsletter issue {issue!r}.")
        if not found.is_published:
            raise CommandError(f"“{found}” is not published yet: publish it before sending it.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        if retry_in_doubt:
            released, _ = claimed_but_unsent(found).delete()
            self.stdout.write(f"Released {released} deliveries in doubt.")

        total = recipients(found, send_to_all).count()
        # tqdm redraws its line with carriage returns: write to stderr as it is, without added newlines or colour.
        self.stderr.ending = ""
        self.stderr.style_func = None
        with tqdm(total=total, unit="email", desc=found.subject[:40], file=self.stderr) as bar:
            report = send_issue(found, send_to_all=send_to_all, batch_size=batch_size, progress=bar.update)
        self.stdout.write(self.style.SUCCESS(f"Sent “{found}” to {report.sent} subscriber(s)."))
        if report.in_doubt:
            self.stdout.write(
                self.style.WARNING(
                    f"{report.in_doubt} delivery(ies) were claimed by an earlier run that stopped before recording "
                    "whether they were sent; they were not sent again. Use --retry-in-doubt to send them."
                )
            )
