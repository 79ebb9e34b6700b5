"""The URLs of residents.results; residents/urls.py gathers every part's."""

from django.urls import path

from . import views

urlpatterns = [
    path("campaigns/<int:pk>/results/", views.CampaignResultsView.as_view(), name="campaign_results"),
    path("projects/<int:pk>/support/", views.ProjectSupportView.as_view(), name="project_support"),
]
