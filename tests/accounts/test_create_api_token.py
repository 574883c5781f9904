"""`manage.py create_api_token`: an operator makes an organization's token (the SCIM token an identity
provider is set up with) from the command line; it is printed once, only its hash stored."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from mentorhub.accounts.models import ApiToken, AuditEvent

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("create_api_token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_prints_a_scim_token_once_and_stores_only_its_hash(org, admin):
    out, err = run("--organization", "alpha", "--email", "ADMIN@alpha.test", "--scope", "scim")
    raw = out.strip()
    assert raw.startswith("mh_") and "\n" not in raw
    assert raw not in err and "shown only this once" in err and "acting as admin@alpha.test" in err
    token = ApiToken.objects.get(organization=org)
    assert (token.scopes, token.membership_id, token.token_hash) == (
        "scim",
        admin.pk,
        hashlib.sha256(raw.encode()).hexdigest(),
    )
    assert token.name == "scim token (command line)"
    assert AuditEvent.objects.filter(organization=org, verb="api_token.create", actor=admin.user).exists()
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert client.get("/scim/v2/o/alpha/Users").status_code == 200
    assert client.get("/api/v1/o/alpha/members/").status_code == 401


def test_default_scopes_name_and_several_scopes(org, admin):
    run("--organization", "alpha", "--email", "admin@alpha.test")
    run(
        "--organization",
        "alpha",
        "--email",
        "admin@alpha.test",
        "--scope",
        "read",
        "--scope",
        "scim",
        "--name",
        "Entra",
    )
    assert sorted(ApiToken.objects.values_list("name", "scopes")) == [
        ("Entra", "read scim"),
        ("read write token (command line)", "read write"),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--organization", "nope", "--email", "admin@alpha.test"), "No organization with the slug “nope”."),
        (
            ("--organization", "alpha", "--email", "admin@beta.test"),
            "admin@beta.test is not an active member of alpha.",
        ),
        (("--organization", "alpha", "--email", "member@alpha.test"), "member@alpha.test is not an admin of alpha."),
    ],
)
def test_unknown_organization_non_member_or_non_admin_is_a_clear_error(org, admin, member, outsider, args, message):
    with pytest.raises(CommandError) as caught:
        run(*args, "--scope", "scim")
    assert str(caught.value) == message
    assert caught.value.returncode == 1  # manage.py exits with it
    assert not ApiToken.objects.exists()


def test_an_unknown_scope_is_refused_by_the_parser(org, admin):
    with pytest.raises(CommandError, match="invalid choice: 'admin'"):
        run("--organization", "alpha", "--email", "admin@alpha.test", "--scope", "admin")
    assert not ApiToken.objects.exists()


def test_the_token_expires_after_days_default_90(org, admin):
    _out, err = run("--organization", "alpha", "--email", "admin@alpha.test", "--name", "default")
    run("--organization", "alpha", "--email", "admin@alpha.test", "--scope", "scim", "--name", "idp", "--days", "365")
    default, idp = ApiToken.objects.get(name="default"), ApiToken.objects.get(name="idp")
    assert abs(default.expires_at - default.created_at - timedelta(days=90)) < timedelta(minutes=1)
    assert abs(idp.expires_at - idp.created_at - timedelta(days=365)) < timedelta(minutes=1)
    assert f"expiring on {default.expires_at:%Y-%m-%d}" in err
    with pytest.raises(CommandError, match="1 to 3650 days"):
        run("--organization", "alpha", "--email", "admin@alpha.test", "--days", "0")
    assert ApiToken.objects.count() == 2
