"""A mail backend that writes each message to a spool directory, one file per message, for load tests,
crash tests and staging (set EMAIL_BACKEND to it, or TEST_EMAIL_BACKEND in the test suite's workers).

Files are named `<time ns>-<pid>-<n>.eml` and appear atomically (written beside, then renamed), so a
reader never sees half a message, and a message handed over twice shows up twice: counting files per
Message-ID is how tests and bench/reminders.py count duplicates. EMAIL_SPOOL_DELAY_SECONDS makes every
message take that long before it is written, like a slow mail server (crash tests kill the sender then).
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from email import message_from_bytes
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage


class SpoolBackend(BaseEmailBackend):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.directory = Path(
            getattr(settings, "EMAIL_SPOOL_DIR", "") or Path(settings.BASE_DIR) / "var" / "mail-spool"
        )
        self.delay = float(getattr(settings, "EMAIL_SPOOL_DELAY_SECONDS", 0) or 0)
        self.count = 0
        self.ready = False

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        if not self.ready:  # once per connection: the reminder sender hands messages over one by one
            self.directory.mkdir(parents=True, exist_ok=True)
            self.ready = True
        # Plain os calls on strings: a load test's mail server must cost little beside what it measures.
        directory = os.fspath(self.directory)
        sent = 0
        for message in email_messages:
            if self.delay:
                time.sleep(self.delay)
            data = message.message().as_bytes()
            self.count += 1
            name = f"{time.time_ns()}-{os.getpid()}-{self.count}.eml"
            partial = os.path.join(directory, f".{name}.part")
            try:
                handle = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileNotFoundError:  # the directory was removed since (a cleaned-up staging spool)
                self.directory.mkdir(parents=True, exist_ok=True)
                handle = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(handle, view) :]
            finally:
                os.close(handle)
            os.rename(partial, os.path.join(directory, name))
            sent += 1
        return sent


def spooled_message_ids(directory: Path) -> list[str]:
    """The Message-ID of every message in a spool directory (a repeat appears as often as it was sent)."""
    ids = []
    for path in sorted(Path(directory).glob("*.eml")):
        with path.open("rb") as handle:
            headers = handle.read(4096).split(b"\n\n", 1)[0]
        ids.append(str(message_from_bytes(headers).get("Message-ID", "")))
    return ids
