"""Every email the portal sends goes through `queue_email`, onto the task worker.

Links in emails are built with ea_portal.links.absolute_url on the one configured public address
(settings.PORTAL_BASE_URL), never on the Host header of the request that caused the email, which an attacker
chooses, nor on django.contrib.sites' example.com.

The email is a task (ea_portal.mail_tasks.send_email_task) stored in the database inside the current transaction:
it exists once the change that causes it commits, and never for a change that is rolled back. The worker sends
it, so a slow or failing mail server never slows or breaks what the user did, and a page answers in the same time
whether or not it sends mail (its timing does not tell who has an account or a subscription). A message the mail
server refuses fails its task, which the worker records and logs; the action stands.
"""

from ea_portal.mail_tasks import send_email_task


def queue_email(subject, body, to, *, headers=None):
    """Queue a plain-text email for the worker. Arguments are plain strings, lists and dicts: the task is stored."""
    # A line break in a subject (a title typed with one) would make the message unsendable.
    subject = " ".join(str(subject).split())
    send_email_task.enqueue(subject, body, list(to), headers=headers or {})
