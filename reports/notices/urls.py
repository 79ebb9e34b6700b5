"""URLs of the notices, under /reports/notices/ in reports' namespace."""

from django.urls import path

from . import contributions, views

urlpatterns = [
    path("reports/notices/", views.NoticeListView.as_view(), name="notice_list"),
    path("reports/notices/batch/", views.NoticeBatchView.as_view(), name="notice_batch"),
    path("reports/notices/<int:pk>/", views.NoticeDetailView.as_view(), name="notice_detail"),
    path("reports/notices/<int:pk>/pdf/", views.NoticeDownloadView.as_view(), name="notice_download"),
    path("reports/notices/<int:pk>/void/", views.NoticeVoidView.as_view(), name="notice_void"),
    path("reports/notices/project/<int:pk>/", views.ProjectNoticesView.as_view(), name="project_notices"),
    path("reports/notices/issue/<slug:kind>/<int:pk>/", views.NoticeIssueView.as_view(), name="notice_issue"),
    *contributions.urlpatterns,
]
