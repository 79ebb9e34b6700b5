"""Forms of complaints: recording one, and the small form of each step (assign, answer, close)."""

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.filters import DATE_INPUT
from core.forms import ServiceModelForm, name_empty_choice
from core.widgets import SearchSelectMultiple
from projects.models import Compound, Project
from projects.registry.selectors import compound_label, compounds_for_choice
from residents.models import Complaint

from .services import clean_phone, handlers_for

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SearchSelect(forms.Select):
    """One compound among a province's, typed ahead (static/js/search-select.js) as the project
    form's compounds are (core.widgets.SearchSelectMultiple): only the chosen option is rendered."""

    Media = SearchSelectMultiple.Media

    def __init__(self, search_url, attrs=None):
        super().__init__(attrs)
        self.search_url = search_url

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].update(
            {
                "data-search-url": reverse(self.search_url),
                "data-placeholder": _("Type a name, code or street"),
                "data-no-results": _("Nothing matches."),
                "data-loading": _("Loading…"),
            }
        )
        return context

    def optgroups(self, name, value, attrs=None):
        everything = self.choices
        chosen = [v for v in value if str(v).isdigit()]  # junk in the POST selects nothing
        self.choices = type(everything)(everything.field)
        self.choices.queryset = everything.queryset.filter(pk__in=chosen)
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = everything


class CompoundField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return compound_label(obj)


class ComplaintForm(ServiceModelForm):
    compound = CompoundField(
        label=_("compound"),
        queryset=Compound.objects.none(),
        required=False,
        widget=SearchSelect("projects:compound_search"),
        help_text=_("The compound the complaint is about; or choose the project below."),
    )

    class Meta:
        model = Complaint
        fields = (
            "received_on", "channel", "category", "compound", "project", "complainant_name",
            "complainant_phone", "content",
        )  # fmt: skip
        widgets = {"received_on": DATE_WIDGET, "content": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["compound"].queryset = compounds_for_choice(user)
        project = self.fields["project"]
        project.queryset = Project.objects.restrict(user).order_by("-plan_year", "name")
        project.required = False
        project.help_text = _("Optional when the compound is named.")
        self.fields["received_on"].initial = timezone.localdate
        self.fields["received_on"].error_messages["invalid"] = DATE_INPUT["error_messages"]["invalid"]
        phone = self.fields["complainant_phone"]
        phone.help_text = _("A mobile or a landline; shown masked to roles that may not read it.")
        phone.widget.attrs.update(inputmode="tel", autocomplete="off")
        self.fields["complainant_name"].widget.attrs["autocomplete"] = "off"

    def clean_complainant_phone(self):
        return clean_phone(self.cleaned_data.get("complainant_phone"))


class AssignForm(forms.Form):
    handler = forms.ModelChoiceField(label=pgettext_lazy("complaint", "handled by"), queryset=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = handlers_for(user)
        name_empty_choice(self.fields["handler"])


class AnswerForm(forms.Form):
    reply = forms.CharField(label=_("reply"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    answered_on = forms.DateField(
        label=pgettext_lazy("complaint", "answered on"), initial=timezone.localdate, widget=DATE_WIDGET, required=False,
        error_messages=DATE_INPUT["error_messages"],
    )  # fmt: skip

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class CloseForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label=_("resident's satisfaction with the reply"),
        choices=Complaint.Satisfaction.choices,
        widget=forms.RadioSelect,
    )
    closed_on = forms.DateField(
        label=pgettext_lazy("complaint", "closed on"), initial=timezone.localdate, widget=DATE_WIDGET, required=False,
        error_messages=DATE_INPUT["error_messages"],
    )  # fmt: skip

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
