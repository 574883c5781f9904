"""`manage.py create_api_token --organization <slug> --email <admin email> --scope scim [--scope ...] [--days N]`

Creates an organization-scoped API token acting as that admin's membership and prints it once (only its
hash is stored). For operators: e.g. the SCIM token an identity provider is set up with. It expires after
`--days` (default 90).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mentorhub.accounts.models import Membership, Organization, Role, TokenScope
from mentorhub.accounts.services.tokens import DEFAULT_EXPIRY_DAYS, api_token_create
from mentorhub.tenancy import scoped


class Command(BaseCommand):
    help = "Create an API token for an organization (acting as one of its admins) and print it once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organization", required=True, help="The organization's slug.")
        parser.add_argument("--email", required=True, help="An active admin of that organization.")
        parser.add_argument(
            "--scope",
            action="append",
            choices=TokenScope.values,
            dest="scopes",
            help="read, write or scim; repeat for several (default: read and write).",
        )
        parser.add_argument("--name", default="", help="What the token is for (default: “<scopes> token”).")
        parser.add_argument(
            "--days",
            type=int,
            default=DEFAULT_EXPIRY_DAYS,
            help=f"Days until the token expires (default {DEFAULT_EXPIRY_DAYS}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organization = Organization.objects.filter(slug=options["organization"]).first()
        if organization is None:
            raise CommandError(f"No organization with the slug “{options['organization']}”.")
        membership = (
            scoped(Membership, organization)
            .select_related("user")
            .filter(user__email__iexact=options["email"].strip(), deactivated_at__isnull=True, user__is_active=True)
            .first()
        )
        if membership is None:
            raise CommandError(f"{options['email']} is not an active member of {organization.slug}.")
        if membership.role != Role.ADMIN:
            raise CommandError(f"{membership.user.email} is not an admin of {organization.slug}.")
        scopes = options["scopes"] or [TokenScope.READ, TokenScope.WRITE]
        name = options["name"] or f"{' '.join(sorted(set(scopes)))} token (command line)"
        try:
            token, raw = api_token_create(
                organization=organization,
                actor=membership.user,
                membership=membership,
                name=name,
                scopes=scopes,
                expires_in_days=options["days"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stderr.write(
            f"Created “{token.name}” ({token.scopes}) for {organization.slug}, acting as {membership.user.email}, "
            f"expiring on {token.expires_at:%Y-%m-%d %H:%M %Z}. It is shown only this once:"
        )
        self.stdout.write(raw)
