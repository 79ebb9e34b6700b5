from django.urls import path

from . import project_views, views

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
]
