"""A match's mentoring agreement: its members edit the program's template to suit them and each confirms it.
Any change of the text after a confirmation removes the confirmations (everyone confirms the same text, a
version counter names it); the others are told to read it again. Both are audited. The program may ask for
a confirmed agreement before the first session (session_schedule asks `agreement_holds_back`)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentorhub.accounts.languages import languages_of_employees
from mentorhub.accounts.models import Employee, Organization, User
from mentorhub.accounts.services.audit import audit_record
from mentorhub.tenancy import scoped
from programs.agreements import sections_clean, template_sections

from ..models import AgreementConfirmation, MatchAgreement, Notification
from ..page_cache import match_people_changed
from ..selectors.agreements import AgreementState, agreement_state
from .common import MatchForWrite, match_for_write
from .notifications import notification_create

CHANGED_MEANWHILE = gettext_lazy(
    "%(who)s changed the agreement while you were reading it: read the new text, then try again."
)


def _locked(organization: Organization, found: MatchForWrite) -> MatchAgreement | None:
    # The match is locked already (match_for_write): the agreement row is only written under that lock.
    return scoped(MatchAgreement, organization).select_for_update().filter(match=found.match).first()


def _created(organization: Organization, found: MatchForWrite, texts: dict[str, str], by: Employee) -> MatchAgreement:
    agreement = MatchAgreement(
        organization=organization, program=found.match.program, match=found.match, sections=texts, edited_by=by
    )
    agreement.full_clean(validate_constraints=False)
    agreement.save()
    return agreement


@transaction.atomic
def agreement_edit(
    *,
    organization: Organization,
    actor: User | None,
    employee: Employee,
    match_id: int,
    sections: dict[str, Any],
    version: int,
) -> MatchAgreement:
    """`employee` rewrites their match's agreement. `version` is the one they edited: a change made by someone
    else meanwhile is refused rather than overwritten. A text that differs from the current one is the next
    version, and every confirmation given so far is removed."""
    found = match_for_write(organization, employee, match_id)
    agreement = _locked(organization, found)
    current = agreement.version if agreement is not None else 0
    if version != current:
        who = agreement.edited_by.name if agreement is not None and agreement.edited_by else _("Someone")
        raise ValidationError(CHANGED_MEANWHILE % {"who": who})
    texts = sections_clean(sections)
    if agreement is None:
        agreement = _created(organization, found, texts, employee)
        reset = 0
    else:
        if texts == template_sections(agreement.sections):
            return agreement  # nothing changed: the confirmations stand
        agreement.sections, agreement.version, agreement.edited_by = texts, agreement.version + 1, employee
        agreement.full_clean(validate_constraints=False)
        agreement.save()
        reset, _by_model = scoped(AgreementConfirmation, organization).filter(agreement=agreement).delete()
    audit_record(
        organization=organization,
        actor=actor,
        verb="agreement.edit",
        target=found.match,
        changes={"version": [current, agreement.version], "confirmations_reset": [None, reset]},
    )
    url = reverse("mentoring-match", kwargs={"org_slug": organization.slug, "match_pk": found.match.pk})
    others = [person for person in found.members if person.pk != employee.pk]
    languages = languages_of_employees(organization, [person.pk for person in others])
    for person in others:
        with translation.override(languages[person.pk]):
            title = _("%(name)s changed your mentoring agreement: read it and confirm it") % {"name": employee.name}
        notification_create(
            organization=organization,
            recipient=person,
            kind=Notification.MATCH_UPDATE,
            title=title,
            url=f"{url}#agreement-h",
        )
    match_people_changed(organization=organization, match_id=found.match.pk)
    return agreement


@transaction.atomic
def agreement_confirm(
    *, organization: Organization, actor: User | None, employee: Employee, match_id: int, digest: str
) -> AgreementState:
    """`employee` confirms the agreement whose text they read (`digest`, from the page): refused when the text
    changed since. Returns the agreement's state afterwards (`confirmed` once every member confirmed)."""
    found = match_for_write(organization, employee, match_id)
    agreement = _locked(organization, found)
    state = agreement_state(organization=organization, match=found.match)
    if digest != state.digest:
        who = agreement.edited_by.name if agreement is not None and agreement.edited_by else _("Someone")
        raise ValidationError(CHANGED_MEANWHILE % {"who": who})
    if agreement is None:
        # Confirming the program's template as it stands: the match's agreement starts here, as version 1.
        agreement = _created(organization, found, state.texts, employee)
        agreement.edited_by = None
        agreement.save(update_fields=["edited_by"])
    AgreementConfirmation.objects.update_or_create(
        organization=organization,
        agreement=agreement,
        employee=employee,
        defaults={"version": agreement.version, "confirmed_at": timezone.now()},
    )
    audit_record(
        organization=organization,
        actor=actor,
        verb="agreement.confirm",
        target=found.match,
        changes={"version": [None, agreement.version]},
    )
    match_people_changed(organization=organization, match_id=found.match.pk)
    return agreement_state(organization=organization, match=found.match)
