"""The URLs of residents.entry; residents/urls.py gathers every part's."""

from django.urls import path

from . import views

urlpatterns = [
    path("surveys/<int:pk>/entry/", views.EntryGridView.as_view(), name="campaign_entry"),
    path("surveys/<int:pk>/entry/row/", views.EntryRowView.as_view(), name="campaign_entry_row"),
]
