from django.urls import path

from . import views
from .notices import urls as notices_urls

app_name = "reports"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    *notices_urls.urlpatterns,  # /reports/notices/...
]
