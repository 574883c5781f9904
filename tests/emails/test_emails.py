"""Emails people recognise (issue 15, part 5): every email MentorHub sends is HTML with a plain-text part, both
from one template; it shows the organization's name, logo and colour, a primary button that is a real link with
real text, absolute links, the recipient's language in the html element; a French reader gets no English
sentence; reminders keep their one-click unsubscribe and Message-ID. Each is read back through Python's email
parser, as a mail client reads it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from matching.services.emails import send_match_emails
from mentorhub.accounts.services.branding import organization_branding_update
from mentorhub.accounts.services.invitations import invitation_create
from programs.models import Program
from programs.services.participants import participants_invite
from sessions.services.dispatch import reminders_deliver
from tests.factories import EmployeeFactory
from tests.helpers import org_url
from tests.programs.factories import ProgramFactory, QuestionFactory
from tests.sessions.factories import active_pair
from tests.sessions.reminder_helpers import due_log_prompts

from .helpers import Links, parts, png, sentences

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"


@pytest.fixture
def branded(org, admin):
    return organization_branding_update(
        organization=org, actor=admin.user, name="Alpha People Team", colour="#ffd400", logo=png()
    )


def _assert_recognisable(message, organization, *, button_url: str, language: str = "en") -> tuple[str, str]:
    parsed, plain, html = parts(message)
    page = Links(html)
    # Every link and image absolute, the logo the organization's, the button a real link with real text.
    assert page.hrefs and all(href.startswith(("http://", "https://")) for href in page.hrefs), page.hrefs
    logo = [image for image in page.images if image.get("src")]
    assert logo and all(str(image["src"]).startswith(SITE + "/brand/") for image in logo)
    assert logo[0]["alt"] == organization.brand_name  # images off: the name shows in its place
    assert page.button is not None and page.button["href"] == button_url and page.button_text.strip()
    assert "background-color:#ffd400" in html and "color:#000000" in str(page.button["style"])  # black on yellow
    assert page.lang == language
    # The text part says the same: the button's words and address, no markup.
    assert f"{page.button_text.strip()}: {button_url}" in plain
    assert "<" not in plain.replace("<http", "")
    assert parsed["Subject"].startswith("[MentorHub] ")
    return plain, html


def test_a_reminder_is_html_and_text_with_the_branding_and_the_same_headers(org, branded):
    mail.outbox.clear()
    pair, reminders = due_log_prompts(org, 1)
    report = reminders_deliver()
    assert report.emailed == 2
    message = next(m for m in mail.outbox if m.to == [pair.mentor.employee.email])
    reminder = next(r for r in reminders if r.recipient_id == pair.mentor.employee.pk)
    session_url = SITE + org_url("session-detail", org, session_pk=reminder.session_id)
    plain, html = _assert_recognisable(message, branded, button_url=session_url)
    parsed = parts(message)[0]
    # The headers as before: one-click unsubscribe for the category, Message-ID fixed by the reminder.
    assert parsed["Message-ID"] == f"<reminder.{org.pk}.{reminder.pk}@127.0.0.1>"
    unsubscribe = str(parsed["List-Unsubscribe"]).strip()
    assert unsubscribe.startswith(f"<{SITE}/unsubscribe/") and ".log_prompts." in unsubscribe
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert unsubscribe.strip("<>") in plain and unsubscribe.strip("<>") in html
    assert "Log it as held" in plain and "Log it as held" in html
    assert f"Hello {pair.mentor.employee.name}," in plain
    assert "Log the session: " + session_url in plain
    assert "Alpha People Team" in plain  # the footer names the organization


def test_a_reminder_to_a_french_reader_is_in_french(org, branded):
    pair, _reminders = due_log_prompts(org, 1)
    pair.mentor.user.language = "fr"
    pair.mentor.user.save(update_fields=["language"])
    mail.outbox.clear()
    reminders_deliver()
    french = next(m for m in mail.outbox if m.to == [pair.mentor.employee.email])
    english = next(m for m in mail.outbox if m.to == [pair.mentee.employee.email])
    names = [pair.mentor.employee.name, pair.mentee.employee.name, "Alpha People Team", "MentorHub"]
    french_plain, french_html = _assert_recognisable(
        french, branded, button_url=Links(parts(french)[2]).button["href"], language="fr"
    )
    english_plain = parts(english)[1]
    left = sentences(english_plain, leave_out=names) & sentences(french_plain, leave_out=names)
    assert not left, left
    assert not (
        sentences(english_plain, leave_out=names) & sentences(str(parts(french)[0]["Subject"]), leave_out=names)
    )
    assert "Bonjour" in french_plain and "Bonjour" in french_html


def test_an_invitation_to_a_session_carries_its_calendar_file_beside_both_parts(org, branded):
    from sessions.services.sessions import session_schedule

    pair = active_pair(org)
    mail.outbox.clear()
    session_schedule(
        organization=org,
        actor=pair.mentor.user,
        employee=pair.mentor.employee,
        match_id=pair.match.pk,
        starts_at=timezone.now() + timedelta(days=3),
        duration_minutes=45,
    )
    reminders_deliver(now=timezone.now() + timedelta(minutes=1))
    message = next(m for m in mail.outbox if m.to == [pair.mentee.employee.email])
    parsed, plain, _html = parts(message)
    assert parsed.get_content_type() == "multipart/mixed"
    assert any(part.get_content_type() == "text/calendar" for part in parsed.walk())
    assert "45 minutes" in plain


def test_an_organization_invitation(org, admin, branded, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _invitation, raw = invitation_create(
            organization=org, actor=admin.user, email="new@alpha.test", role="member", base_url=SITE
        )
    (message,) = mail.outbox
    plain, _html = _assert_recognisable(message, branded, button_url=f"{SITE}/invite/{raw}/")
    assert "Accept the invitation" in plain and "new@alpha.test" in plain


def test_a_program_invitation_in_the_organizations_language(org, admin, branded, django_capture_on_commit_callbacks):
    org.default_language = "de"
    org.save(update_fields=["default_language"])
    program = ProgramFactory(organization=org, name="Grow", status=Program.Status.ENROLLING)
    QuestionFactory(program=program)
    EmployeeFactory(organization=org, email="ada@alpha.test", name="Ada Quill")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        participants_invite(
            organization=org, actor=admin.user, program_id=program.pk, role="mentee", emails=["ada@alpha.test"]
        )
    (message,) = mail.outbox
    plain, _html = _assert_recognisable(message, branded, button_url=SITE + org_url("my-programs", org), language="de")
    assert "Hallo Ada Quill" in plain and "Grow" in parts(message)[0]["Subject"]
    assert "You are invited" not in plain


def test_a_match_email(org, branded):
    pair = active_pair(org, status="approved")
    mail.outbox.clear()
    assert send_match_emails([pair.match.pk]) == 2
    message = next(m for m in mail.outbox if m.to == [pair.mentee.employee.email])
    plain, _html = _assert_recognisable(
        message, branded, button_url=SITE + org_url("my-match", org, match_pk=pair.match.pk)
    )
    assert pair.mentor.employee.name in plain and "Accept or decline" in plain


def test_without_branding_the_name_stands_in_for_the_logo_and_mentorhub_blue(org, admin):
    due_log_prompts(org, 1)
    mail.outbox.clear()
    reminders_deliver()
    _parsed, plain, html = parts(mail.outbox[0])
    assert Links(html).images == []
    assert org.name in html and "#1f5fbf" in html and "color:#ffffff" in html
    assert "<img" not in html and org.name in plain


def test_allauths_password_reset_is_html_and_text_in_the_readers_language(client, member):
    member.user.language = "es"
    member.user.save(update_fields=["language"])
    mail.outbox.clear()
    client.post("/accounts/password/reset/", {"email": member.user.email})
    (message,) = mail.outbox
    _parsed, plain, html = parts(message)
    page = Links(html)
    assert (
        page.button is not None
        and page.button["href"].startswith("http")
        and "/password/reset/key/" in page.button["href"]
    )
    assert page.lang == "es" and "Restablecer la contraseña" in plain
    assert all(href.startswith("http") for href in page.hrefs)
