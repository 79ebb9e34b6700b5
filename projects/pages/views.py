"""Pages of renovation projects: list, detail with the lifecycle, create/edit, and the step action."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.permissions import can
from core.views import Column, ObjectDetailView, ObjectListView
from projects.archive.selectors import archive_missing
from projects.lifecycle import services as project_services
from projects.lifecycle.forms import transition_form
from projects.lifecycle.transitions import blockers, next_transition, transition_for
from projects.models import Finding, Project, ProjectCompound, ProjectItem

from .filters import ProjectFilter
from .sections import project_sections


class ProjectListView(ObjectListView):
    model = Project
    related = ("region",)
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
        # Correlated subqueries, not joins: no GROUP BY over project × compound rows, and PostgreSQL
        # computes them only for the page's rows (docs/benchmarks.md).
        compounds = ProjectCompound.objects.filter(project=OuterRef("pk")).order_by().values("project")
        overdue_findings = (
            Finding.objects.overdue()
            .filter(inspection__project=OuterRef("pk"))
            .order_by()
            .values("inspection__project")
        )
        return (
            super()
            .base_queryset()
            .annotate(
                compound_count=Subquery(compounds.annotate(n=Count("pk")).values("n")),
                households=Subquery(compounds.annotate(n=Sum("compound__household_count")).values("n")),
                overdue_findings=Coalesce(Subquery(overdue_findings.annotate(n=Count("pk")).values("n")), 0),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filtered = Project.objects.filter(pk__in=self.object_list.order_by().values("pk"))
        totals = filtered.aggregate(
            projects=Count("pk"),
            overdue=Count("pk", filter=Q(next_due_on__lt=timezone.localdate())),
        )
        totals.update(
            ProjectCompound.objects.filter(project__in=filtered).aggregate(
                households=Sum("compound__household_count")
            ),
            **ProjectItem.objects.filter(project__in=filtered).aggregate(estimated=Sum("estimated_cost")),
        )
        by_stage = dict(
            self.object_list.order_by().values_list("stage").annotate(n=Count("pk", distinct=True))
        )
        context["totals"] = totals
        context["can_import"] = all(can(self.request.user, action, Project) for action in ("add", "change"))
        context["by_stage"] = [(label, by_stage.get(value, 0)) for value, label in Project.Stage.choices]
        return context


class ProjectDetailView(ObjectDetailView):
    model = Project
    related = (
        "region",
        "city",
    )
    template_name = "projects/project_detail.html"
    fields = (
        "code", "plan_year", "pool", "implementing_entity", "designer", "contractor", "supervisor",
        "planned_start", "planned_completion", "survey_completed_on", "design_completed_on", "declared_on",
        "approved_on", "approval_body", "approval_number", "permit_number", "permit_exempt", "started_on",
        "completed_on", "accepted_on", "handed_over_on", "management_entity", "audited_on",
    )  # fmt: skip

    PLAN_FIELDS = 10  # the first fields are the plan; the rest are facts the steps record

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = self.object
        plan, facts = context["field_rows"][: self.PLAN_FIELDS], context["field_rows"][self.PLAN_FIELDS :]
        # A fact shows once a step has recorded it; "no" of the permit exemption is no fact.
        context["field_rows"] = plan + [
            (label, value) for label, value in facts if value not in ("—", _("no"))
        ]
        compounds = project.compounds.select_related("community__parent").order_by("name")
        step = next_transition(project)
        context.update(project_sections(self.request.user, project))
        if step is not None and step.action == "accept":
            context["archive_missing"] = archive_missing(project)
        context.update(
            compounds=compounds,
            compound_totals=compounds.aggregate(
                households=Sum("household_count"),
                buildings=Sum("building_count"),
                floor_area=Sum("floor_area"),
            ),
            stages=[
                (value, label, index < project.stage_index, value == project.stage)
                for index, (value, label) in enumerate(Project.Stage.choices)
            ],
            step=step,
            step_blockers=blockers(step, project, self.request.user) if step else [],
            step_form=kwargs.get("step_form") or (transition_form(step) if step else None),
        )
        return context


class ProjectTransitionView(ProjectDetailView):
    """POST: take one lifecycle step; on a refusal the page shows the reasons and keeps the input."""

    http_method_names = ["post"]

    def post(self, request, pk, action):
        project = get_object_or_404(Project.objects.restrict(request.user), pk=pk)
        transition = transition_for(action)
        if transition is None:
            return redirect(project.get_absolute_url())
        form = transition_form(transition, request.POST)
        if form.is_valid():
            try:
                project_services.project_transition(
                    actor=request.user, project=project, action=action, **form.cleaned_data
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("Done: %(step)s.") % {"step": transition.label})
                return redirect(project.get_absolute_url())
        self.object = project
        self.kwargs = {"pk": pk}
        return self.render_to_response(self.get_context_data(step_form=form))
