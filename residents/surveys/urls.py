"""The URLs of residents.surveys; residents/urls.py gathers every part's."""

urlpatterns = []
