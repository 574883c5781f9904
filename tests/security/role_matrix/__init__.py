"""The role matrix: for every URL route of the project and every method it takes, what each of five callers
gets. tests/security/test_role_matrix.py runs every cell against organization A's world
(tests/security/world.py) and fails on a route of the URLconf that has no row here, and on a row whose route
no longer exists.

A row is `"<route>": {"<METHOD>": "<admin> <stakeholder> <member> <outsider> <anonymous>"}`:
- the route as the URLconf spells it, converters and regular expressions reduced to the parameter's name
  (`/o/<org_slug>/people/<employee_pk>/`; tests/security/routes.py);
- the callers: organization A's admin, stakeholder and member (signed in), the outsider (an admin of
  organization B, calling A's URL), and anonymous;
- each answer is one word of tests/security/calls.py: a status (200, 400, 403, ...), `login` (sent to sign in),
  `admin-login`, `302` (redirected elsewhere) or `2xx/3xx` (done: a success or a redirect after it).

Each row says what the product SHOULD answer, by the rules of docs/architecture.md (Roles, Tenancy) and
docs/api.md; the answers of callers who pass every gate are the product's own for an empty request (an empty
form re-rendered with errors is 400, a JSON body `{}` refused is 400, a form that saved redirects).

To add a route: add its row to the part it belongs to (sign_in, scim, api, pages, django_admin), with every
method its view accepts (the matrix checks that the others answer 405). If a parameter should name another
object than world.py gives it, say so in VALUES; a query string the route needs goes in QUERIES.
"""

from __future__ import annotations

from .api import API
from .django_admin import DJANGO_ADMIN
from .pages import PAGES
from .scim import SCIM
from .sign_in import SIGN_IN

CALLERS = ("admin", "stakeholder", "member", "outsider", "anonymous")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
PARTS = (SIGN_IN, SCIM, API, PAGES, DJANGO_ADMIN)

TABLE: dict[str, dict[str, str]] = {}
for _part in PARTS:
    TABLE.update(_part)

# Routes whose parameter names another object of the world than its default (world.py's `values` keys).
_REVIEW = "{}/programs/<program_pk>/matches/<match_pk>/{}"
VALUES: dict[str, dict[str, str]] = {
    "/calendar/<token>.ics": {"token": "calendar_token"},
    "/unsubscribe/<token>/": {"token": "unsubscribe_token"},
    "/brand/<token>": {"token": "brand_logo"},
    "/record/<token>/": {"token": "record_token"},
    "/record/<token>/record.pdf": {"token": "record_token"},
    "/accounts/password/reset/key/<uidb36>-<key>/": {"key": "reset_key"},
    # The admin's review of proposed matches works on the run's proposed pair, not the member's active one.
    **{
        _REVIEW.format("/api/v1/o/<org_slug>", action): {"match_pk": "proposed_match_pk"}
        for action in ("", "approve/", "discard/", "pin/", "set-mentee/", "swap/")
    },
    **{
        f"/o/<org_slug>/programs/<program_pk>/matching/matches/<match_pk>/{action}/": {"match_pk": "proposed_match_pk"}
        for action in ("pin", "edit", "discard")
    },
}

_FLASH = "/o/<org_slug>/mentoring/flash/"
VALUES.update(
    {
        # Flash mentoring: the world's flash program, and the member's own office hour for cancelling one.
        f"{_FLASH}<program_pk>/": {"program_pk": "flash_program_pk"},
        f"{_FLASH}<program_pk>/office-hours/": {"program_pk": "flash_program_pk"},
        f"{_FLASH}slots/<slot_pk>/cancel/": {"slot_pk": "own_slot_pk"},
    }
)

# Routes that need a query string to name what they answer.
QUERIES: dict[str, str] = {
    "/o/<org_slug>/analytics/health/export/": "?table=figures",
    "/o/<org_slug>/analytics/impact/export/": "?table=groups",
    "/o/<org_slug>/analytics/skills-gap/export/": "?table=gap",
}

# Views of other projects: their rows list the methods a browser uses on them, and the rule that every other
# method answers 405 is not theirs to keep (Django's form views, for one, treat PUT as POST).
THIRD_PARTY_PREFIXES = ("/accounts/", "/admin/")
