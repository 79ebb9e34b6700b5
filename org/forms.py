"""Forms of org's portal pages; choice fields are narrowed to the user's scope."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CityPolicy, DeadlineKind, Milestone, Prerequisite, Region


class RegionForm(forms.ModelForm):
    class Meta:
        model = Region
        fields = ["parent", "level", "code", "name"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Region.objects.restrict(user, "view").exclude(level=Region.Level.COMMUNITY)
        if self.instance.pk:
            parents = parents.exclude(path__startswith=self.instance.path)
        self.fields["parent"].queryset = parents

    def _post_clean(self):
        # The service builds the path and runs full_clean(); here only the form's own checks run.
        pass


class DeadlineWidget(forms.MultiWidget):
    """A calendar row on one line: how the deadline is read, and its month or number of months."""

    # Under org/templates: widgets render through the form renderer, which reads app templates only.
    template_name = "org/widgets/deadline.html"

    def __init__(self, attrs=None):
        choices = [("", _("no deadline")), *DeadlineKind.choices]
        super().__init__(
            (
                forms.Select(choices=choices, attrs={"class": "form-select"}),
                forms.NumberInput(
                    attrs={"class": "form-control", "min": 1, "max": 36, "style": "max-width:7em"}
                ),
            ),
            attrs,
        )

    def decompress(self, value):
        return [value.get("kind", ""), value.get("value")] if value else ["", None]

    def get_context(self, name, value, attrs):
        # Bootstrap classes are the subwidgets' own; only the invalid mark comes from outside.
        invalid = (attrs or {}).get("aria-invalid")
        context = super().get_context(name, value, {"aria-invalid": invalid} if invalid else {})
        return context


class DeadlineField(forms.MultiValueField):
    widget = DeadlineWidget

    def __init__(self, **kwargs):
        fields = (
            forms.ChoiceField(choices=DeadlineKind.choices, required=False),
            forms.IntegerField(min_value=1, max_value=36, required=False),
        )
        super().__init__(fields, require_all_fields=False, required=False, **kwargs)

    def compress(self, data_list):
        kind, value = [*(data_list or ()), None, None][:2]
        if not kind:
            return None
        if value is None:
            raise forms.ValidationError(_("Give the month or the number of months."))
        return {"kind": kind, "value": value}


class CityPolicyForm(forms.ModelForm):
    prerequisites = forms.MultipleChoiceField(
        label=_("prerequisites of a project"),
        choices=Prerequisite.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = CityPolicy
        fields = [
            "city", "title", "document_number", "effective_from", "built_before", "exclude_shanty_town_areas",
            "exclude_self_built_housing", "prerequisites", "prerequisites_block_plan",
        ]  # fmt: skip
        widgets = {
            "effective_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "built_before": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = Region.objects.restrict(user).filter(level=Region.Level.CITY)
        deadlines = self.instance.deadlines or {}
        for milestone in Milestone:
            field = DeadlineField(label=_("deadline: %(milestone)s") % {"milestone": milestone.label})
            self.fields[f"deadline_{milestone.value}"] = field
            self.initial.setdefault(f"deadline_{milestone.value}", deadlines.get(milestone.value))

    def clean(self):
        cleaned = super().clean()
        cleaned["deadlines"] = {
            milestone.value: rule
            for milestone in Milestone
            if (rule := cleaned.pop(f"deadline_{milestone.value}", None))
        }
        return cleaned

    def _post_clean(self):
        pass
