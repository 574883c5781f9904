"""mentorhub.web.errors: a service's ValidationError as a 400 in every API view (the project's exception
handler), on a form, and as one sentence."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from rest_framework.settings import api_settings

from mentorhub.accounts.models import AuditEvent, Invitation
from mentorhub.accounts.services.invitations import invitation_create
from mentorhub.web.errors import (
    api_exception_handler,
    form_add_service_error,
    service_error_detail,
    service_error_text,
)
from programs.models import Participant
from tests.programs.factories import ProgramFactory, QuestionFactory

# --- The API: the project's exception handler --------------------------------------------------------------


def test_the_handler_is_the_projects():
    assert api_settings.EXCEPTION_HANDLER is api_exception_handler


def test_detail_groups_question_ids_under_answers():
    error = ValidationError({"12": ["Choose one of: A, B."], "capacity": ["Choose a capacity from 1 to 3."]})
    assert service_error_detail(error) == {
        "capacity": ["Choose a capacity from 1 to 3."],
        "answers": {"12": ["Choose one of: A, B."]},
    }


def test_detail_of_a_message_list_is_non_field_errors():
    error = ValidationError(["Not open for enrollment.", "Try later."])
    assert service_error_detail(error) == {"non_field_errors": ["Not open for enrollment.", "Try later."]}


def test_handler_turns_a_service_error_into_a_400_and_leaves_the_rest_to_drf():
    response = api_exception_handler(ValidationError({"7": ["Required."]}), {})
    assert response.status_code == 400
    assert response.data == {"answers": {"7": ["Required."]}}
    assert api_exception_handler(Http404("Not found."), {}).status_code == 404
    assert api_exception_handler(PermissionDenied(), {}).status_code == 403
    assert api_exception_handler(RuntimeError("a bug"), {}) is None  # DRF re-raises it: a 500, not a 400


def test_a_service_error_in_an_api_view_is_a_400_with_its_message(admin_client, org, admin):
    """The members API used to convert by hand; the service's message now comes through the handler, under
    the key this API's clients have always read for refusals that concern no field."""
    invitation, _raw = invitation_create(organization=org, actor=admin.user, email="new@alpha.test", role="member")
    Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now())
    url = f"/api/v1/o/{org.slug}/invitations/{invitation.pk}/revoke/"
    response = admin_client.post(url)
    assert response.status_code == 400
    assert response.json() == {"detail": ["This invitation was already accepted; remove the member instead."]}
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    assert not AuditEvent.objects.filter(organization=org, verb="invitation.revoke").exists()


def test_a_field_error_of_a_service_stays_on_its_field(admin_client, org, member):
    response = admin_client.post(
        f"/api/v1/o/{org.slug}/invitations/", {"email": member.user.email}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"email": [f"{member.user.email} is already a member of {org.name}."]}


def test_per_question_messages_of_a_real_view_come_under_answers(member_client, org):
    program = ProgramFactory(organization=org)
    question = QuestionFactory(program=program, prompt="Format?", options=["Video call", "In person"], required=True)
    url = reverse("api-participant-list", kwargs={"org_slug": org.slug, "program_pk": program.pk})
    response = member_client.post(
        url, {"role": "mentee", "answers": {str(question.pk): "Carrier pigeon"}}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"answers": {str(question.pk): ["Choose one of: Video call, In person."]}}
    assert not Participant.objects.filter(program=program).exists()


# --- Forms and flash messages ---------------------------------------------------------------------------------


class _Form(forms.Form):
    email = forms.EmailField(required=False)
    q_12 = forms.CharField(required=False)


def _bound() -> _Form:
    form = _Form({})
    assert form.is_valid()
    return form


def test_keyed_messages_go_on_their_field_and_unknown_keys_on_the_form():
    form = _bound()
    form_add_service_error(form, ValidationError({"email": ["Taken.", "Really."], "role": ["No such role."]}))
    assert form.errors["email"] == ["Taken.", "Really."]
    assert form.non_field_errors() == ["No such role."]
    assert "email" not in form.cleaned_data


def test_unkeyed_messages_go_on_the_form_or_on_the_field_named():
    form = _bound()
    form_add_service_error(form, ValidationError(["Closed.", "Try later."]))
    assert form.non_field_errors() == ["Closed.", "Try later."]
    form = _bound()
    form_add_service_error(form, ValidationError("Already invited."), unkeyed_field="email")
    assert form.errors["email"] == ["Already invited."]
    assert not form.non_field_errors()


def test_field_for_maps_a_service_key_to_the_forms_field():
    form = _bound()
    error = ValidationError({"12": ["Choose one."], "99": ["Not on this form."]})
    form_add_service_error(form, error, field_for=lambda key: f"q_{key}")
    assert form.errors["q_12"] == ["Choose one."]
    assert form.non_field_errors() == ["Not on this form."]


def test_service_error_text_is_one_sentence():
    assert service_error_text(ValidationError(["Closed.", "Try later."])) == "Closed. Try later."
    assert service_error_text(ValidationError({"email": ["Taken."]})) == "Taken."


def test_a_page_shows_the_service_message_on_its_form(admin_client, org, member):
    """The members page re-renders the invite form with the service's message next to the address."""
    response = admin_client.post(
        reverse("members", kwargs={"org_slug": org.slug}), {"email": member.user.email, "role": "member"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert f"{member.user.email} is already a member of {org.name}." in page
    assert not Invitation.objects.filter(organization=org).exists()
