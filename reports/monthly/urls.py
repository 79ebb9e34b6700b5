"""URLs of the monthly report, under /reports/monthly/ in reports' namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("reports/monthly/", views.MonthlyListView.as_view(), name="monthly_list"),
    path("reports/monthly/build/", views.MonthlyBuildView.as_view(), name="monthly_build"),
    path("reports/monthly/<int:pk>/", views.MonthlyDetailView.as_view(), name="monthly_detail"),
    path("reports/monthly/<int:pk>/submit/", views.MonthlySubmitView.as_view(), name="monthly_submit"),
    path("reports/monthly/<int:pk>/reopen/", views.MonthlyReopenView.as_view(), name="monthly_reopen"),
    path(
        "reports/monthly/<int:pk>/xlsx/",
        views.MonthlyDownloadView.as_view(extension="xlsx"),
        name="monthly_xlsx",
    ),
    path(
        "reports/monthly/<int:pk>/pdf/",
        views.MonthlyDownloadView.as_view(extension="pdf"),
        name="monthly_pdf",
    ),
]
