"""The mentoring agreement of a match (issue 14, part 3): the members edit the program's template and each
confirms it; a change after a confirmation asks everyone again (one text, one version); a program may ask for a
confirmed agreement before the first session. Outsiders and people outside the match get 404, and the match
page (cached per person, sessions/page_cache.py) shows every change at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from mentorhub.accounts.models import AuditEvent
from programs.agreements import SECTIONS, template_sections
from programs.services.programs import program_update
from sessions.models import AgreementConfirmation, MatchAgreement, MentoringSession
from sessions.selectors.agreements import agreement_state
from sessions.services.agreements import agreement_confirm, agreement_edit
from sessions.services.sessions import AGREEMENT_FIRST
from tests.helpers import client_for, org_url, page_text

from .factories import active_pair, ahead, api, api_schedule, person, send

pytestmark = pytest.mark.django_db

OUR_GOALS = "Prepare the team-lead application by March and rehearse the panel interview twice"


def state(org, pair):
    return agreement_state(organization=org, match=pair.match)


def confirm(org, pair, membership) -> None:
    agreement_confirm(
        organization=org,
        actor=membership.user,
        employee=membership.employee,
        match_id=pair.match.pk,
        digest=state(org, pair).digest,
    )


def edit(org, pair, membership, **changes) -> MatchAgreement:
    current = state(org, pair)
    return agreement_edit(
        organization=org,
        actor=membership.user,
        employee=membership.employee,
        match_id=pair.match.pk,
        sections={**current.texts, **changes},
        version=current.version,
    )


def test_a_match_starts_from_the_program_template(org, pair):
    pair.program.agreement_template = {"cadence": "Weekly, 30 minutes, before the Monday stand-up."}
    pair.program.save()
    current = state(org, pair)
    assert current.version == 0 and not current.confirmed and current.confirmed_ids == set()
    assert current.texts["cadence"] == "Weekly, 30 minutes, before the Monday stand-up."
    # Sections the admin left alone read as the defaults, among them how to end the match without fault.
    assert current.texts["ending"] == next(s.default for s in SECTIONS if s.key == "ending")
    assert [key for key, _, _ in current.sections] == ["goals", "cadence", "contact", "confidentiality", "ending"]


def test_both_confirm_then_an_edit_resets_the_confirmations(org, pair):
    confirm(org, pair, pair.mentor)
    assert state(org, pair).confirmed_ids == {pair.mentor.employee_id}
    assert not state(org, pair).confirmed
    confirm(org, pair, pair.mentee)
    confirmed = state(org, pair)
    assert confirmed.confirmed and confirmed.version == 1

    agreement = edit(org, pair, pair.mentee, goals=OUR_GOALS)
    assert agreement.version == 2 and agreement.sections["goals"] == OUR_GOALS
    after = state(org, pair)
    assert not after.confirmed and after.confirmed_ids == set()
    assert AgreementConfirmation.objects.filter(agreement=agreement).count() == 0

    confirm(org, pair, pair.mentee)
    confirm(org, pair, pair.mentor)
    final = state(org, pair)
    assert final.confirmed and final.version == 2 and final.texts["goals"] == OUR_GOALS
    assert set(AgreementConfirmation.objects.filter(agreement=agreement).values_list("version", flat=True)) == {2}
    verbs = list(AuditEvent.objects.filter(organization=org).values_list("verb", flat=True).order_by("id"))
    assert verbs.count("agreement.confirm") == 4 and verbs.count("agreement.edit") == 1


def test_saving_the_same_text_keeps_the_confirmations(org, pair):
    confirm(org, pair, pair.mentor)
    edit(org, pair, pair.mentee)  # creates version 1 from the template, unchanged
    agreement = edit(org, pair, pair.mentee)  # nothing changed: no new version
    assert agreement.version == 1


def test_a_stale_confirmation_or_edit_is_refused(org, pair):
    read_by_mentor = state(org, pair)
    edit(org, pair, pair.mentee, goals=OUR_GOALS)
    with pytest.raises(ValidationError, match="changed the agreement"):
        agreement_confirm(
            organization=org, actor=None, employee=pair.mentor.employee, match_id=pair.match.pk,
            digest=read_by_mentor.digest,
        )  # fmt: skip
    with pytest.raises(ValidationError, match="Ellis Mentee changed the agreement"):
        agreement_edit(
            organization=org, actor=None, employee=pair.mentor.employee, match_id=pair.match.pk,
            sections=read_by_mentor.texts, version=read_by_mentor.version,
        )  # fmt: skip
    assert state(org, pair).texts["goals"] == OUR_GOALS and state(org, pair).confirmed_ids == set()


def test_an_empty_section_is_refused(org, pair):
    with pytest.raises(ValidationError) as error:
        edit(org, pair, pair.mentee, confidentiality="   ")
    assert "confidentiality" in error.value.message_dict


def test_a_required_agreement_blocks_the_first_session_until_everyone_confirmed(org):
    pair = active_pair(org, agreement_required=True)
    with pytest.raises(ValidationError) as error:
        api_schedule(org, pair)
    assert error.value.messages == [AGREEMENT_FIRST]
    assert not MentoringSession.objects.filter(match=pair.match).exists()

    # The page says so before the form is filled in, with a link to the agreement; a POST gets the message.
    client = pair.client(pair.mentee)
    url = org_url("session-new", org, match_pk=pair.match.pk)
    page = client.get(url)
    match_url = org_url("mentoring-match", org, match_pk=pair.match.pk)
    assert f'href="{match_url}#agreement-h"' in page.content.decode()
    posted = client.post(url, {"starts_at": "2030-01-01T10:00", "duration_minutes": 45, "format": "video"})
    assert posted.status_code == 400 and "Read it and confirm it under “Our agreement”" in page_text(posted)

    # The API answers 400 with the same message.
    refused = send(client, "post", api("session-list", org), {"match": pair.match.pk, "starts_at": ahead().isoformat()})
    assert refused.status_code == 400 and AGREEMENT_FIRST in refused.content.decode()

    confirm(org, pair, pair.mentee)
    with pytest.raises(ValidationError):
        api_schedule(org, pair)  # one confirmation is not enough
    confirm(org, pair, pair.mentor)
    session = api_schedule(org, pair)
    assert session.status == MentoringSession.Status.SCHEDULED
    assert "confirm your mentoring agreement" not in page_text(client.get(url))

    # After the first session, a later edit (confirmations reset) does not stop the next one.
    edit(org, pair, pair.mentor, goals=OUR_GOALS)
    api_schedule(org, pair, starts_at=session.starts_at + timedelta(days=7))


def test_without_the_requirement_scheduling_needs_no_agreement(org, pair):
    assert api_schedule(org, pair).pk


def test_pages_edit_and_confirm(org, pair):
    mentee = pair.client(pair.mentee)
    match_url = org_url("mentoring-match", org, match_pk=pair.match.pk)
    page = page_text(mentee.get(match_url))
    assert "Our agreement" in page and "Ending the match without fault" in page
    assert "Morgan Mentor: not confirmed yet" in page

    edit_url = org_url("agreement-edit", org, match_pk=pair.match.pk)
    assert mentee.get(edit_url).status_code == 200
    data = {f"section_{key}": text for key, text in template_sections({}).items()}
    data.update(version="0", section_goals=OUR_GOALS)
    response = mentee.post(edit_url, data)
    assert response.status_code == 302 and response.url.endswith("#agreement-h")
    assert MatchAgreement.objects.get(match=pair.match).sections["goals"] == OUR_GOALS

    blank = mentee.post(edit_url, {**data, "version": "1", "section_cadence": ""})
    assert blank.status_code == 400 and "This field is required" in page_text(blank)

    response = mentee.post(
        org_url("agreement-confirm", org, match_pk=pair.match.pk), {"digest": state(org, pair).digest}
    )
    assert response.status_code == 302
    assert state(org, pair).confirmed_ids == {pair.mentee.employee_id}
    # A confirmation of a text that changed since is refused with the reason.
    stale = mentee.post(org_url("agreement-confirm", org, match_pk=pair.match.pk), {"digest": "old"}, follow=True)
    assert "changed the agreement while you were reading it" in page_text(stale)


def test_outsiders_and_people_outside_the_match_get_404(org, pair, outsider_client, admin_client):
    stranger = client_for(person(org, "stranger@alpha.test"))
    routes = [("agreement-edit", "get"), ("agreement-edit", "post"), ("agreement-confirm", "post")]
    for client in (outsider_client, stranger, admin_client):
        for name, method in routes:
            response = getattr(client, method)(org_url(name, org, match_pk=pair.match.pk), {"digest": "x"})
            assert response.status_code == 404, (name, method)
    assert not MatchAgreement.objects.exists()
    with pytest.raises(Http404):
        confirm(org, pair, person(org, "another@alpha.test"))


def test_the_cached_match_page_shows_an_edit_and_a_confirmation_at_once(org, pair):
    """The match page is cached per person (sessions/page_cache.py) and its stamp does not cover the agreement:
    without the services telling the cache, the mentor would read the old text."""
    mentor = pair.client(pair.mentor)
    match_url = org_url("mentoring-match", org, match_pk=pair.match.pk)
    before = page_text(mentor.get(match_url))
    assert OUR_GOALS not in before and "Ellis Mentee: not confirmed yet" in before

    edit(org, pair, pair.mentee, goals=OUR_GOALS)
    assert OUR_GOALS in page_text(mentor.get(match_url))

    confirm(org, pair, pair.mentee)
    assert "Ellis Mentee: confirmed" in page_text(mentor.get(match_url))


def test_the_admin_writes_the_template_on_the_program_settings_page(org, pair, admin, admin_client):
    page = page_text(admin_client.get(org_url("program-edit", org, program_pk=pair.program.pk)))
    assert "Mentoring agreement" in page and "Ending the match without fault" in page
    assert "Require a confirmed agreement before the first session" in page
    program_update(
        organization=org,
        actor=admin.user,
        program_id=pair.program.pk,
        data={"agreement_template": {"cadence": "Weekly, 30 minutes."}, "agreement_required": True},
    )
    pair.program.refresh_from_db()
    assert pair.program.agreement_required
    texts = state(org, pair).texts
    assert texts["cadence"] == "Weekly, 30 minutes." and texts["goals"] == template_sections({})["goals"]
    with pytest.raises(ValidationError):
        program_update(
            organization=org, actor=admin.user, program_id=pair.program.pk, data={"agreement_template": {"x": "y"}}
        )
