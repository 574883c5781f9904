"""The embedded default's SQLite backend (mentorhub/db/sqlite3): the process's transactions take turns in the
order they came, so a crowd of writers never meets SQLite's "database is locked" (the busy handler's timeout),
which Django's plain backend answers under the same crowd. Real threads, a real SQLite file."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from django.db.backends.sqlite3.base import DatabaseWrapper as DjangoSqlite

from mentorhub.db.sqlite3.base import DatabaseWrapper, FifoLock

WRITERS = 12
HOLD_SECONDS = 0.05  # each transaction holds the write lock this long; together far past the busy timeout


def _connection(wrapper: type, path: str, busy_timeout: float):
    return wrapper(
        {
            "ENGINE": "",
            "NAME": path,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": busy_timeout,
                "init_command": "PRAGMA journal_mode=WAL",
            },
            "TIME_ZONE": None,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "AUTOCOMMIT": True,
            "ATOMIC_REQUESTS": False,
            "USER": "",
            "PASSWORD": "",
            "HOST": "",
            "PORT": "",
            "TEST": {},
        },
        alias=f"writers-{threading.get_ident()}",
    )


def _crowd(wrapper: type, path: str) -> list[BaseException]:
    """WRITERS threads at once, each one transaction inserting a row and holding the lock HOLD_SECONDS."""
    setup = sqlite3.connect(path)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE IF NOT EXISTS t (n INTEGER)")
    setup.commit()
    setup.close()
    errors: list[BaseException] = []
    start = threading.Barrier(WRITERS)

    def write(n: int) -> None:
        connection = _connection(wrapper, path, busy_timeout=HOLD_SECONDS * 3)
        try:
            start.wait()
            connection.ensure_connection()
            connection._start_transaction_under_autocommit()
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO t (n) VALUES (%s)", [n])
            time.sleep(HOLD_SECONDS)
            connection.commit()
        except Exception as error:
            errors.append(error)
            connection.rollback()
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_djangos_backend_answers_database_is_locked_to_a_crowd_of_writers(tmp_path, django_db_blocker):
    with django_db_blocker.unblock():  # connections of their own to a file of their own, not the suite's database
        errors = _crowd(DjangoSqlite, str(tmp_path / "plain.sqlite3"))
    assert errors and all("database is locked" in str(error) for error in errors)


def test_ours_lets_every_writer_of_the_crowd_through(tmp_path, django_db_blocker):
    path = str(tmp_path / "ours.sqlite3")
    with django_db_blocker.unblock():
        assert _crowd(DatabaseWrapper, path) == []
    assert sqlite3.connect(path).execute("SELECT count(*) FROM t").fetchone() == (WRITERS,)


def test_the_lock_is_handed_over_in_arrival_order_and_is_re_entrant():
    lock, order = FifoLock(), []
    lock.acquire()
    lock.acquire()  # the same thread again: no wait
    lock.release()

    def waiter(n: int) -> None:
        lock.acquire()
        order.append(n)
        lock.release()

    threads = []
    for n in range(5):
        threads.append(threading.Thread(target=waiter, args=(n,)))
        threads[-1].start()
        deadline = time.monotonic() + 10
        while len(lock._waiters) < n + 1 and time.monotonic() < deadline:  # queued before the next one comes
            time.sleep(0.001)
    lock.release()
    for thread in threads:
        thread.join(timeout=10)
    assert order == [0, 1, 2, 3, 4]


pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
