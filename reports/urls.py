from django.urls import path

from . import progress_views, views
from .dashboard import urls as dashboard_urls
from .monthly import urls as monthly_urls
from .notices import urls as notices_urls
from .public import urls as public_urls

app_name = "reports"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("reports/progress/", progress_views.ProgressView.as_view(), name="progress"),
    *dashboard_urls.urlpatterns,  # /dashboard/...
    *monthly_urls.urlpatterns,  # /reports/monthly/...
    *notices_urls.urlpatterns,  # /reports/notices/...
    *public_urls.urlpatterns,  # /p/... (public, no login) and /reports/public/...
]
