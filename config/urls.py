from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script from a URL, so the page runs under our CSP.
    # Swagger UI's page carries one <style> block: allowed on this page only.
    # A person in a browser: signed out, they are sent to sign in and back (not a bare 401).
    path(
        "api/docs/",
        login_required(
            csp_override({**settings.SECURE_CSP, "style-src": ["'self'", "'unsafe-inline'"]})(
                SpectacularSwaggerSplitView.as_view(url_name="api-schema")
            )
        ),
        name="api-docs",
    ),
    path("api/v1/", include("accounts.api_urls")),
    path("api/v1/", include("reviews.api_urls")),
    path("api/v1/", include("measurement.api_urls")),
    path("api/v1/", include("planning.api_urls")),
    path("", include("reviews.urls")),
    path("", include("measurement.urls")),
    path("", include("digests.urls")),
    path("", include("planning.urls")),
    path("", include("core.urls")),
]

handler500 = "core.views.server_error"
handler404 = "core.views.not_found"
handler400 = "core.views.bad_request"
