"""The embedded default's SQLite backend: Django's, with one writer at a time in the process, in arrival order.

`make run` serves the demo from one process: runserver's request threads and the embedded scheduler's thread
(mentorhub/embedded_scheduler.py) share one SQLite file. Every transaction starts with BEGIN IMMEDIATE (settings:
it takes the write lock up front, so a transaction never fails upgrading a read lock), and SQLite makes the
others wait with its busy handler: each waiter sleeps and retries, in no order. Under load that is unfair, and
an unlucky request loses the race again and again until the busy timeout ends it with "database is locked"
(bench/load.py --embedded measured it: 50 users, a few requests out of a thousand, after 30 s). Here the
process's transactions queue in Python instead, first come first served, before their BEGIN: SQLite then sees
one writer from this process at a time and never makes anyone wait in its busy handler, whose timeout stays
for other processes (a `manage.py` command run beside the server).
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Any

from django.db.backends.sqlite3 import base


class FifoLock:
    """A re-entrant lock handed to its waiters in the order they came (threading.RLock promises no order)."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._waiters: deque[tuple[int, threading.Lock]] = deque()
        self._owner: int | None = None
        self._depth = 0

    def acquire(self) -> None:
        me = threading.get_ident()
        with self._mutex:
            if self._owner == me:
                self._depth += 1
                return
            if self._owner is None and not self._waiters:
                self._owner, self._depth = me, 1
                return
            turn = threading.Lock()
            turn.acquire()
            self._waiters.append((me, turn))
        turn.acquire()  # the holder's release() made this thread the owner before letting it go

    def release(self) -> None:
        with self._mutex:
            assert self._owner == threading.get_ident(), "released by a thread that does not hold it"
            self._depth -= 1
            if self._depth:
                return
            if self._waiters:
                self._owner, turn = self._waiters.popleft()
                self._depth = 1
                turn.release()
            else:
                self._owner = None


WRITERS = FifoLock()


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._holds_writer_turn = False

    def _start_transaction_under_autocommit(self) -> None:
        WRITERS.acquire()
        self._holds_writer_turn = True
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]  # Django's, not in its stubs
        except BaseException:
            self._end_writer_turn()
            raise

    def _end_writer_turn(self) -> None:
        if self._holds_writer_turn:
            self._holds_writer_turn = False
            WRITERS.release()

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]  # Django's, not in its stubs
        finally:
            self._end_writer_turn()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]  # Django's, not in its stubs
        finally:
            self._end_writer_turn()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]  # Django's, not in its stubs
        finally:
            self._end_writer_turn()
