"""A reminder's email, written straight to its wire form (sessions/services/reminder_mail.py), says what Django's
own message would say: the same headers and text, whatever names a roster holds; headers fold within their
lines; a line break in a header is refused. Sent through a real SMTP server on loopback, one connection
serves a whole batch and each message arrives whole; a batch takes the same queries whatever its size."""

from __future__ import annotations

import email
import socket
from email import policy

import hypothesis
import pytest
from aiosmtpd.controller import Controller
from django.core.mail import BadHeaderError, EmailMessage, EmailMultiAlternatives
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from sessions.models import Notification, Reminder
from sessions.services.dispatch import reminders_deliver
from sessions.services.reminder_mail import PrefoldedEmail, WireMessage, fold

from .reminder_helpers import due_log_prompts, expected_message_ids

UNSUBSCRIBE = "http://127.0.0.1:8000/unsubscribe/12.3456.log_prompts.0123456789abcdef0123456789abcdef/"
HEADERS = {
    "Date": "Tue, 30 Mar 2027 08:00:00 -0000",
    "Message-ID": "<reminder.12.3456@127.0.0.1>",
    "List-Unsubscribe": f"<{UNSUBSCRIBE}>",
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    "Auto-Submitted": "auto-generated",
}
# Names as rosters hold them: accents, other scripts, apostrophes, long double-barrelled ones.
NAMES = st.text(st.characters(categories=["L", "M", "N", "P", "S", "Zs"], exclude_characters="\x85"), max_size=60)


def _pair(subject: str, body: str, to: str) -> tuple[bytes, bytes]:
    ours = PrefoldedEmail(subject=subject, body=body, to=[to], headers=HEADERS).message()
    assert isinstance(ours, WireMessage)
    theirs = EmailMessage(subject=subject, body=body, to=[to], headers=HEADERS).message()
    return ours.as_bytes(), theirs.as_bytes()


def _read(raw: bytes) -> tuple[list[tuple[str, str]], str]:
    parsed = email.message_from_bytes(raw, policy=policy.default)
    # Django's folding can leave a blank at the start of a value ("Subject: \n =?utf-8?..."): not the text.
    return [(name, str(value).strip()) for name, value in parsed.items()], parsed.get_content()


@hypothesis.settings(max_examples=100, deadline=None)
@given(
    names=st.lists(NAMES, min_size=1, max_size=3),
    template=st.sampled_from(
        [
            "[MentorHub] How did your session with {} go?",
            "[MentorHub] Your mentoring session with {} is tomorrow",
            "[MentorHub] Milestone due today: {}",
            "{}",
        ]
    ),
    to=st.sampled_from(["ana.ruiz@alpha.test", "o'brien+mentoring@alpha.co.uk", "jose@müller.example"]),
    extra=st.text(max_size=300),
)
def test_a_reminder_says_what_djangos_message_says(names, template, to, extra):
    subject = " ".join(template.format(" and ".join(names)).split())  # one line, as the dispatcher makes it
    body = f"Hello {names[0]},\n\n{extra}\n\nOpen it in MentorHub: http://127.0.0.1:8000/o/alpha/sessions/7/\n"
    ours, theirs = _pair(subject, body, to)
    assert _read(ours) == _read(theirs)
    assert dict(_read(ours)[0])["Subject"] == subject.strip()
    head = ours.split(b"\n\n", 1)[0].decode("ascii")  # every header ASCII: names travel as encoded words
    for line in head.split("\n"):
        # Within 78 characters, but for a link that cannot be split, alone on its line.
        assert len(line) <= 78 or (line.startswith(" ") and " " not in line[1:]), line


def test_the_usual_reminder_is_written_exactly_as_django_writes_it():
    body = "Hello Ana Ruiz,\n\nYour session with Bo Chen has ended.\n"
    ours, theirs = _pair("[MentorHub] How did your session with Bo Chen go?", body, "ana.ruiz@alpha.test")
    assert ours == theirs
    assert b"List-Unsubscribe: \n <" + UNSUBSCRIBE.encode() + b">\n" in ours


def test_smtp_gets_crlf_line_ends_and_other_readers_the_parsed_message():
    message = PrefoldedEmail(subject="Hi Zoë", body="one\ntwo\n", to=["ana@alpha.test"], headers=HEADERS).message()
    assert message.as_bytes(linesep="\r\n") == message.as_bytes().replace(b"\n", b"\r\n")
    assert b"\r\n\r\none\r\ntwo\r\n" in message.as_bytes(linesep="\r\n")
    assert str(email.message_from_bytes(message.as_bytes(), policy=policy.default)["Subject"]) == "Hi Zoë"
    assert message["Message-ID"] == HEADERS["Message-ID"] and "List-Unsubscribe" in message
    assert message.get_content_type() == "text/plain"
    assert "one\ntwo" in message.as_string()


@hypothesis.settings(max_examples=50, deadline=None)
@given(name=NAMES, extra=st.text(max_size=300), to=st.sampled_from(["ana.ruiz@alpha.test", "jose@müller.example"]))
def test_html_with_its_text_says_what_djangos_multipart_message_says(name, extra, to):
    subject = " ".join(f"[MentorHub] How did your session with {name} go?".split())
    body = f"Hello {name},\n\n{extra}\n"
    page = f'<!DOCTYPE html>\n<html lang="fr"><body><p>Bonjour {name}</p>\n<p>{extra}</p></body></html>\n'
    ours = PrefoldedEmail(subject=subject, body=body, to=[to], headers=HEADERS)
    ours.attach_alternative(page, "text/html")
    theirs = EmailMultiAlternatives(subject=subject, body=body, to=[to], headers=HEADERS)
    theirs.attach_alternative(page, "text/html")
    written = ours.message()
    if "\r" in body + page or any(len(line.encode()) > 998 for line in (body + page).split("\n")):
        return  # Django's own path: nothing of ours to compare
    assert isinstance(written, WireMessage)

    def parts(raw: bytes) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        parsed = email.message_from_bytes(raw, policy=policy.default)
        headers = [(n, str(v).strip()) for n, v in parsed.items() if n != "Content-Type"]
        return headers, [(part.get_content_type(), part.get_content()) for part in parsed.iter_parts()]

    assert parts(written.as_bytes()) == parts(theirs.message().as_bytes())
    parsed = email.message_from_bytes(written.as_bytes(), policy=policy.default)
    assert parsed.get_content_type() == "multipart/alternative"


def test_a_line_break_in_a_header_is_refused_as_django_refuses_it():
    with pytest.raises(BadHeaderError):
        PrefoldedEmail(subject="Hi\nBcc: everyone@alpha.test", body="x", to=["ana@alpha.test"]).message()
    with pytest.raises(BadHeaderError):
        fold("To", "ana@alpha.test\r\nBcc: everyone@alpha.test")


def test_what_the_writer_does_not_handle_takes_djangos_path():
    with_calendar = PrefoldedEmail(subject="Invitation", body="x", to=["ana@alpha.test"], headers=HEADERS)
    with_calendar.attach("invite.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    long_line = PrefoldedEmail(subject="Notes", body="x" * 1200, to=["ana@alpha.test"], headers=HEADERS)
    for message in (with_calendar.message(), long_line.message()):
        assert not isinstance(message, WireMessage)
    assert with_calendar.message().is_multipart()
    assert long_line.message()["Content-Transfer-Encoding"] == "quoted-printable"


class Inbox:
    """What the loopback SMTP server received, and over which client connection (its address and port)."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []
        self.peers: list[object] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd calls it by this name
        self.messages.append((list(envelope.rcpt_tos), envelope.original_content or b""))
        self.peers.append(session.peer)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.django_db
def test_a_batch_goes_over_one_smtp_connection_and_each_message_arrives_whole(org, settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    try:
        _pair, reminders = due_log_prompts(org, 6)  # 12 reminders
        report = reminders_deliver(batch_size=5)
    finally:
        controller.stop()

    assert report.sent == report.emailed == 12 and report.batches == 3
    assert len(set(inbox.peers)) == 3  # one connection per batch, not one per message
    received = [email.message_from_bytes(raw, policy=policy.default) for _rcpt, raw in inbox.messages]
    assert {str(message["Message-ID"]) for message in received} == expected_message_ids(reminders)
    for (rcpt, _raw), message in zip(inbox.messages, received, strict=True):
        assert [str(message["To"])] == rcpt
        assert str(message["Subject"]).startswith("[MentorHub] How did your session with ")
        # Folded onto its own line (too long for the name's), as Django folds it: the blank is not the link.
        assert str(message["List-Unsubscribe"]).strip().startswith("<http://127.0.0.1:8000/unsubscribe/")
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert "Log it as held" in message.get_body(("plain",)).get_content()
        assert "Log it as held" in message.get_body(("html",)).get_content()


def _queries_besides_the_marks(captured: CaptureQueriesContext) -> list[str]:
    # One "sent" mark per email, on purpose (sessions/services/dispatch.py); everything else is per batch.
    return [query["sql"] for query in captured.captured_queries if "emailed = true" not in query["sql"]]


@pytest.mark.django_db
def test_a_batch_takes_the_same_queries_whatever_its_size(org, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    due_log_prompts(org, 2)  # one pair, 4 reminders
    with CaptureQueriesContext(connection) as small:
        assert reminders_deliver().sent == 4
    for _ in range(3):
        due_log_prompts(org, 8)  # three more pairs: 48 reminders, other sessions, matches, people
    with CaptureQueriesContext(connection) as large:
        assert reminders_deliver().sent == 48

    assert len(_queries_besides_the_marks(large)) == len(_queries_besides_the_marks(small))
    assert len(large.captured_queries) - len(_queries_besides_the_marks(large)) == 48
    assert Notification.objects.filter(reminder__isnull=False).count() == 52
    assert set(Reminder.objects.values_list("status", flat=True)) == {Reminder.Status.SENT}
