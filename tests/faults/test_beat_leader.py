"""Two beat processes at once send each periodic task once (mentorhub/celery_beat.py).

Against a private redis-server on loopback (the broker and the lock), counting the messages beat publishes there:
two REAL `celery -A mentorhub beat` processes with the project's settings (reminder dispatch every second, a 2 s
lock) publish from one process only; when that one is SIGKILLed the standby takes over and publishes. The
takeover itself is then checked tick by tick, in-process on a fake clock: the nightly entry the dead leader
sent is not sent again by the new one.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import pytest
import redis
from celery import Celery
from celery.schedules import crontab
from django.conf import settings

from mentorhub.celery_beat import LeaderElectedScheduler
from tests.celery_worker import services_required

pytestmark = [pytest.mark.xdist_group("beat")]
T = TypeVar("T")
DEADLINE_SECONDS = 60
QUEUE = "default"  # CELERY_TASK_DEFAULT_QUEUE in the beat processes' settings
LOCK = "mentorhub:beat:leader"
LEADS = "leads; the periodic tasks are sent from here"
STANDS_BY = "on standby: another beat process leads"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def private_redis() -> Iterator[str]:
    """A redis-server of this module's own: broker and lock, with nothing else on it."""
    if shutil.which("redis-server") is None:
        if services_required():
            pytest.fail("MENTORHUB_REQUIRE_SERVICES is set, but redis-server is not installed.")
        pytest.skip("needs redis-server")
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    try:
        poll(lambda: _pings(client), "redis-server to answer")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def _pings(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.ConnectionError:
        return False


def poll(predicate: Callable[[], T], what: str, check: Callable[[], None] = lambda: None) -> T:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not (result := predicate()):
        check()
        if time.monotonic() > deadline:
            pytest.fail(f"Nothing after {DEADLINE_SECONDS} s of waiting for {what}.")
        time.sleep(0.05)
    return result


# --- Two real beat processes ---------------------------------------------------------------------------


@dataclass
class Beat:
    process: subprocess.Popen
    log_path: Path
    pid: int = field(init=False)

    def __post_init__(self) -> None:
        self.pid = self.process.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@pytest.fixture
def beats(private_redis) -> Iterator[list[Beat]]:
    """Two `celery -A mentorhub beat` processes started together, with the project's settings."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mentorhub.settings",
        "DJANGO_ENV": "test",
        "DJANGO_ENV_FILE": "",
        "REDIS_URL": private_redis,
        "CELERY_TASK_DEFAULT_QUEUE": QUEUE,
        "CELERY_TASK_ALWAYS_EAGER": "false",  # beat must publish, never run a task itself
        "REMINDER_DISPATCH_SECONDS": "1",
        # Long enough that a loaded CI machine stalling the leader for a second or two does not hand the lead
        # over mid-test (then two processes would have published, legitimately).
        "CELERY_BEAT_LEADER_TTL": "6",
        "CELERY_BEAT_LEADER_KEY": "mentorhub:beat",
        "PYTHONUNBUFFERED": "1",
    }
    celery = Path(sys.executable).with_name("celery")
    started = []
    for _ in range(2):
        log = tempfile.NamedTemporaryFile(prefix="faults-beat-", suffix=".log", delete=False)  # noqa: SIM115
        process = subprocess.Popen(
            [str(celery), "-A", "mentorhub", "beat", "--loglevel=INFO"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        started.append(Beat(process=process, log_path=Path(log.name)))
    try:
        yield started
    finally:
        for beat in started:
            if beat.process.poll() is None:
                os.killpg(beat.pid, signal.SIGKILL)
                beat.process.wait(timeout=10)
            os.unlink(beat.log_path)


def published(client: redis.Redis) -> list[tuple[str, int]]:
    """(task name, publishing process id) of every message on the queue, oldest first."""
    messages = []
    for raw in reversed(client.lrange(QUEUE, 0, -1)):  # kombu pushes on the left
        headers = json.loads(raw)["headers"]
        origin = headers["origin"]  # "gen<pid>@<host>"
        messages.append((headers["task"], int(origin.split("@")[0].removeprefix("gen"))))
    return messages


def dispatches(client: redis.Redis) -> list[int]:
    return [pid for task, pid in published(client) if task == "sessions.dispatch_reminders"]


def test_two_beats_publish_from_one_and_the_standby_takes_over_when_it_dies(private_redis, beats):
    client = redis.Redis.from_url(private_redis)

    def alive(*watched: Beat) -> Callable[[], None]:
        def check() -> None:
            for beat in watched:
                if beat.process.poll() is not None:
                    pytest.fail(f"A beat exited with {beat.process.returncode}.\n{beat.log()}")

        return check

    def roles_taken() -> bool:
        return all(LEADS in beat.log() or STANDS_BY in beat.log() for beat in beats)

    poll(roles_taken, "both beats to take a role", alive(*beats))
    leader, standby = sorted(beats, key=lambda beat: LEADS not in beat.log())
    assert STANDS_BY in standby.log() and f":{leader.pid}:" in client.get(LOCK).decode()
    first = len(dispatches(client))
    poll(lambda: len(dispatches(client)) >= first + 3, "three reminder dispatches", alive(*beats))
    # Both ran side by side; only the leader published, every periodic task included.
    assert {pid for _task, pid in published(client)} == {leader.pid}
    assert standby.process.poll() is None and LEADS not in standby.log()

    os.killpg(leader.pid, signal.SIGKILL)  # no clean stop: its lock is only let go by expiring
    leader.process.wait(timeout=10)
    before = len(published(client))
    poll(lambda: dispatches(client).count(standby.pid) >= 2, "the standby's dispatches", alive(standby))

    assert {pid for _task, pid in published(client)[before:]} == {standby.pid}
    assert f":{standby.pid}:" in client.get(LOCK).decode()
    assert LEADS in standby.log()

    standby.process.send_signal(signal.SIGTERM)  # a clean stop gives the lead up at once
    standby.process.wait(timeout=30)
    assert client.get(LOCK) is None
    assert "stopped and gave up the lead" in standby.log()


# --- The takeover, tick by tick on a fake clock ---------------------------------------------------------


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def tick_until_idle(scheduler: LeaderElectedScheduler) -> None:
    """What beat's loop does until nothing is due now (a tick that sent something asks for the next at once)."""
    for _ in range(100):
        if scheduler.tick() > 0:
            return
    pytest.fail("The scheduler never went idle.")


def test_the_new_leader_does_not_send_again_what_the_dead_leader_sent(private_redis):
    clock = Clock(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    app = Celery("faults-beat", broker=private_redis, set_as_current=False)
    app.conf.update(
        beat_schedule={"nightly": {"task": "faults.nightly", "schedule": crontab(hour=2, minute=45, nowfun=clock)}},
        beat_leader_ttl=30,
        beat_leader_key="faults:takeover",
        task_default_queue="faults-takeover",
    )
    client = redis.Redis.from_url(private_redis)

    def sent() -> int:
        return client.llen("faults-takeover")

    first, second = LeaderElectedScheduler(app), LeaderElectedScheduler(app)  # both started on day 1 at 10:00
    tick_until_idle(first)
    tick_until_idle(second)
    assert first.leading and not second.leading

    clock.now = datetime(2026, 3, 3, 2, 45, 30, tzinfo=UTC)
    tick_until_idle(first)
    tick_until_idle(second)
    assert sent() == 1

    client.delete("faults:takeover:leader")  # the leader died: its key expired
    clock.now = datetime(2026, 3, 3, 2, 47, tzinfo=UTC)
    tick_until_idle(second)
    assert second.leading
    assert sent() == 1  # its own schedule said "due since day 1"; the dead leader's record says "sent at 02:45"

    clock.now += timedelta(days=1)
    tick_until_idle(first)  # the old leader wakes up: it cannot send any more
    tick_until_idle(second)
    assert not first.leading and sent() == 2
    assert json.loads(client.lindex("faults-takeover", 0))["headers"]["task"] == "faults.nightly"
    second.close()
    assert client.get("faults:takeover:leader") is None
