from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from mentorhub.accounts.views import home
from mentorhub.web.schema import ApiDocsView

# Under /api/, an address no route matches and a request Django refuses before any view answer JSON, like
# every other API refusal.
handler404 = "mentorhub.web.errors.not_found"
handler400 = "mentorhub.web.errors.bad_request"
# An unhandled exception: a clean 503 while the database is out of reach, Django's 500 page otherwise.
handler500 = "mentorhub.web.errors.server_error"

# The Django admin signs in through allauth (rate limits, two-factor), never its own login form.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", home.root, name="home"),
    # /healthz, /readyz, /metrics (the operator endpoints middleware answers them first: mentorhub/ops).
    path("", include("mentorhub.ops.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("scim/v2/o/<slug:org_slug>/", include("identity.scim.urls")),
    path("api/v1/o/<slug:org_slug>/", include("mentorhub.accounts.api.urls")),
    path("api/v1/o/<slug:org_slug>/", include("programs.api.urls")),
    path("api/v1/o/<slug:org_slug>/", include("matching.api.urls")),
    path("api/v1/o/<slug:org_slug>/", include("analytics.api.urls")),
    path("api/v1/o/<slug:org_slug>/", include("sessions.api.urls")),
    path("", include("mentorhub.accounts.urls")),
    path("", include("identity.urls")),
    path("", include("programs.urls")),
    path("", include("matching.urls")),
    path("", include("sessions.urls")),
    path("", include("analytics.urls")),
    path("", include("integrations.urls")),
]
