from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from tqdm import tqdm

from resources.models import NewsletterIssue, NewsletterSend
from resources.newsletter import claimed_but_unsent, recipients, send_in_doubt, send_issue


class Command(BaseCommand):
    help = (
        "Email a published newsletter issue to the confirmed subscribers interested in its themes (or everyone "
        "with --all), in this process; facilitators can do the same from the issue's page, where the worker "
        "sends it. Each message is recorded as claimed just before it is handed to the mail server and as sent "
        "just after, so if this process is killed at any moment, at most the one message it was handing over at "
        "that moment is in doubt (it may or may not have gone). Rerun the command to carry on where it stopped: "
        "nobody else is sent it twice and nobody is missed; the message in doubt is not resent unless you add "
        "--retry-in-doubt."
    )

    def add_arguments(self, parser):
        parser.add_argument("issue", help="The issue's slug (as in its address) or its id.")
        parser.add_argument(
            "--all", action="store_true", dest="send_to_all", help="Send to every confirmed subscriber."
        )
        parser.add_argument("--batch-size", type=int, default=100, help="Subscribers read per query (default 100).")
        parser.add_argument(
            "--retry-in-doubt",
            action="store_true",
            help="First send again the messages (at most one per interrupted run) left in doubt by a run that was "
            "killed while handing them to the mail server. Those subscribers may get the issue twice. Use it only "
            "when no other send of this issue is running.",
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
        existing = NewsletterSend.objects.filter(issue=found).first()
        if existing is not None and existing.send_to_all != send_to_all:
            audience = "every confirmed subscriber" if existing.send_to_all else "subscribers by its themes"
            self.stdout.write(self.style.WARNING(f"Carrying on the send already started, to {audience}."))
            send_to_all = existing.send_to_all
        if retry_in_doubt and existing is not None:
            self.stdout.write(f"Sent {send_in_doubt(existing)} message(s) that were in doubt again.")
        if existing is not None and existing.is_done:
            self.stdout.write(
                f"“{found}” was already sent: {existing.sent} sent, {existing.failed} refused by the mail server."
            )
            return

        total = recipients(found, send_to_all).count()
        # tqdm redraws its line with carriage returns: write to stderr as it is, without added newlines or colour.
        self.stderr.ending = ""
        self.stderr.style_func = None
        with tqdm(total=total, unit="email", desc=found.subject[:40], file=self.stderr) as bar:
            sent = send_issue(found, send_to_all=send_to_all, batch_size=batch_size, progress=bar.update)
        self.stdout.write(self.style.SUCCESS(f"Sent “{found}” to {sent} subscriber(s)."))
        in_doubt = claimed_but_unsent(found).count()
        if in_doubt:
            self.stdout.write(
                self.style.WARNING(
                    f"{in_doubt} message(s) were being handed to the mail server when an earlier run stopped: they "
                    "may or may not have gone, and were not sent again. Use --retry-in-doubt to send them again."
                )
            )
