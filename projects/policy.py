"""The projects' section of a city's policy (org.policy): the form that edits ProjectPolicy —
eligibility, prerequisites, and the deadline calendar entered one row per milestone — and its
registration. What a change recomputes is registered by the parts that derive from it
(registry.jobs: eligibility; lifecycle.jobs: deadlines)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ServiceModelForm
from org.policy import PolicySection, register_policy_section

from .models import DeadlineKind, Milestone, Prerequisite, ProjectPolicy
from .models.policy import deadline_error

RULE_FIELDS = (
    "built_before", "exclude_shanty_town_areas", "exclude_self_built_housing", "prerequisites",
    "prerequisites_block_plan", "deadlines",
)  # fmt: skip


class DeadlineWidget(forms.MultiWidget):
    """A calendar row on one line: how the deadline is read, and its month or number of months."""

    # Under projects/templates: widgets render through the form renderer, which reads app templates only.
    template_name = "projects/widgets/deadline.html"

    def __init__(self, attrs=None):
        choices = [("", _("no deadline")), *DeadlineKind.choices]
        super().__init__(
            (
                forms.Select(choices=choices, attrs={"class": "form-select"}),
                forms.NumberInput(attrs={"class": "form-control deadline-value", "min": 1, "max": 36}),
            ),
            attrs,
        )

    def decompress(self, value):
        return [value.get("kind", ""), value.get("value")] if value else ["", None]

    def get_context(self, name, value, attrs):
        # Bootstrap classes are the subwidgets' own; only the invalid mark comes from outside.
        invalid = (attrs or {}).get("aria-invalid")
        return super().get_context(name, value, {"aria-invalid": invalid} if invalid else {})


class DeadlineField(forms.MultiValueField):
    """One milestone's row of the calendar, checked by the model's own rule (deadline_error)."""

    widget = DeadlineWidget

    def __init__(self, milestone, **kwargs):
        self.milestone = milestone
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
        rule = {"kind": kind, "value": value}
        if error := deadline_error(self.milestone.value, rule):
            raise forms.ValidationError(error)
        return rule


class ProjectPolicyForm(ServiceModelForm):
    prerequisites = forms.MultipleChoiceField(
        label=_("prerequisites of a project"),
        choices=Prerequisite.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ProjectPolicy
        fields = [name for name in RULE_FIELDS if name != "deadlines"]
        widgets = {"built_before": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        deadlines = (self.instance.deadlines if self.instance.pk else None) or {}
        for milestone in Milestone:
            field = DeadlineField(
                milestone, label=_("deadline: %(milestone)s") % {"milestone": milestone.label}
            )
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

    def has_field(self, name):
        return name in self.fields or name == "deadlines"


def register():
    register_policy_section(
        PolicySection(
            key="projects",
            label=_("Compounds and projects"),
            model=ProjectPolicy,
            fields=RULE_FIELDS,
            form_class=ProjectPolicyForm,
            template="projects/_policy_rules.html",
            order=10,
        )
    )
