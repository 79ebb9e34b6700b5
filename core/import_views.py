"""Pages of spreadsheet imports, the same for every kind: upload, dry-run findings, commit,
the template, and the uploaded workbook with its errors written beside the rows."""

import io
from collections import defaultdict

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, FormView

from .importing import importer_for, importer_kinds
from .imports import import_commit, import_upload, importer_allowed
from .models import ImportBatch
from .spreadsheets import SpreadsheetError, read_table, write_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(content, filename, content_type):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(name):
    from urllib.parse import quote

    return quote(name)


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
    form_class = UploadForm

    def form_valid(self, form):
        batch = import_upload(
            actor=self.request.user, kind=self.kwargs["kind"], uploaded=form.cleaned_data["file"]
        )
        return redirect(batch.get_absolute_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(importer=self.importer_class, kind=self.kwargs["kind"])
        return context


class ImportTemplateView(KindMixin, View):
    """The template: Chinese headers, an example row, drop-down lists for coded columns."""

    def get(self, request, kind):
        from openpyxl import Workbook
        from openpyxl.comments import Comment
        from openpyxl.styles import Font, PatternFill
        from openpyxl.worksheet.datavalidation import DataValidation

        from .spreadsheets import column_letter

        columns = self.importer_class.columns
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = str(self.importer_class.label)[:31]
        sheet.append([c.header for c in columns])
        sheet.append([c.example for c in columns])
        required = PatternFill("solid", fgColor="FFF2CC")
        for index, column in enumerate(columns):
            letter = column_letter(index)
            cell = sheet[f"{letter}1"]
            cell.font = Font(bold=True)
            if column.required:
                cell.fill = required
            if column.help:
                cell.comment = Comment(str(column.help), "portal")
            sheet.column_dimensions[letter].width = column.width
            if column.choices:
                rule = DataValidation(
                    type="list",
                    formula1='"' + ",".join(column.choices) + '"',
                    allow_blank=not column.required,
                )
                rule.error = _("Choose a value from the list.")
                rule.showErrorMessage = True
                sheet.add_data_validation(rule)
                rule.add(f"{letter}2:{letter}10000")
        sheet.freeze_panes = "A2"
        buffer = io.BytesIO()
        workbook.save(buffer)
        return attachment(buffer.getvalue(), f"{self.importer_class.label}导入模板.xlsx", XLSX)


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


class ImportErrorsView(BatchMixin, View):
    """The uploaded workbook again, with a column of errors beside each rejected row."""

    def get(self, request, pk):
        from django.conf import settings

        batch = get_object_or_404(self.get_queryset(), pk=pk)
        with batch.file.open("rb") as handle:
            data = handle.read()
        try:
            table = read_table(
                data,
                batch.original_name,
                max_bytes=settings.IMPORT_MAX_BYTES,
                max_rows=settings.IMPORT_MAX_ROWS,
            )
        except SpreadsheetError:
            raise Http404 from None
        by_row = defaultdict(list)
        for error in batch.errors:
            by_row[error["row"]].append(f"{error['column']}：{error['message']}")
        headers = [_("Errors"), *table.headers]
        # Blank rows come back too, so every row stands at its number in the uploaded file.
        by_number = dict(zip(table.numbers, table.rows, strict=True))
        last = table.numbers[-1] if table.numbers else 1
        rows = [["；".join(by_row.get(n, [])), *by_number.get(n, ())] for n in range(2, last + 1)]
        stem = batch.original_name.rsplit(".", 1)[0]
        content = write_xlsx(headers, rows, widths=[60])
        return attachment(content, f"{stem}-错误标注.xlsx", XLSX)
