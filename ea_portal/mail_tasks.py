"""The one background task that sends an email, for every email the portal sends.

Its arguments are plain JSON values (the task is stored in the database until the worker runs it), so callers
build the message's fields, not an EmailMessage. Enqueue it inside the transaction that causes the email:
the task row commits with the change, or not at all, and a slow or failing mail server never slows or breaks
the request. This module imports no app, so any app may use it.
"""

from django.core.mail import EmailMultiAlternatives
from django.tasks import task


@task()
def send_email_task(
    subject: str,
    body: str,
    to: list[str],
    *,
    html_body: str = "",
    headers: dict[str, str] | None = None,
    from_email: str | None = None,
    reply_to: list[str] | None = None,
) -> int:
    """Send one email (plain text, plus an HTML alternative when html_body is given); returns 1 once it is sent.

    A failure raises, so the worker records the task as failed with the mail server's error.
    """
    message = EmailMultiAlternatives(
        subject, body, from_email=from_email, to=to, reply_to=reply_to or [], headers=headers or {}
    )
    if html_body:
        message.attach_alternative(html_body, "text/html")
    return message.send()
