"""One row of the entry grid as the browser sends it: text typed in cells, read into the values
``residents.surveys.rules.check_answer`` judges. A cell that cannot be read (a date that is no
date, an item number the catalogue lacks) gets its message here, under the same key the rules
use, so the grid shows every message at its cell."""

import re

from django import forms
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.money import YuanField
from projects.models import ItemCategory
from residents.models import SurveyResponse
from residents.surveys.rules import category_score_key

# Item numbers are typed "3 17 40", "3,17,40" or "3、17、40".
SEPARATORS = re.compile(r"[\s,，、;；/]+")
YES = {"1", "是", "y", "yes", "true"}
NO = {"2", "否", "n", "no", "false", "0"}


def numbered_items(items):
    """{number on the paper questionnaire: item}: the catalogue's items counted from 1 in its order."""
    return dict(enumerate(items, start=1))


class EntryRowForm(forms.Form):
    """The cells of one grid row. ``items`` is the numbered catalogue, ``categories`` the item
    categories scored by a satisfaction survey (all of them when the form stands alone)."""

    entry_key = forms.UUIDField(label=gettext_lazy("entry key"))
    compound = forms.IntegerField(label=gettext_lazy("compound"), min_value=1)
    household = forms.CharField(label=gettext_lazy("household"), max_length=40)
    origin = forms.ChoiceField(label=gettext_lazy("origin"), choices=SurveyResponse.Origin.choices)
    answered_on = forms.CharField(label=gettext_lazy("answered on"), max_length=20)
    agrees = forms.ChoiceField(
        label=gettext_lazy("agrees to the renovation"),
        choices=[("", ""), *SurveyResponse.Agreement.choices],
        required=False,
    )
    wanted_items = forms.CharField(label=gettext_lazy("items wanted"), max_length=300, required=False)
    willing_to_contribute = forms.CharField(
        label=gettext_lazy("willing to contribute"), max_length=10, required=False
    )
    contribution_amount = YuanField(
        label=gettext_lazy("amount it would contribute"), min_value=0, required=False
    )
    overall_score = forms.CharField(label=gettext_lazy("overall satisfaction"), max_length=5, required=False)
    comment = forms.CharField(label=gettext_lazy("comment"), max_length=500, required=False)

    def __init__(self, *args, items=None, categories=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = numbered_items(items if items is not None else [])
        self.categories = list(categories if categories is not None else ItemCategory.objects.all())
        for category in self.categories:
            self.fields[category_score_key(category)] = forms.CharField(
                label=category.name, max_length=5, required=False
            )
        self.fields["household"].error_messages["required"] = _("Type the household as 3-2-301.")
        self.fields["answered_on"].error_messages["required"] = _("Give the day of the answer.")

    def clean_answered_on(self):
        text = self.cleaned_data["answered_on"].strip()
        try:
            day = parse_date(text)
        except ValueError:
            day = None
        if day is None:
            raise forms.ValidationError(_("Write the day as 2026-03-31."))
        return day

    def clean_wanted_items(self):
        text = self.cleaned_data["wanted_items"].strip()
        chosen, unknown = [], []
        for part in filter(None, SEPARATORS.split(text)):
            item = self.items.get(int(part)) if part.isdigit() and len(part) < 6 else None
            if item is None:
                unknown.append(part)
            elif item not in chosen:
                chosen.append(item)
        if unknown:
            raise forms.ValidationError(
                _("No item numbered %(numbers)s in the list (1–%(last)d).")
                % {"numbers": "、".join(unknown), "last": len(self.items)}
            )
        return chosen

    def clean_willing_to_contribute(self):
        text = self.cleaned_data["willing_to_contribute"].strip().lower()
        if not text:
            return None
        if text in YES:
            return True
        if text in NO:
            return False
        raise forms.ValidationError(_("Write 是 or 否."))

    def clean_overall_score(self):
        return self._score(self.cleaned_data["overall_score"])

    def clean(self):
        cleaned = super().clean()
        for category in self.categories:
            key = category_score_key(category)
            if key in cleaned and key not in self.errors:
                try:
                    cleaned[key] = self._score(cleaned[key])
                except forms.ValidationError as error:
                    self.add_error(key, error)
        return cleaned

    @staticmethod
    def _score(text):
        text = text.strip()
        if not text:
            return None
        if not (text.isdigit() and len(text) == 1 and 1 <= int(text) <= 5):
            raise forms.ValidationError(_("A score is a whole number from 1 to 5."))
        return int(text)

    def values(self):
        """What was read, as ``check_answer``'s values (the cells that could not be read left out)."""
        data = self.cleaned_data
        keys = (
            "origin", "answered_on", "agrees", "wanted_items", "willing_to_contribute",
            "contribution_amount", "overall_score", "comment",
        )  # fmt: skip
        values = {key: data[key] for key in keys if key in data}
        scores = {}
        for category in self.categories:
            key = category_score_key(category)
            if data.get(key) is not None:
                scores[category] = data[key]
        values["category_scores"] = scores
        values["entry_key"] = data.get("entry_key")
        return values
