"""seed_demo's employee groups: acme's three employee resource groups with current roster members, safe to run
twice (the accounts demo is enough to seed them, so the full demo is not run here)."""

from __future__ import annotations

import pytest

from demo.accounts import seed_accounts_demo
from demo.groups import ACME_GROUPS, seed_groups_demo
from identity.models import EmployeeGroup, EmployeeGroupMember


@pytest.mark.django_db
def test_demo_groups_are_seeded_once_with_members():
    seed_accounts_demo()
    added = seed_groups_demo()
    assert set(added) == {spec.name for spec in ACME_GROUPS} and all(count > 0 for count in added.values())
    groups = EmployeeGroup.objects.filter(organization__slug="acme")
    assert sorted(groups.values_list("display_name", flat=True)) == sorted(spec.name for spec in ACME_GROUPS)
    memberships = EmployeeGroupMember.objects.filter(organization__slug="acme")
    assert memberships.count() == sum(added.values())
    assert not memberships.exclude(employee__organization__slug="acme").exists()
    early = memberships.filter(group__display_name="Early Careers Network")
    assert set(early.values_list("employee__job_level", flat=True)) <= {1, 2}

    assert seed_groups_demo() == dict.fromkeys(added, 0)
    assert EmployeeGroupMember.objects.filter(organization__slug="acme").count() == sum(added.values())
