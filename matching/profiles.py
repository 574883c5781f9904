"""The input of scoring: plain data about people and criteria, no Django. `services` builds these from the
database (one query per table), `scoring` turns them into a score matrix, `solver` into pairs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Profile:
    """One participant as matching sees them."""

    participant_id: int
    employee_id: int
    role: str  # "mentor" or "mentee"
    answers: dict[str, Any]  # {str(question id): cleaned answer}
    department: str
    job_level: int
    location: str
    time_zone: str
    # Employee ids of this person's managers, up the chain (a mentor there is never matched to them).
    manager_chain: frozenset[int] = field(default_factory=frozenset)
    capacity: int = 1  # mentors: how many mentees they take on


@dataclass(frozen=True)
class Criterion:
    """One way two profiles are compared: from a Question, or from an employee attribute."""

    key: str  # str(question id), or "attr:department", "attr:job_level", "attr:location", "attr:time_zone"
    label: str  # shown in explanations, e.g. "Skills to learn / offer"
    rule: str  # same, different, overlap, offers_wants, must, none, senior, tz_overlap
    weight: float  # 0-5; "must" and "none" have 0
    options: tuple[str, ...] = ()
