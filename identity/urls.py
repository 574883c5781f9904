"""Pages of the identity app: SSO settings under /o/<org_slug>/settings/sso/, employee groups under
/o/<org_slug>/groups/, and the sign-in helpers outside /o/ (the visitor is not signed in yet)."""

from django.urls import path

from .views import groups, sso_settings, sso_signin, sso_test

urlpatterns = [
    path("o/<slug:org_slug>/settings/sso/", sso_settings.sso_settings, name="sso-settings"),
    path(
        "o/<slug:org_slug>/settings/sso/domains/<int:domain_pk>/release/",
        sso_settings.sso_domain_release,
        name="sso-domain-release",
    ),
    path(
        "o/<slug:org_slug>/settings/sso/domains/<int:domain_pk>/verify/",
        sso_settings.sso_domain_verify,
        name="sso-domain-verify",
    ),
    path("o/<slug:org_slug>/settings/sso/test/", sso_test.sso_test_start, name="sso-test"),
    path("o/<slug:org_slug>/settings/sso/test/result/", sso_test.sso_test_result, name="sso-test-result"),
    # Employee groups (admins).
    path("o/<slug:org_slug>/groups/", groups.group_list, name="group-list"),
    path("o/<slug:org_slug>/groups/new/", groups.group_new, name="group-new"),
    path("o/<slug:org_slug>/groups/<int:group_pk>/", groups.group_detail, name="group-detail"),
    path("o/<slug:org_slug>/groups/<int:group_pk>/edit/", groups.group_edit, name="group-edit"),
    path("o/<slug:org_slug>/groups/<int:group_pk>/delete/", groups.group_delete_view, name="group-delete"),
    path("o/<slug:org_slug>/groups/<int:group_pk>/members.csv", groups.group_export, name="group-export"),
    path(
        "o/<slug:org_slug>/groups/<int:group_pk>/members/add/", groups.group_members_add_view, name="group-members-add"
    ),
    path(
        "o/<slug:org_slug>/groups/<int:group_pk>/members/<int:employee_pk>/remove/",
        groups.group_member_remove,
        name="group-member-remove",
    ),
    # Home-realm discovery: the sign-in page's "Continue" with an email address.
    path("sso/discover/", sso_signin.sso_discover, name="sso-discover"),
]
