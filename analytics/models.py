"""Analytics: what participants tell us (surveys: the 30-day check-in and the closing survey), what they
choose to tell about themselves (opt-in self-identification, for the participation-by-group figures), and
the small tables that dashboards read (facts per match and per participant, daily figures per program),
recomputed by a nightly Celery task and on demand.

Every table carries its own organization key; every unique constraint includes it. Individual survey
answers and self-identification are confidential: selectors only ever return them in aggregate, and every
aggregate shown to people passes analytics.suppression (groups smaller than the organization's minimum).
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from matching.models import Match
from mentorhub.accounts.models import Employee, Organization
from programs.models import Participant, Program


class Survey(models.Model):
    """A program's survey of one kind, with its questions (standard ones first, then the admin's)."""

    class Kind(models.TextChoices):
        CHECKIN = "checkin", gettext_lazy("Check-in (every 30 days of a match)")
        CLOSING = "closing", gettext_lazy("Closing survey (when a match ends)")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="surveys")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["program", "kind"]
        constraints = [models.UniqueConstraint(fields=["organization", "program", "kind"], name="survey_once_per_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.program_id}"


class SurveyQuestion(models.Model):
    class Type(models.TextChoices):
        SCALE = "scale", gettext_lazy("1 (poor) to 5 (great)")
        AGREE = "agree", gettext_lazy("Strongly disagree to strongly agree (1-5)")
        NPS = "nps", gettext_lazy("0 to 10 (how likely to recommend)")
        TEXT = "text", gettext_lazy("Free text")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    prompt = models.CharField(max_length=300)
    type = models.CharField(max_length=10, choices=Type.choices)
    # The standard questions have a code (the impact report reads them by it); admins' questions have none.
    code = models.CharField(max_length=40, blank=True)
    required = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["survey", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "survey", "code"], condition=~Q(code=""), name="survey_question_code_once"
            )
        ]
        indexes = [models.Index(fields=["organization", "survey"], name="surveyquestion_org_survey")]

    def __str__(self) -> str:
        return self.prompt

    @property
    def is_standard(self) -> bool:
        return bool(self.code)

    @property
    def shown_prompt(self) -> str:
        """The prompt in the reader's language: a standard question's is ours (stored in English, translated
        here); an HR admin's own question stays in their words."""
        return gettext(self.prompt) if self.code and self.prompt else self.prompt


class SurveyAssignment(models.Model):
    """One person asked to answer a survey once about one match: check-in number `round` (1, 2, ...) or
    the closing survey (round 0). The answer is a SurveyResponse; this row says whether one came."""

    class Status(models.TextChoices):
        OPEN = "open", gettext_lazy("Open")
        ANSWERED = "answered", gettext_lazy("Answered")
        EXPIRED = "expired", gettext_lazy("Expired")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="assignments")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="+")
    respondent = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    round = models.PositiveSmallIntegerField(
        default=0, help_text=gettext_lazy("Check-in number; 0 for the closing survey.")
    )
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "survey", "match", "respondent", "round"], name="survey_assignment_once"
            )
        ]
        indexes = [
            models.Index(fields=["organization", "respondent", "status"], name="assignment_org_resp_status"),
            models.Index(fields=["organization", "program", "survey"], name="assignment_org_prog_survey"),
            models.Index(fields=["organization", "match"], name="assignment_org_match"),
        ]

    def __str__(self) -> str:
        return f"{self.survey} for {self.respondent_id} (round {self.round}, {self.status})"


class SurveyResponse(models.Model):
    """The answers to one assignment: {question id: value}. Confidential: never shown one by one to anyone
    but its author; figures are aggregates over at least the organization's minimum group size."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    assignment = models.ForeignKey(SurveyAssignment, on_delete=models.CASCADE, related_name="+")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    answers = models.JSONField(default=dict)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "assignment"], name="survey_response_once")]
        indexes = [models.Index(fields=["organization", "program", "survey"], name="response_org_prog_survey")]

    def __str__(self) -> str:
        return f"Response {self.pk} to {self.survey_id}"


class SelfIdentification(models.Model):
    """What one person chose to share about themselves (gender, age band, ...), one row per attribute, for
    the participation-by-group figures. Opt-in, changeable and removable at any time by the person; shown
    only in aggregate, and never per person to anyone (HR admins included)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    attribute = models.CharField(max_length=40)
    value = models.CharField(max_length=80)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "employee", "attribute"], name="self_identification_once_per_attribute"
            )
        ]
        indexes = [models.Index(fields=["organization", "attribute"], name="selfid_org_attribute")]

    def __str__(self) -> str:
        return f"{self.attribute} of {self.employee_id}"


# --- Roll-ups: small tables the dashboards read -----------------------------------------------------------


class MatchFact(models.Model):
    """One started match, as program health reads it. Recomputed from the raw tables by the roll-up."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=12)
    department = models.CharField(
        max_length=120, blank=True, help_text=gettext_lazy("The mentee's (a circle's facilitator's).")
    )
    proposed_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    first_session_at = models.DateTimeField(null=True, blank=True)
    last_session_at = models.DateTimeField(null=True, blank=True)
    sessions_held = models.PositiveIntegerField(default=0)
    sessions_missed = models.PositiveIntegerField(default=0)
    sessions_cancelled = models.PositiveIntegerField(default=0)
    months_active = models.FloatField(default=0.0)
    checkins_answered = models.PositiveIntegerField(default=0)
    checkin_score_sum = models.PositiveIntegerField(default=0)
    last_checkin_score = models.PositiveSmallIntegerField(null=True, blank=True)
    ratings = models.PositiveIntegerField(default=0, help_text=gettext_lazy("Session ratings given (1-5)."))
    rating_sum = models.PositiveIntegerField(default=0)
    # Who answered / rated (employee ids): an average is shown only over enough distinct people, however many
    # answers one person gave.
    checkin_respondents = models.JSONField(default=list, blank=True)
    rating_authors = models.JSONField(default=list, blank=True)
    goals = models.PositiveIntegerField(default=0)
    goals_done = models.PositiveIntegerField(default=0)
    nudges_sent = models.PositiveIntegerField(default=0)
    at_risk = models.BooleanField(default=False)
    at_risk_reason = models.CharField(max_length=200, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "match"], name="match_fact_once")]
        indexes = [models.Index(fields=["organization", "program", "status"], name="matchfact_org_prog_status")]

    def __str__(self) -> str:
        return f"Facts of match {self.match_id}"


class ParticipantFact(models.Model):
    """One enrollment's way through the funnel: enrolled, matched, first session, active at 90 days,
    completed. Recomputed by the roll-up."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=10)
    department = models.CharField(max_length=120)
    enrolled_at = models.DateTimeField()
    matched_at = models.DateTimeField(
        null=True, blank=True, help_text=gettext_lazy("Start of their first active match.")
    )
    first_session_at = models.DateTimeField(null=True, blank=True)
    active_at_90_days = models.BooleanField(default=False)
    completed = models.BooleanField(default=False)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "participant"], name="participant_fact_once")]
        indexes = [
            models.Index(fields=["organization", "program", "enrolled_at"], name="partfact_org_prog_enrolled"),
            models.Index(fields=["organization", "employee"], name="partfact_org_employee"),
        ]

    def __str__(self) -> str:
        return f"Facts of participant {self.participant_id}"


class ProgramDay(models.Model):
    """A program's figures at the end of one day (UTC), for the trends: the state that day, and what
    happened on it. Days are written once the day is over, and today's again on every roll-up."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    # Per department (a participant's; a match's mentee's), so trends filter by department too: a figure for
    # several departments is the sum of their rows.
    department = models.CharField(max_length=120, blank=True)
    day = models.DateField()
    enrolled = models.PositiveIntegerField(default=0)
    matched_participants = models.PositiveIntegerField(default=0)
    active_matches = models.PositiveIntegerField(default=0)
    sessions_held = models.PositiveIntegerField(default=0, help_text=gettext_lazy("Held on this day."))
    checkins_answered = models.PositiveIntegerField(default=0, help_text=gettext_lazy("Answered on this day."))
    checkin_score_sum = models.PositiveIntegerField(default=0)
    checkin_respondents = models.JSONField(
        default=list, blank=True, help_text=gettext_lazy("Who answered them (employee ids).")
    )
    goals_done = models.PositiveIntegerField(default=0, help_text=gettext_lazy("Done on this day."))
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["program", "day", "department"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "program", "department", "day"], name="program_day_once")
        ]
        indexes = [models.Index(fields=["organization", "program", "day"], name="programday_org_prog_day")]

    def __str__(self) -> str:
        return f"{self.program_id} on {self.day}"


class RollupRun(models.Model):
    """One recompute of an organization's roll-ups (nightly, or asked for by an admin), with progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", gettext_lazy("Queued")
        RUNNING = "running", gettext_lazy("Running")
        DONE = "done", gettext_lazy("Done")
        FAILED = "failed", gettext_lazy("Failed")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    stage = models.CharField(max_length=80, blank=True)
    error = models.TextField(blank=True)
    duration_s = models.FloatField(null=True, blank=True, validators=[MinValueValidator(0)])
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The claim of the worker running it and that worker's last sign of life; for a queued run, when its task
    # was last sent. How many times a worker took it (mentorhub/jobs/liveness.py).
    claimed_by = models.CharField(max_length=100, blank=True)
    heartbeat_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "created_at"], name="rolluprun_org_created"),
            # What the sweeper looks for every few seconds: open runs by heartbeat (mentorhub/jobs/sweep.py).
            models.Index(
                fields=["heartbeat_at"], condition=Q(status__in=["queued", "running"]), name="rolluprun_open_heartbeat"
            ),
        ]
        constraints = [
            # One queued or running recompute per organization: a second click finds the first.
            models.UniqueConstraint(
                fields=["organization"], condition=Q(status__in=["queued", "running"]), name="rollup_one_open_run"
            )
        ]

    def __str__(self) -> str:
        return f"Roll-up {self.pk} ({self.status})"
