"""Pages and actions of one project's content and course: the item grid, prerequisites, progress,
inspections and the archive. Each checks the role's permission (403) and then finds the project in
the user's scope (404), and calls one service."""

import mimetypes

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from core.views import add_service_errors

from . import archive_services, work_services
from .models import Attachment, Finding, Project
from .work_forms import (
    AttachmentForm,
    FindingCloseForm,
    FindingFormSet,
    InspectionForm,
    PrerequisiteForm,
    ProgressReportForm,
    ProjectItemFormSet,
    grid_items,
)


class ProjectActionView(LoginRequiredMixin, View):
    """Base of the views below: ``permission`` names what the role must hold."""

    permission = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_project(self):
        return get_object_or_404(
            Project.objects.restrict(self.request.user).select_related("region"), pk=self.kwargs["pk"]
        )

    def refused(self, error, anchor):
        for message in error.messages:
            messages.error(self.request, message)
        return redirect(self.project.get_absolute_url() + anchor)


class ProjectItemGridView(ProjectActionView):
    """The project's items as one grid: add, change and remove rows, saved together."""

    permission = "projects.change_projectitem"
    template_name = "projects/projectitem_grid.html"

    def formset(self, data=None):
        items = grid_items(self.project)
        queryset = self.project.items.select_related("item__category")
        return ProjectItemFormSet(data, queryset=queryset, form_kwargs={"items": items}, prefix="items")

    def render_grid(self, formset, errors=()):
        rows, grand = work_services.item_totals(self.project)
        return render(
            self.request,
            self.template_name,
            {
                "object": self.project,
                "formset": formset,
                "service_errors": errors,
                "category_totals": rows,
                "grand_total": grand,
                "missing_basic": work_services.missing_basic_items(self.project),
            },
        )

    def get(self, request, pk):
        self.project = self.get_project()
        return self.render_grid(self.formset())

    def post(self, request, pk):
        self.project = self.get_project()
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


class PrerequisiteRecordView(ProjectActionView):
    permission = "projects.add_projectprerequisite"
    http_method_names = ["post"]

    def post(self, request, pk, kind):
        self.project = self.get_project()
        form = PrerequisiteForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.refused(ValidationError(_form_messages(form)), "#prerequisites")
        try:
            row = archive_services.prerequisite_record(
                actor=request.user, project=self.project, kind=kind, met_on=form.cleaned_data["met_on"],
                note=form.cleaned_data["note"], upload=form.cleaned_data["file"],
            )  # fmt: skip
        except ValidationError as error:
            return self.refused(error, "#prerequisites")
        messages.success(request, _("Recorded: %(prerequisite)s.") % {"prerequisite": row.get_kind_display()})
        return redirect(self.project.get_absolute_url() + "#prerequisites")


class PrerequisiteClearView(ProjectActionView):
    permission = "projects.delete_projectprerequisite"
    http_method_names = ["post"]

    def post(self, request, pk, kind):
        self.project = self.get_project()
        try:
            archive_services.prerequisite_clear(actor=request.user, project=self.project, kind=kind)
        except ValidationError as error:
            return self.refused(error, "#prerequisites")
        return redirect(self.project.get_absolute_url() + "#prerequisites")


class ProgressReportCreateView(ProjectActionView):
    permission = "projects.add_progressreport"
    template_name = "projects/progressreport_form.html"

    def get(self, request, pk):
        self.project = self.get_project()
        return render(request, self.template_name, {"object": self.project, "form": ProgressReportForm()})

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


class InspectionCreateView(ProjectActionView):
    permission = "projects.add_inspection"
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


class FindingCloseView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        if not request.user.has_perm("projects.change_finding"):
            raise PermissionDenied
        finding = get_object_or_404(
            Finding.objects.restrict(request.user).select_related("inspection"), pk=pk
        )
        target = finding.get_absolute_url()
        form = FindingCloseForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(_form_messages(form))
            work_services.finding_close(actor=request.user, finding=finding, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Finding closed: %(finding)s") % {"finding": finding})
        return redirect(target)


class AttachmentUploadView(ProjectActionView):
    permission = "projects.add_attachment"
    http_method_names = ["post"]

    def post(self, request, pk):
        self.project = self.get_project()
        form = AttachmentForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.refused(ValidationError(_form_messages(form)), "#attachments")
        try:
            attachment = archive_services.attachment_upload(
                actor=request.user, project=self.project, upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"], description=form.cleaned_data["description"],
            )  # fmt: skip
        except ValidationError as error:
            return self.refused(error, "#attachments")
        messages.success(request, _("Added %(name)s.") % {"name": attachment.filename})
        return redirect(self.project.get_absolute_url() + "#attachments")


class AttachmentDownloadView(LoginRequiredMixin, View):
    """The only way out for an archived file: the role's permission and the project's scope."""

    def get(self, request, pk):
        if not request.user.has_perm("projects.view_attachment"):
            raise PermissionDenied
        attachment = get_object_or_404(Attachment.objects.restrict(request.user), pk=pk)
        # Photos may show inline (thumbnails on the project page); everything else downloads.
        inline = request.GET.get("inline") == "1" and attachment.is_image
        content_type = mimetypes.guess_type(attachment.filename)[0] or "application/octet-stream"
        response = FileResponse(
            attachment.file.open("rb"),
            as_attachment=not inline,
            filename=attachment.filename,
            content_type=content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response["Cache-Control"] = "private, max-age=3600"
        return response


class AttachmentDeleteView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        if not request.user.has_perm("projects.delete_attachment"):
            raise PermissionDenied
        attachment = get_object_or_404(Attachment.objects.restrict(request.user), pk=pk)
        target = attachment.get_absolute_url()
        try:
            archive_services.attachment_delete(actor=request.user, instance=attachment)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Removed %(name)s.") % {"name": attachment.filename})
        return redirect(target)


def _form_messages(form):
    """A form's errors as sentences naming their field."""
    result = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        result.extend(f"{label}：{error}" if label else error for error in errors)
    return result
