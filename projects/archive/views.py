"""Actions on a project's archive: tick or untick a prerequisite, add, download or remove a file."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from core.files import stored_file_response
from core.forms import form_messages
from projects.lifecycle.views import RecordActionView
from projects.models import Attachment, ProjectPrerequisite

from . import services as archive_services
from .forms import AttachmentForm, PrerequisiteForm


class PrerequisiteRecordView(RecordActionView):
    model = ProjectPrerequisite
    action = "add"
    http_method_names = ["post"]

    def post(self, request, pk, kind):
        self.project = self.get_project()
        form = PrerequisiteForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.refused(
                ValidationError(form_messages(form)), self.project.get_absolute_url() + "#prerequisites"
            )
        try:
            row = archive_services.prerequisite_record(
                actor=request.user, project=self.project, kind=kind, met_on=form.cleaned_data["met_on"],
                note=form.cleaned_data["note"], upload=form.cleaned_data["file"],
            )  # fmt: skip
        except ValidationError as error:
            return self.refused(error, self.project.get_absolute_url() + "#prerequisites")
        messages.success(request, _("Recorded: %(prerequisite)s.") % {"prerequisite": row.get_kind_display()})
        return redirect(self.project.get_absolute_url() + "#prerequisites")


class PrerequisiteClearView(RecordActionView):
    model = ProjectPrerequisite
    action = "delete"
    http_method_names = ["post"]

    def post(self, request, pk, kind):
        self.project = self.get_project()
        try:
            archive_services.prerequisite_clear(actor=request.user, project=self.project, kind=kind)
        except ValidationError as error:
            return self.refused(error, self.project.get_absolute_url() + "#prerequisites")
        return redirect(self.project.get_absolute_url() + "#prerequisites")


class AttachmentUploadView(RecordActionView):
    model = Attachment
    action = "add"
    http_method_names = ["post"]

    def post(self, request, pk):
        self.project = self.get_project()
        form = AttachmentForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.refused(
                ValidationError(form_messages(form)), self.project.get_absolute_url() + "#attachments"
            )
        try:
            attachment = archive_services.attachment_upload(
                actor=request.user, project=self.project, upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"], description=form.cleaned_data["description"],
            )  # fmt: skip
        except ValidationError as error:
            return self.refused(error, self.project.get_absolute_url() + "#attachments")
        messages.success(request, _("Added %(name)s.") % {"name": attachment.filename})
        return redirect(self.project.get_absolute_url() + "#attachments")


class AttachmentDownloadView(RecordActionView):
    """The only way out for an archived file: the role's permission and the project's scope."""

    model = Attachment

    def get(self, request, pk):
        attachment = self.get_record()
        # ?inline=1 shows a photo (thumbnails on the project page) or a PDF in the browser.
        inline = request.GET.get("inline") == "1"
        return stored_file_response(attachment.file, attachment.filename, inline=inline)


class AttachmentDeleteView(RecordActionView):
    model = Attachment
    action = "delete"
    http_method_names = ["post"]

    def post(self, request, pk):
        attachment = self.get_record()
        try:
            unticked = archive_services.attachment_delete(actor=request.user, instance=attachment)
        except ValidationError as error:
            return self.refused(error, attachment.get_absolute_url())
        messages.success(request, _("Removed %(name)s.") % {"name": attachment.filename})
        for prerequisite in unticked:
            messages.warning(
                request,
                _("“%(prerequisite)s” is no longer ticked as met: %(name)s was its evidence.")
                % {"prerequisite": prerequisite.label, "name": attachment.filename},
            )
        return redirect(attachment.get_absolute_url())
