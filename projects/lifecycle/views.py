"""Pages of projects that change them as a whole (create, edit, delete), and the base of the
views of a project's records."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
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

    def get_project(self, *, whole=False):
        """The project of the URL in the user's scope (404). ``whole``: the page changes the project
        itself, which a reader it only reaches through one of its compounds may not (403)."""
        project = get_object_or_404(
            Project.objects.restrict(self.request.user).select_related("region"), pk=self.kwargs["pk"]
        )
        if whole and not project.is_run_by(self.request.user):
            raise PermissionDenied
        return project

    def get_record(self):
        """The ``model`` row of the URL, in the user's scope for ``action``."""
        return get_object_or_404(self.base_queryset(), pk=self.kwargs["pk"])

    def refusal(self, rule):
        """Back to the project page with the reason when ``rule(project)`` refuses what this page
        offers (a form the service would refuse is not shown); None when it allows it."""
        try:
            rule(self.project)
        except ValidationError as error:
            return self.refused(error, self.project.get_absolute_url())
        return None

    def refused(self, error, target):
        for message in error.messages:
            messages.error(self.request, message)
        return redirect(target)
