"""Installing the Slack app in an organization (Slack's OAuth v2 flow, finished by the admin's return with a
code) and removing it: by the admin (the token revoked at Slack first) or by Slack telling us the app was
uninstalled or its tokens revoked. Without an installation nothing is sent and no button is answered."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from slack_sdk.errors import SlackApiError, SlackClientError

from mentorhub.accounts.models import Organization, User
from mentorhub.accounts.services.audit import audit_record
from mentorhub.db.tenant_scope import all_organizations
from mentorhub.tenancy import scoped

from ..client import api_client, bot_client, token_encrypt
from ..models import SlackInstallation, SlackPerson

logger = logging.getLogger(__name__)


def slack_installation_complete(
    *, organization: Organization, actor: User, code: str, redirect_uri: str, client_id: str, client_secret: str
) -> SlackInstallation:
    """Exchange the code Slack gave the admin's browser for the bot token (oauth.v2.access) and keep it,
    encrypted. A second install (another workspace, or the same again) replaces the first."""
    if not code:
        raise ValidationError(_("Slack did not send an authorization code. Start the installation again."))
    try:
        answer = api_client().oauth_v2_access(
            client_id=client_id, client_secret=client_secret, code=code, redirect_uri=redirect_uri
        )
    except SlackApiError as error:
        raise ValidationError(
            _("Slack refused the installation (%(error)s). Start it again.")
            % {"error": error.response.get("error", "error")}
        ) from None
    except SlackClientError:
        raise ValidationError(_("Slack could not be reached. Try again in a moment.")) from None
    token = answer.get("access_token") or ""
    team = answer.get("team") or {}
    if not token or not team.get("id") or answer.get("token_type", "bot") != "bot":
        raise ValidationError(_("Slack's answer had no bot token. Start the installation again."))
    with all_organizations():  # one workspace, one organization: a click must find exactly one
        taken = SlackInstallation.objects.filter(team_id=team["id"]).exclude(organization=organization).exists()
    if taken:
        try:
            api_client(token).auth_revoke()  # the token just made is not kept: revoke it
        except SlackClientError:
            logger.warning("A refused Slack token could not be revoked")
        raise ValidationError(
            _("This Slack workspace is connected to another MentorHub organization already. Uninstall it there first.")
        )
    with transaction.atomic():
        scoped(SlackInstallation, organization).delete()
        scoped(SlackPerson, organization).delete()  # another workspace: other user ids
        installation = SlackInstallation(
            organization=organization,
            team_id=team["id"],
            team_name=team.get("name", "")[:200],
            app_id=(answer.get("app_id") or "")[:32],
            bot_user_id=(answer.get("bot_user_id") or "")[:32],
            scopes=(answer.get("scope") or "")[:500],
            bot_token_encrypted=token_encrypt(token),
            installed_by=actor,
        )
        installation.full_clean()
        installation.save()
        audit_record(
            organization=organization,
            actor=actor,
            verb="slack.install",
            target=installation,
            changes={"team": [None, f"{installation.team_name} ({installation.team_id})"]},
        )
    return installation


def slack_installation_remove(*, organization: Organization, actor: User | None, revoke: bool = True) -> bool:
    """Uninstall: the bot token revoked at Slack (auth.revoke; when Slack cannot be reached the token is
    forgotten all the same), the installation and the people's links deleted. False when none was installed."""
    installation = scoped(SlackInstallation, organization).first()
    if installation is None:
        return False
    if revoke:
        try:
            bot_client(installation).auth_revoke()
        except SlackClientError:  # already revoked, or Slack away: ours is deleted below either way
            logger.warning("Slack token of organization %s could not be revoked", organization.pk)
    with transaction.atomic():
        deleted, _rows = scoped(SlackInstallation, organization).filter(pk=installation.pk).delete()
        scoped(SlackPerson, organization).delete()
        if deleted:
            audit_record(
                organization=organization,
                actor=actor,
                verb="slack.uninstall",
                target_label=f"{installation.team_name} ({installation.team_id})",
                changes={"revoked_here": [None, revoke]},
            )
    return bool(deleted)
