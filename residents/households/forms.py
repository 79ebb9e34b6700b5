"""The household form, and the reason asked before a household's personal data is shown in full."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import CHOOSE, ServiceModelForm
from projects.models import Building
from residents.models import Household
from residents.privacy import sees_personal_data

from .services import EDITABLE, PERSONAL


class HouseholdForm(ServiceModelForm):
    """A household of one compound: its building is chosen among that compound's buildings. A user
    who reads personal data masked never gets it in full in the form either: the boxes start empty
    and an empty box keeps what was saved."""

    class Meta:
        model = Household
        fields = EDITABLE
        widgets = {
            "phone": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 11}),
            "head_name": forms.TextInput(attrs={"autocomplete": "off"}),
        }

    def __init__(self, *args, user, compound=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.compound = compound or self.instance.compound
        building = self.fields["building"]
        # Any building the user may see is read back, so one of another compound is refused with
        # the model's own message at the field; the list offers this compound's only.
        building.queryset = Building.objects.restrict(user)
        building.widget.choices = [("", CHOOSE)] + [
            (b.pk, b.number) for b in Building.objects.restrict(user).filter(compound=self.compound)
        ]
        self.kept = {}
        if self.instance.pk and not sees_personal_data(user):
            for name, mask in PERSONAL.items():
                value = getattr(self.instance, name)
                self.initial[name] = ""
                if value:
                    self.kept[name] = value
                    self.fields[name].widget.attrs["placeholder"] = mask(value)
                    self.fields[name].help_text = _("Shown masked; leave it empty to keep what was saved.")

    def clean(self):
        cleaned = super().clean()
        for name, value in self.kept.items():
            if not cleaned.get(name) and name not in self.errors:
                cleaned[name] = value
        return cleaned


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why you need to see it"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": _("Say why you need to see the full name and phone number.")},
    )
