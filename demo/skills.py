"""Demo skills for `manage.py seed_demo`: Acme's skills catalogue (the starter set), a "Future Skills" program
whose enrollment form takes its skills from the catalogue, with mentees wanting skills (and rating themselves)
and mentors offering them, so the skills-gap map shows a visible unmet demand in "AI and data" (the articles'
"bridging the skills gap"); and the past cohort's mentees' ratings at enrollment and at the close, for the impact
report's skills growth. Idempotent: the program is found by name, ratings by their unique key."""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from analytics.services.rollups import rollup_organization
from demo.analytics.content import PAST_PROGRAM
from demo.programs import admin_of
from mentorhub.accounts.models import Employee, Organization
from mentorhub.tenancy import scoped
from programs.answers import answers_clean
from programs.models import Participant, Program, Question, Skill, SkillRating
from programs.selectors import wanted_skills
from programs.services.programs import program_create, program_move
from programs.services.questions import question_update
from programs.services.skills import skill_create, skills_ensure_starter

PROGRAM = "Future Skills Mentoring"
DESCRIPTION = (
    "Mentoring for the skills the future of work asks for: AI and data, digital tools, sustainability, and the "
    "communication and critical thinking that go with them. Mentees learn from colleagues who use these skills "
    "every day; mentors share and leverage what they know across the organization."
)
# (skills wanted or offered, mentees, mentors, capacity per mentor). AI and data: 14 mentees, 5 mentor places.
DEMAND = [
    (["AI and data"], 9, 0, 0),
    (["AI and data", "Digital tools"], 5, 0, 0),
    (["AI and data"], 0, 5, 1),
    (["Sustainability"], 6, 4, 2),
    (["Communication", "Leadership"], 7, 6, 2),
    (["Digital tools"], 2, 5, 1),
]
SEED = 1414
# Skills Acme's earlier enrollment forms asked about (programs/question_sets.py), added to its catalogue as an HR
# admin would after the first cohort: the past cohort's mentees wanted them, so their ratings show growth.
EARLIER_FORM_SKILLS = [
    ("Public speaking", "People", "Presenting to a room or a leadership meeting with confidence."),
    ("Stakeholder management", "People", "Bringing the people a decision touches along with it."),
    ("People management", "People", "Hiring, one-to-ones, feedback and growing a team."),
    ("Negotiation", "Business", "Finding agreements that hold, inside and outside the company."),
    ("Career planning", "Growth", "Choosing a next step and the experience that leads to it."),
]


def _employees(organization: Organization, taken: set[int]) -> list[Employee]:
    today = timezone.localdate()
    people = (
        scoped(Employee, organization)
        .exclude(employee_id__startswith="DEMO-")
        .exclude(pk__in=taken)
        .exclude(left_on__lte=today)
        .order_by("employee_id")
    )
    return list(people)


def _future_skills(organization: Organization) -> Program | None:
    existing = scoped(Program, organization).filter(name=PROGRAM).first()
    if existing is not None:
        return None  # seeded before: the admin's changes since stay
    admin = admin_of(organization)
    assert admin is not None, "seed the demo accounts first"
    starts_on = timezone.localdate() + timedelta(days=40)
    program = program_create(
        organization=organization,
        actor=admin.user,
        data={"name": PROGRAM, "kind": Program.Kind.ONE_ON_ONE, "description": DESCRIPTION, "starts_on": starts_on},
    )
    question = scoped(Question, organization).filter(program=program, rule=Question.Rule.OFFERS_WANTS).first()
    assert question is not None  # the one-to-one question set asks for skills to learn and offer
    question_update(
        organization=organization,
        actor=admin.user,
        program_id=program.pk,
        question_id=question.pk,
        data={"type": Question.Type.MULTIPLE, "option_source": Question.OptionSource.SKILLS, "options": []},
    )
    program_move(organization=organization, actor=admin.user, program_id=program.pk, to_status=Program.Status.ENROLLING)
    program.refresh_from_db()
    return program


def _enroll(organization: Organization, program: Program, rng: random.Random) -> list[Participant]:
    questions = list(scoped(Question, organization).filter(program=program))
    skills_question = next(q for q in questions if q.option_source == Question.OptionSource.SKILLS)
    # New faces: nobody enrolled in another program (the past cohort's people stay that cohort's alone).
    taken = set(scoped(Participant, organization).values_list("employee_id", flat=True))
    people = _employees(organization, taken)
    rng.shuffle(people)
    rows: list[Participant] = []
    for skills, mentees, mentors, capacity in DEMAND:
        for role, count in ((Participant.Role.MENTEE, mentees), (Participant.Role.MENTOR, mentors)):
            for _ in range(count):
                employee = people.pop()
                raw = {str(skills_question.pk): skills}
                answers = answers_clean(questions=[skills_question], role=role, answers=raw)
                rows.append(
                    Participant(
                        organization=organization,
                        program=program,
                        employee=employee,
                        role=role,
                        status=Participant.Status.APPROVED if rng.random() < 0.7 else Participant.Status.APPLIED,
                        answers=answers,
                        capacity=capacity if role == Participant.Role.MENTOR else None,
                    )
                )
    return Participant.objects.bulk_create(rows)


def _rate(organization: Organization, participant: Participant, rng: random.Random, *, closing: bool) -> int:
    """Enrollment levels mostly 1-3; at the close most rise by a level or two, some stay, a few drop."""
    added = 0
    for skill in wanted_skills(organization=organization, participant=participant):
        before = rng.choice([1, 2, 2, 3, 3])
        levels = {SkillRating.Moment.ENROLLMENT: before}
        if closing:
            levels[SkillRating.Moment.CLOSING] = max(1, min(5, before + rng.choice([0, 1, 1, 1, 2, 2, -1])))
        for moment, level in levels.items():
            _, created = SkillRating.objects.get_or_create(
                organization=organization,
                participant=participant,
                skill=skill,
                moment=moment,
                defaults={"level": level},
            )
            added += created
    return added


@transaction.atomic
def seed_skills_demo() -> dict[str, int]:
    organization = Organization.objects.filter(slug="acme").first()
    if organization is None:
        return {}
    rng = random.Random(SEED)
    skills_ensure_starter(organization=organization)
    admin = admin_of(organization)
    known = {name.casefold() for name in scoped(Skill, organization).values_list("name", flat=True)}
    for name, category, description in EARLIER_FORM_SKILLS:
        if name.casefold() not in known and admin is not None:
            skill_create(
                organization=organization, actor=admin.user, name=name, category=category, description=description
            )
    program = _future_skills(organization)
    enrolled = _enroll(organization, program, rng) if program is not None else []
    ratings = sum(_rate(organization, p, rng, closing=False) for p in enrolled if p.role == Participant.Role.MENTEE)
    past = (
        scoped(Participant, organization)
        .filter(program__name=PAST_PROGRAM, role=Participant.Role.MENTEE, status=Participant.Status.MATCHED)
        .select_related("program")
        .order_by("pk")
    )
    ratings += sum(_rate(organization, participant, rng, closing=True) for participant in past)
    if enrolled:
        # seed_analytics_demo rolled the figures up before this program's enrollments existed: again, so the
        # dashboards count them from the first run (and a second run recomputes the same figures).
        rollup_organization(organization=organization)
    return {"skills": scoped(Skill, organization).count(), "enrolled": len(enrolled), "ratings": ratings}
