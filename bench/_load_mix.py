"""bench/load.py's people: who signs in and what they do, as locust users (FastHttpUser: geventhttpclient).

The realistic mix, by weight: mentees and mentors most (their home page, their match, a goal, notifications,
their matches, the API's lists with a token, and ticking a milestone on and off with htmx: the write path),
admins fewer (people, programs, a program's page and mentoring overview, members, the audit log, program
health, the API's lists), stakeholders fewest (the organization's home page, program health, the impact
report, the API's health figures). Each virtual user is one prepared person (bench/_load_prepare.py): their own
session and token, so per-person caches and the API's per-user rate limit behave as with real people.

A request counts as failed unless it answers exactly the expected status (200 for pages and lists): a
redirect to the sign-in page, a 403/404, a 429 or a 500 are all errors in the report.
"""

from __future__ import annotations

import itertools
import random
import secrets
from http.cookiejar import Cookie, DefaultCookiePolicy
from urllib.parse import urlparse

from locust import between, constant, task
from locust.contrib.fasthttp import FastHttpUser

PLAN: dict = {}  # set by load.py before the users start: bench/_load_prepare.py's output
_next_person = {kind: itertools.count() for kind in ("mentee", "mentor", "admin", "stakeholder")}


def configure(plan: dict, *, think: tuple[float, float] | None) -> None:
    """Hand the users their people and their pace: `think` (seconds between a user's requests) or none."""
    PLAN.clear()
    PLAN.update(plan)
    for user_class in MIX:
        user_class.wait_time = between(*think) if think else constant(0)


class _OwnCookiesOnly(DefaultCookiePolicy):
    """The jar keeps the cookies set below and takes none from answers. Production settings mark the CSRF
    cookie Secure when a page re-sends it, and a Secure cookie is never sent back over this benchmark's plain
    HTTP: stored, it would hide ours ("CSRF cookie not set"). The values never change, so nothing is lost."""

    def set_ok(self, cookie: Cookie, request: object) -> bool:
        return False


def _cookie(name: str, value: str, host: str) -> Cookie:
    return Cookie(0, name, value, None, False, host, False, False, "/", True, False, None, False, None, None, rest={})


class _Person(FastHttpUser):
    abstract = True
    kind = ""

    def on_start(self) -> None:
        people = PLAN["people"][self.kind]
        self.person = people[next(_next_person[self.kind]) % len(people)]
        self.org = PLAN["organization"]
        host = urlparse(self.host).hostname or "127.0.0.1"
        # A signed-in browser: the session cookie the sign-in wrote, and a CSRF cookie that htmx echoes in a header.
        self.csrf = secrets.token_hex(16)  # 32 characters, the form Django accepts in the cookie and header
        self.client.cookiejar.set_policy(_OwnCookiesOnly())
        self.client.cookiejar.set_cookie(_cookie("sessionid", self.person["session"], host))
        self.client.cookiejar.set_cookie(_cookie("csrftoken", self.csrf, host))
        self.api_headers = {"Authorization": f"Bearer {self.person['token']}", "Accept": "application/json"}

    def page(self, path: str, name: str) -> None:
        self._expect(self.client.get(path, name=name, allow_redirects=False, catch_response=True))

    def api(self, path: str, name: str) -> None:
        with self.client.get(
            path, name=name, headers=self.api_headers, allow_redirects=False, catch_response=True
        ) as response:
            self._check(response, 200)

    def _expect(self, response, status: int = 200) -> None:
        with response:
            self._check(response, status)

    @staticmethod
    def _check(response, status: int) -> None:
        if response.status_code != status:
            where = response.headers.get("Location", "") if response.headers else ""
            response.failure(f"HTTP {response.status_code} (expected {status}) {where}".strip())
        else:
            response.success()


class Participant(_Person):
    """A mentee or mentor in an active pair."""

    abstract = True

    @task(6)
    def home(self) -> None:
        self.page(f"/o/{self.org}/mentoring/", "page: my mentoring (participant home)")

    @task(1)
    def org_home(self) -> None:
        self.page(f"/o/{self.org}/", "page: organization home")

    @task(3)
    def match(self) -> None:
        self.page(f"/o/{self.org}/mentoring/matches/{self.person['match']}/", "page: match")

    @task(3)
    def goal(self) -> None:
        if self.person["goals"]:
            goal = random.choice(self.person["goals"])
            self.page(f"/o/{self.org}/mentoring/goals/{goal}/", "page: goal")

    @task(2)
    def notifications(self) -> None:
        self.page(f"/o/{self.org}/notifications/", "page: notifications")

    @task(1)
    def my_matches(self) -> None:
        self.page(f"/o/{self.org}/matches/", "page: my matches")

    @task(1)
    def api_goals(self) -> None:
        self.api(f"/api/v1/o/{self.org}/mentoring/goals/", "api: mentoring goals")

    @task(1)
    def api_notifications(self) -> None:
        self.api(f"/api/v1/o/{self.org}/notifications/", "api: notifications")

    @task(1)
    def api_matches(self) -> None:
        self.api(f"/api/v1/o/{self.org}/matches/", "api: my matches")

    @task(1)
    def tick_milestone(self) -> None:
        """The write path: tick a milestone on or off in place (htmx), as the goal page's checkbox does."""
        if not self.person["milestones"]:
            return
        milestone = random.choice(self.person["milestones"])
        response = self.client.post(
            f"/o/{self.org}/mentoring/milestones/{milestone}/toggle/",
            data=f"done={random.choice('01')}",
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "HX-Request": "true",
                "X-CSRFToken": self.csrf,
            },
            name="write: tick a milestone (htmx)",
            allow_redirects=False,
            catch_response=True,
        )
        self._expect(response)


class Mentee(Participant):
    kind = "mentee"
    weight = 10


class Mentor(Participant):
    kind = "mentor"
    weight = 8


class Admin(_Person):
    """An HR admin."""

    kind = "admin"
    weight = 4

    def program(self) -> int:
        return random.choice(PLAN["programs"])

    @task(2)
    def org_home(self) -> None:
        self.page(f"/o/{self.org}/", "page: organization home")

    @task(2)
    def people(self) -> None:
        self.page(f"/o/{self.org}/people/", "admin: people")

    @task(2)
    def programs(self) -> None:
        self.page(f"/o/{self.org}/programs/", "admin: programs")

    @task(1)
    def program_detail(self) -> None:
        self.page(f"/o/{self.org}/programs/{self.program()}/", "admin: program")

    @task(1)
    def program_mentoring(self) -> None:
        self.page(f"/o/{self.org}/programs/{self.program()}/mentoring/", "admin: program mentoring")

    @task(1)
    def members(self) -> None:
        self.page(f"/o/{self.org}/members/", "admin: members")

    @task(1)
    def audit(self) -> None:
        self.page(f"/o/{self.org}/audit/", "admin: audit log")

    @task(1)
    def health(self) -> None:
        self.page(f"/o/{self.org}/analytics/health/", "dashboard: program health")

    @task(1)
    def api_employees(self) -> None:
        self.api(f"/api/v1/o/{self.org}/employees/", "api: employees")

    @task(1)
    def api_programs(self) -> None:
        self.api(f"/api/v1/o/{self.org}/programs/", "api: programs")

    @task(1)
    def api_participants(self) -> None:
        self.api(f"/api/v1/o/{self.org}/programs/{self.program()}/participants/", "api: participants")


class Stakeholder(_Person):
    """An executive reading the dashboards."""

    kind = "stakeholder"
    weight = 3

    @task(2)
    def org_home(self) -> None:
        self.page(f"/o/{self.org}/", "page: organization home")

    @task(3)
    def health(self) -> None:
        self.page(f"/o/{self.org}/analytics/health/", "dashboard: program health")

    @task(2)
    def impact(self) -> None:
        self.page(f"/o/{self.org}/analytics/impact/", "dashboard: impact report")

    @task(1)
    def api_health(self) -> None:
        self.api(f"/api/v1/o/{self.org}/analytics/health/", "api: program health")


class Floor(_Person):
    """A mentee on the cheapest signed-in page alone (the organization's home page): what every signed-in request
    costs at least (the session, the user, the membership under row-level security, one page's reads). No mix of
    signed-in pages reaches a higher ratio to the ceiling than this page alone."""

    kind = "mentee"
    wait_time = constant(0)

    @task
    def org_home(self) -> None:
        self.page(f"/o/{self.org}/", "floor: organization home (member)")


class Ceiling(FastHttpUser):
    """The trivial endpoint alone: what the same processes serve when a request does almost nothing."""

    path = "/accounts/login/"
    wait_time = constant(0)

    @task
    def trivial(self) -> None:
        with self.client.get(self.path, name=f"ceiling: {self.path}", catch_response=True) as response:
            _Person._check(response, 200)


MIX: list[type[_Person]] = [Mentee, Mentor, Admin, Stakeholder]
