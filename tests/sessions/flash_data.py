"""Data for the flash mentoring tests: a flash program with an approved mentor (the host), approved members
who may book, and slots published through the service, all in explicit times."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from mentorhub.accounts.models import Membership, Organization
from programs.models import Participant, Program
from sessions.models import FlashSlot
from sessions.services.flash import slot_publish
from tests.programs.factories import ParticipantFactory, ProgramFactory

from .factories import person


@dataclass
class Flash:
    program: Program
    host: Membership
    members: list[Membership] = field(default_factory=list)

    def slot(self, *, starts_in: timedelta = timedelta(days=3), capacity: int = 1, **extra) -> FlashSlot:
        return slot_publish(
            organization=self.program.organization,
            actor=self.host.user,
            employee=self.host.employee,
            program_id=self.program.pk,
            starts_at=extra.pop("starts_at", None) or timezone.now() + starts_in,
            capacity=capacity,
            topics=extra.pop("topics", "AI tools for analysts"),
            location="https://meet.example.com/flash",
            **extra,
        )[0]


def enroll(program: Program, membership: Membership, role: str = Participant.Role.MENTEE) -> Participant:
    return ParticipantFactory(
        program=program, employee=membership.employee, role=role, status=Participant.Status.APPROVED
    )


def flash_program(org: Organization, *, members: int = 2, **program_fields) -> Flash:
    program = ProgramFactory(
        organization=org, kind=Program.Kind.FLASH, status=Program.Status.ACTIVE, name="Ask a mentor", **program_fields
    )
    host = person(org, f"host{Program.objects.count()}@{org.slug}.test", name="Hana Host", zone="Europe/London")
    enroll(program, host, Participant.Role.MENTOR)
    people = []
    for n in range(members):
        member = person(org, f"booker{n}.{program.pk}@{org.slug}.test", name=f"Booker {n}", zone="America/New_York")
        enroll(program, member)
        people.append(member)
    return Flash(program=program, host=host, members=people)


def shift_slot(slot: FlashSlot, starts_at: datetime) -> FlashSlot:
    """Move a slot in time directly (a past slot cannot be published; tests need held sessions)."""
    FlashSlot.objects.filter(pk=slot.pk).update(starts_at=starts_at)
    slot.refresh_from_db()
    return slot
