"""seed_demo's analytics (demo/analytics/): acme's past cohort (Grow Together 2025), its roster's departures and
promotions since, surveys of the past and current programs, self-identification and the roll-ups. Every chart
has figures, the impact report shows a modest effect, nothing is due the moment the demo starts, the demo
member has a check-in to answer, and a second run adds nothing (it only recomputes the roll-ups).

The demo is seeded once for this module (twice, in fact: the second run must change nothing) inside a
transaction that is rolled back at the end."""

from __future__ import annotations

import io
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import models, transaction
from django.utils import timezone

from analytics.demographics import ATTRIBUTES
from analytics.models import (
    MatchFact,
    ParticipantFact,
    ProgramDay,
    RollupRun,
    SelfIdentification,
    Survey,
    SurveyAssignment,
    SurveyQuestion,
    SurveyResponse,
)
from analytics.question_sets import CHECKIN_SCORE, IMPACT_CODES
from analytics.reports.health import HealthFilters, build_health_report
from analytics.reports.impact import ImpactFilters, build_impact_report
from analytics.services.surveys import surveys_plan
from matching.models import Match, MatchMember
from mentorhub.accounts.models import AuditEvent, Employee, EmploymentEvent, Organization
from mentorhub.accounts.selectors import organization_summary
from programs.eligibility import employee_is_eligible
from programs.models import Participant, Program
from sessions.extensions import home_todos
from sessions.models import MentoringSession, Notification, Reminder, SessionFeedback

ANALYTICS_MODELS = list(apps.get_app_config("analytics").get_models())
ROLLUPS = (MatchFact, ParticipantFact, ProgramDay, RollupRun)
PAST = "Grow Together 2025"
A = SurveyAssignment.Status


def _snapshot() -> dict:
    counts = {model.__name__: model.objects.count() for model in ANALYTICS_MODELS if model not in ROLLUPS}
    for model in (Employee, EmploymentEvent, Program, Participant, Match, MatchMember, MentoringSession, Reminder,
                  Notification, AuditEvent, SessionFeedback):  # fmt: skip
        counts[model.__name__] = model.objects.count()
    counts["roster"] = sorted(Employee.objects.values_list("employee_id", "job_level", "left_on", "manager_id"))
    counts["statuses"] = Counter(SurveyAssignment.objects.values_list("program__name", "status"))
    counts["reminders"] = Counter(Reminder.objects.values_list("kind", "status"))
    return counts


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=io.StringIO())
        first = _snapshot()
        rolled_up = {model.__name__: model.objects.count() for model in (MatchFact, ParticipantFact, ProgramDay)}
        computed = MatchFact.objects.order_by("-computed_at").values_list("computed_at", flat=True).first()
        call_command("seed_demo", stdout=io.StringIO())
        assert _snapshot() == first  # the second run adds and changes nothing...
        # ...but for the roll-ups, recomputed (the same figures, computed again).
        assert {model.__name__: model.objects.count() for model in (MatchFact, ParticipantFact, ProgramDay)} == (
            rolled_up
        )
        assert MatchFact.objects.order_by("computed_at").values_list("computed_at", flat=True).first() > computed
        assert getattr(mail, "outbox", []) == []  # seeding emails nobody
        yield Organization.objects.get(slug="acme")
        transaction.set_rollback(True)


@pytest.fixture
def acme(seeded, db):
    return seeded


def test_the_impact_report_shows_a_modest_effect(acme):
    k = acme.min_group_size
    report = build_impact_report(organization=acme, filters=ImpactFilters())
    assert report.participants.shown and report.participants.value > 100
    assert report.compared.value > k and report.comparison.value > 2 * k
    assert report.compared.value >= 0.6 * report.participants.value  # most participants have a comparison
    retention = report.retention
    assert retention.horizon_months == 12 and retention.note == ""
    (retained, low, high), (others, _, others_high) = retention.participants.value, retention.comparison.value
    assert 85 <= retained <= 96 and 74 <= others <= 87
    assert retained - others >= 4  # participants stay more often...
    assert others_high > low and high > others  # ...and yet the intervals overlap: a modest effect, honestly shown
    assert len(retention.curve) == 13 and retention.curve[-1].participants[0] == retained
    promotions = report.promotions
    assert promotions.participants.value[0] > 1.2 * promotions.comparison.value[0]
    assert 5 <= promotions.comparison.value[0] <= 13 and promotions.participants.value[0] <= 25
    assert promotions.participants_person_years > 50 and promotions.comparison_person_years > 100
    outcomes = {outcome.code: outcome.agreeing for outcome in report.outcomes}
    assert set(outcomes) == {*IMPACT_CODES, "recommend"}
    for figure in outcomes.values():
        assert figure.shown and figure.n >= k
    assert 78 <= outcomes["competency"].value[0] <= 95
    assert outcomes["stay"].value[0] < outcomes["competency"].value[0]  # fewer say they are more likely to stay
    assert 20 <= outcomes["recommend"].value <= 60  # NPS
    assert report.respondents.value >= 30

    past = Program.objects.get(organization=acme, name=PAST)
    cohort = build_impact_report(organization=acme, filters=ImpactFilters(program_id=past.pk))
    # The cohort's 50 participants show, with at least 40 compared with a colleague. When 1 to 4 of them find
    # no comparable colleague on the day the report is built (who is comparable moves with the roster's dates
    # and the other demos' enrollments), the documented rule hides the total and shows the compared
    # (analytics/reports/impact.py, analytics/suppression.py rule 2): seen once in CI on 2026-12-07.
    figures = (cohort.participants, cohort.compared, cohort.unmatched)
    assert cohort.compared.shown and 40 <= cohort.compared.value <= 50, figures
    if cohort.participants.shown:
        assert cohort.participants.value == 50, figures
    else:
        assert cohort.participants.hidden == "complementary" and cohort.unmatched.hidden, figures
        assert 45 < cohort.compared.value < 50, figures
    assert cohort.retention.horizon_months == 12
    assert cohort.retention.participants.value[0] > cohort.retention.comparison.value[0]
    assert cohort.promotions.participants.value[0] > cohort.promotions.comparison.value[0]


def test_who_takes_part_shows_a_pattern(acme):
    report = build_impact_report(organization=acme, filters=ImpactFilters(role="mentee"))
    mentors = build_impact_report(organization=acme, filters=ImpactFilters(role="mentor"))
    tables = {table.code: table for table in report.groups}
    assert set(tables) == {attribute.code for attribute in ATTRIBUTES}
    women = {row.value: row for row in tables["gender"].rows}["Woman"]
    mentor_women = {row.value: row for row in mentors.groups[0].rows}["Woman"]
    assert women.participants.value > women.organization.value
    # The mentors who answered are few: their share of women is shown, and lower, or hidden with its complement.
    assert mentor_women.participants.value is None or mentor_women.participants.value < women.organization.value
    # Fewer answer some questions than others.
    answered = {code: table.answered_organization.value for code, table in tables.items()}
    assert answered["gender"] > answered["disability"] and answered["gender"] > answered["first_generation"]
    people = Employee.objects.filter(organization=acme).exclude(employee_id__startswith="DEMO-")
    sharing = SelfIdentification.objects.filter(organization=acme).values("employee").distinct().count()
    assert 0.5 <= sharing / people.count() <= 0.7
    assert not SelfIdentification.objects.filter(employee__employee_id__startswith="DEMO-").exists()


def test_program_health_has_figures_everywhere(acme):
    report = build_health_report(organization=acme, filters=HealthFilters())
    assert report.refused == "" and report.computed_at is not None
    assert [stage.label for stage in report.funnel][-1] == "Completed"
    for stage in report.funnel:
        assert stage.people.shown and stage.people.value > 0, stage.label
    for figure in (report.mentors, report.days_to_match, report.days_to_first_session, report.sessions_per_month,
                   report.goal_completion, report.checkin_average, report.rating_average,
                   report.checkin_response_rate, report.at_risk_count):  # fmt: skip
        assert figure.shown, figure
    assert 3.6 <= report.checkin_average.value <= 4.5
    assert 65 <= report.checkin_response_rate.value <= 95
    months = [month for month in report.months if month.active_matches.shown]
    assert len(months) >= 5
    assert sum(1 for month in months if month.checkin_average.shown) >= 4
    assert sum(month.sessions_held.value for month in months) > 200

    past = Program.objects.get(organization=acme, name=PAST)
    cohort = build_health_report(organization=acme, filters=HealthFilters(program_id=past.pk))
    funnel = {stage.label: stage.people for stage in cohort.funnel}
    assert funnel["Matched"].value == 35 and funnel["Completed"].value == 30
    assert all(figure.shown for figure in funnel.values())
    assert cohort.checkin_average.shown and cohort.goal_completion.shown


def test_the_past_cohort(acme):
    program = Program.objects.get(organization=acme, name=PAST)
    today = timezone.localdate()
    assert program.status == Program.Status.CLOSED and program.kind == Program.Kind.ONE_ON_ONE
    assert 570 <= (today - program.starts_on).days <= 630 and (program.ends_on - program.starts_on).days == 182
    people = Participant.objects.filter(program=program)
    roles = Counter(people.values_list("role", "status"))
    assert roles[("mentor", "matched")] == 15 and roles[("mentee", "waitlisted")] == 6
    assert roles[("mentee", "matched")] + roles[("mentee", "withdrawn")] == 35
    # People of no other program, enrolled and approved before it started.
    others = set(
        Participant.objects.filter(organization=acme).exclude(program=program).values_list("employee", flat=True)
    )
    assert not others & set(people.values_list("employee", flat=True))
    for participant in people:
        assert participant.decided_at < participant.created_at + timedelta(days=9)
        assert participant.decided_at.date() < program.starts_on
    matches = Match.objects.filter(program=program)
    assert Counter(matches.values_list("status", flat=True)) == {"completed": 30, "ended": 5}
    for match in matches:
        assert 0 <= (match.started_at.date() - program.starts_on).days <= 18
        assert match.started_at < match.ended_at < timezone.now() and match.end_reason
        if match.status == Match.Status.ENDED:
            assert (match.ended_at - match.started_at).days < 90
        assert not MentoringSession.objects.filter(match=match, starts_at__gt=match.ended_at).exists()
    held = MentoringSession.objects.filter(program=program, status=MentoringSession.Status.HELD)
    assert 120 <= held.count() <= 300
    assert SessionFeedback.objects.filter(session__program=program).count() > held.count()
    # Check-ins and closing surveys, answered with the surveys' own question ids.
    responses = SurveyResponse.objects.filter(program=program).select_related("survey", "assignment")
    closing = [r for r in responses if r.survey.kind == Survey.Kind.CLOSING]
    asked = SurveyAssignment.objects.filter(program=program, round=0).count()
    assert 65 <= asked <= 70  # everyone of every match, but the mentee who had left by then
    assert 0.7 <= len(closing) / asked <= 0.95
    checkin_scores = []
    for response in responses:
        questions = dict(SurveyQuestion.objects.filter(survey=response.survey).values_list("pk", "code"))
        assert {int(key) for key in response.answers} <= set(questions)
        assert response.assignment.status == A.ANSWERED and response.submitted_at == response.assignment.answered_at
        assert response.assignment.due_at <= response.submitted_at < response.assignment.due_at + timedelta(days=30)
        codes = {questions[int(key)]: value for key, value in response.answers.items()}
        if response.survey.kind == Survey.Kind.CHECKIN:
            checkin_scores.append(codes[CHECKIN_SCORE])
    scores = Counter(checkin_scores)
    assert (scores[4] + scores[5]) / len(checkin_scores) > 0.75 and scores[2] + scores[1] > 0


def test_the_roster_history_is_consistent(acme):
    today = timezone.localdate()
    events = EmploymentEvent.objects.filter(organization=acme).select_related("employee").order_by("occurred_on", "id")
    kinds = Counter(event.kind for event in events)
    assert kinds["left"] >= 100 and kinds["level_change"] >= 50
    last_level = {}
    for event in events:
        assert event.occurred_on < today and event.created_at <= timezone.now()
        assert not event.employee.employee_id.startswith("DEMO-")
        if event.kind == EmploymentEvent.Kind.LEVEL_CHANGE:
            assert int(event.new_value) == int(event.old_value) + 1 and event.is_promotion
            last_level[event.employee_id] = int(event.new_value)
        else:
            assert event.employee.left_on == event.occurred_on and event.new_value == event.occurred_on.isoformat()
    for employee in Employee.objects.filter(pk__in=last_level):
        assert employee.job_level == last_level[employee.pk]
    # The demo sign-ins are as the roster seeded them; current participants are still here and still eligible.
    assert Employee.objects.get(organization=acme, email="member@acme.example").job_level == 3
    assert Employee.objects.get(organization=acme, email="mentor@acme.example").job_level == 7
    current = MatchMember.objects.filter(match__status=Match.Status.ACTIVE).select_related("participant__employee")
    for member in current.select_related("program"):
        employee = member.participant.employee
        assert employee.left_on is None, employee
        assert employee_is_eligible(program=member.program, employee=employee)


def test_every_analytics_row_belongs_to_acme_or_globex_and_links_only_within_it(acme):
    globex = Organization.objects.get(slug="globex")
    for model in ANALYTICS_MODELS:
        assert not model.objects.exclude(organization__in=[acme, globex]).exists(), model.__name__
        for field in model._meta.get_fields():
            if not isinstance(field, models.ForeignKey) or field.name == "organization":
                continue
            if any(f.name == "organization" for f in field.related_model._meta.get_fields()):
                foreign = model.objects.filter(**{f"{field.name}__isnull": False}).exclude(
                    **{f"{field.name}__organization": models.F("organization")}
                )
                assert not foreign.exists(), f"{model.__name__}.{field.name}"
    assert ParticipantFact.objects.filter(organization=globex).exists()  # globex is rolled up too
    # Survey answers come from the people of the assignment's match.
    for assignment in SurveyAssignment.objects.filter(organization=acme).order_by("?")[:300]:
        assert MatchMember.objects.filter(match_id=assignment.match_id, participant__employee=assignment.respondent_id)
        assert assignment.program_id == assignment.survey.program_id == assignment.match.program_id


def test_nothing_is_due_and_the_demo_member_has_a_check_in_to_answer(acme):
    now = timezone.now()
    assert not Reminder.objects.filter(status=Reminder.Status.PENDING, due_at__lte=now).exists()
    maya = Employee.objects.get(organization=acme, email="member@acme.example")
    waiting = SurveyAssignment.objects.get(respondent=maya, status=A.OPEN)
    assert waiting.round > 0 and waiting.due_at <= now < waiting.due_at + timedelta(days=30)
    assert waiting.match.status == Match.Status.ACTIVE
    reminder = Reminder.objects.get(kind=Reminder.Kind.CHECKIN_DUE, recipient=maya, match=waiting.match,
                                    slot=f"checkin#{waiting.round}")  # fmt: skip
    assert reminder.status == Reminder.Status.SENT and reminder.sent_at < now
    assert Notification.objects.filter(reminder=reminder).exists()
    todos = [todo.text for todo in home_todos(acme, maya)]
    # Besides the pairing-fit question after her first session (demo/agreements.py leaves hers unanswered).
    fit = [text for text in todos if text.endswith("a good match for you? Answer privately")]
    assert [text for text in todos if text not in fit] == ["Answer the check-in about your match with Marco Mentor"]
    # Some others have not answered the newest round yet either; the planner finds everything asked already.
    assert SurveyAssignment.objects.filter(organization=acme, status=A.OPEN).count() >= 5
    before = SurveyAssignment.objects.count(), Reminder.objects.count()
    surveys_plan(organization=acme, now=now)
    assert (SurveyAssignment.objects.count(), Reminder.objects.count()) == before
    # Every check-in asked of an active match's people lately has its reminder, sent when it came due.
    recent = SurveyAssignment.objects.filter(
        organization=acme, due_at__gte=now - timedelta(days=30), round__gt=0, match__status=Match.Status.ACTIVE
    )
    assert recent.count() > 50
    for assignment in recent:
        assert Reminder.objects.filter(
            kind=Reminder.Kind.CHECKIN_DUE, recipient=assignment.respondent, match=assignment.match,
            status=Reminder.Status.SENT,
        ).exists()  # fmt: skip


def test_the_readme_says_what_acmes_home_page_says_about_its_roster(acme):
    """README's figure is the home page's (mentorhub/accounts/selectors.py: organization_summary): current
    employees, and the roster with its leavers."""
    summary = organization_summary(organization=acme)
    readme = " ".join((Path(settings.BASE_DIR) / "README.md").read_text().split())
    expected = (
        f"{summary['employees']} current employees ({summary['on_roster']} on the roster, including "
        f"{summary['left']} who have left)"
    )
    assert expected in readme
