"""The URLs of residents.surveys; residents/urls.py gathers every part's."""

from django.urls import path

from . import views

urlpatterns = [
    path("surveys/", views.CampaignListView.as_view(), name="campaign_list"),
    path("surveys/new/", views.CampaignEditView.as_view(), name="campaign_add"),
    path("surveys/<int:pk>/", views.CampaignDetailView.as_view(), name="campaign_detail"),
    path("surveys/<int:pk>/edit/", views.CampaignEditView.as_view(), name="campaign_edit"),
    path("surveys/<int:pk>/delete/", views.CampaignDeleteView.as_view(), name="campaign_delete"),
    path("surveys/<int:pk>/template.xlsx", views.CampaignTemplateView.as_view(), name="campaign_template"),
]
