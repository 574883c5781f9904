"""The accounts app's personal data (the registry: registry.py), registered from AccountsConfig.ready(). Its
sign-in data (the User, and allauth's addresses, identity-provider links and second factors) is anchored on the
User: erased only when the person belongs to no other organization. (Every other app keeps this in its own
`privacy.py`; here it lives in the privacy package, which is also the registry's home.)"""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth.hashers import make_password
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_noop

from ..models import (
    ApiToken,
    AuditEvent,
    Employee,
    EmploymentEvent,
    Invitation,
    Membership,
    Organization,
    RosterImport,
    User,
)
from .registry import (
    ERASED_NAME,
    Anchor,
    Erasure,
    Kind,
    Person,
    PersonalData,
    PersonalField,
    anonymised,
    blanked,
    email_in,
    kept,
    register_not_personal,
    register_personal_data,
    removed,
)

IMPACT = (
    "kept: the impact report compares participants with colleagues of the same department, level and tenure, "
    "and counts leavers; it names no one"
)


def erased_email(pk: Any) -> str:
    # A reserved top-level domain (RFC 2606): never anyone's address, and unique per row as the tables demand.
    return f"erased-{pk}@erased.invalid"


def erased_id(pk: Any) -> str:
    return f"erased-{pk}"


def _is_theirs(row: Any, person: Person) -> bool:
    return isinstance(row, dict) and (
        str(row.get("email", "")).lower() in person.emails or str(row.get("employee_id", "")) in person.employee_ids
    )


def _roster_rows_without(rows: Any, person: Person) -> Any:
    """A stored roster import's rows without the person's (kept for a re-run of a failed import)."""
    return [row for row in rows if not _is_theirs(row, person)] if isinstance(rows, list) else rows


def _imports_with_their_row(queryset: models.QuerySet, person: Person) -> models.QuerySet:
    """Roster imports that kept their rows (only failed ones do) and hold one of the person's. Read in Python:
    JSON containment is not a lookup every database offers (the embedded default is SQLite)."""
    kept = queryset.exclude(rows=[]).values_list("pk", "rows")
    return queryset.filter(pk__in=[pk for pk, rows in kept if any(_is_theirs(row, person) for row in rows or [])])


def _audit_rows(queryset: models.QuerySet, person: Person) -> models.QuerySet:
    """What the audit log says they did, and what was done to their roster entry."""
    about = Q(target_type=Employee._meta.label_lower, target_id=str(person.employee.pk))
    return queryset.filter(about | Q(actor=person.user) if person.user is not None else about)


ACCOUNTABILITY = (
    "kept: the audit log cannot be rewritten by the application (append-only), so that what admins did stays "
    "accountable; the erasure itself is logged without the erased data"
)

ENTRIES = (
    PersonalData(
        Employee,
        gettext_noop("Your roster entry"),
        about=("",),
        fields=(
            anonymised("name", Kind.IDENTIFIER, ERASED_NAME),
            anonymised("email", Kind.CONTACT, erased_email),
            anonymised("employee_id", Kind.IDENTIFIER, erased_id),
            blanked("title", Kind.PROFILE),
            blanked("location", Kind.PROFILE),
            anonymised("time_zone", Kind.PROFILE, "UTC"),
            blanked("manager", Kind.PROFILE),
            kept("department", Kind.EMPLOYMENT, IMPACT),
            kept("job_level", Kind.EMPLOYMENT, IMPACT),
            kept("hired_on", Kind.EMPLOYMENT, IMPACT),
            kept("left_on", Kind.EMPLOYMENT, IMPACT),
        ),
    ),
    PersonalData(
        EmploymentEvent,
        gettext_noop("Your employment history"),
        about=("employee",),
        context=("kind", "occurred_on"),
        fields=(
            kept("old_value", Kind.EMPLOYMENT, IMPACT + " (promotions are level changes)"),
            kept("new_value", Kind.EMPLOYMENT, IMPACT + " (promotions are level changes)"),
        ),
    ),
    PersonalData(
        Membership,
        gettext_noop("Your access to the organization"),
        about=("employee",),
        remove_for=("employee",),
        context=("created_at", "deactivated_at"),
        fields=(removed("role", Kind.MEMBERSHIP),),
    ),
    PersonalData(
        ApiToken,
        gettext_noop("Your API tokens"),
        about=("membership__employee",),
        remove_for=("membership__employee",),
        context=("prefix", "created_at", "expires_at", "last_used_at", "revoked_at"),
        fields=(removed("name", Kind.FREE_TEXT),),
    ),
    PersonalData(
        Invitation,
        gettext_noop("Invitations sent to you"),
        rows=email_in("email"),
        remove_rows=email_in("email"),
        context=("role", "created_at", "accepted_at"),
        fields=(removed("email", Kind.CONTACT),),
    ),
    PersonalData(
        RosterImport,
        gettext_noop("Your row in a roster import kept for a re-run"),
        rows=_imports_with_their_row,
        context=("filename", "created_at"),
        fields=(
            PersonalField(
                "rows",
                Kind.EMPLOYMENT,
                Erasure.TRANSFORM,
                transform=_roster_rows_without,
                exported=False,  # every colleague's row is in it; the roster entry above is theirs
            ),
        ),
    ),
    PersonalData(
        AuditEvent,
        gettext_noop("The audit log: what you did, and what was done to your roster entry"),
        rows=_audit_rows,
        context=("verb", "created_at"),
        fields=(
            kept("actor_email", Kind.IDENTIFIER, ACCOUNTABILITY, exported=False),  # the admin's, mostly
            kept("target_label", Kind.IDENTIFIER, ACCOUNTABILITY),
            kept("changes", Kind.FREE_TEXT, ACCOUNTABILITY),
        ),
    ),
    # --- Sign-in (the account, shared by every organization the person belongs to) ----------------------
    PersonalData(
        User,
        gettext_noop("Your sign-in"),
        anchor=Anchor.ACCOUNT,
        about=("",),
        context=("date_joined",),
        fields=(
            anonymised("email", Kind.IDENTIFIER, erased_email),
            blanked("name", Kind.IDENTIFIER),
            anonymised("time_zone", Kind.PROFILE, "UTC"),
            anonymised("password", Kind.CREDENTIAL, lambda pk: make_password(None), exported=False),
            blanked("last_login", Kind.ACTIVITY),
        ),
    ),
    PersonalData(
        EmailAddress,
        gettext_noop("Your sign-in email addresses"),
        anchor=Anchor.ACCOUNT,
        about=("user",),
        remove_for=("user",),
        context=("verified", "primary"),
        fields=(removed("email", Kind.CONTACT),),
    ),
    PersonalData(
        SocialAccount,
        gettext_noop("Your single sign-on links"),
        anchor=Anchor.ACCOUNT,
        about=("user",),
        remove_for=("user",),
        context=("provider", "date_joined", "last_login"),
        fields=(removed("uid", Kind.IDENTIFIER), removed("extra_data", Kind.PROFILE)),
    ),
    PersonalData(
        Authenticator,
        gettext_noop("Your second factors (two-step sign-in)"),
        anchor=Anchor.ACCOUNT,
        about=("user",),
        remove_for=("user",),
        context=("type", "created_at", "last_used_at"),
        fields=(removed("data", Kind.CREDENTIAL, exported=False),),
    ),
)


def register() -> None:
    register_personal_data(*ENTRIES)
    register_not_personal(
        Organization,
        name="the organization's name, not a person's",
        brand_name="the name the organization's emails show (its own, or a team's), not a person's",
    )
    register_not_personal(
        ApiToken,
        prefix="the first characters of a random token, to recognize it in lists; removed with the token",
        token_hash="a hash of a random token: identifies the token, not the person; removed with the token",  # noqa: S106 (a reason, not a password)
        scopes="what the token may do: a setting; removed with the token",
    )
    register_not_personal(
        Invitation,
        token_hash="a hash of the invitation's random secret; removed with the invitation",  # noqa: S106 (a reason)
    )
    register_not_personal(
        RosterImport,
        filename="the file name the admin uploaded (the whole roster's)",
        error="why an import failed: system text about the file",
        claimed_by="the worker applying the import (host, process number): system text",
    )
    register_not_personal(
        AuditEvent,
        verb="a code naming the action",
        target_type="a code naming the kind of object",
        target_id="an object's number",
    )
