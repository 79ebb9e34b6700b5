"""A project's money page (资金) and one small POST-only view per form on it, each calling one
service: a plan line added, changed or deleted; a receipt recorded (above the plan only once
confirmed); a disbursement requested; a receipt or a released disbursement reversed. A form with
errors is shown again on the page, keeping what was typed; a done action goes back to the page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView

from core.forms import form_messages
from core.money import format_wan
from core.permissions import can
from core.views import RestrictedViewMixin, add_service_errors
from funding import rules, services
from funding.models import Disbursement, FundingPlanLine, FundingSource, FundReceipt
from projects.models import Project

from . import forms, selectors


def page_url(project, anchor=""):
    return reverse("funding:project_funding", args=[project.pk]) + (f"#{anchor}" if anchor else "")


class ProjectFundingView(RestrictedViewMixin, DetailView):
    """The money of one project for whoever reads it: per source and in total with its rates and a
    chart, the plan by source and year, the receipts and the disbursements, and the forms the user
    may use (asked of ``selectors.money_may``; the services enforce the same)."""

    model = Project
    portal_actions = ()
    template_name = "funding/project_funding.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can(request.user, "view", FundReceipt):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def base_queryset(self):
        return Project.objects.restrict(self.request.user).select_related("region", "city")

    def get_object(self, queryset=None):
        return self.get_in_scope(self.kwargs["pk"])

    def get_context_data(self, bound=None, **kwargs):
        context = super().get_context_data(**kwargs)
        user, project = self.request.user, self.object
        money = selectors.project_money(user, project)
        may = selectors.money_may(user, project)
        context.update(money=money, may=may, **self.page_forms(money, may, bound))
        context.update(rules.proposal_context(user, project))  # templates/funding/_proposals.html
        return context

    def page_forms(self, money, may, bound):
        """The forms the user may use now; ``bound`` (kind, pk, form) is the one sent, shown again
        with its errors in its place."""
        user, project = self.request.user, self.object
        kind, bound_pk, bound_form = bound or (None, None, None)

        def form(name, pk, make):
            if (kind, bound_pk) == (name, pk):
                self.bound_placed = True
                return bound_form
            return make()

        active = FundingSource.objects.filter(active=True)
        found = {"open_form": kind}
        if may["plan_add"]:
            found["plan_form"] = form(
                "plan_add", None, lambda: forms.PlanLineForm(project=project, sources=active)
            )
        for line in money.plan_lines:
            line.edit_form = (
                form("plan_edit", line.pk, lambda line=line: _line_form(line)) if may["plan_change"] else None
            )
        if may["receive"]:
            found["receipt_form"] = form("receipt", None, lambda: forms.ReceiptForm(sources=active))
        if may["request"]:
            found["disbursement_form"] = form(
                "disbursement", None, lambda: forms.DisbursementForm(**selectors.form_choices(user, project))
            )
        for receipt in money.receipts:
            reversible = may["reverse_receipt"] and not receipt.is_reversal() and receipt.reversed_by is None
            receipt.reverse_form = (
                form("receipt_reverse", receipt.pk, lambda r=receipt: _reversal_form("receipt", r))
                if reversible
                else None
            )
        for disbursement in money.disbursements:
            reversible = (
                may["reverse_disbursement"]
                and disbursement.state == Disbursement.State.RELEASED
                and not disbursement.is_reversal()
                and disbursement.reversed_by is None
            )
            disbursement.reverse_form = (
                form(
                    "disbursement_reverse",
                    disbursement.pk,
                    lambda d=disbursement: _reversal_form("payment", d),
                )
                if reversible
                else None
            )
        return found


def _line_form(line, data=None):
    return forms.PlanLineEditForm(
        data, initial={"amount": line.amount, "note": line.note}, auto_id=f"id_line{line.pk}_%s"
    )


def _reversal_form(kind, entry, data=None):
    return forms.ReversalForm(data, auto_id=f"id_{kind}{entry.pk}_%s")


class MoneyActionView(ProjectFundingView):
    """POST only: one form through one service. Without the permission 403; a project or an entry
    outside the user's area 404; errors shown again on the page (200); done, back to the page."""

    http_method_names = ["post"]
    permission = ""
    finance_only = False
    kind = ""
    entry_model = None  # the model of the row the URL names, when it is not the project
    anchor = ""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and (
            not user.has_perm(self.permission)
            or (self.finance_only and not selectors.is_finance_bureau(user))
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def target(self):
        """The project, or the entry the URL names (in the user's area, else 404)."""
        if self.entry_model is None:
            return self.get_object()
        entry = get_object_or_404(
            self.entry_model.objects.restrict(self.request.user).select_related("project"),
            pk=self.kwargs["pk"],
        )
        if not self.base_queryset().filter(pk=entry.project_id).exists():
            raise PermissionDenied  # an entry the user reads of a project they do not: nothing to do here
        return entry

    def make_form(self, data, target):
        raise NotImplementedError

    def call(self, target, data):
        """Run the service; returns the sentence telling the user what was done."""
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        target = self.target()
        self.object = target if self.entry_model is None else target.project
        form = self.make_form(request.POST, target)
        if form.is_valid():
            try:
                done = self.call(target, form.cleaned_data)
            except ValidationError as error:
                self.service_refused(form, error)
            else:
                messages.success(request, done)
                return redirect(page_url(self.object, self.anchor))
        pk = None if self.entry_model is None else target.pk
        self.bound_placed = False
        context = self.get_context_data(bound=(self.kind, pk, form))
        if not self.bound_placed:
            # The entry no longer offers this form (reversed meanwhile, say): say why on the page.
            for message in form_messages(form):
                messages.error(request, message)
            return redirect(page_url(self.object, self.anchor))
        return self.render_to_response(context)

    def service_refused(self, form, error):
        add_service_errors(form, error)


class PlanLineAddView(MoneyActionView):
    permission = "funding.add_fundingplanline"
    kind = "plan_add"
    anchor = "plan"

    def make_form(self, data, project):
        return forms.PlanLineForm(data, project=project, sources=FundingSource.objects.filter(active=True))

    def call(self, project, data):
        line = services.plan_line_save(actor=self.request.user, project=project, **data)
        return _("Added to the plan: %(line)s.") % {"line": line}


class PlanLineEditView(MoneyActionView):
    permission = "funding.add_fundingplanline"  # what plan_line_save asks
    kind = "plan_edit"
    entry_model = FundingPlanLine
    anchor = "plan"

    def make_form(self, data, line):
        return _line_form(line, data)

    def call(self, line, data):
        line = services.plan_line_save(
            actor=self.request.user, project=line.project, source=line.source, year=line.year,
            amount=data["amount"], basis=line.basis, note=data["note"],
        )  # fmt: skip
        return _("Changed the plan: %(line)s.") % {"line": line}


class PlanLineDeleteView(MoneyActionView):
    """POST only, no form: the line goes (the page asks first)."""

    permission = "funding.delete_fundingplanline"
    entry_model = FundingPlanLine
    anchor = "plan"

    def post(self, request, *args, **kwargs):
        line = self.target()
        try:
            services.plan_line_delete(actor=request.user, line=line)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Deleted from the plan: %(line)s.") % {"line": line})
        return redirect(page_url(line.project, self.anchor))


class ReceiptAddView(MoneyActionView):
    """A receipt above the source's plan is shown again with the service's warning and a box to
    confirm; sent again with the box ticked, it is recorded."""

    permission = "funding.add_fundreceipt"
    finance_only = True
    kind = "receipt"
    anchor = "receipts"

    def make_form(self, data, project):
        return forms.ReceiptForm(data, sources=FundingSource.objects.filter(active=True))

    def call(self, project, data):
        receipt = services.receipt_record(actor=self.request.user, project=project, **data)
        return _("Recorded: %(amount)s 万元 received from %(source)s.") % {
            "amount": format_wan(receipt.amount),
            "source": receipt.source,
        }

    def service_refused(self, form, error):
        if isinstance(error, services.OverPlan):
            form.over_plan = " ".join(error.messages)
            return
        add_service_errors(form, error)


class DisbursementAddView(MoneyActionView):
    """The request goes into the city's disbursement flow. Its key (hidden, made with the form)
    is the user's own: the same form sent twice records one request."""

    permission = "funding.add_disbursement"
    kind = "disbursement"
    anchor = "disbursements"

    def make_form(self, data, project):
        return forms.DisbursementForm(data, **selectors.form_choices(self.request.user, project))

    def call(self, project, data):
        user = self.request.user
        key = f"{user.pk}-{data['request_key']}"
        if Disbursement.objects.filter(idempotency_key=key).exists():
            return _("This request had already been sent; it was recorded once.")
        disbursement = services.disbursement_request(
            actor=user, project=project, source=data["source"], amount=data["amount"], payee=data["payee"],
            purpose=data["purpose"], items=list(data["items"]), progress_report=data["progress_report"],
            note=data["note"], idempotency_key=key,
        )  # fmt: skip
        return _("Requested: %(amount)s 万元 to %(payee)s; it is under review.") % {
            "amount": format_wan(disbursement.amount),
            "payee": disbursement.payee,
        }


class ReceiptReverseView(MoneyActionView):
    permission = "funding.add_fundreceipt"
    finance_only = True
    kind = "receipt_reverse"
    entry_model = FundReceipt
    anchor = "receipts"

    def make_form(self, data, receipt):
        return _reversal_form("receipt", receipt, data)

    def call(self, receipt, data):
        counter = services.receipt_reverse(actor=self.request.user, receipt=receipt, reason=data["reason"])
        return _("Reversed: %(amount)s 万元 taken back.") % {"amount": format_wan(-counter.amount)}


class DisbursementReverseView(MoneyActionView):
    permission = "funding.reverse_disbursement"
    finance_only = True
    kind = "disbursement_reverse"
    entry_model = Disbursement
    anchor = "disbursements"

    def make_form(self, data, disbursement):
        return _reversal_form("payment", disbursement, data)

    def call(self, disbursement, data):
        counter = services.disbursement_reverse(
            actor=self.request.user, disbursement=disbursement, reason=data["reason"]
        )
        return _("Reversed: %(amount)s 万元 taken back.") % {"amount": format_wan(-counter.amount)}
