"""Programs: what an HR admin configures (Program), the enrollment form (Question) and the enrollments
(Participant). Every table carries its own organization key (docs/architecture.md, Tenancy)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from identity.models import EmployeeGroup
from mentorhub.accounts.models import Employee, Organization, User


class Program(models.Model):
    class Kind(models.TextChoices):
        ONE_ON_ONE = "one_on_one", _("One-to-one mentoring")
        GROUP = "group", _("Group mentoring circles")
        REVERSE = "reverse", _("Reverse mentoring")
        # One-off sessions booked from mentors' office hours: no long-term match, so no matching at all.
        FLASH = "flash", _("Flash mentoring")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ENROLLING = "enrolling", _("Enrolling")
        MATCHING = "matching", _("Matching")
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    class MatchMode(models.TextChoices):
        ADMIN = "admin", _("Admin runs matching and approves")
        MENTEE_CHOICE = "mentee_choice", _("Mentees pick from suggestions")
        AUTOMATIC = "automatic", _("Automatic, approved without review")

    class Objective(models.TextChoices):
        SCORE = "score", _("Best total fit")
        PARTICIPATION = "participation", _("Most people matched, then best fit")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="programs")
    name = models.CharField(max_length=160)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ONE_ON_ONE)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    cadence_per_month = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(30)], help_text=_("Expected sessions per month.")
    )
    default_mentor_capacity = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(50)], help_text=_("Mentees per mentor.")
    )
    max_mentor_capacity = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(1), MaxValueValidator(50)], help_text=_("The most a mentor may take.")
    )
    circle_min_size = models.PositiveSmallIntegerField(default=4, validators=[MinValueValidator(2)])
    circle_max_size = models.PositiveSmallIntegerField(default=8, validators=[MinValueValidator(2)])
    # Eligibility: an empty list means "everyone".
    eligible_departments = models.JSONField(default=list, blank=True)
    eligible_job_levels = models.JSONField(default=list, blank=True)
    eligible_locations = models.JSONField(default=list, blank=True)
    max_time_zone_gap_hours = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Pairs further apart than this are never matched (empty: no limit).")
    )
    # Audience by employee groups: none = everyone the rules above let in; some = members of any of them only.
    audience_groups = models.ManyToManyField(
        EmployeeGroup, through="ProgramAudienceGroup", blank=True, related_name="programs"
    )
    # Circle programs: every circle is formed within one of the audience groups (facilitator and members).
    circles_within_groups = models.BooleanField(
        default=False, help_text=_("Each circle's facilitator and members belong to one same audience group.")
    )
    # Flash programs: a booking can be cancelled until this many hours before its start.
    flash_cancel_hours = models.PositiveSmallIntegerField(
        default=12,
        validators=[MaxValueValidator(168)],
        help_text=_("Flash mentoring: bookings can be cancelled until this many hours before the start."),
    )
    match_mode = models.CharField(max_length=20, choices=MatchMode.choices, default=MatchMode.ADMIN)
    objective = models.CharField(max_length=20, choices=Objective.choices, default=Objective.SCORE)
    # The mentoring agreement each match starts from: {section key: text}; a section left out reads as the
    # default text (programs/agreements.py). With `agreement_required`, a match schedules its first session
    # only once every member confirmed their agreement (sessions.services.sessions.session_schedule).
    agreement_template = models.JSONField(default=dict, blank=True)
    agreement_required = models.BooleanField(
        default=False,
        help_text=_("Members must both confirm their mentoring agreement before they schedule their first session."),
    )
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "status"], name="program_org_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(circle_min_size__lte=F("circle_max_size")), name="program_circle_sizes_ordered"
            ),
            models.CheckConstraint(
                condition=Q(default_mentor_capacity__lte=F("max_mentor_capacity")), name="program_capacity_ordered"
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(ends_on__isnull=True) | Q(starts_on__lte=F("ends_on")),
                name="program_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_group(self) -> bool:
        return self.kind == self.Kind.GROUP

    @property
    def is_reverse(self) -> bool:
        return self.kind == self.Kind.REVERSE

    @property
    def is_flash(self) -> bool:
        return self.kind == self.Kind.FLASH

    @property
    def has_matching(self) -> bool:
        """Flash programs book one-off sessions from office hours: no matching runs, no matches to review."""
        return self.kind != self.Kind.FLASH


class ProgramAudienceGroup(models.Model):
    """One employee group of a program's audience. A group in some program's audience cannot be deleted
    (PROTECT): the program would silently open to everyone."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="audience_links")
    group = models.ForeignKey(EmployeeGroup, on_delete=models.PROTECT, related_name="program_links")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "program", "group"], name="program_audience_group_once"),
        ]

    def __str__(self) -> str:
        return f"{self.group_id} in the audience of {self.program_id}"


class Question(models.Model):
    """One question of a program's enrollment form, and how matching uses its answers."""

    class Type(models.TextChoices):
        SINGLE = "single_choice", _("Single choice")
        MULTIPLE = "multiple_choice", _("Multiple choice")
        SCALE = "scale", _("Scale 1-5")
        TEXT = "text", _("Free text")
        TAGS = "tags", _("Skills / tags")

    class Audience(models.TextChoices):
        MENTOR = "mentor", _("Mentors")
        MENTEE = "mentee", _("Mentees")
        BOTH = "both", _("Both")

    class OptionSource(models.TextChoices):
        OWN = "own", _("The options typed below")
        SKILLS = "skills", _("The organization's skills catalogue")

    class Rule(models.TextChoices):
        SAME = "same", _("Prefer the same answer")
        DIFFERENT = "different", _("Prefer different answers")
        OVERLAP = "overlap", _("Prefer overlapping answers")
        OFFERS_WANTS = "offers_wants", _("Mentor offers what the mentee wants")
        MUST = "must", _("Must match (hard filter)")
        NONE = "none", _("Not used for matching")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="questions")
    prompt = models.CharField(max_length=300)
    # Shown to mentors instead of `prompt` when set, e.g. "Skills you can offer" vs "Skills you want to learn".
    mentor_prompt = models.CharField(max_length=300, blank=True)
    help_text = models.CharField(max_length=300, blank=True)
    type = models.CharField(max_length=20, choices=Type.choices)
    options = models.JSONField(default=list, blank=True)
    # "skills": `options` are kept equal to the active skills of the catalogue (programs/skills.py), so answers
    # are validated and matched exactly as typed options are.
    option_source = models.CharField(max_length=10, choices=OptionSource.choices, default=OptionSource.OWN)
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.BOTH)
    required = models.BooleanField(default=False)
    rule = models.CharField(max_length=20, choices=Rule.choices, default=Rule.NONE)
    weight = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(5)])
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["organization", "program"], name="question_org_program")]

    def __str__(self) -> str:
        return self.prompt

    @property
    def has_options(self) -> bool:
        return self.type in (self.Type.SINGLE, self.Type.MULTIPLE)

    def prompt_for(self, role: str) -> str:
        return self.mentor_prompt if role == Participant.Role.MENTOR and self.mentor_prompt else self.prompt

    def asks(self, role: str) -> bool:
        return self.audience in (self.Audience.BOTH, role)


class Participant(models.Model):
    """One enrollment of one employee in one program as mentor or mentee."""

    class Role(models.TextChoices):
        MENTOR = "mentor", _("Mentor")
        MENTEE = "mentee", _("Mentee")

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        APPLIED = "applied", _("Applied")
        APPROVED = "approved", _("Approved")
        WAITLISTED = "waitlisted", _("Waitlisted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        MATCHED = "matched", _("Matched")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="participants")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="participations")
    role = models.CharField(max_length=10, choices=Role.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.APPLIED)
    # {str(question_id): value}; validated against the questions by answers.answers_clean.
    answers = models.JSONField(default=dict, blank=True)
    capacity = models.PositiveSmallIntegerField(null=True, blank=True, help_text=_("Mentors: mentees they take on."))
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    # When the invitation email was claimed for sending (mentorhub/mail_once.py): it goes out once, however
    # often its task is delivered or enrollment reopens.
    invitation_emailed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["program", "role", "employee__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "program", "employee", "role"], name="participant_once_per_program_role"
            ),
        ]
        indexes = [models.Index(fields=["organization", "program", "status"], name="participant_org_prog_status")]

    def __str__(self) -> str:
        return f"{self.employee} as {self.role} in {self.program}"

    @property
    def is_editable_by_participant(self) -> bool:
        return self.status in (self.Status.INVITED, self.Status.APPLIED, self.Status.APPROVED, self.Status.WAITLISTED)


class Skill(models.Model):
    """One skill of the organization's catalogue: what enrollment questions offer, what mentees rate themselves
    on and what the skills-gap map counts. Deactivated skills leave new forms but keep their history."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=80)
    category = models.CharField(max_length=60, blank=True)
    description = models.CharField(max_length=300, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                "organization",
                Lower("name"),
                name="skill_name_once_per_org",
                violation_error_message="The catalogue already has a skill of this name.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SkillRating(models.Model):
    """A mentee's own level (1 = beginner, 5 = expert) on a skill they want, at enrollment or at the close."""

    class Moment(models.TextChoices):
        ENROLLMENT = "enrollment", _("At enrollment")
        CLOSING = "closing", _("At the close")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="skill_ratings")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="ratings")
    moment = models.CharField(max_length=12, choices=Moment.choices)
    level = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["participant", "skill", "moment"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "participant", "skill", "moment"], name="skill_rating_once_per_moment"
            ),
            models.CheckConstraint(condition=Q(level__gte=1) & Q(level__lte=5), name="skill_rating_level_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} rates {self.skill_id} {self.level} ({self.moment})"
