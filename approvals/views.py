"""The inbox (待办), done (已办) and sent (我发起的) lists, a request's page, and one small POST-only
view per action. Lists and the page read through the selectors (``restrict()``); every action calls
one service, which checks who may act, under lock."""

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, View

from core.files import stored_file_response
from core.http import file_response
from core.pdf import PdfError
from core.views import Column, ObjectListView, RestrictedViewMixin

from . import forms, selectors, services
from .models import ApprovalRequest
from .pdf import approval_form_pdf
from .registry import fact_display, fact_label, subject_label


def _with_labels(requests):
    for request in requests:
        request.subject_label = subject_label(request.content_type.model_class())
    return requests


class RequestListView(ObjectListView):
    """One of the three lists; ``selector(user)`` gives its rows."""

    model = ApprovalRequest
    portal_actions = ()
    template_name = "approvals/request_list.html"
    selector = None
    tab = ""
    title = ""
    empty = ""
    columns = (
        Column(gettext_lazy("deadline"), "due_on", sort="due_on"),
        Column(gettext_lazy("submitted on"), "submitted_at", sort="submitted_at"),
    )

    def base_queryset(self):
        return type(self).selector(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        _with_labels(context["object_list"])
        context.update(tab=self.tab, title=self.title, empty=self.empty)
        return context


class InboxView(RequestListView):
    selector = selectors.inbox_for
    tab = "inbox"
    title = gettext_lazy("Waiting for me")
    empty = gettext_lazy("Nothing waits for your decision.")


class DoneView(RequestListView):
    selector = selectors.done_for
    tab = "done"
    title = gettext_lazy("Decided by me")
    empty = gettext_lazy("You have not decided on any request yet.")


class SentView(RequestListView):
    selector = selectors.sent_by
    tab = "sent"
    title = gettext_lazy("Sent by me")
    empty = gettext_lazy("You have not submitted any request.")


class RequestDetailView(RestrictedViewMixin, DetailView):
    """A request: its stages, who is still awaited, its timeline, what changed, and the forms the
    user may use now (asked of the selectors and the model; the services enforce the same)."""

    model = ApprovalRequest
    portal_actions = ()
    template_name = "approvals/request_detail.html"

    def base_queryset(self):
        return selectors.requests_for(self.request.user)

    def get_object(self, queryset=None):
        return self.get_in_scope(self.kwargs["pk"])

    def action_forms(self, bound=None):
        """{action: form} of the actions the user may take now; ``bound`` (action, form) replaces
        the empty form of that action (shown again with its errors)."""
        request, user = self.object, self.request.user
        seen = {"expected_stage": request.current_stage_id, "expected_round": request.round}
        found = {}
        if request.state == ApprovalRequest.State.PENDING and selectors.may_decide(user, request):
            found["approve"] = forms.ApproveForm(initial=seen, stage=request.current_stage)
            found["return"] = forms.ReturnForm(initial=seen)
            found["reject"] = forms.RejectForm(initial=seen)
        if request.can_be_withdrawn_by(user):
            found["withdraw"] = forms.WithdrawForm()
        if request.can_be_resubmitted_by(user):
            found["resubmit"] = forms.ResubmitForm(files_in_force=self.files_in_force())
        if bound is not None and bound[0] in found:
            found[bound[0]] = bound[1]
        return found

    def files_in_force(self):
        return [row for row in self.object.attachments.all() if row.removed_in_round is None]

    def get_context_data(self, bound=None, **kwargs):
        context = super().get_context_data(**kwargs)
        request = self.object
        model = request.content_type.model_class()
        subject = request.subject
        context.update(
            subject_label=subject_label(model),
            subject=subject,
            stages=selectors.stages_with_state(request),
            assignments=selectors.stage_assignments(request),
            steps=list(selectors.timeline(request)),
            changes=[
                (fact_label(model, name), fact_display(before), fact_display(after))
                for name, before, after in selectors.facts_changes(request)
            ],
            file_changes=selectors.attachment_changes(request),
            file_rounds=selectors.attachment_rounds(request),
            action_forms=self.action_forms(bound),
        )
        return context


class RequestActionView(RequestDetailView):
    """POST only: one action through one service, then back to the request's page with what
    happened. A form with errors (a missing reason) is shown again on the page."""

    http_method_names = ["post"]
    action_name = ""
    form_class = None
    done_message = ""

    def call(self, request, form):
        raise NotImplementedError

    def make_form(self, data, request):
        return self.form_class(data)

    def post(self, http_request, *args, **kwargs):
        self.object = request = self.get_object()
        form = self.make_form(http_request.POST, request)
        if not form.is_valid():
            if self.action_name in self.action_forms():
                return self.render_to_response(self.get_context_data(bound=(self.action_name, form)))
            messages.error(http_request, _("You cannot do this on this request now."))
            return redirect(request)
        try:
            self.call(request, form.cleaned_data)
        except ValidationError as error:
            fields = [name for name in getattr(error, "error_dict", {}) if name in form.fields]
            if fields:
                for name in fields:
                    form.add_error(name, error.error_dict[name])
                return self.render_to_response(self.get_context_data(bound=(self.action_name, form)))
            for message in error.messages:
                messages.error(http_request, message)
            return redirect(request)
        messages.success(http_request, str(self.done_message))
        return redirect(request)


def _seen(data):
    return {"expected_stage": data["expected_stage"], "expected_round": data["expected_round"]}


class ApproveView(RequestActionView):
    action_name = "approve"
    form_class = forms.ApproveForm
    done_message = gettext_lazy("You approved it.")

    def make_form(self, data, request):
        return self.form_class(data, stage=request.current_stage)

    def call(self, request, data):
        services.request_approve(
            request=request,
            actor=self.request.user,
            opinion=data["opinion"],
            record=data.get("record", ""),
            **_seen(data),
        )


class ReturnView(RequestActionView):
    action_name = "return"
    form_class = forms.ReturnForm
    done_message = gettext_lazy("You returned it to its submitter for revision.")

    def call(self, request, data):
        services.request_return(
            request=request, actor=self.request.user, reason=data["opinion"], **_seen(data)
        )


class RejectView(RequestActionView):
    action_name = "reject"
    form_class = forms.RejectForm
    done_message = gettext_lazy("You rejected it.")

    def call(self, request, data):
        services.request_reject(
            request=request, actor=self.request.user, reason=data["opinion"], **_seen(data)
        )


class WithdrawView(RequestActionView):
    action_name = "withdraw"
    form_class = forms.WithdrawForm
    done_message = gettext_lazy("You withdrew it.")

    def call(self, request, data):
        services.request_withdraw(request=request, actor=self.request.user, reason=data["opinion"])


class ResubmitView(RequestActionView):
    action_name = "resubmit"
    form_class = forms.ResubmitForm
    done_message = gettext_lazy("You resubmitted it: it goes back to the stage that returned it.")

    def make_form(self, data, request):
        return self.form_class(data, self.request.FILES, files_in_force=self.files_in_force())

    def call(self, request, data):
        services.request_resubmit(
            request=request,
            actor=self.request.user,
            comment=data["opinion"],
            attachments=data["attachments"],
            remove=data.get("remove", ()),
        )


class AttachmentDownloadView(RestrictedViewMixin, View):
    """A file sent with a request, to whoever may read the request; 404 to anyone else."""

    model = ApprovalRequest

    def get(self, http_request, pk):
        attachment = get_object_or_404(selectors.attachments_of(http_request.user), pk=pk)
        # ?inline=1 shows a PDF or a photo in the browser.
        inline = http_request.GET.get("inline") == "1"
        return stored_file_response(attachment.file, attachment.filename, inline=inline)


class FormPdfView(RequestDetailView):
    """The request's 审批表 as a PDF to print: every stage with its organisations, opinions, names
    and dates, to whoever may read the request."""

    def get(self, http_request, *args, **kwargs):
        self.object = request = self.get_object()
        try:
            pdf = approval_form_pdf(request, printed_by=http_request.user)
        except PdfError:
            messages.error(http_request, _("The approval form could not be made just now; try again later."))
            return redirect(request)
        name = _("Approval form %(number)s.pdf") % {"number": request.pk}
        return file_response(io.BytesIO(pdf), name, inline=True)
