from django.urls import path

from . import views

urlpatterns = [
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("dashboard/wall/", views.WallView.as_view(), name="dashboard_wall"),
    path("dashboard/export.xlsx", views.ExportView.as_view(), name="dashboard_export"),
]
