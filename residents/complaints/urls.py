"""The URLs of residents.complaints; residents/urls.py gathers every part's."""

from django.urls import path

from . import views

urlpatterns = [
    path("complaints/", views.ComplaintListView.as_view(), name="complaint_list"),
    path("complaints/add/", views.ComplaintAddView.as_view(), name="complaint_add"),
    path("complaints/statistics/", views.ComplaintStatsView.as_view(), name="complaint_stats"),
    path("complaints/<int:pk>/", views.ComplaintDetailView.as_view(), name="complaint_detail"),
    path("complaints/<int:pk>/assign/", views.ComplaintAssignView.as_view(), name="complaint_assign"),
    path("complaints/<int:pk>/answer/", views.ComplaintAnswerView.as_view(), name="complaint_answer"),
    path("complaints/<int:pk>/close/", views.ComplaintCloseView.as_view(), name="complaint_close"),
]
