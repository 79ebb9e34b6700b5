"""The forms of a project's money page: a plan line, a receipt, a disbursement request and the
reversal of an entry. Amounts are typed in 万元 (core.money.WanField) and cleaned to yuan; the
services check what the forms cannot see (the plan, what is left to pay out, who may)."""

import re
import secrets

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import name_empty_choice
from core.money import WanField
from funding.models import FundingPlanLine, FundingSource
from projects.lifecycle.importers import FIRST_PLAN_YEAR, LAST_PLAN_YEAR

DATE = {"type": "date"}
KEY_PATTERN = re.compile(r"^[0-9a-f]{32}$")


def new_request_key():
    """The hidden key of one rendering of the disbursement form: sent twice, it records once."""
    return secrets.token_hex(16)


class _Form(forms.Form):
    # Several of the page's forms have a source and an amount: each its own ids.
    id_prefix = ""

    def __init__(self, *args, **kwargs):
        if self.id_prefix:
            kwargs.setdefault("auto_id", f"id_{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            name_empty_choice(field)


def _positive(amount):
    if amount is not None and amount <= 0:
        raise forms.ValidationError(_("The amount must be more than zero."), code="not_positive")
    return amount


class PlanLineForm(_Form):
    """A new line of the plan: what the project plans from one source in one year."""

    id_prefix = "plan"

    source = forms.ModelChoiceField(label=_("funding source"), queryset=FundingSource.objects.none())
    year = forms.IntegerField(
        label=_("year"),
        min_value=FIRST_PLAN_YEAR,
        max_value=LAST_PLAN_YEAR,
        widget=forms.NumberInput(attrs={"min": FIRST_PLAN_YEAR, "max": LAST_PLAN_YEAR}),
    )
    amount = WanField(label=_("planned amount"))
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args, project=None, sources=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["source"].queryset = sources if sources is not None else FundingSource.objects.none()
        if not self.is_bound:
            self.initial.setdefault("year", project.plan_year if project else timezone.localdate().year)

    def clean_amount(self):
        return _positive(self.cleaned_data["amount"])

    def clean(self):
        data = super().clean()
        source, year = data.get("source"), data.get("year")
        taken = FundingPlanLine.objects.filter(project=self.project, source=source, year=year)
        if self.project is not None and source and year and taken.exists():
            self.add_error(
                "year",
                _("The plan already has a line for %(source)s in %(year)s: change that line instead.")
                % {"source": source, "year": year},
            )
        return data


class PlanLineEditForm(_Form):
    """A line's amount and note (its source and year stay: delete the line and add another)."""

    amount = WanField(label=_("planned amount"))
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def clean_amount(self):
        return _positive(self.cleaned_data["amount"])


class ReceiptForm(_Form):
    """Money that arrived (资金到位). Above the source's plan the service asks for a confirmation:
    ``confirm_over_plan`` is offered with the warning."""

    id_prefix = "receipt"

    received_on = forms.DateField(label=_("received on"), widget=forms.DateInput(attrs=DATE))
    source = forms.ModelChoiceField(label=_("funding source"), queryset=FundingSource.objects.none())
    amount = WanField(label=_("amount"))
    document_number = forms.CharField(
        label=_("document number"),
        max_length=60,
        required=False,
        help_text=_("The allocation document, e.g. 淄财建〔2026〕8号."),
    )
    account = forms.CharField(label=_("account"), max_length=100, required=False)
    note = forms.CharField(label=_("note"), max_length=200, required=False)
    confirm_over_plan = forms.BooleanField(label=_("Confirm and record"), required=False)

    def __init__(self, *args, sources=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.over_plan = ""  # the service's warning, once it gave one
        self.fields["source"].queryset = sources if sources is not None else FundingSource.objects.none()
        if not self.is_bound:
            self.initial.setdefault("received_on", timezone.localdate().isoformat())

    def clean_received_on(self):
        received_on = self.cleaned_data["received_on"]
        if received_on and received_on > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."), code="future")
        return received_on

    def clean_amount(self):
        return _positive(self.cleaned_data["amount"])


class DisbursementForm(_Form):
    """A request to pay out (资金拨付): it goes through the city's disbursement flow. The hidden key
    is made when the form is rendered: a double click or a resend records the request once."""

    id_prefix = "disbursement"

    source = forms.ModelChoiceField(label=_("funding source"), queryset=FundingSource.objects.none())
    amount = WanField(label=_("amount"))
    payee = forms.CharField(label=_("payee"), max_length=100)
    purpose = forms.CharField(label=_("purpose"), max_length=200, help_text=_("e.g. 首期工程款"))
    items = forms.ModelMultipleChoiceField(
        label=_("items paid for"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    progress_report = forms.ModelChoiceField(
        label=_("progress report paid against"), queryset=None, required=False
    )
    note = forms.CharField(label=_("note"), max_length=200, required=False)
    request_key = forms.CharField(widget=forms.HiddenInput, max_length=32)

    def __init__(self, *args, sources=None, items=None, progress_reports=None, **kwargs):
        from projects.models import ProgressReport, ProjectItem

        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = sources if sources is not None else FundingSource.objects.none()
        self.fields["items"].queryset = items if items is not None else ProjectItem.objects.none()
        self.fields["items"].label_from_instance = lambda row: row.item.name
        reports = progress_reports if progress_reports is not None else ProgressReport.objects.none()
        self.fields["progress_report"].queryset = reports
        self.fields["progress_report"].label_from_instance = lambda report: (
            _("%(date)s, %(percent)s%% complete")
            % {"date": report.reported_on.isoformat(), "percent": report.percent}
        )
        self.bad_key = False
        if not self.is_bound:
            self.initial["request_key"] = new_request_key()
        elif not KEY_PATTERN.match(str(self.data.get(self.add_prefix("request_key"), ""))):
            # Not a key this page made: refused, and shown again with a fresh one to send.
            self.bad_key = True
            self.data = self.data.copy()
            self.data[self.add_prefix("request_key")] = new_request_key()

    def clean_amount(self):
        return _positive(self.cleaned_data["amount"])

    def clean(self):
        data = super().clean()
        if self.bad_key:
            raise forms.ValidationError(_("Send the form from the page again."), code="bad_key")
        return data


class ReversalForm(_Form):
    """The reason a receipt or a released disbursement is taken back (冲销)."""

    reason = forms.CharField(
        label=_("reason for the reversal"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 金额录入错误")}),
    )
