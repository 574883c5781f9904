"""Program health of a flash mentoring program: bookings of office hours, the people who booked, how many
came back for more, and the mean rating. Read live from the bookings (a flash program has no matches, so
none of the roll-ups' match figures apply), and shown for the whole program only: a department or period
view would need rule 4 against its wider views, which these few figures do not carry yet.

Every figure is about people and follows the suppression rules: the bookers split into one-time and repeat
bookers (rule 2: with one part hidden, the other is too), each count and the mean rating hidden below k."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from mentorhub.accounts.models import Organization
from programs.models import Program
from sessions.models import FlashBooking, FlashSlot

from .. import suppression
from ..selectors import analytics_rows
from ..suppression import Figure


@dataclass
class FlashHealth:
    bookings: Figure  # bookings of sessions held (not cancelled), about the people who booked them
    bookers: Figure
    repeat_bookers: Figure  # people with two or more sessions
    one_time_bookers: Figure
    rating_average: Figure  # about the people who rated
    hosts: Figure  # mentors who held at least one booked office hour
    upcoming: Figure  # bookings ahead, about the people who made them


def flash_health(*, organization: Organization, program: Program, now: datetime, k: int) -> FlashHealth:
    rows = list(
        analytics_rows(FlashBooking, organization)
        .filter(program=program, status=FlashBooking.Status.BOOKED, slot__status=FlashSlot.Status.OPEN)
        .values_list("participant__employee_id", "slot__host__employee_id", "slot__starts_at", "rating")
    )
    held = [row for row in rows if row[2] <= now]
    ahead = [row for row in rows if row[2] > now]
    per_booker = Counter(booker for booker, *_ in held)
    repeat = sum(1 for n in per_booker.values() if n >= 2)
    split = suppression.partition({"repeat": repeat, "once": len(per_booker) - repeat}, k)
    ratings: dict[int, list[int]] = {}
    for booker, _host, _start, rating in held:
        if rating is not None:
            ratings.setdefault(booker, []).append(rating)
    values = [rating for given in ratings.values() for rating in given]
    mean = round(sum(values) / len(values), 1) if values else None
    return FlashHealth(
        bookings=suppression.figure(len(held), len(per_booker), k),
        bookers=suppression.count(len(per_booker), k),
        repeat_bookers=suppression.figure(repeat, repeat, k, hidden=split["repeat"]),
        one_time_bookers=suppression.figure(
            len(per_booker) - repeat, len(per_booker) - repeat, k, hidden=split["once"]
        ),
        rating_average=suppression.figure(mean, len(ratings), k),
        hosts=suppression.count(len({host for _booker, host, *_ in held}), k),
        upcoming=suppression.figure(len(ahead), len({booker for booker, *_ in ahead}), k),
    )
