"""The survey campaign's form: kind, title, compounds (searched as typed), dates and a note."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ServiceModelForm
from core.widgets import SearchSelectMultiple
from projects.models import Compound
from projects.registry.selectors import compound_label, compounds_for_choice
from residents.models import SurveyCampaign


class CompoundChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return compound_label(obj)


class CampaignForm(ServiceModelForm):
    compounds = CompoundChoiceField(
        label=_("compounds"),
        queryset=Compound.objects.none(),
        help_text=_(
            "One compound, or a batch. A satisfaction survey only asks compounds whose project has "
            "finished construction."
        ),
        # A province holds 40,000 compounds: the page carries the chosen ones, the rest is searched.
        widget=SearchSelectMultiple("projects:compound_search"),
    )

    class Meta:
        model = SurveyCampaign
        fields = ("kind", "title", "compounds", "opens_on", "closes_on", "note")
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "closes_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["compounds"].queryset = compounds_for_choice(user).order_by("community__path", "name")
        if self.instance.pk:
            self.initial["compounds"] = list(self.instance.compounds.values_list("pk", flat=True))

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("A campaign cannot close before it opens."))
        return cleaned
