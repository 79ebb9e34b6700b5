"""The URLs of residents.households; residents/urls.py gathers every part's."""

urlpatterns = []
