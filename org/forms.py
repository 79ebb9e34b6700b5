"""Forms of org's portal pages; choice fields are narrowed to the user's scope."""

from django import forms

from core.forms import ServiceModelForm

from .models import CityPolicy, Region
from .policy import POLICY_FIELDS, policy_sections


class RegionForm(ServiceModelForm):
    class Meta:
        model = Region
        fields = ["parent", "level", "code", "name"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        parents = Region.objects.restrict(user, "view").exclude(level=Region.Level.COMMUNITY)
        if self.instance.pk:
            parents = parents.exclude(path__startswith=self.instance.path)
        self.fields["parent"].queryset = parents


class CityPolicyForm(ServiceModelForm):
    """The policy document and, below it, each app's section of rules (org.policy), each with its
    own form; the page shows them as one form, and the service takes their fields as one set."""

    class Meta:
        model = CityPolicy
        fields = POLICY_FIELDS
        widgets = {"effective_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["city"].queryset = Region.objects.restrict(user).filter(level=Region.Level.CITY)
        data = self.data if self.is_bound else None
        self.sections = [
            (section, section.form_class(data, instance=section.rules_of(self.instance), user=user))
            for section in policy_sections()
        ]

    def clean(self):
        cleaned = super().clean()
        for _section, form in self.sections:
            if form.is_valid():
                cleaned.update(form.cleaned_data)
            else:  # shown at the section's own fields; listed here so the form as a whole says it too
                self._errors.update(form.errors)
        return cleaned

    def is_valid(self):
        valid = super().is_valid()  # runs clean(), which checks the sections' forms too
        return valid and all(form.is_valid() for _section, form in self.sections)

    def has_field(self, name):
        return name in self.fields or any(name in form.fields for _section, form in self.sections)

    def add_error(self, field, error):
        for _section, form in self.sections:
            if field is not None and field not in self.fields and field in form.fields:
                return form.add_error(field, error)
        return super().add_error(field, error)
