"""Every email the portal sends, and every link in one, goes through this module.

Links are built with ea_portal.links.absolute_url on the one configured public address
(settings.PORTAL_BASE_URL), never on the Host header of
the request that caused the email, which an attacker chooses, nor on django.contrib.sites' example.com.

Mail leaves after the transaction commits (so nobody is told of a change that was rolled back) and, inside a
request, only once the response has been handed to the client: a slow or failing mail server never slows or
breaks what the user did, and a page answers in the same time whether or not it sent mail (so its timing does
not tell who has an account or a subscription). A message that cannot be sent is logged, never raised.
"""

import logging
import threading
from functools import partial

from django.core.mail import EmailMessage
from django.core.signals import request_finished, request_started
from django.db import transaction

logger = logging.getLogger(__name__)

# Messages whose transaction has committed, waiting for the end of the current request (None outside one).
_request = threading.local()


def send_after_commit(subject, body, to, *, headers=None):
    """Send a plain-text email once the current transaction commits (at once outside a transaction), after the
    response of the current request. Arguments are plain strings, lists and dicts so the send can be queued."""
    # A line break in a subject (a title typed with one) would make the message unsendable.
    subject = " ".join(str(subject).split())
    transaction.on_commit(partial(_committed, subject, body, list(to), headers or {}))


def _committed(*message):
    pending = getattr(_request, "pending", None)
    if pending is None:
        deliver(*message)
    else:
        pending.append(message)


def deliver(subject, body, to, headers):
    try:
        EmailMessage(subject, body, to=to, headers=headers).send()
    except Exception:
        # The action that caused the email has happened; losing the email must not undo or hide it.
        logger.exception("Could not send the email %r to %d recipient(s)", subject, len(to))


def _request_started(**kwargs):
    _request.pending = []


def _request_finished(**kwargs):
    # Django sends request_finished when the server closes the response, after the client has it.
    pending, _request.pending = getattr(_request, "pending", None), None
    for message in pending or []:
        deliver(*message)


def connect():
    request_started.connect(_request_started, dispatch_uid="ea_portal.mail.request_started")
    request_finished.connect(_request_finished, dispatch_uid="ea_portal.mail.request_finished")
