"""Pages and actions of one project's content and course: the item grid, prerequisites, progress,
inspections and the archive. Each checks the role's permission on its model (403, core's
RestrictedViewMixin), then finds the project or record in the user's scope (404), and calls one
service."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.forms import form_messages
from core.views import add_service_errors
from projects.lifecycle.views import RecordActionView
from projects.models import (
    Finding,
    Inspection,
    ProgressReport,
    ProjectItem,
)

from . import rules, selectors
from . import services as work_services
from .forms import (
    FindingCloseForm,
    FindingFormSet,
    InspectionForm,
    ProgressReportForm,
    ProjectItemFormSet,
)

SPARE_GRID_ROWS = 20


class ProjectItemGridView(RecordActionView):
    """The project's items as one grid: add, change and remove rows, saved together."""

    model = ProjectItem
    action = "change"
    template_name = "projects/projectitem_grid.html"

    def formset(self, data=None):
        items = selectors.grid_items(self.project)
        queryset = self.project.items.select_related("item__category")
        formset = ProjectItemFormSet(data, queryset=queryset, form_kwargs={"items": items}, prefix="items")
        # An item is in a project once, so the grid never needs more rows than there are items, plus
        # the empty ones the page adds five at a time. Unbounded, a POST claiming 2,000 rows had the
        # page build and show them all (~45 s).
        formset.max_num = formset.absolute_max = len(items) + SPARE_GRID_ROWS
        return formset

    def render_grid(self, formset, errors=()):
        rows, grand = selectors.item_totals(self.project)
        return render(
            self.request,
            self.template_name,
            {
                "object": self.project,
                "formset": formset,
                "service_errors": errors,
                "category_totals": rows,
                "grand_total": grand,
                "missing_basic": selectors.missing_basic_items(self.project),
            },
        )

    def get(self, request, pk):
        self.project = self.get_project(whole=True)
        # A grid the save would refuse is not offered (a closed project's items are its record).
        refused = self.refusal(rules.check_items_open)
        return refused or self.render_grid(self.formset())

    def post(self, request, pk):
        self.project = self.get_project(whole=True)
        formset = self.formset(request.POST)
        if not formset.is_valid():
            return self.render_grid(formset, self.grid_errors(formset))
        rows = []
        for form in formset.forms:
            data = form.cleaned_data
            if not data or (not form.instance.pk and not data.get("item")):
                continue  # an empty extra row
            rows.append({**data, "id": form.instance.pk, "delete": data.get("DELETE", False)})
        try:
            work_services.project_items_save(actor=request.user, project=self.project, rows=rows)
        except ValidationError as error:
            return self.render_grid(formset, error.messages)
        messages.success(request, _("The items are saved."))
        return redirect(self.project.get_absolute_url() + "#project-items")

    @staticmethod
    def grid_errors(formset):
        """Cell errors as sentences naming the row and the column, for the summary above the grid."""
        errors = []
        for number, form in enumerate(formset.forms, start=1):
            for name, field_errors in form.errors.items():
                if name == formset.model._meta.pk.name:  # the row was removed meanwhile
                    message = _("this item is no longer part of the project; reload the page.")
                    errors.append(_("Row %(row)s: %(message)s") % {"row": number, "message": message})
                    continue
                label = form.fields[name].label if name in form.fields else ""
                errors.extend(
                    _("Row %(row)s, %(field)s: %(message)s")
                    % {"row": number, "field": label, "message": message}
                    for message in field_errors
                )
        errors.extend(formset.non_form_errors())
        return errors


class ProgressReportCreateView(RecordActionView):
    model = ProgressReport
    action = "add"
    template_name = "projects/progressreport_form.html"

    def get(self, request, pk):
        self.project = self.get_project()
        refused = self.refusal(rules.check_takes_progress)
        return refused or render(
            request, self.template_name, {"object": self.project, "form": ProgressReportForm()}
        )

    def post(self, request, pk):
        self.project = self.get_project()
        form = ProgressReportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                work_services.progress_report_create(
                    actor=request.user, project=self.project, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Progress reported."))
                return redirect(self.project.get_absolute_url() + "#progress")
        return render(request, self.template_name, {"object": self.project, "form": form})


class InspectionCreateView(RecordActionView):
    model = Inspection
    action = "add"
    template_name = "projects/inspection_form.html"

    def page(self, form, findings):
        return render(
            self.request, self.template_name, {"object": self.project, "form": form, "findings": findings}
        )

    def get(self, request, pk):
        self.project = self.get_project()
        return self.page(InspectionForm(), FindingFormSet(prefix="findings"))

    def post(self, request, pk):
        self.project = self.get_project()
        form = InspectionForm(request.POST)
        findings = FindingFormSet(request.POST, prefix="findings")
        if form.is_valid() and findings.is_valid():
            rows = [data for data in findings.cleaned_data if data]
            try:
                work_services.inspection_create(
                    actor=request.user, project=self.project, findings=rows, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The inspection is recorded."))
                return redirect(self.project.get_absolute_url() + "#inspections")
        return self.page(form, findings)


class FindingCloseView(RecordActionView):
    model = Finding
    action = "change"
    related = ("inspection",)
    http_method_names = ["post"]

    def post(self, request, pk):
        finding = self.get_record()
        form = FindingCloseForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(form_messages(form))
            work_services.finding_close(actor=request.user, finding=finding, **form.cleaned_data)
        except ValidationError as error:
            return self.refused(error, finding.get_absolute_url())
        messages.success(request, _("Finding closed: %(finding)s") % {"finding": finding})
        return redirect(finding.get_absolute_url())
