"""A mail backend for tests that run the portal in another process: each message handed to it is appended as a
line ("address<TAB>subject") to the file named by RECORDING_MAIL_FILE, after half of RECORDING_MAIL_DELAY
seconds and before the other half, so a process killed at a random moment can be caught on either side."""

import os
import time

from django.core.mail.backends.base import BaseEmailBackend


class RecordingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        delay = float(os.environ.get("RECORDING_MAIL_DELAY", "0")) / 2
        with open(os.environ["RECORDING_MAIL_FILE"], "a", encoding="utf-8") as record:
            for message in email_messages:
                time.sleep(delay)
                for address in message.recipients():
                    record.write(f"{address}\t{message.subject}\n")
                record.flush()
                os.fsync(record.fileno())
                time.sleep(delay)
        return len(email_messages)
