"""A flash program has no matching: runs, mentee choice and the matching page refuse it; its lifecycle goes
from enrollment to active without a matching stage. Its health shows bookings, repeat bookers and the mean
rating under the suppression rules; the impact report counts its bookers and hosts as participants."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from analytics.reports.health import HealthFilters, build_health_report
from analytics.reports.health_flash import flash_health
from analytics.reports.impact import ImpactFilters, _participants
from analytics.views.dashboards.health_tables import health_tables
from matching.services.choice import suggestions_for
from matching.services.runs import match_run_start
from programs.models import Participant, Program
from programs.services.programs import program_allowed_moves, program_move
from sessions.models import FlashBooking
from sessions.services.flash import booking_create
from tests.helpers import client_for

from .factories import person
from .flash_data import enroll, flash_program, shift_slot


def test_a_flash_program_refuses_matching_runs(org, admin):
    flash = flash_program(org, members=1)
    with pytest.raises(ValidationError, match="no matching"):
        match_run_start(organization=org, actor=admin.user, program_id=flash.program.pk)
    mentee = Participant.objects.get(program=flash.program, role="mentee")
    assert suggestions_for(organization=org, participant_id=mentee.pk) == []


def test_the_matching_page_of_a_flash_program_sends_the_admin_back(org, admin):
    flash = flash_program(org, members=0)
    client = client_for(admin)
    page = reverse("program-matching", kwargs={"org_slug": org.slug, "program_pk": flash.program.pk})
    response = client.post(page, {"objective": "score"})
    assert response.status_code == 302 and response["Location"].endswith(f"/programs/{flash.program.pk}/")
    detail = client.get(response["Location"]).content.decode()
    assert "Flash mentoring: office hours and bookings" in detail and 'href="' + page not in detail


def test_a_flash_program_goes_from_enrollment_to_active_without_matching(org, admin):
    flash = flash_program(org, members=0)
    Program.objects.filter(pk=flash.program.pk).update(status=Program.Status.ENROLLING)
    flash.program.refresh_from_db()
    assert Program.Status.MATCHING not in program_allowed_moves(flash.program)
    assert Program.Status.ACTIVE in program_allowed_moves(flash.program)
    with pytest.raises(ValidationError):
        program_move(organization=org, actor=admin.user, program_id=flash.program.pk, to_status="matching")
    program_move(organization=org, actor=admin.user, program_id=flash.program.pk, to_status="active")


def _held(org, flash, member, *, rating=None, days_ago=3):
    slot = flash.slot(capacity=10)
    booking = booking_create(organization=org, actor=None, employee=member.employee, slot_id=slot.pk)
    shift_slot(slot, timezone.now() - timedelta(days=days_ago, minutes=slot.pk))
    if rating is not None:
        FlashBooking.objects.filter(pk=booking.pk).update(rating=rating)
    return booking


@pytest.fixture
def busy_flash(org):
    """Seven bookers: five came twice, two once; six rated (mean 4.0 over 11 ratings); one booking ahead."""
    flash = flash_program(org, members=7)
    ratings = iter([5, 4, 3, 4, 5, 4, 3, 4, 4, 4, 4])
    for index, member in enumerate(flash.members):
        for _ in range(2 if index < 5 else 1):
            _held(org, flash, member, rating=next(ratings) if index < 6 else None)
    booking_create(organization=org, actor=None, employee=flash.members[0].employee, slot_id=flash.slot().pk)
    return flash


def test_flash_health_on_hand_built_data(org, busy_flash):
    health = flash_health(organization=org, program=busy_flash.program, now=timezone.now(), k=5)
    assert (health.bookings.value, health.bookings.n) == (12, 7)
    assert health.bookers.value == 7
    # Five repeat bookers, two one-time: the two are fewer than k, so both parts are hidden (rule 2).
    assert health.one_time_bookers.hidden == "primary"
    assert health.repeat_bookers.hidden == "complementary"
    assert (health.rating_average.value, health.rating_average.n) == (4.0, 6)
    assert health.hosts.hidden == "primary"  # one mentor held them all
    assert health.upcoming.hidden == "primary"  # one person has a booking ahead


def test_flash_health_with_k_three_shows_the_split_and_small_programs_show_nothing(org, busy_flash):
    health = flash_health(organization=org, program=busy_flash.program, now=timezone.now(), k=2)
    assert (health.repeat_bookers.value, health.one_time_bookers.value) == (5, 2)
    small = flash_program(org, members=2)
    for member in small.members:
        _held(org, small, member, rating=5)
    hidden = flash_health(organization=org, program=small.program, now=timezone.now(), k=5)
    assert hidden.bookings.hidden and hidden.bookers.hidden and hidden.rating_average.hidden
    assert hidden.bookings.value is None and hidden.rating_average.value is None


def test_the_health_report_of_a_flash_program_has_its_table(org, busy_flash):
    report = build_health_report(organization=org, filters=HealthFilters(program_id=busy_flash.program.pk))
    assert report.flash is not None and report.flash.bookers.value == 7
    report.computed_at = timezone.now()  # as after a roll-up: the page shows its tables
    table = health_tables(report, admin=True)["flash"]
    cells = {row.cells[0]: row.cells[1] for row in table.rows}
    assert cells["People who booked"] == "7" and cells["People who booked once"] == "fewer than 5"
    narrowed = build_health_report(
        organization=org, filters=HealthFilters(program_id=busy_flash.program.pk, department="Sales")
    )
    assert narrowed.flash is None  # shown for the whole program only


def test_the_impact_report_counts_flash_bookers_and_hosts_as_participants(org):
    flash = flash_program(org, members=2)
    _held(org, flash, flash.members[0])
    booking_create(organization=org, actor=None, employee=flash.members[1].employee, slot_id=flash.slot().pk)
    mentees = _participants(org, ImpactFilters(program_id=flash.program.pk, role="mentee"))
    assert set(mentees) == {flash.members[0].employee.pk}  # the booking ahead does not count yet
    mentors = _participants(org, ImpactFilters(program_id=flash.program.pk, role="mentor"))
    assert set(mentors) == {flash.host.employee.pk}
    assert set(_participants(org, ImpactFilters())) >= {flash.members[0].employee.pk, flash.host.employee.pk}
    enroll(flash.program, person(org, "late@alpha.test"))  # enrolled, never booked: not a participant
    assert len(_participants(org, ImpactFilters(program_id=flash.program.pk))) == 2


def test_the_admin_sets_the_cancellation_window_on_the_settings_page(org, admin):
    flash = flash_program(org, members=0)
    client = client_for(admin)
    page = reverse("program-edit", kwargs={"org_slug": org.slug, "program_pk": flash.program.pk})
    form = client.get(page).context["form"]
    assert "flash_cancel_hours" in form.fields
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data.update(flash_cancel_hours=24, name=flash.program.name)
    for key in ("eligible_departments", "eligible_job_levels", "eligible_locations", "audience_group_ids"):
        data[key] = []
    response = client.post(page, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    flash.program.refresh_from_db()
    assert flash.program.flash_cancel_hours == 24
    other = flash_program(org, members=0).program
    Program.objects.filter(pk=other.pk).update(kind=Program.Kind.ONE_ON_ONE)
    edit_other = reverse("program-edit", kwargs={"org_slug": org.slug, "program_pk": other.pk})
    assert "flash_cancel_hours" not in client.get(edit_other).context["form"].fields
