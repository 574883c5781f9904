"""Row locks the matching services take so that runs and edits of one program's matches take turns."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from mentorhub.accounts.models import Organization
from mentorhub.tenancy import get_scoped_or_404
from programs.models import Program

from ..models import Match


def lock_program(organization: Organization | int, program_id: int) -> Program:
    """The program, locked for this transaction: runs and edits of one program's matches take turns."""
    organization_id = organization if isinstance(organization, int) else organization.pk
    program = Program.objects.select_for_update().filter(organization_id=organization_id, pk=program_id).first()
    if program is None:
        raise ValidationError(_("No such program."))
    return program


def lock_match(organization: Organization, match_id: int) -> Match:
    return get_scoped_or_404(Match.objects.select_for_update().select_related("program"), organization, pk=match_id)
