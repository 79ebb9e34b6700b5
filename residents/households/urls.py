"""The URLs of residents.households; residents/urls.py gathers every part's."""

from django.urls import path

from . import views

urlpatterns = [
    path("households/", views.HouseholdListView.as_view(), name="household_list"),
    path(
        "compounds/<int:compound_pk>/households/",
        views.HouseholdListView.as_view(),
        name="compound_households",
    ),
    path(
        "compounds/<int:compound_pk>/households/add/", views.HouseholdEditView.as_view(), name="household_add"
    ),
    path("households/<int:pk>/", views.HouseholdDetailView.as_view(), name="household_detail"),
    path("households/<int:pk>/edit/", views.HouseholdEditView.as_view(), name="household_edit"),
    path("households/<int:pk>/delete/", views.HouseholdDeleteView.as_view(), name="household_delete"),
    path("households/<int:pk>/reveal/", views.HouseholdRevealView.as_view(), name="household_unmask"),
]
