"""The quota table's form: a row of boxes per region (the city, then each district), each box
with its unit beside it; investment typed in 万元."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.money import UnitInput, WanField

from .selectors import FACTORS

UNITS = {name: unit for name, _label, unit in FACTORS}


def _without_separators(value):
    """What the page shows (1,539 and 118,956.00) typed back: thousands separators, full-width commas
    and spaces are dropped before the figure is read, as the 万元 box does."""
    if isinstance(value, str):
        return value.replace(",", "").replace("，", "").replace(" ", "").replace("\u3000", "")
    return value


class CountField(forms.IntegerField):
    def to_python(self, value):
        return super().to_python(_without_separators(value))


class FigureField(forms.DecimalField):
    def to_python(self, value):
        return super().to_python(_without_separators(value))


def _count(name):
    return CountField(
        label={n: label for n, label, _u in FACTORS}[name],
        required=False,
        min_value=0,
        max_value=2_000_000_000,
        widget=UnitInput(attrs={"inputmode": "numeric", "class": "text-end"}, unit=UNITS[name]),
    )


class QuotaRowForm(forms.Form):
    """One region's quota. Every box empty: the region has no quota for the year."""

    compounds = _count("compounds")
    households = _count("households")
    buildings = _count("buildings")
    floor_area = FigureField(
        label=_("building floor area"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        widget=UnitInput(attrs={"class": "text-end"}, unit="m²"),
    )
    investment = WanField(label=_("quota investment"), required=False, min_value=0)
    note = forms.CharField(
        label=_("note"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("note")}),
    )

    FIGURES = ("compounds", "households", "buildings", "floor_area", "investment")

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.region = region
        self.fields["investment"].widget.attrs.setdefault("class", "text-end")
        # The grid shows no label beside a box: a screen reader names it by its row and column.
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = f"{region.name} {field.label}"

    def is_empty(self):
        data = self.cleaned_data
        return all(data.get(name) in (None, "") for name in (*self.FIGURES, "note"))

    def figures(self):
        """The row's values for ``quota_save``: an empty box counts 0."""
        data = self.cleaned_data
        values = {name: data.get(name) or 0 for name in self.FIGURES}
        values["note"] = data.get("note") or ""
        return values


def quota_initial(quota):
    if quota is None:
        return {}
    return {name: getattr(quota, name) for name in (*QuotaRowForm.FIGURES, "note")}
