"""Which language a page, an email or a chat message is in: the person's choice, else the browser's, else the
organization's default (mentorhub/accounts/languages.py, LanguageMiddleware, tenancy)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mentorhub.accounts.languages import language_of_employee, language_of_user, languages_of_employees
from mentorhub.accounts.models import AuditEvent, Membership, Organization
from tests.factories import EmployeeFactory, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

SAVE_MINE = {"de": "Meine Sprache speichern", "fr": "Enregistrer ma langue", "es": "Guardar mi idioma"}


def _page(client, org, **headers):
    response = client.get(reverse("language-settings", kwargs={"org_slug": org.slug}), **headers)
    assert response.status_code == 200
    return response


def _member(org, role="member", **user_fields):
    membership = MembershipFactory(organization=org, role=role, employee=EmployeeFactory(organization=org))
    for field, value in user_fields.items():
        setattr(membership.user, field, value)
    membership.user.save()
    return membership


def test_the_browser_language_applies_when_the_person_chose_none(client):
    org = OrganizationFactory()
    client.force_login(_member(org).user)
    response = _page(client, org, HTTP_ACCEPT_LANGUAGE="fr-CH,fr;q=0.9,en;q=0.5")
    assert SAVE_MINE["fr"] in response.content.decode()
    assert response["Content-Language"] == "fr"
    assert "Accept-Language" in response["Vary"]
    assert b'<html lang="fr">' in response.content


def test_the_persons_choice_beats_the_browser(client):
    org = OrganizationFactory()
    client.force_login(_member(org, language="de").user)
    response = _page(client, org, HTTP_ACCEPT_LANGUAGE="es")
    assert SAVE_MINE["de"] in response.content.decode()


def test_the_organization_default_applies_when_the_browser_names_none_we_have(client):
    org = OrganizationFactory(default_language="es")
    client.force_login(_member(org).user)
    assert SAVE_MINE["es"] in _page(client, org, HTTP_ACCEPT_LANGUAGE="ja,zh;q=0.8").content.decode()
    # No Accept-Language at all: the organization's default too.
    assert SAVE_MINE["es"] in _page(client, org).content.decode()


def test_a_member_chooses_their_language_and_the_next_page_uses_it(client):
    org = OrganizationFactory()
    membership = _member(org)
    client.force_login(membership.user)
    url = reverse("language-settings", kwargs={"org_slug": org.slug})
    response = client.post(url, {"which": "me", "language": "de"}, follow=True)
    assert "Gespeichert. MentorHub spricht jetzt Ihre Sprache." in response.content.decode()
    membership.user.refresh_from_db()
    assert membership.user.language == "de"
    assert AuditEvent.objects.filter(organization=org, verb="user.language_update").count() == 1
    # An unknown language is refused with the form's message, nothing saved.
    response = client.post(url, {"which": "me", "language": "xx"})
    assert response.status_code == 400
    membership.user.refresh_from_db()
    assert membership.user.language == "de"


def test_only_admins_change_the_organization_default(client):
    org = OrganizationFactory()
    url = reverse("language-settings", kwargs={"org_slug": org.slug})
    member = _member(org)
    client.force_login(member.user)
    client.post(url, {"which": "organization", "default_language": "fr"})
    assert Organization.objects.get(pk=org.pk).default_language == "en"
    client.force_login(_member(org, role=Membership.Role.ADMIN).user)
    assert b"default_language" in client.get(url).content
    client.post(url, {"which": "organization", "default_language": "fr"})
    assert Organization.objects.get(pk=org.pk).default_language == "fr"
    client.force_login(member.user)
    assert b"default_language" not in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content


def test_an_outsider_gets_404(client):
    org, other = OrganizationFactory(), OrganizationFactory()
    client.force_login(_member(other).user)
    assert client.get(reverse("language-settings", kwargs={"org_slug": org.slug})).status_code == 404


def test_messages_to_people_use_their_choice_else_the_organizations_default():
    org = OrganizationFactory(default_language="fr")
    chose_german = _member(org, language="de")
    chose_nothing = _member(org)
    never_signed_in = EmployeeFactory(organization=org)
    languages = languages_of_employees(org, [chose_german.employee_id, chose_nothing.employee_id, never_signed_in.pk])
    assert languages == {chose_german.employee_id: "de", chose_nothing.employee_id: "fr", never_signed_in.pk: "fr"}
    assert language_of_employee(org, never_signed_in) == "fr"
    assert language_of_user(chose_german.user, org) == "de"
    # The same person's choice in another organization: theirs, not that organization's.
    elsewhere = OrganizationFactory(default_language="es")
    membership = MembershipFactory(
        organization=elsewhere, user=chose_german.user, employee=EmployeeFactory(organization=elsewhere)
    )
    assert language_of_employee(elsewhere, membership.employee) == "de"
