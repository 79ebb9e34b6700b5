"""The URLs of residents.contributions; residents/urls.py gathers every part's."""

urlpatterns = []
