"""The URLs of residents.results; residents/urls.py gathers every part's."""

urlpatterns = []
