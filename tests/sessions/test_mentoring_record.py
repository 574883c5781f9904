"""The mentoring record for performance reviews (sessions/selectors/record.py, sessions/views/record.py): what it
shows and never shows, on the page and in the PDF; whose it is; and the links that show it to a manager (made by
the participant only, stored hashed, expiring, revocable, audited, never indexed, no referrer)."""

from __future__ import annotations

import io
import logging
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from analytics.models import SurveyAssignment, SurveyResponse
from analytics.services.surveys import survey_for
from mentorhub.accounts.models import AuditEvent, Membership
from mentorhub.accounts.secret_tokens import hash_token
from mentorhub.ops.logging import ContextFilter, redact_path
from sessions.extensions import RecordRow, RecordSection, register_record_section, unregister_record_section
from sessions.models import Goal, Milestone, RecordShare
from sessions.services.goals import goal_comment_add, goal_create, goal_update, milestone_update
from sessions.services.record_shares import MAX_OPEN_SHARES, record_share_create, record_share_revoke
from tests.helpers import org_url, page_text

from .factories import active_pair
from .pages_data import goal, held, schedule

pytestmark = pytest.mark.django_db

# Distinctive words of everything the record must never carry.
REFLECTION = "Zebrawood reflection nobody else reads"
NOTES = "Quartzline shared notes of the pair"
FEEDBACK_TOPIC = "Marmalade topic tag"
DESCRIPTION = "Obsidian goal description"
COMMENT = "Tamarind comment on the goal"
SURVEY_ANSWER = "Vermilion survey answer"
AGENDA = "Juniper agenda ahead"
PRIVATE = (REFLECTION, NOTES, FEEDBACK_TOPIC, DESCRIPTION, COMMENT, SURVEY_ANSWER, AGENDA)
# What it must show.
DONE_GOAL = "Present the quarterly plan to the board"
DONE_MILESTONE = "Draft the first slides"
OPEN_MILESTONE = "Rehearse with the mentor"
OPEN_GOAL = "Unstarted goal without progress"
OWN_GOAL = "Own goal: finish the finance course"
MENTOR_OWN_GOAL = "Mentor personal goal stays theirs"


@pytest.fixture
def history(org):
    """The mentee's record: an active pair with two held sessions, a cancelled-to-be one ahead, a done shared goal
    with milestones, an open goal, an own goal, and everything private written with distinctive words."""
    pair = active_pair(org, name="Leadership Pathways 2026", kind="one_on_one")
    first = held(pair, days_ago=20, shared_notes=NOTES, rating=4, topics=[FEEDBACK_TOPIC], reflection=REFLECTION)
    held(pair, days_ago=6, by=pair.mentee, rating=5, reflection=REFLECTION)
    schedule(pair, agenda=AGENDA)  # ahead, not held: not in the record
    done = goal(pair, DONE_GOAL, milestones=[DONE_MILESTONE, OPEN_MILESTONE], description=DESCRIPTION)
    goal_comment_add(organization=org, employee=pair.mentor.employee, goal_id=done.pk, body=COMMENT)
    first_milestone = Milestone.objects.get(goal=done, title=DONE_MILESTONE)
    milestone_update(organization=org, employee=pair.mentee.employee, milestone_id=first_milestone.pk, done=True)
    goal_update(organization=org, employee=pair.mentee.employee, goal_id=done.pk, status=Goal.Status.DONE)
    goal(pair, OPEN_GOAL)
    own = goal_create(
        organization=org, employee=pair.mentee.employee, match_id=pair.match.pk, title=OWN_GOAL, personal=True
    )
    goal_update(organization=org, employee=pair.mentee.employee, goal_id=own.pk, status=Goal.Status.DONE)
    theirs = goal_create(
        organization=org, employee=pair.mentor.employee, match_id=pair.match.pk, title=MENTOR_OWN_GOAL, personal=True
    )
    goal_update(organization=org, employee=pair.mentor.employee, goal_id=theirs.pk, status=Goal.Status.DONE)
    survey = survey_for(organization=org, program=pair.program, kind="checkin")
    assignment = SurveyAssignment.objects.create(
        organization=org,
        survey=survey,
        program=pair.program,
        match=pair.match,
        respondent=pair.mentee.employee,
        round=1,
        due_at=timezone.now() - timedelta(days=2),
    )
    SurveyResponse.objects.create(
        organization=org, assignment=assignment, survey=survey, program=pair.program, answers={"1": SURVEY_ANSWER}
    )
    pair.first_session = first  # type: ignore[attr-defined]
    return pair


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) >= 1
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_record_shows_programs_sessions_and_completed_goals_and_nothing_private(org, history):
    client = history.client(history.mentee)
    text = page_text(client.get(org_url("mentoring-record", org)))
    assert "Leadership Pathways 2026" in text and "One-to-one mentoring" in text
    assert "Mentee" in text and "Sessions held</dt><dd>2</dd>" in text.replace("\n", "")
    london = history.first_session.starts_at.astimezone(ZoneInfo("Europe/London"))
    assert london.strftime("%-d %b %Y") in text  # the mentee's zone
    assert DONE_GOAL in text and DONE_MILESTONE in text and OWN_GOAL in text
    # Work in progress is not an achievement, and the mentor's own goal is the mentor's.
    assert OPEN_MILESTONE not in text and OPEN_GOAL not in text and MENTOR_OWN_GOAL not in text
    for private in PRIVATE:
        assert private not in text, private

    pdf = client.get(org_url("mentoring-record-pdf", org))
    assert pdf["Content-Type"] == "application/pdf"
    assert "attachment" in pdf["Content-Disposition"]
    words = " ".join(pdf_text(pdf.content).split())
    assert "Leadership Pathways 2026" in words and "Sessions held: 2" in words
    assert DONE_GOAL in words and DONE_MILESTONE in words and OWN_GOAL in words
    for absent in (*PRIVATE, OPEN_MILESTONE, OPEN_GOAL, MENTOR_OWN_GOAL):
        assert absent not in words, absent


def test_the_mentors_record_shows_the_same_match_from_their_side(org, history):
    text = page_text(history.client(history.mentor).get(org_url("mentoring-record", org)))
    assert "Mentor" in text and DONE_GOAL in text and MENTOR_OWN_GOAL in text
    assert OWN_GOAL not in text  # the mentee's own goal is the mentee's record


def test_an_empty_record_says_so_and_its_pdf_is_valid(org, member, member_client):
    response = member_client.get(org_url("mentoring-record", org))
    assert response.status_code == 200
    assert "No mentoring yet" in page_text(response)
    assert "No mentoring yet" in pdf_text(member_client.get(org_url("mentoring-record-pdf", org)).content)


def test_a_higher_app_adds_a_section_through_the_registry(org, history):
    def skills(organization, employee):
        if employee.pk != history.mentee.employee.pk:
            return []
        return [RecordSection(title="Skills self-ratings", rows=(RecordRow(label="AI and data", value="2 → 4"),))]

    register_record_section(skills)
    try:
        client = history.client(history.mentee)
        assert "AI and data" in page_text(client.get(org_url("mentoring-record", org)))
        assert "AI and data: 2 -> 4" in pdf_text(client.get(org_url("mentoring-record-pdf", org)).content)
        assert "AI and data" not in page_text(history.client(history.mentor).get(org_url("mentoring-record", org)))
    finally:
        unregister_record_section(skills)


def test_the_home_page_links_to_the_record(org, history):
    text = page_text(history.client(history.mentee).get(org_url("my-mentoring", org)))
    assert org_url("mentoring-record", org) in text and "My mentoring record" in text


def test_another_persons_record_and_links_are_unreachable(org, history, admin_client, outsider_client):
    share, _raw = record_share_create(organization=org, actor=None, employee=history.mentee.employee, days=7)
    revoke = org_url("mentoring-record-share-revoke", org, share_pk=share.pk)
    # The mentor (same match) and HR cannot revoke or even see the mentee's link; the outsider sees nothing.
    assert history.client(history.mentor).get(revoke).status_code == 404
    assert history.client(history.mentor).post(revoke).status_code == 404
    assert admin_client.post(revoke).status_code == 404
    for name in ("mentoring-record", "mentoring-record-pdf"):
        assert outsider_client.get(org_url(name, org)).status_code == 404
    assert outsider_client.post(org_url("mentoring-record-share", org), {"days": 7}).status_code == 404
    assert outsider_client.get(revoke).status_code == 404
    assert RecordShare.objects.get(pk=share.pk).revoked_at is None
    # The admin's own record holds the admin's history, none of the mentee's.
    assert DONE_GOAL not in page_text(admin_client.get(org_url("mentoring-record", org)))


def test_making_a_link_shows_it_once_stores_its_hash_and_opens_the_record_anonymously(org, history):
    client = history.client(history.mentee)
    response = client.post(org_url("mentoring-record-share", org), {"days": "30"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    url = response.context["share_url"]
    path = url[url.index("/record/") :]
    token = path.split("/")[2]
    share = RecordShare.objects.get(organization=org, employee=history.mentee.employee)
    assert share.token_hash == hash_token(token) and token not in share.token_hash
    assert timedelta(days=29, hours=23) < share.expires_at - timezone.now() <= timedelta(days=30)
    # The record page lists it without its secret.
    listing = page_text(client.get(org_url("mentoring-record", org)))
    assert token not in listing and "Open" in listing

    anonymous = Client()
    page = anonymous.get(path)
    assert page.status_code == 200
    text = page_text(page)
    assert DONE_GOAL in text and "Leadership Pathways 2026" in text
    for private in PRIVATE:
        assert private not in text
    assert page["Referrer-Policy"] == "no-referrer"
    assert "noindex" in page["X-Robots-Tag"] and '<meta name="robots" content="noindex' in text
    assert "no-store" in page["Cache-Control"] or "max-age=0" in page["Cache-Control"]
    pdf = anonymous.get(path + "record.pdf")
    assert pdf.status_code == 200 and pdf["Referrer-Policy"] == "no-referrer"
    assert DONE_GOAL in " ".join(pdf_text(pdf.content).split())
    share.refresh_from_db()
    assert share.view_count == 2 and share.last_viewed_at is not None
    verbs = list(
        AuditEvent.objects.filter(organization=org, target_id=str(share.pk)).order_by("id").values_list("verb", "actor")
    )
    assert verbs == [
        ("record_share.create", history.mentee.user.pk),
        ("record_share.view", None),
        ("record_share.view", None),
    ]
    # Logs keep the route's words, never the secret.
    assert token not in redact_path(path) and redact_path(path).startswith("/record/[")


def test_a_link_only_answers_get(org, history):
    _share, raw = record_share_create(organization=org, actor=None, employee=history.mentee.employee, days=7)
    url = reverse("record-shared", kwargs={"token": raw})
    assert Client().post(url).status_code == 405
    assert Client().post(reverse("record-shared", kwargs={"token": "rec_" + "x" * 43})).status_code == 404


def test_an_expired_link_is_gone(org, history):
    share, raw = record_share_create(organization=org, actor=None, employee=history.mentee.employee, days=7)
    RecordShare.objects.filter(pk=share.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    for url in (reverse("record-shared", kwargs={"token": raw}), reverse("record-shared-pdf", kwargs={"token": raw})):
        response = Client().get(url)
        assert response.status_code == 410
        assert DONE_GOAL not in page_text(response) and history.mentee.employee.name not in page_text(response)
        assert response["Referrer-Policy"] == "no-referrer"
    assert not AuditEvent.objects.filter(verb="record_share.view").exists()


def test_revoking_closes_the_link_after_a_confirmation(org, history):
    client = history.client(history.mentee)
    share, raw = record_share_create(organization=org, actor=None, employee=history.mentee.employee, days=90)
    url = reverse("record-shared", kwargs={"token": raw})
    assert Client().get(url).status_code == 200
    revoke = org_url("mentoring-record-share-revoke", org, share_pk=share.pk)
    confirm = client.get(revoke)
    assert confirm.status_code == 200 and "Revoke this link?" in page_text(confirm)
    assert RecordShare.objects.get(pk=share.pk).revoked_at is None  # asking is not doing
    assert client.post(revoke).status_code == 302
    assert RecordShare.objects.get(pk=share.pk).revoked_at is not None
    assert Client().get(url).status_code == 410
    assert "Revoked" in page_text(client.get(org_url("mentoring-record", org)))
    assert (
        AuditEvent.objects.filter(organization=org, verb="record_share.revoke", actor=history.mentee.user).count() == 1
    )


def test_a_leavers_link_stops_with_their_access(org, history):
    _share, raw = record_share_create(organization=org, actor=None, employee=history.mentee.employee, days=7)
    Membership.objects.filter(pk=history.mentee.pk).update(deactivated_at=timezone.now())
    assert Client().get(reverse("record-shared", kwargs={"token": raw})).status_code == 410


def test_unknown_and_malformed_secrets_are_not_found(db):
    for token in ("rec_" + "a" * 43, "not-a-token", "rec_short", "cal_" + "a" * 43):
        assert Client().get(reverse("record-shared", kwargs={"token": token})).status_code == 404
        assert Client().get(reverse("record-shared-pdf", kwargs={"token": token})).status_code == 404


def test_a_link_needs_a_duration_and_open_links_are_limited(org, history):
    client = history.client(history.mentee)
    refused = client.post(org_url("mentoring-record-share", org), {"days": "365"})
    assert refused.status_code == 400 and "Select a valid choice" in page_text(refused)
    missing = client.post(org_url("mentoring-record-share", org), {})
    assert missing.status_code == 400 and "Choose how long the link works." in page_text(missing)
    for _ in range(MAX_OPEN_SHARES):
        assert client.post(org_url("mentoring-record-share", org), {"days": "7"}).status_code == 200
    too_many = client.post(org_url("mentoring-record-share", org), {"days": "7"})
    assert too_many.status_code == 400 and "revoke one" in page_text(too_many)
    record_share_revoke(
        organization=org,
        actor=None,
        employee=history.mentee.employee,
        share_id=RecordShare.objects.filter(employee=history.mentee.employee).first().pk,
    )
    assert client.post(org_url("mentoring-record-share", org), {"days": "7"}).status_code == 200


def test_nothing_is_shared_by_itself(org, history):
    """Viewing, downloading and the home page make no link: only the participant's POST does."""
    client = history.client(history.mentee)
    client.get(org_url("mentoring-record", org))
    client.get(org_url("mentoring-record-pdf", org))
    client.get(org_url("my-mentoring", org))
    assert not RecordShare.objects.exists()


def test_a_stakeholder_has_no_record_page(org, stakeholder_client):
    assert stakeholder_client.get(org_url("mentoring-record", org)).status_code == 403


def test_a_request_log_line_never_carries_the_secret(org, history, caplog):
    """Django logs "Not Found: <path>" for a wrong link: the log filter leaves only the secret's length."""
    wrong = "rec_" + "Q" * 43
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert Client().get(reverse("record-shared", kwargs={"token": wrong})).status_code == 404
    lines = [record for record in caplog.records if record.name == "django.request"]
    assert lines, "Django logged the 404"
    for record in lines:
        ContextFilter().filter(record)
        assert wrong not in record.getMessage() and wrong not in str(getattr(record, "request", ""))
        assert "/record/[47 characters]/" in record.getMessage()
