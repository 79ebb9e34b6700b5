"""Pages of projects that change them as a whole (create, edit, delete), and the base of the
views of a project's records."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.views import View

from core.views import ObjectDeleteView, ObjectEditView, RestrictedViewMixin
from projects.models import Project

from . import services as project_services
from .forms import ProjectForm


class ProjectEditView(ObjectEditView):
    model = Project
    form_class = ProjectForm
    create_service = project_services.project_create
    update_service = project_services.project_update


class ProjectDeleteView(ObjectDeleteView):
    model = Project
    delete_service = project_services.project_delete
    success_url_name = "projects:project_list"


class RecordActionView(RestrictedViewMixin, View):
    """Base of the views below: the role must be allowed ``action`` on ``model``."""

    def get_project(self):
        return get_object_or_404(
            Project.objects.restrict(self.request.user).select_related("region"), pk=self.kwargs["pk"]
        )

    def get_record(self):
        """The ``model`` row of the URL, in the user's scope for ``action``."""
        return get_object_or_404(self.base_queryset(), pk=self.kwargs["pk"])

    def refused(self, error, target):
        for message in error.messages:
            messages.error(self.request, message)
        return redirect(target)
