"""Demo flash mentoring for `manage.py seed_demo`: acme's "Ask a Mentor" program, running since about six
months, where five mentors (the demo mentor among them) hold weekly office hours on topics from the articles
the product grew from (AI tools, sustainability skills, virtual teams, reverse mentoring, promotions).

The past six weeks have held office hours with bookings, most rated afterwards (some members came back
several times); the next four weeks are published, partly booked, the demo member (member@acme.example) with
one booking ahead. The past is written directly, as the services would have left it (a past slot cannot be
published); what lies ahead goes through the services, and its invitations are marked sent as if delivered
when booked, so seeding emails nobody. Idempotent: once the program exists, this does nothing.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from demo.programs import DEMO_MEMBER_EMAIL, DEMO_MENTOR_EMAIL, admin_of
from mentorhub.accounts.models import Employee, Organization
from mentorhub.tenancy import scoped
from programs.models import Participant, Program
from programs.services.programs import program_create, program_move
from sessions.models import FlashBooking, FlashSlot, Reminder
from sessions.services.flash import booking_create, slot_publish, weekly_starts
from sessions.timeslots import zone_or_utc

NAME = "Ask a Mentor: flash sessions"
DESCRIPTION = (
    "Thirty minutes with an experienced colleague, no long-term commitment: book an office hour on the topic "
    "you need now. Only 37% of people at work have a mentor; flash sessions let everyone get advice when it "
    "matters, across offices and time zones."
)
# (topics, weekday, local hour) per mentor; the first is the demo mentor's.
OFFICE_HOURS = [
    ("AI tools in your daily work: prompts, pitfalls and what to automate first", 1, 14),
    ("Building a sustainability skill set: linking your role to the company's climate goals", 2, 10),
    ("Working well in a virtual team: visibility, trust and feedback when you rarely meet", 3, 16),
    ("Preparing for a promotion conversation, and what your manager needs to hear", 0, 11),
    ("Reverse mentoring: what newer colleagues can teach you about digital tools", 4, 15),
]
COMMENTS = [
    "Practical and to the point: I left with three things to try this week.",
    "Helped me frame the conversation with my manager.",
    "Good pointers to people and resources I did not know about.",
    "",
    "",
]
MEMBERS = 15
PAST_WEEKS, AHEAD_WEEKS = 6, 4


def seed_flash_demo() -> None:
    organization = Organization.objects.filter(slug="acme").first()
    if organization is None or scoped(Program, organization).filter(name=NAME).exists():
        return
    with transaction.atomic():
        _seed(organization, random.Random(1414), timezone.now())


def _people(organization: Organization) -> tuple[list[Employee], list[Employee]]:
    roster = scoped(Employee, organization).filter(left_on__isnull=True).order_by("pk")
    demo_mentor = roster.get(email=DEMO_MENTOR_EMAIL)
    demo_member = roster.get(email=DEMO_MEMBER_EMAIL)
    others = roster.exclude(pk__in=[demo_mentor.pk, demo_member.pk])
    mentors = [demo_mentor, *others.filter(job_level__gte=6)[:4]]
    members = [demo_member, *others.filter(job_level__lte=4).exclude(pk__in=[m.pk for m in mentors])[: MEMBERS - 1]]
    return mentors, members


def _seed(organization: Organization, rng: random.Random, now: datetime) -> None:
    admin = admin_of(organization)
    actor = admin.user if admin is not None else None
    starts_on = timezone.localdate() - timedelta(days=175)
    program = program_create(
        organization=organization,
        actor=actor,  # type: ignore[arg-type]  # the demo admin, made by seed_accounts_demo
        data={
            "name": NAME,
            "kind": Program.Kind.FLASH,
            "description": DESCRIPTION,
            "starts_on": starts_on,
            "ends_on": starts_on + timedelta(days=365),
        },
    )
    for status in (Program.Status.ENROLLING, Program.Status.ACTIVE):
        program_move(organization=organization, actor=actor, program_id=program.pk, to_status=status)  # type: ignore[arg-type]
    mentors, members = _people(organization)
    enrolled = starts_on - timedelta(days=14)
    hosts = [_enroll(organization, program, e, Participant.Role.MENTOR) for e in mentors]
    bookers = [_enroll(organization, program, e, Participant.Role.MENTEE) for e in members]
    scoped(Participant, organization).filter(program=program).update(
        created_at=datetime.combine(enrolled, time(9), tzinfo=UTC),
        decided_at=datetime.combine(enrolled, time(12), tzinfo=UTC),
    )
    for host, (topics, weekday, hour) in zip(hosts, OFFICE_HOURS, strict=False):
        zone = host.employee.time_zone or "UTC"
        ahead = _next_weekday(now, weekday, hour, zone)
        # The same local hour in the weeks before (weekly_starts keeps it across a clock change); held ones only.
        local = ahead.astimezone(zone_or_utc(zone)).replace(tzinfo=None) - timedelta(weeks=PAST_WEEKS)
        before = weekly_starts(local.replace(tzinfo=zone_or_utc(zone)), PAST_WEEKS, zone)
        _past(organization, program, host, bookers, rng, topics, zone, [s for s in before if s < now], now)
        _ahead(organization, program, host, bookers, rng, topics, zone, ahead, now)


def _enroll(organization: Organization, program: Program, employee: Employee, role: str) -> Participant:
    return Participant.objects.create(
        organization=organization,
        program=program,
        employee=employee,
        role=role,
        status=Participant.Status.APPROVED,
        capacity=1 if role == Participant.Role.MENTOR else None,
    )


def _next_weekday(now: datetime, weekday: int, hour: int, zone_name: str) -> datetime:
    """The next such weekday at least two days ahead, at `hour` in the zone, as UTC."""
    zone = zone_or_utc(zone_name)
    day = now.astimezone(zone).date() + timedelta(days=2)
    day += timedelta(days=(weekday - day.weekday()) % 7)
    return datetime.combine(day, time(hour), tzinfo=zone).astimezone(UTC)


def _past(organization, program, host, bookers, rng, topics, zone, held, now) -> None:
    """Held office hours: 1 to 3 places, booked by members (a few regulars come back), most rated."""
    regulars = bookers[:5]
    for starts in held:
        capacity = rng.choice([1, 2, 2, 3])
        slot = FlashSlot.objects.create(
            organization=organization,
            program=program,
            host=host,
            starts_at=starts,
            duration_minutes=30,
            capacity=capacity,
            topics=topics,
            location="https://meet.acme.example/office-hours",
            time_zone=zone,
        )
        FlashSlot.objects.filter(pk=slot.pk).update(created_at=starts - timedelta(days=10))
        # A regular first (repeat bookers), then newcomers; not every place is taken.
        chosen = [rng.choice(regulars), *rng.sample(bookers[5:], k=capacity - 1)]
        for booker in chosen[: rng.randint(1, capacity)]:
            rated = rng.random() < 0.8
            FlashBooking.objects.create(
                organization=organization,
                program=program,
                slot=slot,
                participant=booker,
                rating=rng.choice([4, 4, 5, 5, 5, 3]) if rated else None,
                comment=rng.choice(COMMENTS) if rated else "",
                rated_at=starts + timedelta(hours=2) if rated else None,
            )


def _ahead(organization, program, host, bookers, rng, topics, zone, first, now) -> None:
    """Published weekly for the coming weeks; some places booked (the demo member has the first one)."""
    slots = slot_publish(
        organization=organization,
        actor=None,
        employee=host.employee,
        program_id=program.pk,
        starts_at=first,
        duration_minutes=30,
        capacity=2,
        topics=topics,
        location="https://meet.acme.example/office-hours",
        repeat_weeks=AHEAD_WEEKS,
        time_zone=zone,
        now=now,
    )
    for index, slot in enumerate(slots[:2]):
        demo_first = index == 0 and host.employee.email == DEMO_MENTOR_EMAIL
        booker = bookers[0] if demo_first else rng.choice(bookers[1:])
        booking = booking_create(
            organization=organization, actor=None, employee=booker.employee, slot_id=slot.pk, now=now
        )
        # As if delivered when booked: seeding emails nobody, and nothing waits in the past.
        scoped(Reminder, organization).filter(booking=booking, kind=Reminder.Kind.SESSION_INVITE).update(
            status=Reminder.Status.SENT, sent_at=now, emailed=True
        )
