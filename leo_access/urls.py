from django.contrib import admin
from django.urls import include, path

from . import error_pages, passkeys, profile, sessions, views
from .accredited_researchers import views as register_views

handler400 = error_pages.bad_request
handler403 = error_pages.permission_denied
handler404 = error_pages.page_not_found
handler500 = error_pages.server_error

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("livez", views.livez, name="livez"),
    path("metrics", include("operations.urls")),
    path("accessibility", views.accessibility, name="accessibility"),
    path("privacy", views.privacy, name="privacy"),
    path("accounts/profile/", profile.profile, name="profile"),
    path("accredited-researchers/", register_views.register, name="accredited_register"),
    path("accounts/sign-out-everywhere/", sessions.sign_out_everywhere, name="sign_out_everywhere"),
    path("accounts/notifications/", include("notifications.urls")),
    path("accounts/api-tokens/", include("api.account_urls")),
    # Before allauth's own, which would remove someone's last second factor.
    path("accounts/2fa/webauthn/keys/<int:pk>/remove/", passkeys.remove_passkey, name="mfa_remove_webauthn"),
    path("accounts/", include("allauth.urls")),
    path("applications/", include("applications.urls")),
    path("register/", include("applications.register.urls")),
    path("reviews/", include("reviews.urls")),
    path("tracking/", include("reviews.tracking.urls")),
    path("declarations/", include("declarations.urls")),
    path("audit/", include("leo_access.audit.urls")),
    path("people/", include("operations.personal_data_urls")),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
]
