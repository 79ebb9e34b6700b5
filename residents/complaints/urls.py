"""The URLs of residents.complaints; residents/urls.py gathers every part's."""

urlpatterns = []
