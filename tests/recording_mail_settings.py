"""The portal's settings with the recording mail backend, for commands a test runs in another process."""

from ea_portal.settings import *  # noqa: F403 (these settings, with one change)

MAILERS = {"default": {"BACKEND": "tests.recording_mail.RecordingBackend"}}
