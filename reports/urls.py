from django.urls import path

from . import views
from .monthly import urls as monthly_urls
from .notices import urls as notices_urls

app_name = "reports"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    *monthly_urls.urlpatterns,  # /reports/monthly/...
    *notices_urls.urlpatterns,  # /reports/notices/...
]
