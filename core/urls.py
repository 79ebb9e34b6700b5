from django.urls import path

from . import import_views, notification_views, views

app_name = "core"

urlpatterns = [
    path("audit/", views.AuditEntryListView.as_view(), name="auditentry_list"),
    path("jobs/<int:pk>/", views.JobDetailView.as_view(), name="job_detail"),
    path("jobs/<int:pk>/progress/", views.JobProgressView.as_view(), name="job_progress"),
    path("jobs/<int:pk>/retry/", views.JobRetryView.as_view(), name="job_retry"),
    path("notifications/", notification_views.NotificationListView.as_view(), name="notification_list"),
    path(
        "notifications/<int:pk>/", notification_views.NotificationOpenView.as_view(), name="notification_open"
    ),
    path(
        "notifications/read/",
        notification_views.NotificationReadAllView.as_view(),
        name="notification_read_all",
    ),
    path("system/", views.SystemStatusView.as_view(), name="system_status"),
    path("system/selfcheck/", views.SelfCheckStartView.as_view(), name="selfcheck_start"),
    path("imports/<slug:kind>/new/", import_views.ImportStartView.as_view(), name="import_start"),
    path(
        "imports/<slug:kind>/template.xlsx", import_views.ImportTemplateView.as_view(), name="import_template"
    ),
    path("imports/<int:pk>/", import_views.ImportBatchView.as_view(), name="importbatch_detail"),
    path("imports/<int:pk>/commit/", import_views.ImportCommitView.as_view(), name="importbatch_commit"),
    path("imports/<int:pk>/retry/", import_views.ImportRetryView.as_view(), name="importbatch_retry"),
    path("imports/<int:pk>/errors.xlsx", import_views.ImportErrorsView.as_view(), name="importbatch_errors"),
]
