"""Pages of the identity app: SSO settings under /o/<org_slug>/settings/sso/, employee groups under
/o/<org_slug>/groups/, and the sign-in helpers outside /o/ (the visitor is not signed in yet)."""

from django.urls import path

from .views import sso_settings, sso_signin, sso_test

urlpatterns = [
    path("o/<slug:org_slug>/settings/sso/", sso_settings.sso_settings, name="sso-settings"),
    path(
        "o/<slug:org_slug>/settings/sso/domains/<int:domain_pk>/release/",
        sso_settings.sso_domain_release,
        name="sso-domain-release",
    ),
    path("o/<slug:org_slug>/settings/sso/test/", sso_test.sso_test_start, name="sso-test"),
    path("o/<slug:org_slug>/settings/sso/test/result/", sso_test.sso_test_result, name="sso-test-result"),
    # Home-realm discovery: the sign-in page's "Continue" with an email address.
    path("sso/discover/", sso_signin.sso_discover, name="sso-discover"),
]
