"""Matching: runs of the matching engine (MatchRun), their results (Match + MatchMember, a pair or a
circle), pairs a re-match must avoid (ExcludedPair) and mentee-choice requests (MentorRequest).

Every table carries its own organization key; MatchMember repeats the program so that the database
itself can refuse a second current match for one mentee (see `member_one_current_match_per_program`).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentorhub.accounts.models import Organization, User
from programs.models import Participant, Program


class MatchRun(models.Model):
    """One run of the engine over a program: a Celery job with progress and its figures."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="match_runs")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # A what-if run only computes and stores its pairs in `proposal`; it never writes matches.
    what_if = models.BooleanField(default=False)
    # Only the people of these participants are (re)matched; empty = the whole program.
    scope_participant_ids = models.JSONField(default=list, blank=True)
    objective = models.CharField(max_length=20, choices=Program.Objective.choices, default=Program.Objective.SCORE)
    weights = models.JSONField(default=dict, blank=True, help_text=_("{question id: weight} used by this run."))
    progress = models.PositiveSmallIntegerField(default=0, help_text=_("Percent done."))
    stage = models.CharField(max_length=80, blank=True)
    # Figures: matched, unmatched [{participant_id, reason}], mean_score, histogram, duration_s, ...
    figures = models.JSONField(default=dict, blank=True)
    # The pairs/circles proposed, [{mentor: participant id, members: [participant ids], score}], kept for
    # what-if comparison even when matches were written.
    proposal = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    started_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
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
            models.Index(fields=["organization", "program", "created_at"], name="matchrun_org_prog_created"),
            # What the sweeper looks for every few seconds: open runs by heartbeat (mentorhub/jobs/sweep.py).
            models.Index(
                fields=["heartbeat_at"], condition=Q(status__in=["queued", "running"]), name="matchrun_open_heartbeat"
            ),
        ]

    def __str__(self) -> str:
        return f"Match run {self.pk} of {self.program_id} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class Match(models.Model):
    """A mentoring pair (kind pair: one mentor, one mentee) or a circle (one facilitator, several members)."""

    class Kind(models.TextChoices):
        PAIR = "pair", _("Pair")
        CIRCLE = "circle", _("Circle")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")  # written by a run, awaiting the admin's review
        APPROVED = "approved", _("Approved")  # approved, awaiting the participants' acceptance
        ACTIVE = "active", _("Active")  # everyone accepted
        DECLINED = "declined", _("Declined")  # someone declined; the people are free again
        DISCARDED = "discarded", _("Discarded")  # a proposal replaced by a later run or removed by the admin
        COMPLETED = "completed", _("Completed")
        ENDED = "ended", _("Ended early")

    CURRENT_STATUSES = (Status.PROPOSED, Status.APPROVED, Status.ACTIVE)

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="matches")
    run = models.ForeignKey(MatchRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="matches")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PAIR)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROPOSED)
    score = models.FloatField(null=True, blank=True)
    # [{"label": "both want leadership", "contribution": 0.22}, ...]
    explanation = models.JSONField(default=list, blank=True)
    pinned = models.BooleanField(default=False, help_text=_("A re-run keeps this match as it is."))
    approved_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-score", "id"]
        indexes = [models.Index(fields=["organization", "program", "status"], name="match_org_prog_status")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk} ({self.status})"

    @property
    def is_current(self) -> bool:
        return self.status in self.CURRENT_STATUSES


class MatchMember(models.Model):
    """One person in a match, with their answer to it."""

    class Role(models.TextChoices):
        MENTOR = "mentor", _("Mentor")
        MENTEE = "mentee", _("Mentee")
        FACILITATOR = "facilitator", _("Facilitator")
        MEMBER = "member", _("Circle member")

    class Response(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="members")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="match_memberships")
    role = models.CharField(max_length=12, choices=Role.choices)
    # True while the match is proposed, approved or active; kept in step with Match.status by the services.
    current = models.BooleanField(default=True)
    response = models.CharField(max_length=10, choices=Response.choices, default=Response.PENDING)
    responded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    # An active match completes early when every current member asked for it (sessions' match pages).
    completion_requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["match", "role", "id"]
        constraints = [
            # One current match per mentee (or circle member) per program: re-running can never duplicate.
            models.UniqueConstraint(
                fields=["organization", "program", "participant"],
                condition=Q(current=True, role__in=["mentee", "member"]),
                name="member_one_current_match_per_program",
            ),
            models.UniqueConstraint(fields=["organization", "match", "participant"], name="member_once_per_match"),
        ]
        indexes = [
            models.Index(fields=["organization", "program", "participant", "current"], name="member_org_prog_part_cur")
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} as {self.role} in match {self.match_id}"


# Who leads a match (a pair's mentor, a circle's facilitator) and who follows (the mentee, circle members).
LEAD_ROLES = (MatchMember.Role.MENTOR, MatchMember.Role.FACILITATOR)
FOLLOWER_ROLES = (MatchMember.Role.MENTEE, MatchMember.Role.MEMBER)


class ExcludedPair(models.Model):
    """A mentor-mentee pair a re-match must not propose again (after a decline or an ended match)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    mentee = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "program", "mentor", "mentee"], name="excluded_pair_once")
        ]

    def __str__(self) -> str:
        return f"Excluded pair {self.mentor_id}-{self.mentee_id}"


class MentorRequest(models.Model):
    """Mentee-choice mode: a mentee asks a suggested mentor; the mentor accepts or declines."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    mentee = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="mentor_requests_sent")
    mentor = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="mentor_requests_received")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    score = models.FloatField(null=True, blank=True)
    explanation = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)
    decline_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # A mentee has at most one open request per program at a time.
            models.UniqueConstraint(
                fields=["organization", "program", "mentee"],
                condition=Q(status="pending"),
                name="mentor_request_one_pending_per_mentee",
            )
        ]
        indexes = [models.Index(fields=["organization", "mentor", "status"], name="mentorreq_org_mentor_status")]

    def __str__(self) -> str:
        return f"Request from {self.mentee_id} to {self.mentor_id} ({self.status})"
