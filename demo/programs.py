"""Demo programs for `manage.py seed_demo`: acme gets one program of each kind with about 120 participants,
globex one program. Idempotent: programs are found by (organization, name), and a program that has its
participants already gets none added, so a second run adds nothing and an admin's changes in the demo are left
alone (even when the roster changed since).

Answers are generated from each program's own questions (the ready-made sets of programs/question_sets.py) with a
seeded random generator, and pass through answers_clean like any enrollment.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from mentorhub.accounts.models import Employee, Membership, Organization, Role
from mentorhub.tenancy import scoped
from programs.answers import answers_clean
from programs.eligibility import eligible_employees_q
from programs.models import Participant, Program, Question
from programs.question_sets import LANGUAGES, REVERSE_TOPICS
from programs.services.programs import program_create, program_move

P = Participant.Status


@dataclass(frozen=True)
class ProgramSpec:
    name: str
    kind: str
    status: str
    description: str
    mentors: int
    mentees: int
    mentor_levels: tuple[int, ...]
    mentee_levels: tuple[int, ...]
    seed: int
    eligible_job_levels: tuple[int, ...] = ()
    starts_in_days: int = 30
    weeks: int = 24
    # Share of applications already decided, per status; the rest stay "applied".
    decided: dict[str, float] = field(default_factory=lambda: {P.APPROVED: 0.72, P.WAITLISTED: 0.1})


ACME = [
    ProgramSpec(
        name="Grow Together",
        kind=Program.Kind.ONE_ON_ONE,
        status=Program.Status.ENROLLING,
        description=(
            "One-to-one mentoring across teams, offices and time zones. Pair up with a colleague who has walked "
            "the path you are on: build skills, confidence and your network in two conversations a month. "
            "Mentors grow too: they sharpen their leadership and see the company through fresh eyes."
        ),
        mentors=15,
        mentees=35,
        mentor_levels=(5, 6, 7, 8, 9),
        mentee_levels=(1, 2, 3, 4),
        seed=101,
    ),
    ProgramSpec(
        name="Leadership Circles",
        kind=Program.Kind.GROUP,
        status=Program.Status.ENROLLING,
        description=(
            "Small circles of emerging leaders, each guided by an experienced facilitator. Bring real "
            "situations (a first team to lead, a hard conversation, imposter feelings) and work through them "
            "with peers from other departments and countries."
        ),
        mentors=5,
        mentees=30,
        mentor_levels=(6, 7, 8, 9),
        mentee_levels=(3, 4, 5),
        eligible_job_levels=(3, 4, 5, 6, 7, 8, 9),
        seed=202,
        starts_in_days=45,
    ),
    ProgramSpec(
        name="Digital Reverse Mentoring",
        kind=Program.Kind.REVERSE,
        status=Program.Status.MATCHING,
        description=(
            "Early-career colleagues mentor senior leaders on AI tools, social media and new ways of working. "
            "Here the mentor is the more junior partner: they share what they use every day, and get a "
            "first-hand view of how leadership decisions are made."
        ),
        mentors=16,
        mentees=20,
        mentor_levels=(1, 2, 3),
        mentee_levels=(6, 7, 8, 9),
        eligible_job_levels=(1, 2, 3, 6, 7, 8, 9),
        seed=303,
        starts_in_days=14,
        weeks=16,
        decided={P.APPROVED: 0.9, P.WAITLISTED: 0.1},
    ),
]
GLOBEX = [
    ProgramSpec(
        name="Globex Mentoring",
        kind=Program.Kind.ONE_ON_ONE,
        status=Program.Status.ENROLLING,
        description=(
            "Globex's company-wide mentoring program: one mentor, one mentee, six months, about two "
            "conversations a month. Open to everyone."
        ),
        mentors=6,
        mentees=14,
        mentor_levels=(5, 6, 7, 8, 9),
        mentee_levels=(1, 2, 3, 4),
        seed=404,
    ),
]
DEMO_MEMBER_EMAIL = "member@acme.example"
DEMO_MENTOR_EMAIL = "mentor@acme.example"

# What people in each department tend to offer or want to learn (besides the suggested skills).
DEPARTMENT_SKILLS = {
    "Engineering": ["Python", "AI tools", "System design", "Code review", "Data analysis"],
    "Product": ["Product thinking", "User research", "Roadmapping", "Stakeholder management"],
    "Sales": ["Negotiation", "Public speaking", "Account planning", "Stakeholder management"],
    "Marketing": ["Social media", "Storytelling", "Brand strategy", "Data analysis"],
    "People": ["People management", "Coaching", "Career planning", "Inclusive hiring"],
    "Finance": ["Excel", "Forecasting", "Data analysis", "Negotiation"],
    "Operations": ["Process improvement", "Excel", "Program management", "Stakeholder management"],
    "Customer Success": ["Customer empathy", "Public speaking", "Negotiation", "Onboarding design"],
    "Sustainability": ["Sustainability practices", "Carbon accounting", "ESG reporting", "Data analysis"],
}
SENIOR_SKILLS = ["Leadership", "People management", "Stakeholder management", "Career planning", "Negotiation"]
LOCAL_LANGUAGE = {
    "São Paulo": "Portuguese",
    "Berlin": "German",
    "Tokyo": "Japanese",
    "Bangalore": "Hindi",
    "Singapore": "Mandarin",
    "New York": "Spanish",
    "Chicago": "Spanish",
    "San Francisco": "Spanish",
    "London": "French",
}
FORMAT_WEIGHTS = {"Video call": 50, "In person": 20, "Phone": 5, "Chat": 10, "No preference": 15}
NOTES = {
    ("one_on_one", "mentee"): [
        "I moved into my role six months ago and want to grow my confidence in meetings with senior people.",
        "I'd like to understand how other departments work and build my network outside my team.",
        "Preparing for my first people-lead role next year.",
        "I often feel like I got here by luck; I'd like help recognising what I am actually good at.",
        "Interested in how our sustainability goals connect to my day-to-day work.",
        "Happy to meet early mornings; I'm a parent and evenings are hard.",
    ],
    ("one_on_one", "mentor"): [
        "I had a great mentor early on and would like to pay it forward.",
        "Happy to help with career moves between departments; I've made two myself.",
        "I learn a lot from mentees' questions, keep them coming.",
        "Remote-first: I've mentored across time zones before and it works well.",
    ],
    ("group", "mentee"): [
        "Learning to give feedback to people who used to be my peers.",
        "Hearing how leaders in other countries handle the same problems.",
        "A safe space to talk about the hard parts of leading a team.",
        "Building confidence to speak up in leadership meetings.",
    ],
    ("group", "mentor"): [
        "I facilitated circles last year; the peer learning is the best part.",
        "Glad to share what I got wrong as a new manager.",
    ],
    ("reverse", "mentee"): [
        "I want to understand how our teams use generative AI, and where the risks are.",
        "Our customers are on social channels I never open; help me see what I'm missing.",
        "I'd like honest input on how our leadership comes across to newer colleagues.",
        "Curious about the collaboration tools my teams have adopted.",
    ],
    ("reverse", "mentor"): [
        "I use AI assistants every day and can show practical, safe ways to start.",
        "I run our team's social channels and enjoy explaining how they work.",
        "Happy to share how people early in their careers experience hybrid work.",
        "Keen to learn how senior leaders think about strategy in return.",
    ],
}
REVERSE_STRENGTHS = ["AI and generative tools", "Social media", "New collaboration tools", "Gen Z expectations at work"]


class _Answers:
    """Plausible answers for one person to one program's questions."""

    def __init__(self, rng: random.Random, kind: str, role: str, employee: Employee) -> None:
        self.rng, self.kind, self.role, self.employee = rng, kind, role, employee

    def for_questions(self, questions: list[Question]) -> dict[str, Any]:
        raw = {str(q.pk): self._one(q) for q in questions if q.asks(self.role)}
        raw = {key: value for key, value in raw.items() if value not in (None, "", [])}
        return answers_clean(questions=questions, role=self.role, answers=raw)

    def _one(self, question: Question) -> Any:
        rng, options = self.rng, question.options
        if question.type == Question.Type.SINGLE:
            if set(options) <= set(FORMAT_WEIGHTS):
                return rng.choices(options, weights=[FORMAT_WEIGHTS[o] for o in options])[0]
            return rng.choice(options)
        if question.type == Question.Type.MULTIPLE:
            if set(options) <= set(LANGUAGES):
                return self._languages(options)
            if set(options) <= set(REVERSE_TOPICS):
                return self._topics(options)
            return self._pick(options, preferred=self._preferred_goals(), low=1, high=3)
        if question.type == Question.Type.TAGS:
            return self._skills(options)
        if question.type == Question.Type.SCALE:
            # Newer and more junior people rate their experience lower; seniors rate digital comfort lower.
            base = 2 if self.employee.job_level <= 3 else 4
            if self.kind == Program.Kind.REVERSE:
                base = 2
            return max(1, min(5, base + rng.choice([-1, 0, 0, 1])))
        if question.type == Question.Type.TEXT:
            pool = NOTES.get((self.kind, self.role), [])
            return rng.choice(pool) if pool and rng.random() < 0.6 else ""
        return None

    def _pick(self, options: list[str], *, preferred: list[str], low: int, high: int) -> list[str]:
        count = self.rng.randint(low, min(high, len(options)))
        weighted = [o for o in preferred if o in options] * 3 + list(options)
        chosen: list[str] = []
        while len(chosen) < count:
            candidate = self.rng.choice(weighted)
            if candidate not in chosen:
                chosen.append(candidate)
        return chosen

    def _preferred_goals(self) -> list[str]:
        if self.kind == Program.Kind.GROUP:
            return ["Leadership development", "Confidence", "Inclusion and belonging"]
        if self.employee.department == "Sustainability":
            return ["Sustainability", "Career growth"]
        if self.role == Participant.Role.MENTEE and self.employee.job_level <= 2:
            return ["Confidence", "Career growth", "Networking"]
        return ["Leadership development", "Technical skills"]

    def _languages(self, options: list[str]) -> list[str]:
        chosen = ["English"]
        local = LOCAL_LANGUAGE.get(self.employee.location)
        if local and self.rng.random() < (0.8 if local not in ("Spanish", "French") else 0.2):
            chosen.append(local)
        return [language for language in chosen if language in options] or [options[0]]

    def _topics(self, options: list[str]) -> list[str]:
        if self.role == Participant.Role.MENTOR:
            return self._pick(options, preferred=REVERSE_STRENGTHS, low=2, high=3)
        return self._pick(options, preferred=REVERSE_STRENGTHS[:2], low=1, high=3)

    def _skills(self, options: list[str]) -> list[str]:
        pool = list(DEPARTMENT_SKILLS.get(self.employee.department, []))
        if self.role == Participant.Role.MENTOR and self.employee.job_level >= 6:
            pool += SENIOR_SKILLS
        if self.role == Participant.Role.MENTEE:
            # Mentees mostly want what is on offer elsewhere, plus a bit of their own field.
            pool = list(options) + pool[:2]
        return self._pick(pool or list(options), preferred=[], low=2, high=4)


def _status(rng: random.Random, spec: ProgramSpec, role: str) -> str:
    roll, threshold = rng.random(), 0.0
    # Mentors are the scarce side: most are approved quickly and none waits on a list.
    shares = (
        {P.APPROVED: max(0.85, spec.decided.get(P.APPROVED, 0))} if role == Participant.Role.MENTOR else spec.decided
    )
    for status, share in shares.items():
        threshold += share
        if roll < threshold:
            return status
    return P.APPLIED


def _capacity(rng: random.Random, program: Program) -> int:
    low, high = program.default_mentor_capacity, program.max_mentor_capacity
    return rng.choice([low, low, high] if high > low else [low])


def admin_of(organization: Organization) -> Membership | None:
    return (
        scoped(Membership, organization).filter(role=Role.ADMIN).select_related("user").order_by("user__email").first()
    )


def _program(organization: Organization, spec: ProgramSpec, admin: Membership | None) -> Program:
    existing = scoped(Program, organization).filter(name=spec.name).order_by("id").first()
    if existing is not None:
        return existing  # already seeded: whatever the demo admin did with it since stays
    # seed_accounts_demo (run before) makes a demo admin of every demo organization, each run.
    assert admin is not None, f"{organization.slug} has no admin: seed the demo accounts first"
    actor = admin.user
    starts_on = timezone.localdate() + timedelta(days=spec.starts_in_days)
    data: dict[str, Any] = {
        "name": spec.name,
        "kind": spec.kind,
        "description": spec.description,
        "starts_on": starts_on,
        "ends_on": starts_on + timedelta(weeks=spec.weeks),
        "eligible_job_levels": list(spec.eligible_job_levels),
    }
    program = program_create(organization=organization, actor=actor, data=data)
    path: list[str] = [Program.Status.ENROLLING, Program.Status.MATCHING, Program.Status.ACTIVE]
    for status in path[: path.index(spec.status) + 1] if spec.status in path else []:
        program_move(organization=organization, actor=actor, program_id=program.pk, to_status=status)
    program.refresh_from_db()
    return program


def _seed_participants(
    organization: Organization, program: Program, spec: ProgramSpec, admin: Membership | None
) -> int:
    seeded = (
        scoped(Participant, organization).filter(program=program).exclude(employee__employee_id__startswith="DEMO-")
    )
    if seeded.exists():
        # Seeded before. The roster has a history since (the analytics demo records departures and promotions),
        # so drawing again would pick other people: what was drawn then stays, with the admin's changes since.
        return 0
    rng = random.Random(spec.seed)
    questions = list(scoped(Question, organization).filter(program=program).order_by("position", "id"))
    people = list(
        scoped(Employee, organization)
        .filter(eligible_employees_q(program))
        .exclude(employee_id__startswith="DEMO-")
        .order_by("employee_id")
    )
    mentor_pool = [e for e in people if e.job_level in spec.mentor_levels]
    mentors = rng.sample(mentor_pool, min(spec.mentors, len(mentor_pool)))
    mentor_ids = {e.pk for e in mentors}
    mentee_pool = [e for e in people if e.job_level in spec.mentee_levels and e.pk not in mentor_ids]
    mentees = rng.sample(mentee_pool, min(spec.mentees, len(mentee_pool)))
    existing = set(scoped(Participant, organization).filter(program=program).values_list("employee_id", "role"))
    now = timezone.now()
    new: list[Participant] = []
    for role, group in ((Participant.Role.MENTOR, mentors), (Participant.Role.MENTEE, mentees)):
        for employee in group:
            # Draw every value even for people already seeded, so each run sees the same sequence.
            answers = _Answers(rng, program.kind, role, employee).for_questions(questions)
            capacity = _capacity(rng, program) if role == Participant.Role.MENTOR else None
            status = _status(rng, spec, role)
            applied_days_ago = rng.randint(1, 20)
            if (employee.pk, role) in existing:
                continue
            decided = status != P.APPLIED
            new.append(
                Participant(
                    organization=organization,
                    program=program,
                    employee=employee,
                    role=role,
                    status=status,
                    answers=answers,
                    capacity=capacity,
                    decided_by=admin.user if decided and admin else None,
                    decided_at=now - timedelta(days=rng.randint(0, applied_days_ago)) if decided else None,
                )
            )
    Participant.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def _seed_demo_person(
    organization: Organization, program: Program, *, email: str, role: str, admin: Membership | None
) -> None:
    """The demo member (member@acme.example) has applied as a mentee, so "My programs" is not empty and
    the admin has a familiar name to approve. The demo mentor (mentor@acme.example) is an approved mentor:
    demo/matching.py pairs the two, so the same match can be seen from both sides."""
    membership = scoped(Membership, organization).filter(user__email=email).select_related("employee").first()
    if membership is None or membership.employee is None:
        return
    if scoped(Participant, organization).filter(program=program, employee=membership.employee).exists():
        return
    questions = list(scoped(Question, organization).filter(program=program))
    mentor = role == Participant.Role.MENTOR
    rng = random.Random(8 if mentor else 7)
    answers = _Answers(rng, program.kind, role, membership.employee)
    Participant.objects.create(
        organization=organization,
        program=program,
        employee=membership.employee,
        role=role,
        status=P.APPROVED if mentor else P.APPLIED,
        answers=answers.for_questions(questions),
        capacity=program.default_mentor_capacity if mentor else None,
        decided_by=admin.user if mentor and admin else None,
        decided_at=timezone.now() if mentor else None,
    )


@transaction.atomic
def seed_programs_demo() -> dict[str, int]:
    """Create the demo programs and enrollments (safe to run again). Returns participants added per program."""
    added: dict[str, int] = {}
    for slug, specs in (("acme", ACME), ("globex", GLOBEX)):
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            continue
        admin = admin_of(organization)
        for spec in specs:
            program = _program(organization, spec, admin)
            added[spec.name] = _seed_participants(organization, program, spec, admin)
            if spec.name == "Grow Together":
                _seed_demo_person(
                    organization, program, email=DEMO_MEMBER_EMAIL, role=Participant.Role.MENTEE, admin=admin
                )
                _seed_demo_person(
                    organization, program, email=DEMO_MENTOR_EMAIL, role=Participant.Role.MENTOR, admin=admin
                )
    return added
