"""Pages of the accounts app. Organization pages live under /o/<org_slug>/ and use tenancy.org_view."""

from django.urls import path

from .views import (
    audit,
    branding,
    directory,
    home,
    invitations,
    languages,
    meetings,
    members,
    people,
    privacy,
    roster,
    tokens,
)

urlpatterns = [
    path("o/<slug:org_slug>/", home.org_home, name="org-home"),
    path("o/<slug:org_slug>/people/", people.people_list, name="people-list"),
    path("o/<slug:org_slug>/people/export.csv", people.people_export, name="people-export"),
    path("o/<slug:org_slug>/people/<int:employee_pk>/", people.people_detail, name="people-detail"),
    path("o/<slug:org_slug>/settings/directory/", directory.directory_settings, name="directory-settings"),
    # People's data rights (docs/privacy.md): export, erasure, retention.
    path("o/<slug:org_slug>/my-data/", privacy.my_data, name="my-data"),
    path("o/<slug:org_slug>/my-data/export.json", privacy.my_data_export, {"fmt": "json"}, name="my-data-json"),
    path("o/<slug:org_slug>/my-data/export.html", privacy.my_data_export, {"fmt": "html"}, name="my-data-html"),
    path(
        "o/<slug:org_slug>/people/<int:employee_pk>/export.json",
        privacy.people_data_export,
        {"fmt": "json"},
        name="people-data-json",
    ),
    path(
        "o/<slug:org_slug>/people/<int:employee_pk>/export.html",
        privacy.people_data_export,
        {"fmt": "html"},
        name="people-data-html",
    ),
    path("o/<slug:org_slug>/people/<int:employee_pk>/erase/", privacy.people_erase, name="people-erase"),
    path("o/<slug:org_slug>/settings/privacy/", privacy.retention_settings, name="retention-settings"),
    path("o/<slug:org_slug>/settings/meetings/", meetings.meeting_settings, name="meeting-settings"),
    path("o/<slug:org_slug>/settings/language/", languages.language_settings, name="language-settings"),
    path("o/<slug:org_slug>/settings/branding/", branding.branding_settings, name="branding-settings"),
    path("o/<slug:org_slug>/people/import/", roster.roster_import_new, name="roster-import-new"),
    path("o/<slug:org_slug>/people/import/template.csv", roster.roster_import_template, name="roster-import-template"),
    path("o/<slug:org_slug>/people/import/<int:import_pk>/", roster.roster_import_detail, name="roster-import-detail"),
    path(
        "o/<slug:org_slug>/people/import/<int:import_pk>/rerun/",
        roster.roster_import_rerun_view,
        name="roster-import-rerun",
    ),
    path("o/<slug:org_slug>/members/", members.members, name="members"),
    path(
        "o/<slug:org_slug>/members/invitations/<int:invitation_pk>/revoke/",
        members.invitation_revoke_view,
        name="invitation-revoke",
    ),
    path(
        "o/<slug:org_slug>/members/invitations/<int:invitation_pk>/resend/",
        members.invitation_resend_view,
        name="invitation-resend",
    ),
    path("o/<slug:org_slug>/members/<int:membership_pk>/role/", members.member_role, name="member-role"),
    path("o/<slug:org_slug>/members/<int:membership_pk>/remove/", members.member_remove, name="member-remove"),
    path("o/<slug:org_slug>/audit/", audit.audit_log, name="audit-log"),
    path("o/<slug:org_slug>/audit/export.csv", audit.audit_export, name="audit-export"),
    path("o/<slug:org_slug>/api-tokens/", tokens.api_tokens, name="api-tokens"),
    path("o/<slug:org_slug>/api-tokens/<int:token_pk>/revoke/", tokens.api_token_revoke_view, name="api-token-revoke"),
    # Outside /o/: the visitor is not a member yet; the secret in the link names the organization.
    path("invite/<str:token>/", invitations.invitation_accept_view, name="invitation-accept"),
    # Outside /o/: emails show the logo to whoever reads them; the file's name is the SHA-256 of its bytes.
    path("brand/<str:token>", branding.brand_logo, name="brand-logo"),
]
