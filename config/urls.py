from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from core.submissions import submission_token_exempt
from core.views import favicon, healthz
from org import accounts

urlpatterns = [
    # Logging in and out and switching the language are never "already sent" (core.submissions).
    path("accounts/login/", submission_token_exempt(accounts.PortalLoginView.as_view()), name="login"),
    path("accounts/logout/", submission_token_exempt(accounts.PortalLogoutView.as_view()), name="logout"),
    path("accounts/password_change/", accounts.PortalPasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # POST only: Django's view would answer any other method with a redirect.
    path("i18n/setlang/", submission_token_exempt(require_POST(set_language)), name="set_language"),
    path("healthz", healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages without a <link rel="icon"> (the admin's).
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("org/", include("org.urls")),
    path("projects/", include("projects.urls")),
    path("approvals/", include("approvals.urls")),
    path("funding/", include("funding.urls")),
    path("residents/", include("residents.urls")),
    path("", include("core.urls")),
    path("", include("reports.urls")),
]
