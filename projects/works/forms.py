"""Forms of a project's items, progress, inspections, prerequisites and archive."""

from django import forms
from django.forms import formset_factory, modelformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import ServiceModelForm
from core.money import WanField
from projects.catalogue.selectors import offered_basic_items
from projects.models import Finding, ProjectItem, RenovationItem

from .services import PROJECT_ITEM_FIELDS

DATE = {"type": "date"}


class ItemSelect(forms.Select):
    """Items grouped by category; each option carries its unit and default payer for the grid."""

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.items = {str(item.pk): item for item in items}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        item = self.items.get(str(getattr(value, "value", value)))
        if item is not None:
            option["attrs"].update({"data-unit": item.unit, "data-payer": item.default_payer})
        return option


MONEY_FIELDS = ("estimated_cost", "bid_price", "actual_cost")


def item_choices(items):
    groups = {}
    for item in items:
        groups.setdefault(item.category.name, []).append((item.pk, item.name))
    return [("", _("choose an item")), *groups.items()]


class ProjectItemForm(ServiceModelForm):
    class Meta:
        model = ProjectItem
        fields = PROJECT_ITEM_FIELDS
        widgets = {"note": forms.TextInput(attrs={"placeholder": _("note")})}
        # Stored in yuan, typed and read in 万元 (docs/money.md).
        field_classes = dict.fromkeys(MONEY_FIELDS, WanField)

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)  # the service checks the whole grid at once
        self.fields["item"].queryset = RenovationItem.objects.filter(pk__in=[i.pk for i in items])
        self.fields["item"].choices = item_choices(items)
        self.fields["item"].widget = ItemSelect(items=items, choices=self.fields["item"].choices)
        self.fields["payer"].required = False  # empty: the item's default payer
        self.fields["payer"].choices = [("", _("item default")), *RenovationItem.Payer.choices]
        for name in ("quantity", *MONEY_FIELDS, "progress"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "class": "text-end"})


ProjectItemFormSet = modelformset_factory(ProjectItem, form=ProjectItemForm, extra=3, can_delete=True)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png", "multiple": True})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class ProgressReportForm(forms.Form):
    reported_on = forms.DateField(label=_("date"), widget=forms.DateInput(attrs=DATE))
    percent = forms.IntegerField(label=_("complete (%)"), min_value=0, max_value=100)
    investment_to_date = WanField(label=_("investment completed to date"), min_value=0)
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    photos = MultipleFileField(
        label=_("photos"), required=False, help_text=_("JPEG or PNG; several at once.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("reported_on", timezone.localdate().isoformat())


class InspectionForm(forms.Form):
    inspected_on = forms.DateField(label=_("inspection date"), widget=forms.DateInput(attrs=DATE))
    inspector = forms.CharField(label=_("inspected by"), max_length=100)
    summary = forms.CharField(label=_("summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class FindingForm(forms.Form):
    description = forms.CharField(label=_("finding"), max_length=300)
    severity = forms.ChoiceField(label=_("severity"), choices=Finding.Severity.choices, initial="general")
    requested_item = forms.ModelChoiceField(
        label=_("basic item asked for"),
        queryset=RenovationItem.objects.none(),
        required=False,
        empty_label=_("none"),
        help_text=_("When the finding is a missing basic item (基础类应改尽改)."),
    )
    deadline = forms.DateField(label=_("rectify by"), widget=forms.DateInput(attrs=DATE))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requested_item"].queryset = offered_basic_items()


# Bounded: a POST claiming 2,000 findings (Django's absolute maximum) took ~50 s to answer.
FindingFormSet = formset_factory(FindingForm, extra=3, max_num=100, absolute_max=100)


class FindingCloseForm(forms.Form):
    closed_on = forms.DateField(label=_("closed on"), widget=forms.DateInput(attrs=DATE))
    closure_note = forms.CharField(label=_("how it was put right"), max_length=300)
