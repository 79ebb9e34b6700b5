from django.urls import path

from . import views

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
]
