from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("audit/", views.AuditEntryListView.as_view(), name="auditentry_list"),
    path("jobs/<int:pk>/", views.JobDetailView.as_view(), name="job_detail"),
    path("jobs/<int:pk>/progress/", views.JobProgressView.as_view(), name="job_progress"),
    path("system/", views.SystemStatusView.as_view(), name="system_status"),
    path("system/selfcheck/", views.SelfCheckStartView.as_view(), name="selfcheck_start"),
]
