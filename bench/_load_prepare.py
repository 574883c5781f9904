"""bench/load.py's preparation, run as `python bench/_load_prepare.py` under Django against the seeded demo.

The load test acts as many people at once, each with a sign-in of their own (per-person caches, the API's
per-user rate limit and row locks behave as with real people): the mentees and mentors of acme's active pairs
become sign-ins (a member's membership tied to their roster row), and a few more admins and stakeholders are
added. Each gets a signed-in web session (Django's database sessions, as the sign-in form would write them:
passwords are hashed once at sign-in, which is not what this benchmark measures; load.py signs in through the
form with the demo accounts as a check) and an API token. Prints one JSON document: the people by kind, with
their cookies, tokens and the objects their requests name (matches, goals, milestones, programs).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
ORG = "acme"
EXTRA_ADMINS = 8
EXTRA_STAKEHOLDERS = 6


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorhub.settings")
    import django

    django.setup()
    from mentorhub.db.tenant_scope import all_organizations

    with all_organizations():  # an operator's tool, like manage.py: it prepares people in one organization
        plan = _prepare()
    json.dump(plan, sys.stdout)


def _prepare() -> dict:
    from allauth.account.models import EmailAddress
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import transaction

    from matching.models import Match, MatchMember
    from mentorhub.accounts.models import Membership, Organization, Role, User
    from mentorhub.accounts.services.tokens import api_token_create
    from programs.models import Program
    from sessions.models import Goal, Milestone

    organization = Organization.objects.get(slug=ORG)

    def sign_in(user: User) -> str:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        assert session.session_key is not None
        return session.session_key

    def person(email: str, name: str, role: str, employee=None) -> tuple[Membership, dict]:
        user, _ = User.objects.get_or_create(email=email, defaults={"name": name})
        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        membership, _ = Membership.objects.update_or_create(
            organization=organization, user=user, defaults={"role": role, "employee": employee}
        )
        _token, raw = api_token_create(organization=organization, actor=user, membership=membership, name="load test")
        return membership, {"email": email, "session": sign_in(user), "token": raw}

    people: dict[str, list[dict]] = {"mentee": [], "mentor": [], "admin": [], "stakeholder": []}
    with transaction.atomic():
        members = (
            MatchMember.objects.filter(
                organization=organization,
                current=True,
                match__status=Match.Status.ACTIVE,
                match__kind=Match.Kind.PAIR,
                role__in=[MatchMember.Role.MENTEE, MatchMember.Role.MENTOR],
            )
            .select_related("participant__employee")
            .order_by("match_id", "role")
        )
        for member in members:
            employee = member.participant.employee
            existing = Membership.objects.filter(organization=organization, employee=employee).first()
            email = existing.user.email if existing else employee.email
            _membership, entry = person(email, employee.name, existing.role if existing else Role.MEMBER, employee)
            goals = list(
                Goal.objects.filter(organization=organization, match_id=member.match_id).values_list("pk", flat=True)
            )
            entry.update(
                {
                    "match": member.match_id,
                    "goals": goals,
                    "milestones": list(
                        Milestone.objects.filter(organization=organization, goal_id__in=goals).values_list(
                            "pk", flat=True
                        )
                    ),
                }
            )
            people[member.role].append(entry)
        for kind, role, count in (
            ("admin", Role.ADMIN, EXTRA_ADMINS),
            ("stakeholder", Role.STAKEHOLDER, EXTRA_STAKEHOLDERS),
        ):
            for number in range(1, count + 1):
                _membership, entry = person(f"bench-{kind}-{number}@{ORG}.example", f"Bench {kind} {number}", role)
                people[kind].append(entry)
    programs = list(Program.objects.filter(organization=organization).order_by("pk").values_list("pk", flat=True))
    return {"organization": ORG, "programs": programs, "people": people}


if __name__ == "__main__":
    main()
