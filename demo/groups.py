"""Demo employee groups for `manage.py seed_demo`: three of acme's employee resource groups (the groups that
group mentoring programs often start from), with members drawn from the current roster by a seeded random
generator. Idempotent: a group is found by its name, and one that exists is left as it is (with whatever the
demo admin did to it since)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from identity.models import EmployeeGroup
from identity.services.groups import group_create
from mentorhub.accounts.models import Employee, Organization
from mentorhub.tenancy import scoped

from .programs import admin_of


@dataclass(frozen=True)
class GroupSpec:
    name: str
    description: str
    size: int
    levels: tuple[int, ...]
    seed: int


ACME_GROUPS = [
    GroupSpec(
        name="Women in Leadership",
        description="Women and allies growing into leadership roles: talks, peer circles and sponsorship.",
        size=40,
        levels=(3, 4, 5, 6, 7, 8, 9),
        seed=601,
    ),
    GroupSpec(
        name="Veterans Network",
        description="Colleagues who served in the armed forces, and those who support them.",
        size=14,
        levels=(1, 2, 3, 4, 5, 6, 7, 8, 9),
        seed=602,
    ),
    GroupSpec(
        name="Early Careers Network",
        description="People in their first years at work: learning the ropes together.",
        size=30,
        levels=(1, 2),
        seed=603,
    ),
]


@transaction.atomic
def seed_groups_demo() -> dict[str, int]:
    """Create the demo groups (safe to run again). Returns the members added per group."""
    organization = Organization.objects.filter(slug="acme").first()
    if organization is None:
        return {}
    admin = admin_of(organization)
    current = (
        scoped(Employee, organization)
        .filter(Q(left_on__isnull=True))
        .exclude(employee_id__startswith="DEMO-")
        .order_by("employee_id")
    )
    added: dict[str, int] = {}
    for spec in ACME_GROUPS:
        if scoped(EmployeeGroup, organization).filter(display_name=spec.name).exists():
            added[spec.name] = 0
            continue
        pool = [pk for pk, level in current.values_list("pk", "job_level") if level in spec.levels]
        members = random.Random(spec.seed).sample(pool, min(spec.size, len(pool)))
        group_create(
            organization=organization,
            actor=admin.user if admin else None,
            display_name=spec.name,
            description=spec.description,
            member_ids=members,
        )
        added[spec.name] = len(members)
    return added
