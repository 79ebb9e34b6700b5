"""Forms of projects: create/edit, and the small form of a lifecycle step's inputs."""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from approvals.forms import MultipleFileField
from core.forms import ServiceModelForm
from core.widgets import SearchSelectMultiple
from projects.models import Compound, Project
from projects.registry.selectors import compound_label, compounds_for_choice

from .importers import FIRST_PLAN_YEAR, LAST_PLAN_YEAR
from .services import PROJECT_EDITABLE


class CompoundChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return compound_label(obj)


class ProjectForm(ServiceModelForm):
    compounds = CompoundChoiceField(
        label=_("compounds"),
        queryset=Compound.objects.none(),
        # A province holds 40,000 compounds: the page carries the chosen ones, the rest is searched.
        widget=SearchSelectMultiple("projects:compound_search"),
    )

    class Meta:
        model = Project
        fields = ("compounds", *PROJECT_EDITABLE)
        widgets = {
            "planned_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "planned_completion": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["compounds"].queryset = compounds_for_choice(user).order_by("community__path", "name")
        if self.instance.pk:
            self.initial["compounds"] = list(self.instance.compounds.values_list("pk", flat=True))
        # The years a spreadsheet may give too: the deadlines are dated from it (year 99999: 500).
        plan_year = self.fields["plan_year"]
        plan_year.validators += [MinValueValidator(FIRST_PLAN_YEAR), MaxValueValidator(LAST_PLAN_YEAR)]
        plan_year.widget.attrs.update(min=FIRST_PLAN_YEAR, max=LAST_PLAN_YEAR)


def transition_form(transition, data=None, files=None, *, outside_note=False, starts_flow=False):
    """A small form of the inputs a step records, built from the Project fields it names.
    ``outside_note``: the step is one an approval flow under way would take, recorded by hand (it
    asks where the approval was obtained). ``starts_flow``: the step sends the project into an
    approval flow (it asks for a note to the reviewers and the files that go with it)."""
    fields = {}
    for name in transition.inputs:
        model_field = Project._meta.get_field(name)
        form_field = model_field.formfield()
        form_field.required = name in transition.required
        if isinstance(form_field, forms.DateField):
            form_field.widget = forms.DateInput(attrs={"type": "date"})
        fields[name] = form_field
    if starts_flow:
        fields["comment"] = forms.CharField(
            label=_("Note to the reviewers"),
            required=False,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 2}),
        )
        fields["attachments"] = MultipleFileField(
            label=_("Files sent with it"),
            required=False,
            help_text=_("Several at once: the plan, the budget, the residents' consent ..."),
        )
    if outside_note:
        fields["outside_note"] = forms.CharField(
            label=_("Obtained outside the portal"),
            max_length=300,
            help_text=_(
                "Where and how, e.g. 市政府常务会议纪要〔2026〕5号. The approval flow under way ends with it."
            ),
        )
    return type("TransitionForm", (forms.Form,), fields)(data, files, prefix=transition.action)
