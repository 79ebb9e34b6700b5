"""The forms of the contributions page: a household's payment and its amount due, typed in yuan (a
household's share is a few thousand yuan) with 元 beside the box."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.money import YuanField

DATE = {"type": "date"}


class PaymentForm(forms.Form):
    """What a household paid, on which day, against which receipt (0 clears a payment)."""

    paid = YuanField(label=_("amount paid"), min_value=0)
    paid_on = forms.DateField(label=_("date of payment"), required=False, widget=forms.DateInput(attrs=DATE))
    receipt_number = forms.CharField(label=_("receipt number"), max_length=50, required=False)

    def clean_paid_on(self):
        day = self.cleaned_data["paid_on"]
        if day and day > timezone.localdate():
            raise ValidationError(_("The day cannot be in the future."))
        return day

    def clean(self):
        data = super().clean()
        if data.get("paid"):
            if not data.get("paid_on"):
                self.add_error("paid_on", _("Give the day it was paid."))
            if not (data.get("receipt_number") or "").strip():
                self.add_error("receipt_number", _("Give the receipt number."))
        return data


class DueForm(forms.Form):
    """A household's amount due, set by hand."""

    due = YuanField(label=_("amount due"), min_value=0)


class CalculateForm(forms.Form):
    """The calculate button: no field, the form's token makes a double click count once."""
