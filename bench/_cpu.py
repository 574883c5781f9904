"""CPU a benchmark's processes use, from Linux's /proc: on a shared machine the wall time of a run depends on
what else runs, the CPU each unit of work takes much less."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU a process has used so far (Linux /proc); None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU used by the worker (its process group) and by its PostgreSQL backends while the reminders go out:
    unlike the wall time, it does not depend on what else the machine runs (this one is shared).

    Call tick() now and then: a backend ends with its connection (a task that finishes may close it), and what
    it used is known only while it lives, so each process counts with the last figure seen."""

    def __init__(self, worker_pgid: int) -> None:
        self.pgid = worker_pgid
        # A backend's pid means a process here only when the server runs on this machine.
        self.local_server = urlparse(os.environ["DATABASE_URL"]).hostname in (None, "", "127.0.0.1", "localhost")
        self.start = self._sample()
        self.last = {side: dict(seen) for side, seen in self.start.items()}

    def _worker_pids(self) -> list[int]:
        pids = []
        for entry in Path("/proc").iterdir():
            try:
                if entry.name.isdigit() and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[2]) == self.pgid:
                    pids.append(int(entry.name))
            except OSError:
                continue
        return pids

    def _backend_pids(self) -> list[int]:
        from django.db import connection

        if not self.local_server:
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
                "AND backend_type = 'client backend'"
            )
            return [row[0] for row in cursor.fetchall()]

    def _sample(self) -> dict[str, dict[int, float]]:
        sample = {"worker": {}, "postgresql": {}}
        for side, pids in (("worker", self._worker_pids()), ("postgresql", self._backend_pids())):
            for pid in pids:
                seconds = _cpu_seconds(pid)
                if seconds is not None:
                    sample[side][pid] = seconds
        return sample

    def tick(self) -> None:
        for side, seen in self._sample().items():
            self.last[side].update(seen)

    def used(self) -> dict[str, float]:
        """CPU seconds each side used since the meter started (a backend that connected since counts whole)."""
        self.tick()
        return {
            side: sum(seconds - self.start[side].get(pid, 0.0) for pid, seconds in seen.items())
            for side, seen in self.last.items()
        }
