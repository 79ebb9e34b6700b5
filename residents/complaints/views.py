"""Pages of complaints: the list (and its .xlsx export), one complaint with its steps and history,
the form that records one, a POST-only view per step (assign, answer, close), and the statistics.
Names and phone numbers are shown as residents.privacy lets the user read them."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.generic import TemplateView

from core.forms import form_messages
from core.permissions import can
from core.views import Column, ObjectDetailView, ObjectEditView, ObjectListView, add_service_errors
from residents.models import Complaint
from residents.privacy import sees_personal_data

from . import exports, forms, services
from .filters import ComplaintFilter, StatsForm
from .selectors import complaint_stats, complaints_for_list, days_overdue


class ComplaintListView(ObjectListView):
    """Complaints of the user's area, newest first; overdue ones flagged with their days overdue.
    ``?export=xlsx`` downloads the filtered rows, masked as the page shows them."""

    model = Complaint
    portal_actions = ("add",)
    template_name = "residents/complaints/complaint_list.html"
    filterset_class = ComplaintFilter
    sort_default = "-received_on"
    columns = (
        Column(gettext_lazy("complaint number"), "number", link=True, sort="number"),
        Column(pgettext_lazy("complaint", "received on"), "received_on", sort="received_on"),
        Column(gettext_lazy("channel"), "get_channel_display", sort="channel"),
        Column(pgettext_lazy("complaint", "category"), "get_category_display", sort="category"),
        Column(gettext_lazy("compound or project"), "subject"),
        Column(gettext_lazy("complainant"), "complainant_name"),
        Column(gettext_lazy("complainant's phone"), "complainant_phone"),
        Column(pgettext_lazy("complaint", "handled by"), "handler"),
        Column(gettext_lazy("answer due by"), "deadline", sort="deadline"),
        Column(gettext_lazy("status"), "get_status_display", sort="status"),
    )

    def base_queryset(self):
        return complaints_for_list(self.request.user)

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            queryset = self.get_queryset()
            return exports.complaints_export(user=request.user, queryset=queryset, filterset=self.filterset)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        for complaint in context["object_list"]:
            complaint.days_overdue = days_overdue(complaint, today)
        context["full"] = sees_personal_data(self.request.user)
        return context


class ComplaintDetailView(ObjectDetailView):
    """One complaint: what, who, where, the steps taken and the form of the next one the user may take."""

    model = Complaint
    portal_actions = ()
    related = ("compound__community", "project", "region", "handler", "recorded_by")
    template_name = "residents/complaints/complaint_detail.html"

    def get_object(self, queryset=None):
        return self.get_in_scope(self.kwargs["pk"])

    def get_context_data(self, bound=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(step_forms(self.request.user, self.object, bound))
        context["days_overdue"] = days_overdue(self.object)
        context["full"] = sees_personal_data(self.request.user)
        return context


STEPS = {
    Complaint.Status.RECEIVED: ("assign",),
    Complaint.Status.ASSIGNED: ("assign", "answer"),
    Complaint.Status.ANSWERED: ("close",),
    Complaint.Status.CLOSED: (),
}
STEP_FORMS = {"assign": forms.AssignForm, "answer": forms.AnswerForm, "close": forms.CloseForm}


def step_forms(user, complaint, bound=None):
    """The forms of the steps the complaint's status offers, when the user may change it; ``bound``
    (step, form) is the form sent, shown again with its errors."""
    if not can(user, "change", Complaint) or not Complaint.scope.covers(user, complaint):
        return {"step_forms": {}}
    kind, bound_form = bound or (None, None)
    found = {}
    for step in STEPS[complaint.status]:
        if step == kind:
            found[step] = bound_form
        else:
            initial = {"handler": complaint.handler_id} if step == "assign" else None
            found[step] = STEP_FORMS[step](user=user, initial=initial, prefix=step)
    return {"step_forms": found}


class ComplaintStepView(ComplaintDetailView):
    """POST only: one step through one service. Without the permission 403; a complaint outside the
    user's area 404; a form with errors shown again on the page (200); done, back to the page."""

    http_method_names = ["post"]
    action = "change"
    step = ""

    def call(self, complaint, data):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        self.object = complaint = self.get_object()
        form = STEP_FORMS[self.step](request.POST, user=request.user, prefix=self.step)
        if form.is_valid():
            try:
                done = self.call(complaint, form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, done)
                return redirect(complaint.get_absolute_url())
        if self.step not in STEPS[complaint.status]:
            # The step no longer applies (taken meanwhile, say): say why on the page.
            for message in form_messages(form):
                messages.error(request, message)
            return redirect(complaint.get_absolute_url())
        context = self.get_context_data(object=complaint, bound=(self.step, form))
        return self.render_to_response(context)


class ComplaintAssignView(ComplaintStepView):
    step = "assign"

    def call(self, complaint, data):
        done = services.complaint_assign(
            actor=self.request.user, complaint=complaint, handler=data["handler"]
        )
        return _("%(number)s is handled by %(handler)s.") % {"number": done.number, "handler": done.handler}


class ComplaintAnswerView(ComplaintStepView):
    step = "answer"

    def call(self, complaint, data):
        done = services.complaint_answer(
            actor=self.request.user, complaint=complaint, reply=data["reply"], answered_on=data["answered_on"]
        )
        return _("%(number)s is answered.") % {"number": done.number}


class ComplaintCloseView(ComplaintStepView):
    step = "close"

    def call(self, complaint, data):
        done = services.complaint_close(
            actor=self.request.user,
            complaint=complaint,
            satisfaction=data["satisfaction"],
            closed_on=data["closed_on"],
        )
        return _("%(number)s is closed.") % {"number": done.number}


class ComplaintAddView(ObjectEditView):
    """Record a complaint; its number, area and deadline are the service's."""

    model = Complaint
    form_class = forms.ComplaintForm
    create_service = services.complaint_record
    template_name = "residents/complaints/complaint_form.html"


class ComplaintStatsView(LoginRequiredMixin, TemplateView):
    """Complaints by area (rows) and category (columns), with the overdue ones, the rate answered on
    time and the residents' satisfaction, for a year or a period; ``?export=xlsx`` downloads it."""

    template_name = "residents/complaints/complaint_stats.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not can(request.user, "view", Complaint):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        self.form = StatsForm(request.GET, user=request.user)
        self.date_from, self.date_to, district = self.form.period()
        self.stats = complaint_stats(
            request.user, date_from=self.date_from, date_to=self.date_to, district=district
        )
        if request.GET.get("export") == "xlsx":
            return exports.stats_export(
                user=request.user, stats=self.stats, date_from=self.date_from, date_to=self.date_to
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("export", None)
        context.update(
            form=self.form,
            stats=self.stats,
            date_from=self.date_from,
            date_to=self.date_to,
            querystring=query.urlencode(),
        )
        return context
