"""The URLs of residents.entry; residents/urls.py gathers every part's."""

urlpatterns = []
