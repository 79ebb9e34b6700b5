"""The form of the delegation page: whom (a colleague of one's own organisation), from when, until
when, and why. ``delegation_create`` checks the colleague and the dates again."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import CHOOSE

from .selectors import colleagues_of

DATE = {"type": "date"}


class DelegationForm(forms.Form):
    delegate = forms.ModelChoiceField(
        label=_("Delegate"),
        queryset=None,
        empty_label=CHOOSE,
        help_text=_("A colleague of your organisation, who decides for you in these days."),
        error_messages={
            "required": _("Delegate: choose the colleague who decides for you."),
            "invalid_choice": _("Delegate: choose a colleague of your own organisation."),
        },
    )
    starts_on = forms.DateField(
        label=_("From"),
        widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        error_messages={
            "required": _("From: give the first day."),
            "invalid": _("From: write the date as year-month-day, e.g. 2026-12-01."),
        },
    )
    ends_on = forms.DateField(
        label=_("Until"),
        widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        help_text=_("The last day the colleague decides for you, included."),
        error_messages={
            "required": _("Until: give the last day."),
            "invalid": _("Until: write the date as year-month-day, e.g. 2026-12-01."),
        },
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=200,
        help_text=_("Optional, e.g. 年休假."),
        error_messages={"max_length": _("Reason: at most %(limit_value)d characters.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delegate"].queryset = colleagues_of(user)
        self.fields["starts_on"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and starts_on < timezone.localdate():
            self.add_error("starts_on", _("From: the first day is today or later."))
        elif starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("Until: the last day comes before the first day."))
        return data
