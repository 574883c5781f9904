"""Retention (docs/privacy.md): leavers' personal data is erased by a nightly task some months after they left
(per organization, default 24; 0: never), one organization at a time, and the impact report counts them as
before."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from analytics.reports.impact import ImpactFilters, build_impact_report
from analytics.services.rollups import rollup_organization
from mentorhub.accounts.models import AuditEvent, Employee
from mentorhub.accounts.services.retention import months_before, retention_due
from mentorhub.accounts.tasks import apply_retention
from mentorhub.celery import app
from tests.analytics.dashboard_data import build
from tests.factories import EmployeeFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def left_months_ago(org, months: int, **extra) -> Employee:
    return EmployeeFactory(organization=org, left_on=months_before(timezone.localdate(), months), **extra)


def test_months_before_keeps_the_day_or_takes_the_month_end():
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2028, 3, 31), 1) == date(2028, 2, 29)
    assert months_before(date(2026, 1, 15), 24) == date(2024, 1, 15)
    assert months_before(date(2026, 1, 15), 13) == date(2024, 12, 15)


def test_due_after_the_organization_s_months_and_never_when_off(org):
    assert org.retention_months == 24  # the default
    due = left_months_ago(org, 24)
    left_months_ago(org, 23)
    EmployeeFactory(organization=org)  # still here
    EmployeeFactory(organization=org, left_on=timezone.localdate() + timedelta(days=30))  # leaves later
    assert retention_due(organization=org) == [due.pk]
    org.retention_months = 0
    assert retention_due(organization=org) == []


def test_the_nightly_task_erases_the_due_leavers_of_every_organization_once(org, other_org):
    other_org.retention_months = 6
    other_org.save(update_fields=["retention_months"])
    ours = left_months_ago(org, 30, name="Old Leaver")
    signed_in = MembershipFactory(organization=org, employee=ours, user__email=ours.email)
    recent = left_months_ago(org, 12)
    theirs = left_months_ago(other_org, 7)

    assert apply_retention() == 2

    erased = {e.pk: e for e in Employee.objects.filter(erased_at__isnull=False)}
    assert set(erased) == {ours.pk, theirs.pk}
    assert erased[ours.pk].name == "Erased person" and erased[ours.pk].left_on == ours.left_on
    assert not Employee.objects.get(pk=recent.pk).erased_at
    signed_in.user.refresh_from_db()
    assert not signed_in.user.is_active and not signed_in.user.has_usable_password()
    entry = AuditEvent.objects.get(organization=org, verb="employee.erase")
    assert (entry.actor, entry.target_label, entry.changes["source"]) == (
        None,
        f"Erased person #{ours.pk}",
        [None, "retention"],
    )
    assert apply_retention() == 0  # nothing is due twice


def test_the_beat_schedule_runs_it_nightly():
    entry = settings.CELERY_BEAT_SCHEDULE["apply-retention"]
    assert entry["task"] == "accounts.apply_retention"
    assert entry["task"] in app.tasks


def _counts(org) -> dict[str, object]:
    report = build_impact_report(organization=org, filters=ImpactFilters())
    figures: dict[str, object] = {
        name: getattr(report, name) for name in ("participants", "compared", "unmatched", "comparison", "respondents")
    }
    assert report.retention is not None and report.promotions is not None
    for name in ("participants", "comparison", "difference"):
        figures[f"retention:{name}"] = getattr(report.retention, name)
    for name in ("participants", "comparison"):
        figures[f"promotions:{name}"] = getattr(report.promotions, name)
    figures.update({f"outcome:{o.code}": o.agreeing for o in report.outcomes})
    return figures


def test_the_impact_report_counts_the_same_after_retention_erased_its_leavers(org):
    data = build(org)
    org.retention_months = 6  # the dataset's leavers left about nine months ago
    org.save(update_fields=["retention_months"])
    before = _counts(org)
    leavers = retention_due(organization=org)
    assert len(leavers) == 7  # a mentee (a participant) and six comparable colleagues

    assert apply_retention() == 7
    rollup_organization(organization=org)  # what the erasure queued, run here for certain

    assert Employee.objects.filter(pk__in=leavers, name="Erased person").count() == 7
    assert data.mentees["Sales"][0].employee_id in leavers
    assert _counts(org) == before
    assert before["participants"].value > 0 and before["retention:difference"].shown  # type: ignore[attr-defined]
