from django.urls import path

from .archive import views as archive_views
from .catalogue import views as catalogue_views
from .lifecycle import views as lifecycle_views
from .pages import views as pages_views
from .quotas import views as quota_views
from .registry import views as registry_views
from .works import views as works_views

app_name = "projects"

urlpatterns = [
    path("compounds/", registry_views.CompoundListView.as_view(), name="compound_list"),
    path("compounds/search/", registry_views.CompoundSearchView.as_view(), name="compound_search"),
    path("compounds/add/", registry_views.CompoundEditView.as_view(), name="compound_add"),
    path("compounds/<int:pk>/", registry_views.CompoundDetailView.as_view(), name="compound_detail"),
    path("compounds/<int:pk>/edit/", registry_views.CompoundEditView.as_view(), name="compound_edit"),
    path("compounds/<int:pk>/delete/", registry_views.CompoundDeleteView.as_view(), name="compound_delete"),
    path(
        "compounds/<int:compound_pk>/buildings/add/",
        registry_views.BuildingCreateView.as_view(),
        name="building_add",
    ),
    path("buildings/<int:pk>/edit/", registry_views.BuildingEditView.as_view(), name="building_edit"),
    path("buildings/<int:pk>/delete/", registry_views.BuildingDeleteView.as_view(), name="building_delete"),
    path("items/", catalogue_views.RenovationItemListView.as_view(), name="renovationitem_list"),
    path("items/add/", catalogue_views.RenovationItemEditView.as_view(), name="renovationitem_add"),
    path("items/<int:pk>/", catalogue_views.RenovationItemDetailView.as_view(), name="renovationitem_detail"),
    path(
        "items/<int:pk>/edit/", catalogue_views.RenovationItemEditView.as_view(), name="renovationitem_edit"
    ),
    path(
        "items/<int:pk>/delete/",
        catalogue_views.RenovationItemDeleteView.as_view(),
        name="renovationitem_delete",
    ),
    path("quotas/", quota_views.QuotaTableView.as_view(), name="quota_table"),
    path("", pages_views.ProjectListView.as_view(), name="project_list"),
    path("add/", lifecycle_views.ProjectEditView.as_view(), name="project_add"),
    path("<int:pk>/", pages_views.ProjectDetailView.as_view(), name="project_detail"),
    path("<int:pk>/edit/", lifecycle_views.ProjectEditView.as_view(), name="project_edit"),
    path("<int:pk>/delete/", lifecycle_views.ProjectDeleteView.as_view(), name="project_delete"),
    path(
        "<int:pk>/steps/<slug:action>/",
        pages_views.ProjectTransitionView.as_view(),
        name="project_transition",
    ),
    path("<int:pk>/items/", works_views.ProjectItemGridView.as_view(), name="projectitem_grid"),
    path(
        "<int:pk>/prerequisites/<slug:kind>/",
        archive_views.PrerequisiteRecordView.as_view(),
        name="prerequisite_record",
    ),
    path(
        "<int:pk>/prerequisites/<slug:kind>/clear/",
        archive_views.PrerequisiteClearView.as_view(),
        name="prerequisite_clear",
    ),
    path("<int:pk>/progress/add/", works_views.ProgressReportCreateView.as_view(), name="progressreport_add"),
    path("<int:pk>/inspections/add/", works_views.InspectionCreateView.as_view(), name="inspection_add"),
    path("findings/<int:pk>/close/", works_views.FindingCloseView.as_view(), name="finding_close"),
    path("<int:pk>/attachments/add/", archive_views.AttachmentUploadView.as_view(), name="attachment_add"),
    path("attachments/<int:pk>/", archive_views.AttachmentDownloadView.as_view(), name="attachment_download"),
    path(
        "attachments/<int:pk>/delete/", archive_views.AttachmentDeleteView.as_view(), name="attachment_delete"
    ),
]
