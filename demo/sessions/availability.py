"""Demo availability for Find a time: the people of acme's active matches get weekly working windows in their
own zones (a few leave theirs unset, so the page shows the assumed Monday-Friday 09:00-17:00), and acme sets a
Jitsi room pattern as its video link template. The demo mentor (London) and the demo member (New York) get
windows that overlap for a few hours a day, and the mentor is away for a few days next month.

Runs after demo/sessions (the history keeps the links it was given). Idempotent: once acme has any window, this
does nothing. Deterministic apart from today's date."""

from __future__ import annotations

from datetime import time, timedelta

from django.db import transaction
from django.utils import timezone

from demo.programs import DEMO_MEMBER_EMAIL, DEMO_MENTOR_EMAIL
from matching.models import Match, MatchMember
from mentorhub.accounts.models import Membership, Organization
from mentorhub.accounts.services.meetings import organization_video_link_update
from mentorhub.tenancy import scoped
from sessions.models import AvailabilityWindow
from sessions.services.availability import AwayIn, WindowIn, availability_set

VIDEO_LINK = "https://meet.jit.si/acme-mentoring-{match}-{session}"
WEEKDAYS = range(5)
# The working patterns people set, by position in a cycle; None: not set (the default is assumed).
PATTERNS: list[list[tuple[time, time]] | None] = [
    [(time(9), time(12)), (time(13), time(17))],
    [(time(8), time(11, 30)), (time(14), time(16))],
    None,
    [(time(10), time(12)), (time(13, 30), time(18))],
    [(time(7, 30), time(15, 30))],
    None,
]
# The demo pair: London afternoons against New York mornings, a few hours in common (13:30-17:00 UTC in winter).
DEMO_WINDOWS = {
    DEMO_MENTOR_EMAIL: [(time(11), time(12, 30)), (time(13), time(17, 30))],
    DEMO_MEMBER_EMAIL: [(time(8, 30), time(12)), (time(13), time(16))],
}


def _windows(pattern: list[tuple[time, time]]) -> list[WindowIn]:
    return [WindowIn(day, start, end) for day in WEEKDAYS for start, end in pattern]


@transaction.atomic
def seed_availability_demo() -> None:
    organization = Organization.objects.filter(slug="acme").first()
    if organization is None or scoped(AvailabilityWindow, organization).exists():
        return
    admin = scoped(Membership, organization).filter(role="admin").select_related("user").first()
    organization_video_link_update(organization=organization, actor=admin.user if admin else None, template=VIDEO_LINK)
    today = timezone.localdate()
    demo_people: set[int] = set()
    for email, own in DEMO_WINDOWS.items():
        membership = scoped(Membership, organization).filter(user__email=email).select_related("employee").first()
        if membership is None or membership.employee is None:
            continue
        away = [AwayIn(today + timedelta(days=30), today + timedelta(days=34))] if email == DEMO_MENTOR_EMAIL else []
        availability_set(
            organization=organization, actor=None, employee=membership.employee, windows=_windows(own), away=away
        )
        demo_people.add(membership.employee.pk)
    others = (
        scoped(MatchMember, organization)
        .filter(current=True, match__status=Match.Status.ACTIVE)
        .exclude(participant__employee_id__in=demo_people)
        .values_list("participant__employee_id", flat=True)
        .distinct()
        .order_by("participant__employee_id")
    )
    rows = []
    for index, employee_id in enumerate(others):
        pattern = PATTERNS[index % len(PATTERNS)] or []
        rows += [
            AvailabilityWindow(
                organization=organization, employee_id=employee_id, weekday=w.weekday, starts=w.starts, ends=w.ends
            )
            for w in _windows(pattern)
        ]
    AvailabilityWindow.objects.bulk_create(rows)
