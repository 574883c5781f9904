"""Celery beat with a leader: any number of beat processes may run, one sends the periodic tasks.

One beat process is still the norm (docker-compose.yml, `make beat`). But a second one started by mistake, or
by an orchestrator that starts the new copy before the old has stopped, must not send every periodic task
twice (two reminder dispatches a minute, two nightly roll-ups). So each beat process ticks this scheduler:

* Leadership is a Redis key with a time to live (`CELERY_BEAT_LEADER_TTL` seconds), set if absent and renewed
  by its holder on every tick; a tick comes at least every third of that time. A standby process checks as
  often and takes the key once its holder has stopped renewing it (killed, hung, host lost): a takeover within
  about 1.3 times the time to live. A holder that stops cleanly gives the key up at once.
* When an entry is due, the leader first records its run in Redis, in the same script that checks it still
  holds the key (a fence: a leader that stalled past its time to live and woke up sends nothing), and then
  sends the task. The new leader adopts those records: an entry the old leader ran is not due again until its
  next period (the nightly roll-up the old leader sent at 02:45 is not sent again at 02:47). The records are
  the schedule's only state, so the schedule file of Celery's default scheduler is not used.

Redis is the broker already (REDIS_URL); a beat that cannot reach it sends nothing, as with any scheduler.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from datetime import datetime
from typing import Any

import redis
from celery.beat import ScheduleEntry, Scheduler

logger = logging.getLogger(__name__)

DEFAULT_TTL_SECONDS = 30.0
DEFAULT_KEY = "mentorhub:beat"

# 1: still the leader (renewed), 2: just became it, 0: another process leads.
_LEAD = """
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 2
end
return 0
"""
# Record an entry's run only while holding the key: 1 recorded, 0 not the leader (send nothing).
_RECORD_RUN = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
return 1
"""
_RESIGN = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


class LeaderElectedScheduler(Scheduler):
    """Celery's in-memory scheduler, ticking only while this process holds the beat lock in Redis."""

    def __init__(self, app: Any, *args: Any, **kwargs: Any) -> None:
        # Celery passes schedule_filename, meant for its shelve file: this scheduler keeps its state in Redis.
        kwargs.pop("schedule_filename", None)
        self.ttl = float(app.conf.get("beat_leader_ttl") or DEFAULT_TTL_SECONDS)
        key = str(app.conf.get("beat_leader_key") or DEFAULT_KEY)
        self.lock_key = f"{key}:leader"
        self.runs_key = f"{key}:last-run"
        self.identity = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.leading = False
        self._standby_reason = ""  # logged when it changes, not on every tick
        self._redis: redis.Redis | None = None
        super().__init__(app, *args, **kwargs)
        # Renewed on every tick: a tick at least every third of the time to live keeps the key alive.
        self.tick_seconds = min(float(self.max_interval or self.ttl), self.ttl / 3)
        self.max_interval = self.tick_seconds  # type: ignore[assignment]  # Celery's loop takes a float

    @property
    def client(self) -> redis.Redis:
        if self._redis is None:  # not at construction: Celery builds lazy instances it never ticks
            self._redis = redis.Redis.from_url(self.app.conf.broker_url, socket_timeout=5, socket_connect_timeout=5)
        return self._redis

    def tick(self, *args: Any, **kwargs: Any) -> float:
        if not self._lead():
            return self.tick_seconds
        return min(float(super().tick(*args, **kwargs) or 0), self.tick_seconds)

    def _lead(self) -> bool:
        try:
            state = int(self.client.eval(_LEAD, 1, self.lock_key, self.identity, int(self.ttl * 1000)))
        except redis.RedisError as error:
            self._step_down(f"Redis is out of reach ({error})")
            return False
        if state == 0:
            self._step_down("another beat process leads")
            return False
        if state == 2 or not self.leading:
            self._adopt_runs()
            self.leading = True
            self._standby_reason = ""
            logger.info("beat: %s leads; the periodic tasks are sent from here.", self.identity)
        return True

    def _step_down(self, why: str) -> None:
        if self.leading or why != self._standby_reason:
            logger.info("beat: %s on standby: %s.", self.identity, why)
        self._standby_reason = why
        self.leading = False

    def _adopt_runs(self) -> None:
        """Take each entry's last run from Redis (the previous leader's), so nothing it ran runs again early."""
        recorded = self.client.hgetall(self.runs_key)
        for name, entry in self.schedule.items():
            value = recorded.get(name.encode())
            if value is not None:
                entry.last_run_at = datetime.fromtimestamp(float(value), tz=self.app.timezone)
        self._heap = None  # rebuilt from the adopted times on the next tick

    def apply_entry(self, entry: ScheduleEntry, producer: Any = None) -> None:
        # `tick` has just reserved the entry: the schedule holds its next instance, whose last run is now.
        name = str(entry.name)
        ran_at = self.schedule[name].last_run_at or self.app.now()
        try:
            recorded = self.client.eval(
                _RECORD_RUN, 2, self.lock_key, self.runs_key, self.identity, name, repr(ran_at.timestamp())
            )
        except redis.RedisError as error:
            logger.warning("beat: %s not sent: its run could not be recorded (%s).", name, error)
            return
        if not recorded:
            self._step_down(f"lost the lead before sending {name}")
            return
        super().apply_entry(entry, producer=producer)

    def close(self) -> None:
        try:
            if self.leading and self._redis is not None:
                self._redis.eval(_RESIGN, 1, self.lock_key, self.identity)
                logger.info("beat: %s stopped and gave up the lead.", self.identity)
        except redis.RedisError:
            pass  # the key expires by itself
        finally:
            self.leading = False
            super().close()

    @property
    def info(self) -> str:
        return f"    . leader lock -> {self.lock_key} (time to live {self.ttl:g} s)"
