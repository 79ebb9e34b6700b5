"""The form of the item catalogue."""

from django import forms

from projects.models import RenovationItem

from .services import ITEM_FIELDS


class RenovationItemForm(forms.ModelForm):
    class Meta:
        model = RenovationItem
        fields = ITEM_FIELDS

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)

    def _post_clean(self):
        pass
