from django.urls import path

from . import views

app_name = "org"

urlpatterns = [
    path("regions/", views.RegionListView.as_view(), name="region_list"),
    path("regions/add/", views.RegionEditView.as_view(), name="region_add"),
    path("regions/<int:pk>/", views.RegionDetailView.as_view(), name="region_detail"),
    path("regions/<int:pk>/edit/", views.RegionEditView.as_view(), name="region_edit"),
    path("regions/<int:pk>/delete/", views.RegionDeleteView.as_view(), name="region_delete"),
    path("organisations/", views.OrganisationListView.as_view(), name="organisation_list"),
    path("organisations/<int:pk>/", views.OrganisationDetailView.as_view(), name="organisation_detail"),
    path("policies/", views.CityPolicyListView.as_view(), name="citypolicy_list"),
    path("policies/add/", views.CityPolicyEditView.as_view(), name="citypolicy_add"),
    path("policies/<int:pk>/", views.CityPolicyDetailView.as_view(), name="citypolicy_detail"),
    path("policies/<int:pk>/edit/", views.CityPolicyEditView.as_view(), name="citypolicy_edit"),
    path("policies/<int:pk>/delete/", views.CityPolicyDeleteView.as_view(), name="citypolicy_delete"),
]
