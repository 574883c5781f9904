"""The last place of an office hour, booked by two members at the same moment, in two real PostgreSQL
transactions on two connections: exactly one wins, the other hears that the slot just filled up. Skipped
without PostgreSQL; fails instead when MENTORHUB_REQUIRE_SERVICES is set (CI)."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction

from sessions.models import FlashBooking
from sessions.services.flash import FILLED_UP, booking_create
from tests.celery_worker import services_required
from tests.helpers import thread_like_the_test

from .flash_data import flash_program

pytestmark = pytest.mark.django_db(transaction=True)


def _require_postgresql() -> None:
    if connection.vendor != "postgresql":
        reason = "needs two real transactions on PostgreSQL (DATABASE_URL)"
        if services_required():
            pytest.fail(f"MENTORHUB_REQUIRE_SERVICES is set, but this test {reason}.")
        pytest.skip(reason)


def _book(org, member, slot):
    return lambda: booking_create(organization=org, actor=None, employee=member.employee, slot_id=slot.pk)


def _outcome(call, results, index, barrier=None):
    def run():
        try:
            if barrier is not None:
                barrier.wait(timeout=10)
            results[index] = ("ok", call())
        except Exception as error:  # collected for the assertions
            results[index] = ("error", error)
        finally:
            connections.close_all()  # this thread's own connection

    return thread_like_the_test(run)


@pytest.mark.parametrize("repeat", range(3))
def test_two_bookings_of_the_last_place_at_once_one_wins(org, repeat):
    _require_postgresql()
    flash = flash_program(org, members=3)
    slot = flash.slot(capacity=2)
    booking_create(organization=org, actor=None, employee=flash.members[0].employee, slot_id=slot.pk)
    results: list = [None, None]
    barrier = threading.Barrier(2)
    threads = [_outcome(_book(org, m, slot), results, i, barrier) for i, m in enumerate(flash.members[1:])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a transaction never finished"
    wins = [value for kind, value in results if kind == "ok"]
    losses = [value for kind, value in results if kind == "error"]
    assert len(wins) == 1 and len(losses) == 1, results
    assert isinstance(losses[0], ValidationError) and FILLED_UP in losses[0].messages
    assert FlashBooking.objects.filter(slot=slot, status="booked").count() == 2


def test_a_booking_waits_for_the_slot_lock_and_then_sees_the_place_gone(org):
    """Deterministic: the first booking holds its transaction open; the second blocks on the slot's row lock
    (it does not count the places before the first commits), then is refused."""
    _require_postgresql()
    flash = flash_program(org, members=2)
    slot = flash.slot(capacity=1, starts_in=timedelta(days=2))
    holding, release = threading.Event(), threading.Event()
    results: list = [None, None]

    def first():
        with transaction.atomic():
            booking = booking_create(organization=org, actor=None, employee=flash.members[0].employee, slot_id=slot.pk)
            holding.set()
            release.wait(timeout=20)
        return booking

    one = _outcome(first, results, 0)
    one.start()
    assert holding.wait(timeout=20)
    two = _outcome(_book(org, flash.members[1], slot), results, 1)
    two.start()
    time.sleep(0.5)
    assert two.is_alive(), "the second booking did not wait for the first one's lock"
    release.set()
    one.join(timeout=30)
    two.join(timeout=30)
    assert results[0][0] == "ok", results
    assert results[1][0] == "error" and FILLED_UP in results[1][1].messages, results
    assert FlashBooking.objects.filter(slot=slot, status="booked").count() == 1
