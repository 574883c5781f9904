"""Demo organizations, rosters and sign-ins for `manage.py seed_demo`: two organizations (acme, globex). Idempotent.

Sign-ins (password `mentorhub-demo`): admin@acme.example, stakeholder@acme.example, member@acme.example,
mentor@acme.example, admin@globex.example. The command (demo/management/commands/seed_demo.py) then seeds the
demo programs, their matches and six months of mentoring history (demo/programs.py, demo/matching.py,
demo/sessions/), and the analytics: a past cohort, surveys, the roster's departures and promotions since,
self-identification, the roll-ups (demo/analytics/). The roster's departments and names live here for them
(demo/analytics/roster.py, bench/roster_import.py).

A roster row, once created, is left as it is on later runs: the analytics demo records departures and
promotions on it (with their employment events), as an admin's roster imports would.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import TypedDict

from allauth.account.models import EmailAddress
from django.db import transaction

from mentorhub.accounts.models import Employee, Membership, Organization, Role, User

DEMO_PASSWORD = "mentorhub-demo"

DEPARTMENTS = {
    "Engineering": ["Software Engineer", "Senior Software Engineer", "Staff Engineer", "Engineering Manager"],
    "Product": ["Product Manager", "Senior Product Manager", "Product Designer", "UX Researcher"],
    "Sales": ["Account Executive", "Sales Development Rep", "Sales Manager", "Solutions Engineer"],
    "Marketing": ["Marketing Specialist", "Content Strategist", "Brand Manager", "Growth Marketer"],
    "People": ["HR Business Partner", "Recruiter", "People Operations Specialist", "L&D Lead"],
    "Finance": ["Financial Analyst", "Accountant", "Controller", "FP&A Manager"],
    "Operations": ["Operations Analyst", "Program Manager", "Supply Chain Lead", "Facilities Coordinator"],
    "Customer Success": ["Customer Success Manager", "Support Engineer", "Onboarding Specialist", "Support Lead"],
    "Sustainability": ["Sustainability Analyst", "ESG Reporting Lead", "Energy Engineer", "Sustainability Manager"],
}
LOCATIONS = [
    ("New York", "America/New_York"),
    ("Chicago", "America/Chicago"),
    ("Denver", "America/Denver"),
    ("San Francisco", "America/Los_Angeles"),
    ("São Paulo", "America/Sao_Paulo"),
    ("London", "Europe/London"),
    ("Berlin", "Europe/Berlin"),
    ("Lagos", "Africa/Lagos"),
    ("Bangalore", "Asia/Kolkata"),
    ("Singapore", "Asia/Singapore"),
    ("Tokyo", "Asia/Tokyo"),
    ("Sydney", "Australia/Sydney"),
    ("Remote", "UTC"),
]
FIRST = [
    "Ada",
    "Alan",
    "Amara",
    "Ana",
    "Ben",
    "Carla",
    "Chen",
    "Dara",
    "Diego",
    "Elif",
    "Emma",
    "Femi",
    "Grace",
    "Hana",
    "Ines",
    "Ivan",
    "Jamal",
    "Jia",
    "Kai",
    "Lena",
    "Leo",
    "Lina",
    "Luca",
    "Maya",
    "Mei",
    "Nadia",
    "Noah",
    "Omar",
    "Priya",
    "Rafael",
    "Rosa",
    "Sam",
    "Sara",
    "Tariq",
    "Uma",
    "Vera",
    "Wei",
    "Yara",
    "Zoe",
]
LAST = [
    "Adeyemi",
    "Bauer",
    "Chen",
    "Costa",
    "Dubois",
    "Evans",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ito",
    "Jensen",
    "Kim",
    "Kowalski",
    "Larsen",
    "Martin",
    "Mehta",
    "Nakamura",
    "Novak",
    "Okafor",
    "Patel",
    "Quinn",
    "Rossi",
    "Santos",
    "Schmidt",
    "Silva",
    "Singh",
    "Tanaka",
    "Walsh",
    "Yilmaz",
    "Zhang",
]


class OrganizationSpec(TypedDict):
    slug: str
    name: str
    size: int  # roster rows
    seed: int  # of the roster's random generator


ORGANIZATIONS: list[OrganizationSpec] = [
    # Acme is large enough for the impact report to find comparable colleagues (same department, level and
    # tenure) for most participants.
    {"slug": "acme", "name": "Acme Corporation", "size": 900, "seed": 7},
    {"slug": "globex", "name": "Globex Industries", "size": 210, "seed": 11},
]
SIGN_INS = [
    ("acme", "admin@acme.example", "Hannah Admin", Role.ADMIN, "People", 6, "HR Business Partner"),
    ("acme", "stakeholder@acme.example", "Sam Stakeholder", Role.STAKEHOLDER, "Operations", 8, "VP Operations"),
    ("acme", "member@acme.example", "Maya Member", Role.MEMBER, "Engineering", 3, "Software Engineer"),
    ("acme", "mentor@acme.example", "Marco Mentor", Role.MEMBER, "Engineering", 7, "Engineering Manager"),
    ("globex", "admin@globex.example", "Grace Admin", Role.ADMIN, "People", 6, "HR Director"),
]
# Where a sign-in works when not in the organization's default office (acme: New York, globex: Berlin). The demo
# mentor is in London and the demo member in New York: their sessions show time zones at work.
SIGN_IN_PLACES = {"mentor@acme.example": ("London", "Europe/London")}
# The demo mentor reads MentorHub in German (his own choice, on the Language page): his pages, emails and chat
# messages are German while Maya, his mentee, reads the same match in English.
SIGN_IN_LANGUAGES = {"mentor@acme.example": "de"}


@transaction.atomic
def seed_accounts_demo() -> None:
    for spec in ORGANIZATIONS:
        organization, _ = Organization.objects.update_or_create(slug=spec["slug"], defaults={"name": spec["name"]})
        _seed_roster(organization, spec)
    for slug, email, name, role, department, level, title in SIGN_INS:
        _seed_sign_in(slug, email, name, role, department, level, title)


def _seed_roster(organization: Organization, spec: OrganizationSpec) -> None:
    rng = random.Random(spec["seed"])
    existing = {e.employee_id: e for e in Employee.objects.filter(organization=organization)}
    rows: list[dict] = []
    today = date(2026, 11, 1)
    for index in range(spec["size"]):
        department = list(DEPARTMENTS)[index % len(DEPARTMENTS)]
        location, zone = LOCATIONS[rng.randrange(len(LOCATIONS))]
        level = min(9, max(1, int(rng.triangular(1, 9, 3))))
        titles = DEPARTMENTS[department]
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        hired_on = today - timedelta(days=rng.randrange(30, 365 * 9))
        left_on = None
        if rng.random() < 0.08:
            left_on = hired_on + timedelta(days=rng.randrange(60, max(61, (today - hired_on).days)))
        rows.append(
            {
                "employee_id": f"{spec['slug'][:1].upper()}{index + 1:05d}",
                "email": f"{name.lower().replace(' ', '.')}.{index + 1}@{spec['slug']}.example",
                "name": name,
                "title": titles[min(len(titles) - 1, level // 3)],
                "department": department,
                "job_level": level,
                "location": location,
                "time_zone": zone,
                "hired_on": hired_on,
                "left_on": left_on,
            }
        )
    # Rows seeded before stay as they are: they carry their history since (departures, promotions) and
    # whatever an admin changed in the demo.
    new = [Employee(organization=organization, **row) for row in rows if row["employee_id"] not in existing]
    if not new:
        return  # and so do the management lines drawn then
    Employee.objects.bulk_create(new, batch_size=500)
    by_id: dict[str, Employee] = {**existing, **{e.employee_id: e for e in new}}
    # Managers: the most senior person of each department leads it; others report to someone senior.
    changed = []
    for department in DEPARTMENTS:
        people = sorted(
            (e for e in by_id.values() if e.department == department), key=lambda e: (-e.job_level, e.employee_id)
        )
        for position, employee in enumerate(people[1:], start=1):
            seniors = [p for p in people[:position] if p.job_level > employee.job_level] or people[:1]
            manager = seniors[(position * 7) % len(seniors)]
            if employee.manager_id != manager.pk:
                employee.manager = manager
                changed.append(employee)
    Employee.objects.bulk_update(changed, ["manager"], batch_size=500)


def _seed_sign_in(slug: str, email: str, name: str, role: str, department: str, level: int, title: str) -> None:
    organization = Organization.objects.get(slug=slug)
    location, zone = SIGN_IN_PLACES.get(email) or (
        ("New York", "America/New_York") if slug == "acme" else ("Berlin", "Europe/Berlin")
    )
    employee, _ = Employee.objects.update_or_create(
        organization=organization,
        employee_id=f"DEMO-{email.split('@')[0].upper()}",
        defaults={
            "email": email,
            "name": name,
            "title": title,
            "department": department,
            "job_level": level,
            "location": location,
            "time_zone": zone,
            "hired_on": date(2021, 3, 1),
        },
    )
    user, created = User.objects.get_or_create(
        email=email, defaults={"name": name, "time_zone": zone, "language": SIGN_IN_LANGUAGES.get(email, "")}
    )
    if created or not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        user.save()
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    Membership.objects.update_or_create(
        organization=organization, user=user, defaults={"role": role, "employee": employee}
    )
