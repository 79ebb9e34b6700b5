"""The URLs of residents.contributions; residents/urls.py gathers every part's."""

from django.urls import path

from . import views

urlpatterns = [
    path("contributions/", views.ContributionProjectsView.as_view(), name="contribution_projects"),
    path(
        "projects/<int:pk>/contributions/",
        views.ContributionListView.as_view(),
        name="contribution_list",
    ),
    path(
        "projects/<int:pk>/contributions/calculate/",
        views.ContributionCalculateView.as_view(),
        name="contribution_calculate",
    ),
    path(
        "contributions/<int:pk>/pay/",
        views.ContributionPayView.as_view(),
        name="contribution_pay",
    ),
    path(
        "contributions/<int:pk>/due/",
        views.ContributionDueView.as_view(),
        name="contribution_due",
    ),
]
