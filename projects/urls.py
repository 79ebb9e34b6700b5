from django.urls import path

from . import project_views, views, work_views

app_name = "projects"

urlpatterns = [
    path("compounds/", views.CompoundListView.as_view(), name="compound_list"),
    path("compounds/add/", views.CompoundEditView.as_view(), name="compound_add"),
    path("compounds/<int:pk>/", views.CompoundDetailView.as_view(), name="compound_detail"),
    path("compounds/<int:pk>/edit/", views.CompoundEditView.as_view(), name="compound_edit"),
    path("compounds/<int:pk>/delete/", views.CompoundDeleteView.as_view(), name="compound_delete"),
    path(
        "compounds/<int:compound_pk>/buildings/add/", views.BuildingCreateView.as_view(), name="building_add"
    ),
    path("buildings/<int:pk>/edit/", views.BuildingEditView.as_view(), name="building_edit"),
    path("buildings/<int:pk>/delete/", views.BuildingDeleteView.as_view(), name="building_delete"),
    path("items/", views.RenovationItemListView.as_view(), name="renovationitem_list"),
    path("items/add/", views.RenovationItemEditView.as_view(), name="renovationitem_add"),
    path("items/<int:pk>/", views.RenovationItemDetailView.as_view(), name="renovationitem_detail"),
    path("items/<int:pk>/edit/", views.RenovationItemEditView.as_view(), name="renovationitem_edit"),
    path("items/<int:pk>/delete/", views.RenovationItemDeleteView.as_view(), name="renovationitem_delete"),
    path("", project_views.ProjectListView.as_view(), name="project_list"),
    path("add/", project_views.ProjectEditView.as_view(), name="project_add"),
    path("<int:pk>/", project_views.ProjectDetailView.as_view(), name="project_detail"),
    path("<int:pk>/edit/", project_views.ProjectEditView.as_view(), name="project_edit"),
    path("<int:pk>/delete/", project_views.ProjectDeleteView.as_view(), name="project_delete"),
    path(
        "<int:pk>/steps/<slug:action>/",
        project_views.ProjectTransitionView.as_view(),
        name="project_transition",
    ),
    path("<int:pk>/items/", work_views.ProjectItemGridView.as_view(), name="projectitem_grid"),
    path(
        "<int:pk>/prerequisites/<slug:kind>/",
        work_views.PrerequisiteRecordView.as_view(),
        name="prerequisite_record",
    ),
    path(
        "<int:pk>/prerequisites/<slug:kind>/clear/",
        work_views.PrerequisiteClearView.as_view(),
        name="prerequisite_clear",
    ),
    path("<int:pk>/progress/add/", work_views.ProgressReportCreateView.as_view(), name="progressreport_add"),
    path("<int:pk>/inspections/add/", work_views.InspectionCreateView.as_view(), name="inspection_add"),
    path("findings/<int:pk>/close/", work_views.FindingCloseView.as_view(), name="finding_close"),
    path("<int:pk>/attachments/add/", work_views.AttachmentUploadView.as_view(), name="attachment_add"),
    path("attachments/<int:pk>/", work_views.AttachmentDownloadView.as_view(), name="attachment_download"),
    path("attachments/<int:pk>/delete/", work_views.AttachmentDeleteView.as_view(), name="attachment_delete"),
]
