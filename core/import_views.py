"""Pages of spreadsheet imports, the same for every kind: upload, dry-run findings, commit,
the template, and the uploaded workbook with its errors written beside the rows."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, FormView

from .http import XLSX, attachment
from .importing import GUIDE_HEADERS, importer_for, importer_kinds
from .imports import import_commit, import_errors_workbook, import_retry, import_upload, importer_allowed
from .models import ImportBatch
from .spreadsheets import write_template
from .views import FORM_PAGE_METHODS


class KindMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if kwargs.get("kind") not in importer_kinds():
            raise Http404
        self.importer_class = importer_for(kwargs["kind"])
        if not importer_allowed(request.user, kwargs["kind"]):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class ImportStartView(KindMixin, FormView):
    template_name = "core/import_start.html"
    http_method_names = FORM_PAGE_METHODS
    form_class = UploadForm

    def form_valid(self, form):
        batch = import_upload(
            actor=self.request.user, kind=self.kwargs["kind"], uploaded=form.cleaned_data["file"]
        )
        return redirect(batch.get_absolute_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            importer=self.importer_class, kind=self.kwargs["kind"], guide=self.importer_class.guide()
        )
        return context


class ImportTemplateView(KindMixin, View):
    """The template: Chinese headers, an example row, drop-down lists for coded columns, and the
    column guide of the import page as a second sheet."""

    def get(self, request, kind):
        label = str(self.importer_class.label)
        yes = _("yes")
        guide = [
            GUIDE_HEADERS,
            *(
                (row.header, row.meaning, yes if row.required else "", row.format, row.allowed, row.example)
                for row in self.importer_class.guide()
            ),
        ]
        content = write_template(
            self.importer_class.columns,
            sheet_title=label,
            choice_error=_("Choose a value from the list."),
            guide=guide,
            guide_title=_("How to fill in"),
        )
        return attachment(content, f"{label}导入模板.xlsx", XLSX)


class BatchMixin(LoginRequiredMixin):
    def get_queryset(self):
        return ImportBatch.objects.restrict(self.request.user)


class ImportBatchView(BatchMixin, DetailView):
    template_name = "core/importbatch_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["importer"] = importer_for(self.object.kind)
        context["shown_errors"] = self.object.errors[:500]
        return context


class ImportCommitView(BatchMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        batch = get_object_or_404(self.get_queryset(), pk=pk)
        batch = import_commit(actor=request.user, batch=batch)
        if batch.status == ImportBatch.Status.COMMITTED:
            messages.success(request, _("The whole file was saved."))
        elif batch.status == ImportBatch.Status.CHECKED and batch.errors:
            messages.error(request, _("Nothing was saved: the file has errors."))
        return redirect(batch.get_absolute_url())


class ImportRetryView(BatchMixin, View):
    """POST: check a batch again after its check or commit failed."""

    http_method_names = ["post"]

    def post(self, request, pk):
        batch = import_retry(actor=request.user, batch=get_object_or_404(self.get_queryset(), pk=pk))
        return redirect(batch.get_absolute_url())


class ImportErrorsView(BatchMixin, View):
    """The uploaded workbook again, with a column of errors beside each rejected row."""

    def get(self, request, pk):
        batch = get_object_or_404(self.get_queryset(), pk=pk)
        content = import_errors_workbook(batch)
        if content is None:
            raise Http404
        stem = batch.original_name.rsplit(".", 1)[0]
        return attachment(content, f"{stem}-错误标注.xlsx", XLSX)
