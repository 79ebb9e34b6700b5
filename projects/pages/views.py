"""The project pages that bring the parts together: the list with its totals, the project page
with its lifecycle and records, and the lifecycle step taken from that page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.imports import importer_allowed
from core.views import Column, ObjectDetailView, ObjectListView
from projects.lifecycle import flows
from projects.lifecycle import selectors as lifecycle
from projects.lifecycle.forms import transition_form
from projects.lifecycle.transitions import transition_for
from projects.models import Project
from projects.works import selectors as works

from .filters import ProjectFilter
from .sections import project_page


class ProjectListView(ObjectListView):
    model = Project
    template_name = "projects/project_list.html"
    filterset_class = ProjectFilter
    export_kind = "projects"
    columns = (
        Column(gettext_lazy("project name"), "name", link=True, sort="name"),
        Column(gettext_lazy("project code"), "code", sort="code"),
        Column(gettext_lazy("area"), "region.name", sort="region__path"),
        Column(gettext_lazy("plan year"), "plan_year", sort="plan_year", numeric=True),
        Column(gettext_lazy("stage"), "get_stage_display", sort="stage"),
        Column(gettext_lazy("pipeline pool"), "get_pool_display", sort="pool"),
        Column(gettext_lazy("compounds"), "compound_count", numeric=True),
        Column(gettext_lazy("households"), "households", sort="households", numeric=True),
        Column(gettext_lazy("next deadline"), "deadline_text", sort="next_due_on"),
        Column(gettext_lazy("overdue findings"), "overdue_findings", numeric=True),
    )

    def base_queryset(self):
        return works.with_overdue_findings(lifecycle.projects_for_list(self.request.user))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        totals = lifecycle.project_totals(self.object_list)
        totals["estimated"] = works.estimated_total(self.object_list)
        context.update(
            totals=totals,
            by_stage=lifecycle.projects_by_stage(self.object_list),
            can_import=importer_allowed(self.request.user, self.export_kind),
        )
        return context


class ProjectDetailView(ObjectDetailView):
    model = Project
    related = ("region", "city")
    template_name = "projects/project_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(project_page(self.request.user, self.object, kwargs.get("step_form")))
        return context


class ProjectTransitionView(ProjectDetailView):
    """POST: take one lifecycle step. A role without the step's permission gets 403; a refusal
    shows the page again with the reasons, keeping what was typed."""

    http_method_names = ["post"]

    def post(self, request, pk, action):
        project = get_object_or_404(Project.objects.restrict(request.user), pk=pk)
        transition = transition_for(action)
        if transition is None:
            return redirect(project.get_absolute_url())
        if not request.user.has_perm(transition.permission) or not project.is_run_by(request.user):
            raise PermissionDenied
        running = flows.open_requests(project, flows.SETTLED_BY.get(action, ())).exists()
        form = transition_form(
            transition, request.POST, request.FILES, outside_note=running,
            starts_flow=flows.starts_flow(project, action),
        )  # fmt: skip
        if form.is_valid():
            inputs = dict(form.cleaned_data)
            try:
                flows.take_step(
                    actor=request.user,
                    project=project,
                    action=action,
                    note=inputs.pop("outside_note", ""),
                    **inputs,
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.error_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    for message in error.messages:
                        form.add_error(None, message)
            else:
                messages.success(request, _("Done: %(step)s.") % {"step": transition.label})
                return redirect(project.get_absolute_url())
        self.object = project
        return self.render_to_response(self.get_context_data(step_form=form))
