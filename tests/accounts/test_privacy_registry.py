"""The personal-data registry covers every field of our models that looks personal (docs/privacy.md): a model
that gains a name, an address, a free text about a person or a JSON of answers fails here, naming the model and
the field, until its app's privacy.py registers it or excludes it with a reason."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models

from matching.models import MatchMember
from mentorhub.accounts.models import Employee, Membership, Organization, User
from mentorhub.accounts.privacy.registry import (
    Erasure,
    not_personal,
    personal_data,
    registered_fields,
)
from programs.models import Participant

OUR_APPS = ("accounts", "identity", "programs", "matching", "mentoring_sessions", "analytics", "integrations", "demo")
# Words that make a field look personal wherever it is (its name split at underscores).
# (first_name, given_name, full_name, ... have "name" in them.)
PERSONAL_WORDS = {
    "email", "name", "phone", "title", "note", "notes", "comment", "comments", "answer", "answers", "text",
    "reflection", "description", "message", "reason", "body", "bio", "agenda", "address",
}  # fmt: skip
# A model with a key to one of these is about people: its free text and JSON look personal too.
PERSON_MODELS = (Employee, User, Participant, Membership)


def person_linked(model: type[models.Model]) -> bool:
    if issubclass(model, PERSON_MODELS):
        return True
    return any(f.is_relation and f.concrete and f.related_model in PERSON_MODELS for f in model._meta.get_fields())


def looks_personal(model: type[models.Model], field: models.Field) -> bool:
    if field.is_relation or field.primary_key or field.auto_created:
        return False
    if set(field.name.split("_")) & PERSONAL_WORDS:
        return True
    if not person_linked(model):
        return False
    if isinstance(field, models.JSONField):
        return True
    return isinstance(field, models.CharField | models.TextField) and not field.choices


def uncovered(fields: Iterable[tuple[type[models.Model], models.Field]]) -> list[str]:
    covered = registered_fields() | set(not_personal())
    return sorted(
        f"{model._meta.label}.{field.name}"
        for model, field in fields
        if looks_personal(model, field) and (model._meta.label_lower, field.name) not in covered
    )


def our_fields() -> list[tuple[type[models.Model], models.Field]]:
    return [
        (model, field)
        for label in OUR_APPS
        for model in apps.get_app_config(label).get_models()
        if not model._meta.abstract and not model._meta.proxy
        for field in model._meta.concrete_fields
    ]


def test_every_field_that_looks_personal_is_registered_or_excluded_with_a_reason():
    fields = our_fields()
    assert len(fields) > 300  # every app's models were walked
    missing = uncovered(fields)
    assert not missing, (
        "fields that look personal but are not in the personal-data registry: register them in the app's "
        f"privacy.py (what they are, what erasure does) or exclude them there with a reason: {missing}"
    )
    print(f"\npersonal-data registry: {len(registered_fields())} fields of {len(personal_data())} models")


def test_a_new_personal_field_fails_the_check():
    # A model gaining a field is simulated with unsaved field objects: the check names model and field.
    bio = models.TextField(blank=True)
    bio.set_attributes_from_name("favourite_colleague_bio")
    nickname = models.CharField(max_length=40)
    nickname.set_attributes_from_name("nickname")
    status_code = models.CharField(max_length=10, choices=[("a", "A")])
    status_code.set_attributes_from_name("status_code")
    checked = [(Organization, bio), (MatchMember, nickname), (MatchMember, status_code), (Organization, nickname)]
    # bio: a personal word anywhere; nickname: free text about a match member; a choice or an organization's
    # plain setting is not personal.
    assert uncovered(checked) == ["accounts.Organization.favourite_colleague_bio", "matching.MatchMember.nickname"]


def test_the_check_knows_the_registered_fields_it_relies_on():
    covered = registered_fields()
    for field in [
        ("accounts.employee", "name"),
        ("accounts.employee", "email"),
        ("accounts.user", "email"),
        ("mentoring_sessions.sessionfeedback", "reflection"),
        ("analytics.surveyresponse", "answers"),
        ("programs.participant", "answers"),
        ("matching.mentorrequest", "message"),
    ]:
        assert field in covered


def test_nothing_is_both_registered_and_excluded_and_every_exclusion_is_needed():
    excluded = not_personal()
    assert not set(excluded) & registered_fields()
    flagged = {(model._meta.label_lower, field.name) for model, field in our_fields() if looks_personal(model, field)}
    assert set(excluded) <= flagged, f"exclusions of fields that do not look personal: {set(excluded) - flagged}"
    assert all(len(reason) > 10 for reason in excluded.values())


def test_every_kept_or_redacted_field_says_why_and_every_entry_resolves():
    for entry in personal_data():
        for personal in entry.fields:
            entry.model._meta.get_field(personal.name)
            if personal.erasure in (Erasure.KEEP, Erasure.REDACT):
                assert personal.reason, f"{entry.label}.{personal.name}"
        for path in (*entry.about, *entry.remove_for):
            # A path that does not resolve fails when Django builds the filter.
            if path:
                entry.model._default_manager.filter(**{f"{path}__isnull": True}).query  # noqa: B018


def test_the_docs_give_the_registry_s_figures():
    text = (Path(settings.BASE_DIR) / "docs" / "privacy.md").read_text()
    assert f"**{len(registered_fields())} fields** of {len(personal_data())} models" in text
    assert f"{len(not_personal())} fields are excluded with a reason" in text
